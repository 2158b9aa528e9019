from django.urls import path

from attrib.rapprochement import views

app_name = "rapprochement"
urlpatterns = [
    path("logements-liberes/<int:pk>/", views.preselection, name="preselection"),
    path("entreprises-cotisantes/", views.cotisantes, name="cotisantes"),
    path("propositions/", views.propositions, name="propositions"),
    path("propositions/progression/", views.progression, name="progression"),
    path("propositions/<int:pk>/", views.lot, name="lot"),
    path("propositions/<int:pk>/etat/", views.lot_etat, name="lot_etat"),
    path("propositions/<int:pk>/inscrire/", views.lot_inscrire, name="lot_inscrire"),
]
