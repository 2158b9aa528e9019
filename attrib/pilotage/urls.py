from django.urls import path

from attrib.pilotage import views

app_name = "pilotage"

urlpatterns = [
    path("", views.tableau, name="tableau"),
    path("attributions/", views.attributions, name="attributions"),
    path("location-voulue/", views.location_voulue, name="location_voulue"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export.csv", views.export_csv, name="export_csv"),
]
