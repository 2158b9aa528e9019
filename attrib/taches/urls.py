from django.urls import path

from attrib.taches import views

app_name = "taches"
urlpatterns = [
    path("", views.mes_travaux, name="mes_travaux"),
    path("<int:pk>/", views.travail, name="travail"),
    path("<int:pk>/etat.json", views.travail_etat, name="travail_etat"),
    path("<int:pk>/fichier", views.travail_fichier, name="travail_fichier"),
]
