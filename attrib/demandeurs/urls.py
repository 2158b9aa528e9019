from django.urls import path

from attrib.demandeurs import views

app_name = "demandeurs"

urlpatterns = [
    path("", views.espace, name="espace"),
    path("connexion/", views.connexion, name="connexion"),
    path("deconnexion/", views.deconnexion, name="deconnexion"),
    path("inscription/", views.inscription, name="inscription"),
    path("verifier/<str:jeton>/", views.verifier, name="verifier"),
    path("franceconnect/", views.franceconnect_debut, name="franceconnect"),
    path("franceconnect/retour/", views.franceconnect_retour, name="franceconnect_retour"),
    path("lier/", views.lier, name="lier"),
    path("demandes/<int:pk>/", views.demande, name="demande"),
    path("demandes/<int:pk>/acces/", views.acces_donner, name="acces_donner"),
    path("demandes/<int:pk>/acces/<int:liaison_pk>/retirer/", views.acces_retirer, name="acces_retirer"),
]

# Online filing (issue 13, point 3; decision 0029).
from attrib.demandeurs import views_depot  # noqa: E402

urlpatterns += [
    path("deposer/", views_depot.deposer, name="deposer"),
    path("deposer/<slug:etape>/", views_depot.deposer_etape, name="deposer_etape"),
    path("demandes/<int:pk>/attestation/", views_depot.attestation, name="attestation"),
]
