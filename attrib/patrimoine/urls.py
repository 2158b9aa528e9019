from django.urls import path

from attrib.patrimoine import views

app_name = "patrimoine"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("residences/<int:pk>/", views.residence, name="residence"),
    path("carte/", views.carte, name="carte"),
]
