from django.urls import path

from attrib.qualification import views

app_name = "qualification"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("campagnes/ouvrir/", views.ouvrir, name="ouvrir"),
    path("campagnes/<int:pk>/", views.campagne, name="campagne"),
    path("campagnes/<int:pk>/cloturer/", views.cloturer, name="cloturer"),
    path("campagnes/<int:pk>/notation/<int:organisation_pk>/", views.notation, name="notation"),
    path(
        "campagnes/<int:pk>/notation/<int:organisation_pk>/export.xlsx", views.notation_export, name="notation_export"
    ),
    path("campagnes/<int:pk>/notation/<int:organisation_pk>/import/", views.notation_import, name="notation_import"),
    path("campagnes/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("campagnes/<int:pk>/agenda/<int:residence_pk>/", views.harmoniser, name="harmoniser"),
    path("campagnes/<int:pk>/resultats.pdf", views.resultats_pdf, name="resultats_pdf"),
    path("campagnes/<int:pk>/resultats.xlsx", views.resultats_xlsx, name="resultats_xlsx"),
    path("residences/<int:residence_pk>/", views.residence, name="residence"),
    path("residences/<int:residence_pk>/enjeu-mixite/", views.enjeu_mixite, name="enjeu_mixite"),
]
