from django.urls import path

from attrib.dalo import views

app_name = "dalo"

urlpatterns = [
    path("", views.tableau, name="tableau"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/", views.decision, name="decision"),
    path("<int:pk>/designer/", views.designer, name="designer"),
    path("<int:pk>/lever/", views.lever, name="lever"),
    path("<int:pk>/recours/", views.recours, name="recours"),
]
