"""Yearly flux: the assiette (exclusions of flux.yaml) and the forecast, on hand-computed cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.flux import assiette, prevision


def liberes() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "logement": ["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8"],
            "date_liberation": [
                date(2026, 1, 10),
                date(2026, 2, 1),
                date(2026, 3, 5),
                date(2026, 4, 1),
                date(2025, 12, 31),
                date(2026, 6, 1),
                date(2026, 7, 1),
                date(2026, 8, 1),
            ],
            "nature": [
                "relocation",
                "premiere_location",
                "relocation",
                "relocation",
                "relocation",
                "relocation",
                "relocation",
                "premiere_location",
            ],
            "motif_sortie": [
                None,
                "",
                "mutation_interne",
                None,
                None,
                "relogement_renouvellement_urbain",
                None,
                "mutation_interne",
            ],
            "reserve_stock": [None, None, None, "defense", None, "", None, "sante"],
            "typologie": [2, 3, 3, 4, 2, 1, 3, 2],
        }
    )


def test_assiette_releves_moins_exclusions_et_stock() -> None:
    a = assiette(liberes(), annee=2026)
    assert a.retenus["logement"].to_list() == ["L1", "L2", "L7"]
    assert a.total == 3
    assert a.hors_annee == 1
    assert a.par_nature() == {"premiere_location": 1, "relocation": 2}
    assert a.par_typologie() == {2: 1, 3: 2}
    # A dwelling kept in stock leaves the flux as such, whatever else is said of it (L8).
    assert a.par_motif() == {"defense": 1, "mutation_interne": 1, "relogement_renouvellement_urbain": 1, "sante": 1}
    libelles = dict(zip(a.exclus["logement"], a.exclus["libelle_motif"], strict=True))
    assert libelles["L3"] == "Mutation interne d'un locataire du bailleur"
    assert libelles["L4"] == "Logement réservé à la défense nationale (géré en stock)"


def test_motif_inconnu_refuse_avec_ligne_et_colonne() -> None:
    cadre = liberes().with_columns(
        pl.when(pl.col("logement") == "L2")
        .then(pl.lit("vente"))
        .otherwise(pl.col("motif_sortie"))
        .alias("motif_sortie")
    )
    with pytest.raises(
        EntreeInvalide, match=r"^Ligne 2 \(logement L2\), colonne motif_sortie : valeur « vente » inconnue"
    ):
        assiette(cadre, annee=2026)


def test_nature_obligatoire() -> None:
    cadre = liberes().with_columns(pl.lit(None, dtype=pl.String).alias("nature"))
    with pytest.raises(
        EntreeInvalide,
        match=r"Ligne 1 \(logement L1\), colonne nature : valeur absente \(attendu : relocation, premiere_location\)",
    ):
        assiette(cadre, annee=2026)
    with pytest.raises(EntreeInvalide, match="Colonnes manquantes : nature"):
        assiette(liberes().drop("nature"), annee=2026)


def historique() -> pl.DataFrame:
    return pl.DataFrame(
        {"annee": [2023, 2023, 2024, 2024, 2025], "typologie": [2, 3, 2, 3, 3], "logements": [10, 20, 14, 16, 18]}
    )


def test_prevision_historique_ou_taux_de_mobilite() -> None:
    p = prevision(
        historique(),
        Decimal("0.1072"),
        {1: 50, 2: 120, 3: 200, 4: 0},
        parts={"action-logement": Fraction(32, 100), "bailleur": Fraction(68, 100)},
    )
    # T2: (10 + 14 + 0) / 3 years = 8; T3: (20 + 16 + 18) / 3 = 18; T1 (no history): 50 × 10.72 % = 5.36.
    assert [(t.typologie, t.logements, t.methode) for t in p.typologies] == [
        (1, Fraction(536, 100), "taux_mobilite_rpls"),
        (2, Fraction(8), "historique"),
        (3, Fraction(18), "historique"),
    ]
    assert p.total == Fraction(3136, 100)
    assert p.pour("action-logement", 3) == Fraction(576, 100)
    assert p.pour("action-logement") == Fraction(32, 100) * Fraction(3136, 100)
    assert (
        p.typologies[0].explication
        == "T1 : pas d'historique ; 50 logements × taux de mobilité RPLS 10,72 % = 5,36 par an."
    )
    assert p.typologies[1].explication == "T2 : moyenne de 3 année(s) (2023–2025) : 24 logements / 3 = 8,00 par an."
    tableau = p.tableau().filter(pl.col("reservataire") == "action-logement")
    assert tableau["logements_prevus"].to_list() == [1.72, 2.56, 5.76]


def test_prevision_entrees_invalides() -> None:
    with pytest.raises(EntreeInvalide, match="10,72 % s'écrit 0.1072"):
        prevision(historique(), Decimal("10.72"), {1: 10})
    with pytest.raises(EntreeInvalide, match="Historique, année 2023, T2 : nombre de logements négatif"):
        prevision(historique().with_columns(pl.col("logements") - 15), Decimal("0.1"), {})
    with pytest.raises(EntreeInvalide, match="sans part dans la prévision"):
        prevision(historique(), Decimal("0.1"), {}).pour("etat")
