"""Agreements and freed dwellings for the flux tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

import polars as pl
from hypothesis import strategies as st

from attrib.engine.flux import Arbitrage, Categorie, Convention, Critere, JeuConventions

DEBUT = date(2026, 1, 1)
JOUR = date(2026, 3, 2)


def jeu(
    parts: Sequence[Fraction],
    *,
    mixite: frozenset[Critere] = frozenset(),
    arbitrage: Arbitrage = Arbitrage.STRATES,
    echec_compte: bool = True,
) -> JeuConventions:
    """One convention per share, keys ``r00``, ``r01``… (category « autre »); the rest goes to the bailleur."""
    return JeuConventions(
        "Bailleur test",
        tuple(
            Convention(
                f"r{i:02d}",
                f"Réservataire {i}",
                Categorie.AUTRE,
                DEBUT,
                part=p,
                mixite=mixite,
                echec_compte=echec_compte,
            )
            for i, p in enumerate(parts)
        ),
        arbitrage,
    )


def logements(n: int, *, typologies: Sequence[int] | None = None, qpv: Sequence[bool] | None = None) -> pl.DataFrame:
    colonnes: dict[str, object] = {"logement": [f"L{k:06d}" for k in range(n)], "date_liberation": [JOUR] * n}
    if typologies is not None:
        colonnes["typologie"] = list(typologies)
    if qpv is not None:
        colonnes["qpv"] = list(qpv)
    return pl.DataFrame(colonnes)


@st.composite
def parts_aleatoires(draw: st.DrawFn, minimum: int = 2, maximum: int = 50) -> list[Fraction]:
    """Shares of ``minimum..maximum`` réservataires, the implicit bailleur included: random rationals
    normalised to add up to 1. Returns the conventions' shares; when ``bailleur`` is drawn, the last share
    is left to the bailleur (implicit remainder), otherwise the conventions take the whole flux."""
    n = draw(st.integers(minimum, maximum))
    bruts = [Fraction(draw(st.integers(1, 1000)), draw(st.integers(1, 997))) for _ in range(n)]
    total = sum(bruts, Fraction(0))
    normes = [b / total for b in bruts]
    bailleur = draw(st.booleans())
    return normes[:-1] if bailleur else normes
