"""Benchmark: position, waiting range and « ce qui changerait ma position » among 1,000,000 demands.

- Demands: the demo generator through :func:`benchmarks.bench_cotation.demandes` (seeded; the Grand Narbonne's 37
  communes, so one territory whose typology groups hold up to hundreds of thousands of demands: the largest
  groups a binary search and a scan can meet), scored by the territory's grid (``data/grilles/socle.yaml``) with
  :func:`attrib.engine.cotation.evaluer`; tie-break by filing date then numéro unique, as the grid says.
  Leases: 60,000 satisfied demands over the last two years (seeded typology, filing and lease dates).
- ``index_s``: :meth:`IndexPositions.construire` (sort, group bounds, waiting ranges), excluded from the p95.
- ``p95_ms``: 95th percentile of :meth:`IndexPositions.situation` (band of places and waiting range of one
  demand) over ``REQUETES`` demands after ``ECHAUFFEMENT`` warm-up ones.
- ``baseline_p95_ms``: the same answer by a full polars scan per demand (its group, the demands ahead of it by
  score then tie-break order, the quartiles of its group's leases in the window) on ``REQUETES_BASELINE`` of the
  same demands; both answers are checked to be identical.
- ``whatif_p95_ms``: :func:`attrib.engine.position.simuler` (the row and every legitimate variant derived on
  columns, scored by the grid's per-demand evaluator, each variant placed in the index) over
  ``REQUETES_SIMULATION`` demands; ``whatif_baseline_p95_ms``: the same variants scored by the vectorised
  evaluator in one batch and each placed by the full scan, on ``REQUETES_SIMULATION_BASELINE`` of them, checked
  equal.
- The real path (reading the scores and leases from the database to build a version's index) is not measured here:
  it is built once per state of the data, like the ranked lists' indexes.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from attrib.engine.cotation import charger_grille, evaluer, preparer
from attrib.engine.position import (
    CleTri,
    IndexPositions,
    charger_regles_information,
    simuler,
)
from attrib.engine.position.unitaire import Bande, Fourchette, Situation, arrondi, bande, debut_fenetre
from benchmarks.bench_cotation import DATE_REFERENCE, demandes

NB_DEMANDES = 1_000_000
NB_ATTRIBUTIONS = 60_000
GRAINE = 20261207
ECHAUFFEMENT = 50
REQUETES = 1_000
REQUETES_BASELINE = 40
REQUETES_SIMULATION = 200
REQUETES_SIMULATION_BASELINE = 10
GRILLE = Path(__file__).resolve().parents[1] / "data" / "grilles" / "socle.yaml"
TERRITOIRE = "200035715"
DEPARTAGE = (CleTri("date_depot_initiale"), CleTri("numero_unique"))


def _population() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Raw rows (the grid's input) and the index's columns of every demand."""
    brut = demandes(NB_DEMANDES, GRAINE).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("demande_id"),
        pl.format("011{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(9)).alias("numero_unique"),
        pl.lit(False).alias("emploi_essentiel"),
        pl.lit([], dtype=pl.List(pl.Date)).alias("fausses_declarations"),
    )
    return brut, brut.select("demande_id", "typologie_min", "date_depot_initiale", "numero_unique")


def _attributions(rng: np.random.Generator) -> pl.DataFrame:
    jours = (DATE_REFERENCE - date(1970, 1, 1)).days
    attribution = jours - rng.integers(0, 730, NB_ATTRIBUTIONS)
    attente = rng.gamma(2.0, 250.0, NB_ATTRIBUTIONS).astype(np.int64)
    return pl.DataFrame(
        {
            "territoire": [TERRITOIRE] * NB_ATTRIBUTIONS,
            "typologie": rng.choice([1, 2, 3, 4, 5, 6], NB_ATTRIBUTIONS, p=[0.12, 0.3, 0.32, 0.18, 0.06, 0.02]),
            "date_depot": pl.Series(attribution - attente).cast(pl.Int32).cast(pl.Date),
            "date_attribution": pl.Series(attribution).cast(pl.Int32).cast(pl.Date),
        }
    )


