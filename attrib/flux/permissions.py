"""Who may see and do what in the gestion en flux.

- **A bailleur** (its members) sees its agreements, its freed dwellings and their orientations, its
  forecast and its yearly reports. Its managers and administrators declare freed dwellings, override
  an orientation (with a reason), record the agreements (form or import) and note a lapsed deadline.
- **A réservataire** (a member of an organisation that holds an agreement: State, Action Logement,
  commune, EPCI…) sees the agreements it signed, the dwellings oriented to it (its queue) and the
  yearly reports addressed to it. Its managers and administrators record that candidates were proposed.
- The system and superusers see and do everything (``acteur.voit_tout``). Anything else answers 404, like
  a missing page.

What each actor sees is ``Model.objects.visible_to(acteur)`` (``attrib.flux.models``); this module keeps the
``peut_*`` predicates and the French message of each refusal.
"""

from __future__ import annotations

from attrib.flux.enums import StatutOrientation
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation

BAILLEUR = (TypeOrganisation.BAILLEUR,)


def refus_gestion(bailleur: Organisation | str) -> str:
    return f"Seuls les gestionnaires de {bailleur} gèrent son flux."


def peut_acceder(acteur: Acteur) -> bool:
    """The flux section: bailleurs, réservataires, the system and superusers. (The menu of ``common`` still
    passes its ``User``: it is read as its actor.)"""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or bool(
        acteur.appartenances_filtrees(types=BAILLEUR) or acteur.appartenances_filtrees(reservataire=True)
    )


def est_bailleur(acteur: Acteur) -> bool:
    """A member of a bailleur (or an actor who sees everything)."""
    return acteur.voit_tout or bool(acteur.appartenances_filtrees(types=BAILLEUR))


def est_reservataire(acteur: Acteur) -> bool:
    """A member of an organisation holding reservation rights (or an actor who sees everything)."""
    return acteur.voit_tout or bool(acteur.appartenances_filtrees(reservataire=True))


def peut_gerer(acteur: Acteur, bailleur_id: int | None) -> bool:
    """Declare, override, record agreements, note a lapse: the bailleur's managers (or the system, a
    superuser)."""
    return acteur.voit_tout or acteur.est_membre(bailleur_id, ecriture=True)


def peut_proposer(acteur: Acteur, orientation: Orientation) -> bool:
    """Record the candidates proposed: the réservataire's managers, while the dwelling waits for them."""
    if orientation.statut != StatutOrientation.A_PROPOSER or not orientation.actuelle:
        return False
    if orientation.reservataire_id is None:
        return False
    return acteur.voit_tout or acteur.est_membre(orientation.reservataire_id, ecriture=True)


def peut_voir_bilan(acteur: Acteur, bailleur_id: int, reservataire_id: int) -> bool:
    return acteur.voit_tout or acteur.est_membre(bailleur_id) or acteur.est_membre(reservataire_id)


def voit_bailleur(acteur: Acteur, bailleur_id: int | None) -> bool:
    """A member of the bailleur (any role), the system or a superuser."""
    return acteur.voit_tout or acteur.est_membre(bailleur_id)


def voit_convention(acteur: Acteur, convention: ConventionReservation) -> bool:
    return acteur.voit_tout or bool(
        {convention.bailleur_id, convention.reservataire_id} & set(acteur.organisation_ids())
    )


def voit_logement_libere(acteur: Acteur, logement: LogementLibere) -> bool:
    return LogementLibere.objects.visible_to(acteur).filter(pk=logement.pk).exists()


def bailleurs_geres(acteur: Acteur) -> list[Organisation]:
    """The bailleurs whose flux the actor manages (every bailleur for the system or a superuser)."""
    if acteur.voit_tout:
        return list(Organisation.objects.filter(type=TypeOrganisation.BAILLEUR).order_by("nom"))
    return acteur.organisations(types=BAILLEUR, ecriture=True)


def bailleurs_visibles(acteur: Acteur) -> list[Organisation]:
    """The bailleurs whose flux the actor follows as a member (every bailleur for the system or a superuser)."""
    if acteur.voit_tout:
        return list(Organisation.objects.filter(type=TypeOrganisation.BAILLEUR).order_by("nom"))
    return acteur.organisations(types=BAILLEUR)
