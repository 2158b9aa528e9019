from django.urls import path

from attrib.cotation import views

app_name = "cotation"
urlpatterns = [
    path("", views.grilles, name="grilles"),
    path("importer/", views.importer, name="importer"),
    path("classement/", views.classement, name="classement"),
    path("versions/<int:pk>/", views.version, name="version"),
    path("versions/<int:pk>/grille.yaml", views.version_yaml, name="version_yaml"),
    path("versions/<int:pk>/copier/", views.version_copier, name="version_copier"),
    path("versions/<int:pk>/supprimer/", views.version_supprimer, name="version_supprimer"),
    path("versions/<int:pk>/publier/", views.publier, name="publier"),
    path("versions/<int:pk>/modifier/", views.editeur, name="editeur"),
    path("versions/<int:pk>/sections/<str:section_id>/", views.section, name="section"),
    path("versions/<int:pk>/sections/<str:section_id>/nouveau-critere/", views.critere_ajouter, name="critere_ajouter"),
    path("versions/<int:pk>/criteres/<str:critere_id>/", views.critere, name="critere"),
    path("versions/<int:pk>/simulation/", views.simuler, name="simulation"),
    path("versions/<int:pk>/simulation.pdf", views.simulation_pdf, name="simulation_pdf"),
    path("epci/<int:organisation_pk>/recalculer/", views.recalculer, name="recalculer"),
    path("epci/<int:organisation_pk>/progression.json", views.progression, name="progression"),
    path("taches/<int:pk>/", views.tache, name="tache"),
    path("taches/<int:pk>/etat.json", views.tache_etat, name="tache_etat"),
]
