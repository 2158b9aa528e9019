"""The essential-workers objective is an engine objective like the others (scope, target, exact share)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from attrib.engine.rapprochement.objectifs import (
    TRAVAILLEURS_ESSENTIELS,
    Cible,
    Compte,
    Sens,
    objectif_travailleurs_essentiels,
)


def test_un_objectif_du_moteur_sur_toutes_les_attributions() -> None:
    o = objectif_travailleurs_essentiels(Fraction(1, 10), epci="241100593")
    assert (o.code, o.sens, o.taux) == (f"{TRAVAILLEURS_ESSENTIELS}:241100593", Sens.MINIMUM, Fraction(1, 10))
    assert objectif_travailleurs_essentiels(Fraction(1, 10)).code == TRAVAILLEURS_ESSENTIELS
    # every attribution is in scope, in QPV or not, whoever the réservataire, rated or not
    assert o.portee.contient(en_qpv=True, reservataire="etat", note=None)
    assert o.portee.contient(en_qpv=False, reservataire="commune", note=1)
    assert o.cible.contient(q1=False, dalo=False, prioritaire=False, travailleur_essentiel=True)
    assert not o.cible.contient(q1=True, dalo=True, prioritaire=True, travailleur_essentiel=False)


@pytest.mark.parametrize(
    ("attributions", "cibles", "atteint", "etat"),
    [
        (10, 1, True, "10 % ≥ 10 %"),  # exactly the rate: met
        (11, 1, False, "9,1 % < 10 %"),
        (3, 3, True, "100 % ≥ 10 %"),
        (0, 0, True, "aucune attribution"),
    ],
)
def test_part_exacte(attributions: int, cibles: int, atteint: bool, etat: str) -> None:
    o = objectif_travailleurs_essentiels(Fraction(1, 10))
    compte = Compte(attributions, cibles)
    assert o.atteint(compte) is atteint
    assert o.etat(compte) == etat.replace(" %", "\u00a0%")  # a no-break space before the sign


def test_une_cible_qui_lit_le_drapeau_l_exige() -> None:
    cible = objectif_travailleurs_essentiels(Fraction(1, 10)).cible
    with pytest.raises(ValueError, match="travailleurs essentiels"):
        cible.contient(q1=True, dalo=False, prioritaire=False)
    with pytest.raises(ValueError, match="travailleurs essentiels"):
        cible.masque(q1=np.ones(2, np.bool_), dalo=np.ones(2, np.bool_), prioritaire=np.ones(2, np.bool_))
    oui = np.array([True, False])
    assert cible.masque(q1=~oui, dalo=~oui, prioritaire=~oui, travailleur_essentiel=oui).tolist() == [True, False]
    # the matching's targets do not need it
    assert Cible(("q1",)).contient(q1=True, dalo=False, prioritaire=False)
