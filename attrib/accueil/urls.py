from django.urls import path

from attrib.accueil import views

urlpatterns = [
    path("", views.accueil, name="accueil"),
]