def _par_balayage(
    cadre: pl.DataFrame, attributions: pl.DataFrame, regles, groupe, score: int, ordre: int, demande_id: int
) -> Situation:  # type: ignore[no-untyped-def]
    """The situation by a full scan: the group's demands, those ahead of (score, ordre), the quartiles of the
    group's leases in the window."""
    _, territoire, typologie = groupe
    membres = cadre.filter(
        (pl.col("grille") == groupe[0]) & (pl.col("territoire") == territoire) & (pl.col("typologie") == typologie)
    )
    autres = membres.filter(pl.col("demande_id") != demande_id)
    devant = autres.filter((pl.col("score") > score) | ((pl.col("score") == score) & (pl.col("ordre") < ordre))).height
    effectif = autres.height + 1
    debut = debut_fenetre(DATE_REFERENCE, regles.fenetre_mois)
    d, f = pl.col("date_depot"), pl.col("date_attribution")
    mois = (
        (f.dt.year().cast(pl.Int64) - d.dt.year()) * 12
        + f.dt.month().cast(pl.Int64)
        - d.dt.month()
        - (f.dt.day() < d.dt.day()).cast(pl.Int64)
    ).clip(lower_bound=0)
    attentes = (
        attributions.filter(
            (pl.col("territoire") == territoire)
            & (pl.col("typologie") == typologie)
            & (f > debut)
            & (f <= DATE_REFERENCE)
        )
        .select(mois)
        .to_series()
        .to_numpy()
    )
    fourchette = None
    if len(attentes) >= regles.minimum_attente:
        q = np.percentile(attentes, [25, 50, 75], method="linear")
        fourchette = Fourchette(arrondi(q[0]), arrondi(q[1]), arrondi(q[2]), len(attentes))
    montre = effectif >= regles.minimum_position
    position: Bande | None = bande(devant + 1, effectif, regles.pas) if montre else None
    return Situation(
        position, effectif if montre else None, fourchette, None if fourchette is None else fourchette.effectif
    )


def _simulations_par_balayage(grille, ligne, simulations, balayage, attributions, regles, groupe, ordre, demande_id):  # type: ignore[no-untyped-def]
    """The same variants scored by the vectorised evaluator (one batch, as the re-scoring does) and each placed
    by a full scan."""
    lignes = []
    for s in simulations:
        if s.critere is not None:
            lignes.append(
                ligne.with_columns(
                    pl.concat_list(pl.col("criteres_valides"), pl.lit([s.critere])).alias("criteres_valides")
                )
            )
        elif s.typologie is not None:
            lignes.append(ligne.with_columns(pl.lit(s.typologie, pl.Int64).alias("typologie_min")))
        else:
            lignes.append(ligne)
    if not lignes:
        return []
    scores = evaluer(
        grille,
        preparer(pl.concat(lignes), grille, date_reference=DATE_REFERENCE, annee_plafonds=2024),
        date_reference=DATE_REFERENCE,
        detail=False,
    )["score"].to_list()
    resultat = []
    for s, score in zip(simulations, scores, strict=True):
        cible = groupe if s.typologie is None else (groupe[0], groupe[1], s.typologie)
        resultat.append((score, _par_balayage(balayage, attributions, regles, cible, score, ordre, demande_id)))
    return resultat


