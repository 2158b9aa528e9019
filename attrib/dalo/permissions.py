"""Who may do what in the DALO follow-up (décision 0036).

- **The follow-up board** (``/dalo/``, its export, a decision's page): the State (a member of an organisation of
  category « État ») and the EPCI read every recognised household of their perimeter; a bailleur reads the
  households the préfet designated to it. Anybody else gets 404, like a missing page.
- **Record a decision of the commission de médiation**: the desks and the State, as before
  (``attrib.organisations.permissions.peut_enregistrer_decision_dalo``).
- **Designate to a bailleur, lift the obligation after the refusal of an adapted offer, date a litigation**: the
  State's managers only (the EPCI reads, the bailleur reads its designations).
- **The alerts** of a near or past deadline: written to the State's organisations, read by their members.

The system and superusers do everything (``acteur.voit_tout``). A refused write raises ``Refus`` with the French
text below.
"""

from __future__ import annotations

from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import CategorieReservataire, TypeOrganisation

REFUS_GERER = (
    "Seuls les gestionnaires de l'État (préfecture) désignent un ménage reconnu DALO, lèvent l'obligation de "
    "relogement ou enregistrent un recours."
)
REFUS_VOIR = "Ce ménage ne fait pas partie des ménages DALO que vous suivez."


def est_etat(acteur: Acteur, *, ecriture: bool = False) -> bool:
    acteur = acteur_de(acteur)
    return any(
        a.categorie_reservataire == CategorieReservataire.ETAT for a in acteur.appartenances_filtrees(ecriture=ecriture)
    )


def peut_voir_suivi(acteur: Acteur) -> bool:
    """The board: the State, the EPCI, the bailleurs (their designated households), the system and superusers."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    if not acteur.est_agent:
        return False
    return est_etat(acteur) or any(
        a.type in (TypeOrganisation.EPCI, TypeOrganisation.BAILLEUR) for a in acteur.appartenances
    )


def peut_gerer_suivi(acteur: Acteur) -> bool:
    """Designate, lift the obligation, date a litigation: the State's managers."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or (acteur.est_agent and est_etat(acteur, ecriture=True))


def peut_lire_alertes(acteur: Acteur) -> bool:
    acteur = acteur_de(acteur)
    return acteur.voit_tout or (acteur.est_agent and est_etat(acteur))
