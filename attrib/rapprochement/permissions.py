"""Who may see and do what in the rapprochement (``docs/rapprochement.md`` §5).

- **Shortlist of a freed dwelling**: the members of the bailleur that owns it, the members of the
  réservataire to which it is oriented (orientation in force), the members of the EPCI organisation whose
  territory holds its commune (view only), superusers.
- **Designate candidates** (and put them on a session's agenda): the managers of the réservataire while the
  dwelling waits for its proposal; the managers of the bailleur for its own share (the dwelling is not
  reserved) or when the réservataire's turn lapsed (the dwelling came back to it). Never for an excluded,
  attributed or non-oriented dwelling.
- **Batch proposals**: members of a bailleur, of an organisation holding reservation rights or of an EPCI;
  a run belongs to the organisation it was launched for (its members see it). Putting a proposal on the
  agenda needs the designation right on that dwelling.

Anything refused answers 404, like a missing page.
"""

from __future__ import annotations

from typing import Any

from attrib.cotation.permissions import communes_du_territoire
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import LogementLibere, Orientation
from attrib.flux.permissions import est_membre, est_superutilisateur
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.organisations.permissions import memberships


def epcis_de(user: Any) -> list[Organisation]:
    """The EPCI organisations the user works for."""
    return [m.organisation for m in memberships(user) if m.organisation.type == TypeOrganisation.EPCI]


def organisations_de(user: Any) -> list[Organisation]:
    """The organisations for which the user may launch batch proposals (bailleurs, réservataires, EPCI)."""
    vues: dict[int, Organisation] = {}
    for m in memberships(user):
        o = m.organisation
        if o.type in (TypeOrganisation.BAILLEUR, TypeOrganisation.EPCI) or o.categorie_reservataire:
            vues.setdefault(o.pk, o)
    return sorted(vues.values(), key=lambda o: o.nom)


def peut_acceder(user: Any) -> bool:
    """The rapprochement section (menu entry, batch proposals)."""
    return est_superutilisateur(user) or bool(organisations_de(user))


def epci_voit(user: Any, commune_id: str) -> bool:
    return any(communes_du_territoire(o).filter(pk=commune_id).exists() for o in epcis_de(user))


def peut_voir(user: Any, ll: LogementLibere) -> bool:
    if est_superutilisateur(user):
        return True
    if est_membre(user, ll.bailleur_id):
        return True
    orientation = ll.orientation
    if orientation is not None and est_membre(user, orientation.reservataire_id):
        return True
    return epci_voit(user, ll.commune_id)


def designateur(orientation: Orientation | None) -> str:
    """Who designates the candidates of a dwelling: ``"reservataire"``, ``"bailleur"`` or ``""`` (nobody)."""
    if orientation is None or not orientation.actuelle:
        return ""
    if orientation.statut == StatutOrientation.ECHUE or (
        orientation.part_bailleur and orientation.statut == StatutOrientation.A_PROPOSER
    ):
        return "bailleur"
    if orientation.statut == StatutOrientation.A_PROPOSER:
        return "reservataire"
    return ""


def peut_designer(user: Any, ll: LogementLibere) -> bool:
    if ll.exclu:
        return False
    orientation = ll.orientation
    qui = designateur(orientation)
    if not qui or orientation is None:
        return False
    if est_superutilisateur(user):
        return True
    if qui == "reservataire":
        return est_membre(user, orientation.reservataire_id, ecriture=True)
    return est_membre(user, ll.bailleur_id, ecriture=True)


def voit_lot(user: Any, organisation_id: int) -> bool:
    return est_superutilisateur(user) or est_membre(user, organisation_id)
