"""The first-quartile rule (attrib.engine.q1): rank rule, threshold choice and membership, on plain values and
on polars and numpy columns, which must agree."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from attrib.engine import Menage
from attrib.engine.q1 import (
    CALCULE,
    OFFICIEL,
    appartient,
    appartient_colonne,
    appartient_tableau,
    premier_quartile,
    premier_quartile_colonne,
    rang_premier_quartile,
    revenu_par_uc,
    revenus_par_uc_tableau,
    seuil_retenu,
)

montants = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
mesures = st.one_of(montants, st.none(), st.just(math.nan))


# --- golden cases -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "rang"), [(1, 1), (2, 1), (3, 1), (4, 1), (5, 2), (8, 2), (9, 3), (12, 3), (13, 4), (5000, 1250)]
)
def test_le_rang_est_le_plafond_du_quart(n: int, rang: int) -> None:
    assert rang_premier_quartile(n) == rang


def test_le_rang_d_un_fichier_vide_est_refuse() -> None:
    with pytest.raises(ValueError, match="au moins une valeur"):
        rang_premier_quartile(0)


@pytest.mark.parametrize(
    ("valeurs", "seuil"),
    [
        ([900.0, 100.0, 500.0, 300.0, 700.0, 200.0, 800.0, 400.0], 200.0),  # 8 values: the 2nd smallest
        ([50.0, 10.0, 40.0, 30.0, 20.0], 20.0),  # ⌈5/4⌉ = 2
        ([12000.0, 18000.0, 24000.0, 30000.0], 12000.0),  # not the interpolated 16 500
        ([7.0], 7.0),
        ([7.0, None, math.nan], 7.0),  # no measure: not a demand ranked
        ([], None),
        ([None, math.nan], None),
    ],
)
def test_cas_de_reference(valeurs: list[float | None], seuil: float | None) -> None:
    assert premier_quartile(valeurs) == seuil
    assert premier_quartile_colonne(pl.Series("r", valeurs, dtype=pl.Float64)) == seuil


def test_l_appartenance_inclut_le_seuil() -> None:
    assert appartient(9000.0, 9000.0) is True
    assert appartient(9000.01, 9000.0) is False
    assert appartient(0.0, 9000.0) is True
    assert appartient(5000.0, None) is None
    assert appartient(None, 9000.0) is None
    assert appartient(math.nan, 9000.0) is None
    assert appartient(5000.0, math.nan) is None


def test_colonnes_golden() -> None:
    revenus = [8000.0, 9000.0, 9500.0, None, math.nan]
    assert appartient_colonne(pl.Series("r", revenus), 9000.0).to_list() == [True, True, False, None, None]
    assert appartient_colonne(pl.Series("r", revenus), None).to_list() == [None] * 5
    tableau = np.array([8000.0, 9000.0, 9500.0, math.nan])
    assert appartient_tableau(tableau, 9000.0).tolist() == [True, True, False, False]
    assert appartient_tableau(tableau, math.nan).tolist() == [False] * 4
    assert appartient_tableau(tableau, None).tolist() == [False] * 4


def test_la_valeur_officielle_prime_et_le_fichier_n_est_pas_lu() -> None:
    def jamais() -> list[float]:
        raise AssertionError("le fichier de la demande ne doit pas être lu quand la valeur officielle existe")

    retenu = seuil_retenu(officiel=9876.0, revenus_par_uc=jamais)
    assert (retenu.valeur, retenu.origine, retenu.officiel) == (9876.0, OFFICIEL, True)
    calcule = seuil_retenu(officiel=None, revenus_par_uc=lambda: [30.0, 10.0, None, 20.0, 40.0, 50.0])
    assert (calcule.valeur, calcule.origine, calcule.effectif) == (20.0, CALCULE, 5)
    assert seuil_retenu(officiel=None, revenus_par_uc=list).valeur is None
    with pytest.raises(ValueError, match="montant positif"):
        seuil_retenu(officiel=-1.0, revenus_par_uc=list)


def test_mesure_d_un_menage() -> None:
    # A couple with two children under 14: 2.1 UC (modified OECD scale); 2 100 € a month → 12 000 € per UC.
    menage = Menage(
        nb_personnes=4,
        nb_personnes_a_charge=2,
        couple=True,
        age_demandeur=40,
        age_codemandeur=38,
        nb_handicap=0,
        nb_moins_14_ans=2,
        revenus_mensuels=2100.0,
        revenu_fiscal_reference=20000,
        zone_plafond="autres_regions",
        departement="11",
        date_depot_initiale=date(2025, 1, 1),
        typologie_min=3,
    )
    assert revenu_par_uc(menage, jour=date(2026, 1, 1)) == pytest.approx(12000.0)
    assert revenus_par_uc_tableau(np.array([2100.0]), np.array([2.1])).tolist() == pytest.approx([12000.0])


# --- properties -------------------------------------------------------------------------------------------


@given(st.lists(mesures, max_size=60))
def test_valeurs_et_colonne_donnent_le_meme_seuil(valeurs: list[float | None]) -> None:
    assert premier_quartile(valeurs) == premier_quartile_colonne(pl.Series("r", valeurs, dtype=pl.Float64))


@given(st.lists(montants, min_size=1, max_size=60))
def test_au_moins_un_quart_des_demandes_est_du_premier_quartile(valeurs: list[float]) -> None:
    seuil = premier_quartile(valeurs)
    assert seuil is not None and seuil in valeurs
    dedans = sum(1 for v in valeurs if appartient(v, seuil))
    assert dedans >= math.ceil(len(valeurs) / 4)
    # and strictly below the threshold, fewer than a quarter (the threshold is the quarter's highest value)
    assert sum(1 for v in valeurs if v < seuil) < math.ceil(len(valeurs) / 4)


@given(st.lists(mesures, max_size=60), st.one_of(montants, st.none()))
def test_appartenance_valeur_polars_numpy_concordent(valeurs: list[float | None], seuil: float | None) -> None:
    un_a_un = [appartient(v, seuil) for v in valeurs]
    colonne = appartient_colonne(pl.Series("r", valeurs, dtype=pl.Float64), seuil).to_list()
    tableau = appartient_tableau(np.array([math.nan if v is None else v for v in valeurs], dtype=np.float64), seuil)
    assert colonne == un_a_un
    assert tableau.tolist() == [a is True for a in un_a_un]
