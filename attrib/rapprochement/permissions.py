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

The system and superusers see and do everything (``acteur.voit_tout``). Anything refused answers 404, like
a missing page; a refused write raises ``Refus``.
"""

from __future__ import annotations

from attrib.cotation.permissions import communes_du_territoire
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import LogementLibere, Orientation
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.rapprochement.models import EntrepriseCotisante

REFUS_DESIGNER = "Seuls le réservataire du logement, ou le bailleur pour sa part, désignent ses candidats."
REFUS_LOT = (
    "Seuls les membres d'un bailleur, d'un réservataire ou d'un EPCI lancent des propositions par lot, pour le "
    "compte de leur organisation."
)
REFUS_INSCRIRE_LOT = "Seuls les membres de l'organisation pour le compte de laquelle le lot a été calculé l'inscrivent."


def organisations_de(acteur: Acteur) -> list[Organisation]:
    """The organisations for which the actor may launch batch proposals (bailleurs, réservataires, EPCI)."""
    vues: dict[int, Organisation] = {}
    for a in acteur.appartenances:
        if a.type in (TypeOrganisation.BAILLEUR, TypeOrganisation.EPCI) or a.categorie_reservataire:
            vues.setdefault(a.organisation_id, a.organisation)
    return sorted(vues.values(), key=lambda o: o.nom)


def peut_acceder(acteur: Acteur) -> bool:
    """The rapprochement section (menu entry, batch proposals). (The menu of ``common`` still passes its
    ``User``: it is read as its actor.)"""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or bool(organisations_de(acteur))


def peut_lancer_lot(acteur: Acteur, organisation: Organisation) -> bool:
    """Batch proposals for ``organisation``: its members, when it is a bailleur, a réservataire or an EPCI."""
    return acteur.voit_tout or any(o.pk == organisation.pk for o in organisations_de(acteur))


def epci_voit(acteur: Acteur, commune_id: str) -> bool:
    return any(
        communes_du_territoire(o).filter(pk=commune_id).exists()
        for o in acteur.organisations(types=(TypeOrganisation.EPCI,))
    )


def peut_voir(acteur: Acteur, ll: LogementLibere) -> bool:
    if acteur.voit_tout:
        return True
    if acteur.est_membre(ll.bailleur_id):
        return True
    orientation = ll.orientation
    if orientation is not None and acteur.est_membre(orientation.reservataire_id):
        return True
    return epci_voit(acteur, ll.commune_id)


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


def peut_designer(acteur: Acteur, ll: LogementLibere) -> bool:
    if ll.exclu:
        return False
    orientation = ll.orientation
    qui = designateur(orientation)
    if not qui or orientation is None:
        return False
    if acteur.voit_tout:
        return True
    if qui == "reservataire":
        return acteur.est_membre(orientation.reservataire_id, ecriture=True)
    return acteur.est_membre(ll.bailleur_id, ecriture=True)


def voit_lot(acteur: Acteur, organisation_id: int) -> bool:
    return acteur.voit_tout or acteur.est_membre(organisation_id)


# --- the réservataire's choice and its contributing companies (decision 0037) ----------------------------------

REFUS_CHOISIR = "Seuls les gestionnaires du réservataire vers lequel le logement est orienté choisissent ses candidats."
REFUS_COTISANTES = "Seuls les gestionnaires d'un réservataire importent la liste de ses entreprises cotisantes."


def peut_choisir(acteur: Acteur, ll: LogementLibere) -> bool:
    """The réservataire's choice: the managers of the réservataire whose turn it is (the dwelling waits for its
    proposal, within the deadline or not: the service tells a lapsed deadline in French)."""
    orientation = ll.orientation
    if ll.exclu or orientation is None or designateur(orientation) != "reservataire":
        return False
    return acteur.voit_tout or acteur.est_membre(orientation.reservataire_id, ecriture=True)


def reservataires_de(acteur: Acteur, *, ecriture: bool = False) -> list[Organisation]:
    """The organisations holding reservation rights the actor belongs to (managers only with ``ecriture``)."""
    return sorted(acteur.organisations(reservataire=True, ecriture=ecriture), key=lambda o: o.nom)


def peut_gerer_cotisantes(acteur: Acteur, reservataire: Organisation) -> bool:
    """Import a réservataire's list of contributing companies: its managers (the system too)."""
    return bool(reservataire.categorie_reservataire) and (
        acteur.est_systeme or acteur.est_membre(reservataire.pk, ecriture=True)
    )


def reservataires_avec_cotisantes(acteur: Acteur) -> list[int]:
    """The réservataires whose list of contributing companies the actor reads: those it is a member of that hold
    such a list (Action Logement). Nobody else, not even a superuser, sees whose employer contributes."""
    ids = acteur.organisation_ids(reservataire=True)
    if not ids:
        return []
    return sorted(
        set(EntrepriseCotisante.objects.filter(reservataire_id__in=ids).values_list("reservataire_id", flat=True))
    )
