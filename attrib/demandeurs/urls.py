from django.urls import path

from attrib.demandeurs import views, views_actes, views_compte, views_labels, views_offres

app_name = "demandeurs"

urlpatterns = [
    path("", views.espace, name="espace"),
    path("connexion/", views.connexion, name="connexion"),
    path("deconnexion/", views_compte.deconnexion, name="deconnexion"),
    path("inscription/", views.inscription, name="inscription"),
    path("verifier/<str:jeton>/", views.verifier, name="verifier"),
    path("franceconnect/", views.franceconnect_debut, name="franceconnect"),
    path("franceconnect/retour/", views.franceconnect_retour, name="franceconnect_retour"),
    path("lier/", views.lier, name="lier"),
    path("demandes/<int:pk>/", views.demande, name="demande"),
    path("demandes/<int:pk>/acces/", views.acces_donner, name="acces_donner"),
    path("demandes/<int:pk>/acces/<int:liaison_pk>/retirer/", views.acces_retirer, name="acces_retirer"),
    # The household's own acts on its demand (decision 0027).
    path("demandes/<int:pk>/pieces/<int:piece_pk>/", views_actes.piece_deposer, name="piece_deposer"),
    path("demandes/<int:pk>/pieces/<int:piece_pk>/fichier/", views_actes.piece_fichier, name="piece_fichier"),
    path("demandes/<int:pk>/modifier/<str:section>/", views_actes.modifier, name="modifier"),
    path("demandes/<int:pk>/renouveler/", views_actes.renouveler, name="renouveler"),
    path("demandes/<int:pk>/labels/proposer/", views_labels.label_proposer, name="label_proposer"),
    path("demandes/<int:pk>/partage/donner/", views_labels.partage_donner, name="partage_donner"),
    path("demandes/<int:pk>/partage/retirer/", views_labels.partage_retirer, name="partage_retirer"),
    path("demandes/<int:pk>/retirer/", views_actes.retirer, name="retirer"),
]

# Answering an offer online (decision 0028).
urlpatterns += [
    path("demandes/<int:pk>/offres/<int:offre_pk>/", views_offres.offre, name="offre"),
    path("demandes/<int:pk>/offres/<int:offre_pk>/courrier/", views_offres.offre_courrier, name="offre_courrier"),
]

# The account: FranceConnect's logout return, « Mot de passe oublié » (decision 0028).
urlpatterns += [
    path("franceconnect/deconnexion/", views_compte.franceconnect_deconnexion, name="franceconnect_deconnexion"),
    path("mot-de-passe/", views_compte.mot_de_passe_oublie, name="mot_de_passe_oublie"),
    path("mot-de-passe/change/", views_compte.mot_de_passe_change, name="mot_de_passe_change"),
    path("mot-de-passe/<str:uidb64>/<str:token>/", views_compte.mot_de_passe_nouveau, name="mot_de_passe_nouveau"),
]

# Online filing (issue 13, point 3; decision 0029).
from attrib.demandeurs import views_depot  # noqa: E402

urlpatterns += [
    path("deposer/", views_depot.deposer, name="deposer"),
    path("deposer/<slug:etape>/", views_depot.deposer_etape, name="deposer_etape"),
    path("demandes/<int:pk>/attestation/", views_depot.attestation, name="attestation"),
]
