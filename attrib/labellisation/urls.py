"""Staff pages of the priority labels (``/labels/``)."""

from django.urls import path

from attrib.labellisation import views

app_name = "labellisation"

urlpatterns = [
    path("", views.a_examiner, name="a_examiner"),
    path("demande/<int:pk>/", views.demande, name="demande"),
    path("<int:pk>/examiner/", views.examiner, name="examiner"),
    path("menages-accompagnes/", views.accompagnes, name="accompagnes"),
    path("menages-accompagnes/<int:pk>/critere/<slug:critere_id>/", views.critere, name="critere"),
]
