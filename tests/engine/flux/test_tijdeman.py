"""Tijdeman's bound: with n ≥ 2 shares, every réservataire stays within 1 − 1/(2(n − 1)) of its exact share at
every prefix (docs/flux-orientation.md §3), and the bound cannot be lowered for two equal shares.

Small integer weights make the tight cases (many deadlines on the same slot): they are drawn by hypothesis and
enumerated exhaustively for three and four shares, over whole periods (after Σ weights dwellings every count is
exact again and the sequence repeats).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from attrib.engine.flux.sequenceur import Regle, delta_optimal, sequence_rapide


def _pire_ecart(poids: list[int], delta: Fraction | None = None, periodes: int = 2) -> Fraction:
    """Largest exact |x_i(t) − λ_i·t| over every prefix of ``periodes`` whole periods."""
    total = sum(poids)
    parts = [Fraction(w, total) for w in poids]
    n = total * periodes
    servis, _ = sequence_rapide(Regle.de(parts, delta=delta), [0] * len(parts), 0, [None] * n)
    recus = [0] * len(parts)
    pire = Fraction(0)
    for t, i in enumerate(servis, start=1):
        recus[i] += 1
        pire = max(pire, *(abs(recus[j] - parts[j] * t) for j in range(len(parts))))
    assert recus == [w * periodes for w in poids]  # whole periods end on the exact shares
    return pire


def _borne(n: int) -> Fraction:
    return 1 - Fraction(1, 2 * (n - 1))


def test_delta_optimal() -> None:
    assert [delta_optimal(n) for n in (1, 2, 3, 50)] == [
        Fraction(1, 2),
        Fraction(1, 2),
        Fraction(1, 4),
        Fraction(1, 98),
    ]


def test_deux_parts_egales_atteignent_la_borne() -> None:
    # After the first dwelling one réservataire is 1/2 ahead: no rule does better, and 1/2 = 1 − 1/(2(2 − 1)).
    assert _pire_ecart([1, 1]) == Fraction(1, 2) == _borne(2)


def test_la_constante_anterieure_faisait_moins_bien() -> None:
    # Shares 1/2, 1/3, 1/6: 5/6 with δ = 1/(2n), 2/3 with Tijdeman's δ (bound 3/4).
    assert _pire_ecart([3, 2, 1], delta=Fraction(1, 6)) == Fraction(5, 6)
    assert _pire_ecart([3, 2, 1]) == Fraction(2, 3) <= _borne(3)


def test_trois_et_quatre_parts_a_petits_poids_exhaustivement() -> None:
    for n, maximum in ((3, 7), (4, 4)):
        for poids in itertools.product(range(1, maximum + 1), repeat=n):
            assert _pire_ecart(list(poids)) <= _borne(n), poids


@settings(deadline=None, max_examples=300)
@given(poids=st.lists(st.integers(1, 30), min_size=2, max_size=9))
def test_borne_de_tijdeman_a_chaque_prefixe(poids: list[int]) -> None:
    assert _pire_ecart(poids) <= _borne(len(poids))
