from django.urls import path

from attrib.flux.views import accueil, bilans, conventions, logements_liberes, previsions, reservataires

app_name = "flux"
urlpatterns = [
    path("", accueil.accueil, name="accueil"),
    path("conventions/", conventions.conventions, name="conventions"),
    path("conventions/nouvelle/", conventions.convention_nouvelle, name="convention_nouvelle"),
    path("conventions/import/", conventions.conventions_import, name="conventions_import"),
    path("conventions/export.csv", conventions.conventions_export_csv, name="conventions_export_csv"),
    path("conventions/export.xlsx", conventions.conventions_export_xlsx, name="conventions_export_xlsx"),
    path("conventions/<int:pk>/", conventions.convention, name="convention"),
    path("conventions/<int:pk>/modifier/", conventions.convention_modifier, name="convention_modifier"),
    path("bailleurs/<int:bailleur_pk>/arbitrage/", conventions.arbitrage, name="arbitrage"),
    path("logements-liberes/", logements_liberes.logements_liberes, name="logements_liberes"),
    path("logements-liberes/declarer/", logements_liberes.declarer, name="declarer"),
    path(
        "logements-liberes/declarer/<int:logement_pk>/",
        logements_liberes.declarer_logement,
        name="declarer_logement",
    ),
    path("logements-liberes/<int:pk>/", logements_liberes.logement_libere, name="logement_libere"),
    path("orientations/<int:pk>/candidats/", logements_liberes.candidats, name="candidats"),
    path("orientations/<int:pk>/echeance/", logements_liberes.echeance, name="echeance"),
    path("file/", reservataires.file, name="file"),
    path("previsions/", previsions.previsions, name="previsions"),
    path("bilans/", bilans.bilans, name="bilans"),
    path("bilans/<int:bailleur_pk>/<int:reservataire_pk>/<int:annee>/", bilans.bilan, name="bilan"),
    path("bilans/<int:bailleur_pk>/<int:reservataire_pk>/<int:annee>.pdf", bilans.bilan_pdf, name="bilan_pdf"),
    path("bilans/<int:bailleur_pk>/<int:reservataire_pk>/<int:annee>.xlsx", bilans.bilan_xlsx, name="bilan_xlsx"),
]
