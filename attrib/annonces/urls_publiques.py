"""Public pages of location voulue (``/territoire/annonces/``), open without login: the outcomes of a territory's
adverts, their published ranking data, and how to replay a ranking."""

from django.urls import path

from attrib.annonces import views_publiques

app_name = "annonces_publiques"

urlpatterns = [
    path("", views_publiques.territoires, name="territoires"),
    path("<str:siren>/", views_publiques.resultats, name="resultats"),
    path("<str:siren>/verifier-un-classement/", views_publiques.verifier, name="verifier"),
    path("<str:siren>/<str:reference>/classement.json", views_publiques.classement, name="classement"),
]
