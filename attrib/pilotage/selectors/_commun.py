"""What the topic modules share: the default source of the Q1 thresholds, and the count of one objective of the
engine over attribution lines (the lines whose Q1 status is unknown set aside from the objectives that read
it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from attrib.demandes.quartile import SeuilQ1, seuil_q1
from attrib.engine.rapprochement.objectifs import Compte, Objectif

if TYPE_CHECKING:
    from attrib.pilotage.selectors.attributions import LigneAttribution


def _seuil_par_defaut(epci: str, annee: int) -> SeuilQ1:
    return seuil_q1(epci_siren=epci, annee=annee)


def _dans_la_cible(objectif: Objectif, ligne: LigneAttribution) -> bool:
    return objectif.cible.contient(
        q1=bool(ligne.q1),
        dalo=ligne.dalo,
        prioritaire=ligne.prioritaire,
        travailleur_essentiel=ligne.travailleur_essentiel,
    )


def _compte(objectif: Objectif, lignes: Iterable[LigneAttribution]) -> tuple[Compte, int]:
    """Count with the engine's scope and target; lines whose Q1 status is unknown are set aside from the
    objectives that read it."""
    compte = Compte()
    non_evaluees = 0
    lit_q1 = "q1" in objectif.cible.drapeaux
    for ligne in lignes:
        if not objectif.portee.contient(
            en_qpv=ligne.en_qpv, reservataire=ligne.reservataire, note=ligne.note_residence
        ):
            continue
        if lit_q1 and ligne.q1 is None:
            non_evaluees += 1
            continue
        compte = compte.plus(cible=_dans_la_cible(objectif, ligne))
    return compte, non_evaluees
