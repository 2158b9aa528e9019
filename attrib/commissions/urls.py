from django.urls import path

from attrib.commissions import views

app_name = "commissions"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouvelle/", views.nouvelle, name="nouvelle"),
    path("<int:pk>/", views.commission, name="commission"),
    path("seances/<int:pk>/", views.seance, name="seance"),
    path("seances/<int:pk>/presences/", views.presences, name="presences"),
    path("seances/<int:pk>/ouvrir/", views.ouvrir, name="ouvrir"),
    path("seances/<int:pk>/cloturer/", views.cloturer, name="cloturer"),
    path("seances/<int:pk>/proces-verbal.pdf", views.proces_verbal_pdf, name="proces_verbal"),
    path("seances/<int:pk>/proces-verbal/corriger/", views.proces_verbal_corriger, name="proces_verbal_corriger"),
    path("examens/<int:pk>/decision/", views.decision, name="decision"),
    path("examens/<int:pk>/vote/", views.vote, name="vote"),
    path("logements/<int:logement_pk>/offre/", views.offre_emettre, name="offre_emettre"),
    path("offres/", views.offres, name="offres"),
    path("offres/<int:pk>/", views.offre, name="offre"),
    path("offres/<int:pk>/suivante/", views.offre_suivante, name="offre_suivante"),
    path("offres/<int:pk>/courrier.pdf", views.offre_courrier, name="offre_courrier"),
    path("offres/<int:pk>/bail/", views.bail, name="bail"),
]
