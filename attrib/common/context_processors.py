"""Context shared by every page: the main navigation (with ``aria-current``) and the skip links."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from attrib.commissions import permissions as commissions_permissions
from attrib.flux import permissions as flux_permissions
from attrib.organisations import permissions

#: Views that belong to the "Demandes" section without being one of its own menu entries.
_HORS_SECTION_DEMANDES = {"demandes:nouvelle", "demandes:nouvelle_etape", "demandes:doublons", "demandes:import"}


def _entree(libelle: str, vue: str, courante: str) -> dict[str, Any]:
    """A menu entry; ``courant`` is the value of ``aria-current`` (``"page"`` on the page itself)."""
    return {"libelle": libelle, "url": reverse(vue), "courant": "page" if courante == vue else None}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    match = getattr(request, "resolver_match", None)
    vue = match.view_name if match else ""
    entrees: list[dict[str, Any]] = []
    if getattr(user, "is_authenticated", False):
        entrees.append(_entree("Accueil", "accueil", vue))
        demandes = _entree("Demandes", "demandes:liste", vue)
        if demandes["courant"] is None and vue.startswith("demandes:") and vue not in _HORS_SECTION_DEMANDES:
            demandes["courant"] = "true"
        entrees.append(demandes)
        if permissions.peut_enregistrer_demande(user):
            enregistrer = _entree("Enregistrer une demande", "demandes:nouvelle", vue)
            if vue == "demandes:nouvelle_etape":
                enregistrer["courant"] = "page"
            entrees.append(enregistrer)
            entrees.append(_entree("Importer", "demandes:import", vue))
        if permissions.peut_traiter_doublons(user):
            entrees.append(_entree("Doublons", "demandes:doublons", vue))
        cotation = _entree("Cotation", "cotation:grilles", vue)
        if cotation["courant"] is None and vue.startswith("cotation:"):
            cotation["courant"] = "true"
        entrees.append(cotation)
        patrimoine = _entree("Patrimoine", "patrimoine:liste", vue)
        if patrimoine["courant"] is None and vue.startswith("patrimoine:"):
            patrimoine["courant"] = "true"
        entrees.append(patrimoine)
        qualification = _entree("Qualification du parc", "qualification:liste", vue)
        if qualification["courant"] is None and vue.startswith("qualification:"):
            qualification["courant"] = "true"
        entrees.append(qualification)
        if flux_permissions.peut_acceder(user):
            flux = _entree("Gestion en flux", "flux:accueil", vue)
            if flux["courant"] is None and vue.startswith("flux:"):
                flux["courant"] = "true"
            entrees.append(flux)
        if commissions_permissions.peut_acceder(user):
            caleol = _entree("CALEOL", "commissions:liste", vue)
            if caleol["courant"] is None and vue.startswith("commissions:"):
                caleol["courant"] = "true"
            entrees.append(caleol)
        from attrib.rapprochement import permissions as rapprochement_permissions

        if rapprochement_permissions.peut_acceder(user):
            rapprochement = _entree("Rapprochement", "rapprochement:propositions", vue)
            if rapprochement["courant"] is None and vue.startswith("rapprochement:"):
                rapprochement["courant"] = "true"
            entrees.append(rapprochement)
        from attrib.pilotage import permissions as pilotage_permissions

        if pilotage_permissions.peut_acceder(user):
            pilotage = _entree("Pilotage", "pilotage:tableau", vue)
            if pilotage["courant"] is None and vue.startswith("pilotage:"):
                pilotage["courant"] = "true"
            entrees.append(pilotage)
    return {
        "nav_peut_enregistrer": permissions.peut_enregistrer_demande(user),
        "nav_memberships": permissions.memberships(user),
        "nav_entrees": entrees,
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#navigation-principale", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
