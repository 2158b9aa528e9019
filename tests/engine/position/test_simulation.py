"""« Ce qui changerait ma position » : only legitimate actions, each effect equal to re-scoring the changed row with
the vectorised evaluator and re-ranking the plain records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from attrib.demo.generateur import generer_menages
from attrib.engine.cotation import charger_grille, evaluer, preparer
from attrib.engine.position import (
    COMMUNES,
    PIECE,
    TYPOLOGIE,
    CleTri,
    DemandeSimilaire,
    IndexPositions,
    charger_regles_information,
    simuler,
    situation_un,
)
from attrib.engine.rapprochement.parametres import charger_regles

JOUR = date(2026, 3, 1)
GRILLE = charger_grille(Path("data/grilles/socle.yaml").read_text(encoding="utf-8"), origine="socle.yaml")
DEPARTAGE = (CleTri("date_depot_initiale"), CleTri("numero_unique"))
NOMBRE = 400


@pytest.fixture(scope="module")
def monde() -> tuple[pl.DataFrame, pl.DataFrame, IndexPositions, list[DemandeSimilaire]]:
    brut = generer_menages(NOMBRE, seed=7, date_reference=JOUR).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("demande_id"),
        pl.format("011{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(9)).alias("numero_unique"),
        pl.col("priorites").cast(pl.List(pl.String)).list.eval(pl.lit("l441_") + pl.element()).alias("priorites"),
        pl.lit([], dtype=pl.List(pl.Date)).alias("refus_offres_adaptees"),
        pl.lit([], dtype=pl.List(pl.Date)).alias("classements_rang_2_ou_3"),
        pl.lit([], dtype=pl.List(pl.Date)).alias("fausses_declarations"),
        pl.lit(False).alias("pieces_a_jour"),
        pl.lit(False).alias("emploi_essentiel"),
        pl.lit([], dtype=pl.List(pl.String)).alias("criteres_valides"),
    )
    scores = evaluer(GRILLE, preparer(brut, GRILLE, date_reference=JOUR, annee_plafonds=2024), date_reference=JOUR)
    cadre = brut.select(
        "demande_id",
        pl.lit(1, pl.Int64).alias("grille"),
        pl.lit("gn").alias("territoire"),
        pl.col("typologie_min").alias("typologie"),
        pl.lit("").alias("secteur"),
        scores["score"],
        "date_depot_initiale",
        "numero_unique",
    )
    regles = charger_regles_information(JOUR)
    attributions = pl.DataFrame(
        schema={
            "territoire": pl.String,
            "typologie": pl.Int64,
            "secteur": pl.String,
            "date_depot": pl.Date,
            "date_attribution": pl.Date,
        }
    )
    index = IndexPositions.construire(cadre, attributions, departage=DEPARTAGE, regles=regles, jour=JOUR)
    population = [
        DemandeSimilaire(
            r["demande_id"], 1, "gn", r["typologie"], "", r["score"], (r["date_depot_initiale"], r["numero_unique"])
        )
        for r in cadre.iter_rows(named=True)
    ]
    return brut, cadre, index, population


def test_chaque_effet_est_celui_du_recalcul(monde) -> None:  # type: ignore[no-untyped-def]
    brut, cadre, index, population = monde
    regles = index.regles
    communes = sorted(set(brut["communes_souhaitees"].explode().cast(pl.String).to_list()))
    justifiables = {c.id: "le justificatif demandé" for _, c in GRILLE.criteres() if c.a_valider}
    vues = set()
    for demande_id in range(1, NOMBRE + 1, 7):
        ligne = brut.slice(demande_id - 1, 1)
        simulations = simuler(
            index,
            GRILLE,
            ligne,
            demande_id=demande_id,
            communes=communes,
            libelles_communes={},
            justifiables=justifiables,
            date_reference=JOUR,
            annee_plafonds=2024,
        )
        moi = population[demande_id - 1]
        adaptees = charger_regles(JOUR).adequation.typologies.pour(int(ligne["nb_personnes"][0]))
        for s in simulations:
            vues.add(s.nature)
            assert s.score_avant == moi.score  # the row scores as the batch scored it
            if s.nature == PIECE:
                # Only a criterion the grid validates on a document, that applies and is still provisional.
                assert s.critere in justifiables
                variante = ligne.with_columns(pl.lit([s.critere], dtype=pl.List(pl.String)).alias("criteres_valides"))
                assert s.score_valide_apres > s.score_valide_avant
            elif s.nature == TYPOLOGIE:
                assert s.typologie is not None and adaptees.minimum <= s.typologie < moi.typologie
                variante = ligne.with_columns(pl.lit(s.typologie, pl.Int64).alias("typologie_min"))
            else:
                assert s.nature == COMMUNES and s.sans_effet  # this grid does not read the wished communes
                continue
            attendu = evaluer(
                GRILLE, preparer(variante, GRILLE, date_reference=JOUR, annee_plafonds=2024), date_reference=JOUR
            )
            assert (s.score_apres, s.score_valide_apres) == (attendu["score"][0], attendu["score_valide"][0])
            changee = DemandeSimilaire(
                moi.demande_id, 1, "gn", s.typologie or moi.typologie, "", s.score_apres, moi.departage
            )
            assert s.apres == situation_un(changee, population, [], DEPARTAGE, regles, JOUR)
            assert s.avant == situation_un(moi, population, [], DEPARTAGE, regles, JOUR)
    assert vues >= {PIECE, TYPOLOGIE, COMMUNES}


def test_une_demande_sans_score_n_a_rien_a_simuler(monde) -> None:  # type: ignore[no-untyped-def]
    brut, _, index, _ = monde
    assert (
        simuler(
            index,
            GRILLE,
            brut.slice(0, 1),
            demande_id=NOMBRE + 10,
            communes=[],
            libelles_communes={},
            justifiables={},
            date_reference=JOUR,
            annee_plafonds=2024,
        )
        == []
    )
