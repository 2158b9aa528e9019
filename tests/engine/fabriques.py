"""Households for the engine tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from attrib.engine.menage import TYPES_ENTREE, Menage


def menage(**champs: Any) -> Menage:
    """A valid single adult in Aude (autres régions), overridden by ``champs``."""
    valeurs: dict[str, Any] = {
        "nb_personnes": 1,
        "nb_personnes_a_charge": 0,
        "couple": False,
        "age_demandeur": 40,
        "age_codemandeur": None,
        "nb_handicap": 0,
        "nb_moins_14_ans": 0,
        "revenus_mensuels": 1200.0,
        "revenu_fiscal_reference": 15000,
        "zone_plafond": "autres_regions",
        "departement": "11",
        "date_depot_initiale": date(2024, 5, 2),
        "typologie_min": 2,
    }
    valeurs.update(champs)
    return Menage(**valeurs)


def couple(age_demandeur: int, age_codemandeur: int, **champs: Any) -> Menage:
    champs.setdefault("nb_personnes", 2)
    return menage(couple=True, age_demandeur=age_demandeur, age_codemandeur=age_codemandeur, **champs)


def cadre(lignes: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(lignes, schema=dict(TYPES_ENTREE), orient="row")


def ligne(m: Menage) -> dict[str, Any]:
    return {c: getattr(m, c) for c in TYPES_ENTREE}
