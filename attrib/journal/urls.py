from django.urls import path

from attrib.journal import views

app_name = "journal"
urlpatterns = [
    path("demandes/<int:pk>/", views.demande, name="demande"),
    path("cotation/versions/<int:pk>/", views.version, name="version"),
    path("qualification/campagnes/<int:pk>/", views.campagne, name="campagne"),
    path("flux/conventions/<int:pk>/", views.convention, name="convention"),
    path("commissions/seances/<int:pk>/", views.seance, name="seance"),
    path("export/", views.export, name="export"),
]
