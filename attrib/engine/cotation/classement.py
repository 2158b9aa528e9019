"""Ranking of scored demands: decreasing score, then the grid's tie-break order, then the input order."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from attrib.engine.cotation.grille import DonneesInvalides, Grille

_INDEX = "\u00a7ordre"


def classer(demandes: pl.DataFrame, grille: Grille, *, par: Sequence[str] = (), score: str = "score") -> pl.DataFrame:
    """``demandes`` with a column ``rang`` (1 = first), rows kept in their order.

    ``demandes`` holds the score (column ``score``, as :func:`attrib.engine.cotation.evaluer` names it)
    and the tie-break columns of the grid (``classement.departage``; default: oldest first filing
    first). Empty tie-break values come last; a complete tie keeps the input order. ``par``: rank
    within groups (e.g. typology and sector).
    """
    cles = [c.champ for c in grille.departage]
    manquantes = [c for c in [score, *cles, *par] if c not in demandes.columns]
    if manquantes:
        raise DonneesInvalides(f"Colonnes absentes pour le classement : {', '.join(manquantes)}.")
    tri = [score, *cles, _INDEX]
    descendant = [True, *(c.ordre == "decroissant" for c in grille.departage), False]
    rangs = pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    return (
        demandes.with_row_index(_INDEX)
        .sort(tri, descending=descendant, nulls_last=True)
        .with_columns((rangs.over(list(par)) if par else rangs).alias("rang"))
        .sort(_INDEX)
        .drop(_INDEX)
    )
