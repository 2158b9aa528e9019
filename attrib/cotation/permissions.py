"""Who may see and do what with the cotation grids and scores.

- **Published and archived versions** of every grid are public (L441-2-8 CCH: the grid is public):
  every signed-in user reads them, downloads them, and opens the ranked lists.
- **Ranked lists** show only the demands the user may see (``filtre_demandes_visibles``); the ranks
  are those of the whole sector.
- **Drafts, simulations, re-scoring runs**: the members of the EPCI organisation that owns the grid
  (any role), and superusers.
- **Import, edit, publish, re-score**: a manager or administrator of that EPCI organisation, or a
  superuser.
- **Detail of a score** on the demand page: whoever sees the demand; the criteria revealing a sensitive
  situation (violences, health…) are named only to those who may see sensitive situations
  (``peut_voir_situations_sensibles``).

Anything refused answers 404, like a missing page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.organisations.permissions import ROLES_ECRITURE, memberships
from attrib.territoires.models import Commune


def _superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def est_membre(user: Any, organisation: Organisation | int, *, ecriture: bool = False) -> bool:
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return any(m.organisation_id == pk and (not ecriture or m.role in ROLES_ECRITURE) for m in memberships(user))


def epcis_geres(user: Any) -> list[Organisation]:
    """EPCI organisations whose grids the user manages."""
    if _superuser(user):
        return list(Organisation.objects.filter(type=TypeOrganisation.EPCI).order_by("nom"))
    return [
        m.organisation
        for m in memberships(user)
        if m.role in ROLES_ECRITURE and m.organisation.type == TypeOrganisation.EPCI
    ]


def peut_gerer(user: Any, organisation: Organisation | int) -> bool:
    """Import, edit, publish, re-score the grids of this EPCI organisation."""
    return _superuser(user) or est_membre(user, organisation, ecriture=True)


def peut_suivre(user: Any, organisation: Organisation | int) -> bool:
    """See the drafts, simulations and re-scoring runs of this EPCI organisation."""
    return _superuser(user) or est_membre(user, organisation)


def communes_du_territoire(organisation: Organisation) -> QuerySet[Commune]:
    """The communes an EPCI organisation scores: those of its EPCI and of its perimeter."""
    condition = Q(code_insee__in=organisation.perimetre.values("code_insee"))
    if organisation.epci_id:
        condition |= Q(epci_id=organisation.epci_id)
    return Commune.objects.filter(condition).order_by("nom")
