"""Who may do what with the reception places (decision 0030).

* A place is run by a registration desk (an organisation with a desk code) or by an EPCI (its own information
  service); the managers of that organisation create it, edit it, open slots and handle the bookings; its
  read-only members see the agenda.
* Anybody, logged in or not, may book an open slot (the public service of L441-2-8 CCH); the household cancels
  with the signed link it received.
"""

from __future__ import annotations

from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import TypeOrganisation

REFUS_GERER = "Seuls les gestionnaires de l'organisation qui tient ce lieu d'accueil peuvent le modifier."
REFUS_CREER = (
    "Seuls les gestionnaires d'un guichet enregistreur ou d'un EPCI peuvent ouvrir un lieu d'accueil, au nom de leur "
    "organisation."
)
REFUS_PURGER = "Les données des rendez-vous passés sont effacées par Attrib lui-même (commande purger_rendez_vous)."
REFUS_CHIFFRES = "Les chiffres clés sont calculés par Attrib lui-même (commande calculer_chiffres_cles)."


def organisations_accueil(acteur: Acteur, *, ecriture: bool = False) -> list[int]:
    """The organisations of the actor that may run a reception place: a desk (desk code) or an EPCI."""
    if not acteur.est_agent:
        return []
    return [
        a.organisation_id
        for a in acteur.appartenances_filtrees(ecriture=ecriture)
        if a.code_guichet or a.type == TypeOrganisation.EPCI
    ]


def peut_acceder(acteur: Acteur) -> bool:
    """The staff pages of the reception places (the list, the agendas)."""
    return acteur.voit_tout or bool(organisations_accueil(acteur))


def peut_creer_pour(acteur: Acteur, organisation_id: int) -> bool:
    return acteur.voit_tout or organisation_id in organisations_accueil(acteur, ecriture=True)


def peut_voir_lieu(acteur: Acteur, organisation_id: int) -> bool:
    return acteur.voit_tout or organisation_id in organisations_accueil(acteur)


def peut_gerer_lieu(acteur: Acteur, organisation_id: int) -> bool:
    return acteur.voit_tout or organisation_id in organisations_accueil(acteur, ecriture=True)
