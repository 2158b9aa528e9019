"""Context shared by every page: the main navigation (with ``aria-current``) and the skip links."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from attrib.commissions import permissions as commissions_permissions
from attrib.flux import permissions as flux_permissions
from attrib.organisations import permissions
from attrib.pilotage import permissions as pilotage_permissions
from attrib.rapprochement import permissions as rapprochement_permissions

#: Views that belong to the "Demandes" section without being one of its own menu entries.
_HORS_SECTION_DEMANDES = {"demandes:nouvelle", "demandes:nouvelle_etape", "demandes:doublons", "demandes:import"}


def _entree(libelle: str, vue: str, courante: str) -> dict[str, Any]:
    """A menu entry; ``courant`` is the value of ``aria-current`` (``"page"`` on the page itself)."""
    return {"libelle": libelle, "url": reverse(vue), "courant": "page" if courante == vue else None}


def _section(libelle: str, vue_section: str, courante: str) -> dict[str, Any]:
    """The entry of a whole section: ``aria-current="page"`` on its first page, ``"true"`` on its other pages."""
    entree = _entree(libelle, vue_section, courante)
    if entree["courant"] is None and courante.startswith(vue_section.split(":")[0] + ":"):
        entree["courant"] = "true"
    return entree


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
        sections = [
            ("Cotation", "cotation:grilles", True),
            ("Patrimoine", "patrimoine:liste", True),
            ("Qualification du parc", "qualification:liste", True),
            ("Gestion en flux", "flux:accueil", flux_permissions.peut_acceder(user)),
            ("CALEOL", "commissions:liste", commissions_permissions.peut_acceder(user)),
            ("Rapprochement", "rapprochement:propositions", rapprochement_permissions.peut_acceder(user)),
            ("Pilotage", "pilotage:tableau", pilotage_permissions.peut_acceder(user)),
        ]
        entrees.extend(_section(libelle, vue_section, vue) for libelle, vue_section, visible in sections if visible)
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
