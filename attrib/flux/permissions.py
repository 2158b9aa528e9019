"""Who may see and do what in the gestion en flux.

- **A bailleur** (its members) sees its agreements, its freed dwellings and their orientations, its
  forecast and its yearly reports. Its managers and administrators declare freed dwellings, override
  an orientation (with a reason), record the agreements (form or import) and note a lapsed deadline.
- **A réservataire** (a member of an organisation that holds an agreement: State, Action Logement,
  commune, EPCI…) sees the agreements it signed, the dwellings oriented to it (its queue) and the
  yearly reports addressed to it. Its managers and administrators record that candidates were proposed.
- A superuser sees everything. Anything else answers 404, like a missing page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.organisations.permissions import ROLES_ECRITURE, memberships, organisation_ids

if TYPE_CHECKING:
    from attrib.flux.models import ConventionReservation, LogementLibere, Orientation


def est_superutilisateur(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def bailleurs_de(user: Any, *, ecriture: bool = False) -> list[Organisation]:
    """The bailleurs the user works for (as a manager when ``ecriture``)."""
    return [
        m.organisation
        for m in memberships(user)
        if m.organisation.type == TypeOrganisation.BAILLEUR and (not ecriture or m.role in ROLES_ECRITURE)
    ]


def reservataires_de(user: Any, *, ecriture: bool = False) -> list[Organisation]:
    """The organisations holding reservation rights the user works for."""
    return [
        m.organisation
        for m in memberships(user)
        if m.organisation.categorie_reservataire and (not ecriture or m.role in ROLES_ECRITURE)
    ]


def peut_acceder(user: Any) -> bool:
    """The flux section: bailleurs, réservataires and superusers."""
    return est_superutilisateur(user) or bool(bailleurs_de(user) or reservataires_de(user))


def est_membre(user: Any, organisation_id: int | None, *, ecriture: bool = False) -> bool:
    if organisation_id is None:
        return False
    return any(
        m.organisation_id == organisation_id and (not ecriture or m.role in ROLES_ECRITURE) for m in memberships(user)
    )


def peut_gerer(user: Any, bailleur_id: int | None) -> bool:
    """Declare, override, record agreements, note a lapse: the bailleur's managers (or a superuser)."""
    return est_superutilisateur(user) or est_membre(user, bailleur_id, ecriture=True)


def peut_proposer(user: Any, orientation: Orientation) -> bool:
    """Record the candidates proposed: the réservataire's managers, while the dwelling waits for them."""
    from attrib.flux.enums import StatutOrientation

    if orientation.statut != StatutOrientation.A_PROPOSER or not orientation.actuelle:
        return False
    if orientation.reservataire_id is None:
        return False
    return est_superutilisateur(user) or est_membre(user, orientation.reservataire_id, ecriture=True)


def peut_voir_bilan(user: Any, bailleur_id: int, reservataire_id: int) -> bool:
    return est_superutilisateur(user) or est_membre(user, bailleur_id) or est_membre(user, reservataire_id)


def filtre_conventions_visibles(user: Any) -> Q:
    if est_superutilisateur(user):
        return Q()
    ids = organisation_ids(user)
    if not ids:
        return Q(pk__in=[])
    return Q(bailleur_id__in=ids) | Q(reservataire_id__in=ids)


def filtre_logements_liberes_visibles(user: Any) -> Q:
    """The bailleur's own, and those whose orientation in force goes to one of the user's organisations."""
    from attrib.flux.models import Orientation

    if est_superutilisateur(user):
        return Q()
    ids = organisation_ids(user)
    if not ids:
        return Q(pk__in=[])
    orientes = Orientation.objects.filter(actuelle=True, reservataire_id__in=ids).values("logement_libere_id")
    return Q(bailleur_id__in=ids) | Q(pk__in=orientes)


def filtre_orientations_visibles(user: Any) -> Q:
    if est_superutilisateur(user):
        return Q()
    ids = organisation_ids(user)
    if not ids:
        return Q(pk__in=[])
    return Q(bailleur_id__in=ids) | Q(reservataire_id__in=ids, actuelle=True)


def voit_convention(user: Any, convention: ConventionReservation) -> bool:
    return est_superutilisateur(user) or bool(
        {convention.bailleur_id, convention.reservataire_id} & set(organisation_ids(user))
    )


def voit_logement_libere(user: Any, logement: LogementLibere) -> bool:
    from attrib.flux.models import LogementLibere as Modele

    return Modele.objects.filter(filtre_logements_liberes_visibles(user), pk=logement.pk).exists()


def bailleurs_geres(user: Any) -> list[Organisation]:
    """The bailleurs whose flux the user manages (every bailleur for a superuser)."""
    if est_superutilisateur(user):
        return list(Organisation.objects.filter(type=TypeOrganisation.BAILLEUR).order_by("nom"))
    return bailleurs_de(user, ecriture=True)


def bailleurs_visibles(user: Any) -> list[Organisation]:
    """The bailleurs whose flux the user follows as a member (every bailleur for a superuser)."""
    if est_superutilisateur(user):
        return list(Organisation.objects.filter(type=TypeOrganisation.BAILLEUR).order_by("nom"))
    return bailleurs_de(user)
