"""Who may see and do what in the CALEOL screens.

- **The bailleur** of a commission: its managers and administrators create commissions, schedule sessions,
  record attendance, decisions and votes, emit offers, record answers and leases; its other members (read
  only) see everything of its commissions and offers.
- **The members of a commission**: a user linked to a ``MembreCommission`` (``utilisateur``), or a member of
  the organisation a ``MembreCommission`` represents (réservataires, commune, EPCI, préfecture), sees the
  commission, its sessions and their minutes. The member's own user votes remotely during an open remote
  session (CAL numérique).
- **The household** answers an offer of its own demand online, from its own account (its link as the household,
  ``acteur.demandes_titulaire``; not a co-applicant nor a social worker it gave access to): the bailleur's
  managers record the answers given by letter, phone or at the desk.
- The system and superusers see and manage everything (``acteur.voit_tout``). Anything else answers 404,
  like a missing page.

What each actor sees is ``Model.objects.visible_to(acteur)`` (``attrib.commissions.models``); this module
keeps the predicates and the French message of each refusal.
"""

from __future__ import annotations

from attrib.commissions.enums import StatutSeance, Voix
from attrib.commissions.models import Commission, MembreCommission, Offre, Seance
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import TypeOrganisation

BAILLEUR = (TypeOrganisation.BAILLEUR,)


def voit_commission(acteur: Acteur, commission: Commission) -> bool:
    return Commission.objects.visible_to(acteur).filter(pk=commission.pk).exists()


def gere_commission(acteur: Acteur, commission: Commission) -> bool:
    """Sessions, attendance, decisions, minutes: the bailleur's managers (or the system, a superuser)."""
    return acteur.voit_tout or acteur.est_membre(commission.bailleur_id, ecriture=True)


def gere_bailleur(acteur: Acteur, bailleur_id: int | None) -> bool:
    """Offers, answers and leases of the bailleur's dwellings."""
    return acteur.voit_tout or acteur.est_membre(bailleur_id, ecriture=True)


def repond_a_l_offre(acteur: Acteur, offre: Offre) -> bool:
    """Who records the answer to an offer: the bailleur's managers (or the system, a superuser), and the household
    of the demand itself, online (decision 0028)."""
    if acteur.est_demandeur:
        return offre.demande_id in acteur.demandes_titulaire
    return gere_bailleur(acteur, offre.logement.residence.bailleur_id)


REFUS_REPONSE = (
    "Seuls les gestionnaires du bailleur et le ménage demandeur lui-même, depuis son espace, enregistrent la "
    "réponse à une offre."
)


def peut_creer_commission(acteur: Acteur) -> bool:
    """A manager of a bailleur (or the system, a superuser)."""
    return acteur.voit_tout or bool(acteur.appartenances_filtrees(types=BAILLEUR, ecriture=True))


def bailleurs_suivis_ids(acteur: Acteur) -> list[int] | None:
    """The bailleurs whose offers the actor follows (``None``: all of them, for the system or a superuser)."""
    if acteur.voit_tout:
        return None
    return acteur.organisation_ids(types=BAILLEUR)


def peut_voir_offres(acteur: Acteur) -> bool:
    """A member of a bailleur. (The home page still passes its ``User``: it is read as its actor.)"""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or bool(acteur.appartenances_filtrees(types=BAILLEUR))


def peut_acceder(acteur: Acteur) -> bool:
    """The CALEOL menu entry: bailleurs, and anyone sitting in (or represented in) a commission. (The menu
    and the home page still pass their ``User``: it is read as its actor.)"""
    acteur = acteur_de(acteur)
    if peut_voir_offres(acteur):
        return True
    return Commission.objects.visible_to(acteur).exists()


def membre_votant(acteur: Acteur, seance: Seance) -> MembreCommission | None:
    """The deliberative member the actor's user is, in this commission (``None`` if none)."""
    if not acteur.est_agent and not acteur.est_superutilisateur:
        return None
    if acteur.utilisateur is None:
        return None
    return seance.commission.membres.filter(utilisateur=acteur.utilisateur, voix=Voix.DELIBERATIVE).first()


def peut_voter_a_distance(acteur: Acteur, seance: Seance) -> bool:
    """A deliberative member votes from their own account while a remote session is open."""
    return seance.a_distance and seance.statut == StatutSeance.OUVERTE and membre_votant(acteur, seance) is not None
