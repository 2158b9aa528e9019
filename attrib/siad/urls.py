"""Public pages of the territory's reception and information service, open without login (decision 0030)."""

from django.urls import path

from attrib.siad import views

app_name = "siad"

urlpatterns = [
    path("", views.territoires, name="territoires"),
    path("<str:siren>/", views.accueil, name="accueil"),
    path("<str:siren>/lieux/", views.lieux, name="lieux"),
    path("<str:siren>/lieux/<int:pk>/", views.lieu, name="lieu"),
    path("<str:siren>/creneaux/<int:pk>/reserver/", views.reserver, name="reserver"),
    path("<str:siren>/rendez-vous/<str:jeton>/", views.rendez_vous, name="rendez_vous"),
    path("<str:siren>/comment-ca-marche/", views.fonctionnement, name="fonctionnement"),
    path("<str:siren>/chiffres-cles/", views.chiffres, name="chiffres"),
]