def run() -> None:
    rng = np.random.default_rng(GRAINE)
    grille = charger_grille(GRILLE.read_text(encoding="utf-8"), origine=GRILLE.name)
    regles = charger_regles_information(DATE_REFERENCE)
    brut, colonnes = _population()
    scores = evaluer(
        grille,
        preparer(brut, grille, date_reference=DATE_REFERENCE, annee_plafonds=2024),
        date_reference=DATE_REFERENCE,
        detail=False,
    )
    cadre = colonnes.select(
        "demande_id",
        pl.lit(1, pl.Int64).alias("grille"),
        pl.lit(TERRITOIRE).alias("territoire"),
        pl.col("typologie_min").alias("typologie"),
        pl.lit("").alias("secteur"),
        scores["score"].alias("score"),
        "date_depot_initiale",
        "numero_unique",
    )
    attributions = _attributions(rng)
    debut = time.perf_counter()
    index = IndexPositions.construire(cadre, attributions, departage=DEPARTAGE, regles=regles, jour=DATE_REFERENCE)
    index_s = time.perf_counter() - debut

    ids = rng.choice(NB_DEMANDES, ECHAUFFEMENT + REQUETES, replace=False) + 1
    for i in ids[:ECHAUFFEMENT]:
        index.situation(int(i))
    durees, situations = [], {}
    for i in ids[ECHAUFFEMENT:]:
        t0 = time.perf_counter()
        situations[int(i)] = index.situation(int(i))
        durees.append(time.perf_counter() - t0)
    p95 = float(np.percentile(np.array(durees) * 1000, 95))

    ids_tries = np.empty_like(index.ids)
    ids_tries[index.lignes] = index.ids
    ordres = pl.DataFrame({"demande_id": ids_tries, "ordre": index.ordres})
    balayage = cadre.join(ordres, on="demande_id")
    durees_base = []
    for i in ids[ECHAUFFEMENT : ECHAUFFEMENT + REQUETES_BASELINE]:
        ligne = index.ligne(int(i))
        assert ligne is not None
        groupe = index.groupe_de(ligne)
        score = int(cadre["score"][int(i) - 1])
        t0 = time.perf_counter()
        attendu = _par_balayage(balayage, attributions, regles, groupe, score, int(index.ordres[ligne]), int(i))
        durees_base.append(time.perf_counter() - t0)
        if attendu != situations[int(i)]:
            raise AssertionError(f"Demande {i} : la situation diffère du balayage complet.")
    base95 = float(np.percentile(np.array(durees_base) * 1000, 95))

    communes = sorted(set(brut["communes_souhaitees"].explode().cast(pl.String).to_list()))
    libelles = {c: c for c in communes}
    justifiables = {c.id: "la pièce justificative" for _, c in grille.criteres() if c.a_valider}
    durees_sim, simulations = [], {}
    for i in ids[:REQUETES_SIMULATION]:
        ligne_brute = brut.slice(int(i) - 1, 1)
        t0 = time.perf_counter()
        simulations[int(i)] = simuler(
            index,
            grille,
            ligne_brute,
            demande_id=int(i),
            communes=communes,
            libelles_communes=libelles,
            justifiables=justifiables,
            date_reference=DATE_REFERENCE,
            annee_plafonds=2024,
        )
        durees_sim.append(time.perf_counter() - t0)
    sim95 = float(np.percentile(np.array(durees_sim) * 1000, 95))
    nb_variantes = sum(len(s) for s in simulations.values())

    durees_sim_base = []
    for i in ids[:REQUETES_SIMULATION_BASELINE]:
        ligne = index.ligne(int(i))
        assert ligne is not None
        groupe = index.groupe_de(ligne)
        ligne_brute = brut.slice(int(i) - 1, 1)
        t0 = time.perf_counter()
        attendues = _simulations_par_balayage(
            grille,
            ligne_brute,
            simulations[int(i)],
            balayage,
            attributions,
            regles,
            groupe,
            int(index.ordres[ligne]),
            int(i),
        )
        durees_sim_base.append(time.perf_counter() - t0)
        for s, (score, situation) in zip(simulations[int(i)], attendues, strict=True):
            if (s.score_apres, s.apres) != (score, situation):
                raise AssertionError(f"Demande {i} : la simulation « {s.libelle} » diffère du calcul par balayage.")
    simbase95 = float(np.percentile(np.array(durees_sim_base) * 1000, 95))
    print(
        f"BENCH position demandes={NB_DEMANDES} p95_ms={p95:.3f} baseline_p95_ms={base95:.1f} ratio={base95 / p95:.0f} "
        f"whatif_p95_ms={sim95:.1f} whatif_baseline_p95_ms={simbase95:.1f} whatif_ratio={simbase95 / sim95:.1f} "
        f"variantes={nb_variantes / REQUETES_SIMULATION:.1f} index_s={index_s:.1f}"
    )
