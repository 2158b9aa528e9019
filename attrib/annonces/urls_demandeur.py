"""The household's pages of location voulue, in its applicant space (``/mon-espace/annonces/``)."""

from django.urls import path

from attrib.annonces import views_demandeur

app_name = "annonces_demandeur"

urlpatterns = [
    path("", views_demandeur.logements, name="logements"),
    path("candidatures/", views_demandeur.candidatures, name="candidatures"),
    path("candidatures/<int:pk>/retirer/", views_demandeur.retirer, name="retirer"),
    path("<int:pk>/", views_demandeur.annonce, name="annonce"),
    path("<int:pk>/candidater/", views_demandeur.candidater, name="candidater"),
    path("<int:pk>/photos/<int:photo_pk>/", views_demandeur.photo, name="photo"),
]
