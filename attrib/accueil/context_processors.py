"""Context shared by every page: the main navigation (with ``aria-current``) and the skip links."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from attrib.avis import permissions as avis_permissions
from attrib.commissions import permissions as commissions_permissions
from attrib.dalo import permissions as dalo_permissions
from attrib.flux import permissions as flux_permissions
from attrib.journal.selectors import dans_le_menu as journal_dans_le_menu
from attrib.organisations import permissions
from attrib.organisations.acteurs import acteur_de
from attrib.pilotage import permissions as pilotage_permissions
from attrib.rapprochement import permissions as rapprochement_permissions
from attrib.siad import permissions as siad_permissions

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


def _groupe(libelle: str, entrees: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A menu grouping several sections (a DSFR sub-menu); a single entry stays a plain link."""
    if not entrees:
        return None
    if len(entrees) == 1:
        return entrees[0]
    courant = "true" if any(e["courant"] for e in entrees) else None
    return {"libelle": libelle, "sous_entrees": entrees, "courant": courant}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main menu: Accueil, Demandes (list, registration, import, duplicates), Cotation, Parc social
    (stock, rating campaigns), Attributions (flux, rapprochement, location voulue, CALEOL), Pilotage — each entry only for the
    users who may open it."""
    user = request.user
    match = getattr(request, "resolver_match", None)
    vue = match.view_name if match else ""
    entrees: list[dict[str, Any]] = []
    # An applicant's pages have no staff menu (decision 0024).
    if getattr(user, "is_authenticated", False) and not acteur_de(user).est_demandeur:
        liste = _entree("Liste des demandes", "demandes:liste", vue)
        if liste["courant"] is None and vue.startswith("demandes:") and vue not in _HORS_SECTION_DEMANDES:
            liste["courant"] = "true"
        demandes = [liste]
        if permissions.peut_enregistrer_demande(acteur_de(user)):
            enregistrer = _entree("Enregistrer une demande", "demandes:nouvelle", vue)
            if vue == "demandes:nouvelle_etape":
                enregistrer["courant"] = "page"
            demandes += [enregistrer, _entree("Importer des demandes", "demandes:import", vue)]
        if permissions.peut_traiter_doublons(acteur_de(user)):
            demandes.append(_entree("Doublons potentiels", "demandes:doublons", vue))
        if avis_permissions.guichets_imprimeurs(acteur_de(user)) != []:
            demandes.append(_entree("Courriers à imprimer", "avis:courriers", vue))
        if siad_permissions.peut_acceder(acteur_de(user)):
            demandes.append(_section("Lieux d'accueil", "siad_gestion:lieux", vue))
        parc = [
            _section("Patrimoine", "patrimoine:liste", vue),
            _section("Qualification du parc", "qualification:liste", vue),
        ]
        attributions = [
            (_section(libelle, vue_section, vue), visible)
            for libelle, vue_section, visible in (
                ("Gestion en flux", "flux:accueil", flux_permissions.peut_acceder(acteur_de(user))),
                (
                    "Rapprochement",
                    "rapprochement:propositions",
                    rapprochement_permissions.peut_acceder(acteur_de(user)),
                ),
                # Location voulue (issue 14): the same public as the rapprochement (bailleurs, réservataires, EPCI).
                (
                    "Location voulue",
                    "annonces:liste",
                    rapprochement_permissions.peut_acceder(acteur_de(user)),
                ),
                ("CALEOL", "commissions:liste", commissions_permissions.peut_acceder(acteur_de(user))),
                # Suivi DALO (issue 15): the State, the EPCI, the bailleurs (their designated households).
                ("Suivi DALO", "dalo:tableau", dalo_permissions.peut_voir_suivi(acteur_de(user))),
            )
        ]
        # A réservataire's own list of contributing companies (decision 0037): its members only.
        if rapprochement_permissions.reservataires_de(acteur_de(user)):
            attributions.append((_entree("Entreprises cotisantes", "rapprochement:cotisantes", vue), True))
        groupes = [
            _entree("Accueil", "accueil", vue),
            _groupe("Demandes", demandes),
            _section("Cotation", "cotation:grilles", vue),
            _groupe("Parc social", parc),
            _groupe("Attributions", [e for e, visible in attributions if visible]),
            _section("Pilotage", "pilotage:tableau", vue)
            if pilotage_permissions.peut_acceder(acteur_de(user))
            else None,
            _section("Journal des modifications", "journal:export", vue) if journal_dans_le_menu(user) else None,
        ]
        entrees = [g for g in groupes if g is not None]
    return {
        "nav_peut_enregistrer": permissions.peut_enregistrer_demande(acteur_de(user)),
        "nav_memberships": acteur_de(user).appartenances,
        "nav_entrees": entrees,
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#navigation-principale", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
