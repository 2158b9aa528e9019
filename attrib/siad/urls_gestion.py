"""Staff pages of the reception places: the managers and members of the organisation that runs each place."""

from django.urls import path

from attrib.siad import views_gestion as views

app_name = "siad_gestion"

urlpatterns = [
    path("lieux/", views.lieux, name="lieux"),
    path("lieux/nouveau/", views.lieu_nouveau, name="lieu_nouveau"),
    path("lieux/<int:pk>/", views.agenda, name="agenda"),
    path("lieux/<int:pk>/modifier/", views.lieu_modifier, name="lieu_modifier"),
    path("lieux/<int:pk>/horaires/", views.horaires, name="horaires"),
    path("lieux/<int:pk>/creneaux/", views.serie, name="serie"),
    path("lieux/<int:pk>/journal/", views.journal, name="journal"),
    path("creneaux/<int:pk>/supprimer/", views.creneau_supprimer, name="creneau_supprimer"),
    path("rendez-vous/<int:pk>/annuler/", views.rendez_vous_annuler, name="rendez_vous_annuler"),
    path("rendez-vous/<int:pk>/honore/", views.rendez_vous_honore, name="rendez_vous_honore"),
]
