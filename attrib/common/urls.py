from django.urls import path

from attrib.common import views

urlpatterns = [
    path("", views.accueil, name="accueil"),
]
