from django.urls import path

from attrib.demandes import views

app_name = "demandes"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouvelle/", views.nouvelle, name="nouvelle"),
    path("nouvelle/etape-<int:etape>/", views.nouvelle_etape, name="nouvelle_etape"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("effectifs.csv", views.export_effectifs_csv, name="export_effectifs_csv"),
    path("effectifs.xlsx", views.export_effectifs_xlsx, name="export_effectifs_xlsx"),
    path("import/", views.importer, name="import"),
    path("doublons/", views.doublons, name="doublons"),
    path("doublons/<int:doublon_pk>/decider/", views.doublon_decider, name="doublon_decider"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attestation.pdf", views.attestation, name="attestation"),
    path("<int:pk>/renouveler/", views.renouveler, name="renouveler"),
    path("<int:pk>/radier/", views.radier, name="radier"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/modifier/menage/", views.modifier_menage, name="modifier_menage"),
    path("<int:pk>/decision-dalo/", views.decision_dalo, name="decision_dalo"),
    path("<int:pk>/pieces/<int:piece_pk>/fichier/", views.piece_fichier, name="piece_fichier"),
    path("<int:pk>/pieces/<int:piece_pk>/deposer/", views.piece_deposer, name="piece_deposer"),
    path("<int:pk>/pieces/<int:piece_pk>/valider/", views.piece_valider, name="piece_valider"),
    path("<int:pk>/pieces/<int:piece_pk>/refuser/", views.piece_refuser, name="piece_refuser"),
]
