"""Ranking: decreasing score, then the grid's tie-break order (default: oldest first filing first)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from attrib.engine.cotation import CleDepartage, DonneesInvalides, classer
from tests.engine.cotation.fabriques import grille

SCORES = pl.DataFrame(
    {
        "numero_unique": ["A", "B", "C", "D", "E"],
        "score": [500, 800, 500, 500, 100],
        "date_depot_initiale": [date(2025, 3, 1), date(2026, 1, 1), date(2024, 6, 1), None, date(2020, 1, 1)],
        "typologie_min": [2, 2, 3, 3, 2],
    }
)


def test_egalite_departagee_par_la_date_de_premier_depot():
    rangs = classer(SCORES, grille())

    assert rangs["numero_unique"].to_list() == ["A", "B", "C", "D", "E"]
    assert rangs["rang"].to_list() == [3, 1, 2, 4, 5]


def test_ordre_de_departage_configurable():
    g = grille(departage=(CleDepartage("date_depot_initiale", "decroissant"),))

    assert classer(SCORES, g)["rang"].to_list() == [2, 1, 3, 4, 5]


def test_rang_par_groupe_et_egalite_parfaite_dans_l_ordre_du_fichier():
    egaux = pl.DataFrame({"score": [10, 10, 10], "date_depot_initiale": [date(2025, 1, 1)] * 3})

    assert classer(SCORES, grille(), par=["typologie_min"])["rang"].to_list() == [2, 1, 1, 2, 3]
    assert classer(egaux, grille())["rang"].to_list() == [1, 2, 3]


def test_colonne_de_departage_absente():
    with pytest.raises(DonneesInvalides, match="date_depot_initiale"):
        classer(SCORES.drop("date_depot_initiale"), grille())
