"""Staff pages of location voulue (``/annonces/``)."""

from django.urls import path

from attrib.annonces import views

app_name = "annonces"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("regles/", views.regles, name="regles"),
    path("regles/nouvelle/", views.regle_nouvelle, name="regle_nouvelle"),
    path("a-publier/", views.a_publier, name="a_publier"),
    path("a-publier/<int:orientation_pk>/creer/", views.creer, name="creer"),
    path("<int:pk>/", views.annonce, name="annonce"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/photos/", views.photo_ajouter, name="photo_ajouter"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("<int:pk>/photos/<int:photo_pk>/retirer/", views.photo_retirer, name="photo_retirer"),
    path("<int:pk>/apercu/", views.apercu, name="apercu"),
    path("<int:pk>/publier/", views.publier, name="publier"),
    path("<int:pk>/retirer/", views.retirer, name="retirer"),
    path("<int:pk>/clore/", views.clore, name="clore"),
    path("<int:pk>/presenter/", views.presenter, name="presenter"),
]
