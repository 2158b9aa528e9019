"""The demand's life cycle (attrib.engine.cycle_demande): the full transition table and its French refusals."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from attrib.engine.cycle_demande import (
    REFUS,
    TRANSITIONS,
    Action,
    Statut,
    TransitionRefusee,
    statuts_de_depart,
    transition,
)

JOUR = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("avant", "action", "apres"),
    [
        (None, Action.ENREGISTRER, Statut.ACTIVE),
        (Statut.ACTIVE, Action.MODIFIER, Statut.ACTIVE),
        (Statut.ACTIVE, Action.RENOUVELER, Statut.ACTIVE),
        (Statut.ACTIVE, Action.RADIER, Statut.RADIEE),
    ],
)
def test_transitions_permises(avant: Statut | None, action: Action, apres: Statut) -> None:
    assert transition(avant, action, numero="011", echeance=JOUR, jour=JOUR) == apres


@pytest.mark.parametrize(
    ("avant", "action", "message"),
    [
        (Statut.RADIEE, Action.MODIFIER, "La demande 011 est radiée : elle ne peut plus être modifiée."),
        (
            Statut.RADIEE,
            Action.RENOUVELER,
            "La demande 011 est radiée : une demande radiée ne peut pas être renouvelée.",
        ),
        (
            Statut.RADIEE,
            Action.RADIER,
            "La demande 011 est déjà radiée : elle ne peut pas être radiée une seconde fois.",
        ),
        (Statut.RADIEE, Action.ENREGISTRER, "La demande 011 est radiée : une nouvelle demande doit être déposée."),
        (
            Statut.ACTIVE,
            Action.ENREGISTRER,
            "La demande 011 est déjà enregistrée : elle ne peut pas l'être une seconde fois.",
        ),
        (None, Action.MODIFIER, "La demande 011 n'est pas enregistrée : elle ne peut pas être modifiée."),
    ],
)
def test_transitions_refusees(avant: Statut | None, action: Action, message: str) -> None:
    with pytest.raises(TransitionRefusee) as refus:
        transition(avant, action, numero="011", echeance=JOUR, jour=JOUR)
    assert (refus.value.champ, refus.value.message) == ("statut", message)


def test_la_table_est_complete_chaque_couple_est_permis_ou_refuse_avec_une_raison() -> None:
    for avant, action in product([None, *Statut], Action):
        assert ((avant, action) in TRANSITIONS) != ((avant, action) in REFUS), (avant, action)


def test_une_demande_radiee_est_definitive() -> None:
    assert not any(avant == Statut.RADIEE for avant, _ in TRANSITIONS)
    assert statuts_de_depart(Action.RADIER) == {Statut.ACTIVE}
    assert statuts_de_depart(Action.RENOUVELER) == {Statut.ACTIVE}


def test_un_renouvellement_apres_l_echeance_est_refuse_sur_la_date() -> None:
    assert transition("active", "renouveler", echeance=JOUR, jour=JOUR) == Statut.ACTIVE  # the last day: allowed
    with pytest.raises(TransitionRefusee) as refus:
        transition("active", "renouveler", echeance=date(2026, 5, 31), jour=JOUR)
    assert refus.value.champ == "date_echeance"
    assert refus.value.message == "La demande a expiré le 31/05/2026 : elle ne peut plus être renouvelée."
    with pytest.raises(ValueError, match="échéance et le jour sont requis"):
        transition("active", "renouveler")


def test_un_statut_ou_une_action_inconnus_sont_refuses() -> None:
    with pytest.raises(ValueError):
        transition("suspendue", "modifier")
    with pytest.raises(ValueError):
        transition("active", "archiver")
