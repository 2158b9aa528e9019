"""Screens of the partner committee (``/commission-partenariale/``)."""

from django.urls import path

from attrib.partenariat import views

app_name = "partenariat"

urlpatterns = [
    path("", views.commissions, name="commissions"),
    path("<int:pk>/", views.commission, name="commission"),
    path("<int:pk>/membres/", views.membre_nouveau, name="membre_nouveau"),
    path("<int:pk>/seances/", views.seance_nouvelle, name="seance_nouvelle"),
    path("<int:pk>/dossiers-ouverts/", views.dossiers_ouverts, name="dossiers_ouverts"),
    path("<int:pk>/saisir/<int:demande_pk>/", views.saisir, name="saisir"),
    path("seance/<int:pk>/", views.seance, name="seance"),
    path("seance/<int:pk>/ouvrir/", views.seance_ouvrir, name="seance_ouvrir"),
    path("seance/<int:pk>/clore/", views.seance_clore, name="seance_clore"),
    path("seance/<int:pk>/presences/", views.seance_presences, name="seance_presences"),
    path("seance/<int:pk>/compte-rendu/", views.compte_rendu, name="compte_rendu"),
    path("dossier/<int:pk>/", views.dossier, name="dossier"),
    path("dossier/<int:pk>/inscrire/", views.dossier_inscrire, name="dossier_inscrire"),
    path("dossier/<int:pk>/evaluation/", views.evaluation_joindre, name="evaluation_joindre"),
    path(
        "dossier/<int:pk>/evaluation/<int:evaluation_pk>/fichier/", views.evaluation_fichier, name="evaluation_fichier"
    ),
    path("dossier/<int:pk>/avis/", views.avis_donner, name="avis_donner"),
    path("dossier/<int:pk>/decision/", views.decision_prendre, name="decision_prendre"),
    path("dossier/<int:pk>/cloture/", views.dossier_clore, name="dossier_clore"),
]
