"""Who may see and do what in the CALEOL screens.

- **The bailleur** of a commission: its managers and administrators create commissions, schedule sessions,
  record attendance, decisions and votes, emit offers, record answers and leases; its other members (read
  only) see everything of its commissions and offers.
- **The members of a commission**: a user linked to a ``MembreCommission`` (``utilisateur``), or a member of
  the organisation a ``MembreCommission`` represents (réservataires, commune, EPCI, préfecture), sees the
  commission, its sessions and their minutes. The member's own user votes remotely during an open remote
  session (CAL numérique).
- A superuser sees and manages everything. Anything else answers 404, like a missing page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from attrib.commissions.enums import StatutSeance, Voix
from attrib.flux.permissions import bailleurs_de, est_membre, est_superutilisateur
from attrib.organisations.permissions import organisation_ids

if TYPE_CHECKING:
    from attrib.commissions.models import Commission, MembreCommission, Seance


def filtre_commissions_visibles(user: Any) -> Q:
    """The commissions of the user's bailleurs, those where the user or one of their organisations sits."""
    if est_superutilisateur(user):
        return Q()
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    ids = organisation_ids(user)
    return Q(bailleur_id__in=ids) | Q(membres__utilisateur=user) | Q(membres__organisation_id__in=ids)


def voit_commission(user: Any, commission: Commission) -> bool:
    from attrib.commissions.models import Commission as Modele

    return Modele.objects.filter(filtre_commissions_visibles(user), pk=commission.pk).exists()


def gere_commission(user: Any, commission: Commission) -> bool:
    """Sessions, attendance, decisions, minutes: the bailleur's managers (or a superuser)."""
    return est_superutilisateur(user) or est_membre(user, commission.bailleur_id, ecriture=True)


def gere_bailleur(user: Any, bailleur_id: int | None) -> bool:
    """Offers, answers and leases of the bailleur's dwellings."""
    return est_superutilisateur(user) or est_membre(user, bailleur_id, ecriture=True)


def peut_creer_commission(user: Any) -> bool:
    return est_superutilisateur(user) or bool(bailleurs_de(user, ecriture=True))


def bailleurs_suivis_ids(user: Any) -> list[int] | None:
    """The bailleurs whose offers the user follows (``None``: all of them, for a superuser)."""
    if est_superutilisateur(user):
        return None
    return [b.pk for b in bailleurs_de(user)]


def peut_voir_offres(user: Any) -> bool:
    return est_superutilisateur(user) or bool(bailleurs_de(user))


def peut_acceder(user: Any) -> bool:
    """The CALEOL menu entry: bailleurs, and anyone sitting in (or represented in) a commission."""
    from attrib.commissions.models import Commission

    if est_superutilisateur(user) or bailleurs_de(user):
        return True
    return Commission.objects.filter(filtre_commissions_visibles(user)).exists()


def membre_votant(user: Any, seance: Seance) -> MembreCommission | None:
    """The deliberative member the user is, in this commission (``None`` if none)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return seance.commission.membres.filter(utilisateur=user, voix=Voix.DELIBERATIVE).first()


def peut_voter_a_distance(user: Any, seance: Seance) -> bool:
    """A deliberative member votes from their own account while a remote session is open."""
    return seance.a_distance and seance.statut == StatutSeance.OUVERTE and membre_votant(user, seance) is not None
