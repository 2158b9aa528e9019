"""Who may see and change the housing stock.

- **Read:** the stock is shared within a territory. A member of an organisation sees every residence of
  the EPCIs its organisation belongs to (the organisation's EPCI, the EPCI of its own commune and of
  the communes of its perimeter), the residences of the communes of its perimeter, and the residences
  the organisation owns as bailleur, wherever they are. A superuser sees everything.
- **Write:** the bailleur of the residence (a manager or administrator of that organisation), or a
  superuser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from attrib.organisations.permissions import ROLES_ECRITURE, memberships, organisation_ids

if TYPE_CHECKING:
    from attrib.patrimoine.models import Residence


def epcis_du_territoire(user: Any) -> set[str]:
    """SIRENs of the EPCIs the user's organisations belong to."""
    from attrib.territoires.models import Commune

    sirens: set[str] = set()
    ids = organisation_ids(user)
    if not ids:
        return sirens
    for m in memberships(user):
        if m.organisation.epci_id:
            sirens.add(m.organisation.epci_id)
    communes = Commune.objects.filter(Q(organisations__in=ids) | Q(organisations_siege__in=ids)).exclude(epci=None)
    sirens.update(communes.values_list("epci_id", flat=True))
    return sirens


def filtre_residences_visibles(user: Any, *, prefixe: str = "") -> Q:
    """Q object selecting the residences a user may see (``prefixe="residence__"`` from a dwelling)."""
    from attrib.organisations.models import Organisation

    if getattr(user, "is_superuser", False):
        return Q()
    ids = organisation_ids(user)
    if not ids:
        return Q(pk__in=[])
    perimetre = Organisation.perimetre.through.objects.filter(organisation_id__in=ids).values("commune_id")
    return (
        Q(**{f"{prefixe}commune__epci_id__in": sorted(epcis_du_territoire(user))})
        | Q(**{f"{prefixe}commune_id__in": perimetre})
        | Q(**{f"{prefixe}bailleur_id__in": ids})
    )


def peut_modifier_residence(user: Any, residence: Residence) -> bool:
    """Le patrimoine est tenu par son bailleur : seuls ses gestionnaires (ou un superutilisateur) le modifient."""
    if getattr(user, "is_superuser", False):
        return True
    if residence.bailleur_id is None:
        return False
    return any(m.organisation_id == residence.bailleur_id and m.role in ROLES_ECRITURE for m in memberships(user))
