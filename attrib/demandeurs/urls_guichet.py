from django.urls import path

from attrib.demandeurs import views_guichet

app_name = "demandeurs_guichet"

urlpatterns = [
    path("demandes/<int:pk>/courrier/", views_guichet.courrier_emettre, name="courrier_emettre"),
    path("courriers/<int:pk>/", views_guichet.courrier, name="courrier"),
]
