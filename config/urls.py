from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from attrib.common import sante
from attrib.demandeurs.forms import ConnexionPersonnelForm

urlpatterns = [
    # Health probes, JSON, open without login (docs/exploitation.md).
    path("sante/vivant", sante.vivant, name="sante_vivant"),
    path("sante/pret", sante.pret, name="sante_pret"),
    # The staff login; applicant accounts log in to their own space (/mon-espace/connexion/, decision 0024).
    path(
        "connexion/",
        auth_views.LoginView.as_view(template_name="common/connexion.html", authentication_form=ConnexionPersonnelForm),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("attrib.api.urls")),
    path("demandes/", include("attrib.demandes.urls")),
    path("cotation/", include("attrib.cotation.urls")),
    path("qualification/", include("attrib.qualification.urls")),
    path("flux/", include("attrib.flux.urls")),
    path("commissions/", include("attrib.commissions.urls")),
    path("rapprochement/", include("attrib.rapprochement.urls")),
    path("pilotage/", include("attrib.pilotage.urls")),
    path("journal/", include("attrib.journal.urls")),
    path("patrimoine/", include("attrib.patrimoine.urls")),
    path("travaux/", include("attrib.taches.urls")),
    path("exploitation/", include("attrib.exploitation.urls")),
    path("avis/", include("attrib.avis.urls")),
    # Location voulue (issue 14): the staff's pages.
    path("annonces/", include("attrib.annonces.urls")),
    path("labels/", include("attrib.labellisation.urls")),
    # The applicant space (issue 13) and the desk's side of it (letters of linking codes); the household's pages of
    # location voulue (issue 14) first, so that no page of the space shadows them.
    path("mon-espace/annonces/", include("attrib.annonces.urls_demandeur")),
    path("mon-espace/", include("attrib.demandeurs.urls")),
    path("acces-demandeurs/", include("attrib.demandeurs.urls_guichet")),
    # The territory's reception and information service (issue 13 point 6): public pages without login, and the
    # staff's pages of the reception places. The outcomes of location voulue's adverts (issue 14) first: the
    # territory's pages take any word after /territoire/ for a territory's SIREN.
    path("territoire/annonces/", include("attrib.annonces.urls_publiques")),
    path("territoire/", include("attrib.siad.urls")),
    path("siad/", include("attrib.siad.urls_gestion")),
    path("", include("attrib.accueil.urls")),
]

# French error pages in the DSFR layout, without technical detail (attrib.common.erreurs).
handler400 = "attrib.common.erreurs.requete_invalide"
handler403 = "attrib.common.erreurs.acces_refuse"
handler404 = "attrib.common.erreurs.page_introuvable"
handler500 = "attrib.common.erreurs.erreur_serveur"
