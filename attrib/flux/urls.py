from django.urls import path

from attrib.flux import views

app_name = "flux"
urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("conventions/", views.conventions, name="conventions"),
    path("conventions/nouvelle/", views.convention_nouvelle, name="convention_nouvelle"),
    path("conventions/import/", views.conventions_import, name="conventions_import"),
    path("conventions/export.csv", views.conventions_export_csv, name="conventions_export_csv"),
    path("conventions/export.xlsx", views.conventions_export_xlsx, name="conventions_export_xlsx"),
    path("conventions/<int:pk>/", views.convention, name="convention"),
    path("conventions/<int:pk>/modifier/", views.convention_modifier, name="convention_modifier"),
    path("bailleurs/<int:bailleur_pk>/arbitrage/", views.arbitrage, name="arbitrage"),
    path("logements-liberes/", views.logements_liberes, name="logements_liberes"),
    path("logements-liberes/declarer/", views.declarer, name="declarer"),
    path("logements-liberes/declarer/<int:logement_pk>/", views.declarer_logement, name="declarer_logement"),
    path("logements-liberes/<int:pk>/", views.logement_libere, name="logement_libere"),
    path("orientations/<int:pk>/candidats/", views.candidats, name="candidats"),
    path("orientations/<int:pk>/echeance/", views.echeance, name="echeance"),
    path("file/", views.file, name="file"),
    path("previsions/", views.previsions, name="previsions"),
    path("bilans/", views.bilans, name="bilans"),
    path("bilans/<int:bailleur_pk>/<int:reservataire_pk>/<int:annee>/", views.bilan, name="bilan"),
    path("bilans/<int:bailleur_pk>/<int:reservataire_pk>/<int:annee>.pdf", views.bilan_pdf, name="bilan_pdf"),
    path("bilans/<int:bailleur_pk>/<int:reservataire_pk>/<int:annee>.xlsx", views.bilan_xlsx, name="bilan_xlsx"),
]
