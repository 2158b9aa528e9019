"""Benchmark: classification and indicators of a rating campaign of 100,000 residences rated by two parties
(commune and bailleur), vectorised engine vs per-residence reference.

- The campaign is drawn with a seed: 500 communes, 60 bailleurs (5 % of residences without a known
  bailleur), 1 to 150 dwellings per residence, 85 % of residences rated by the commune and 80 % by the
  bailleur; when both rate, they agree four times out of five (the MEL order of magnitude: 20 % divergent).
- ``engine_s``: best of 3 runs of :func:`attrib.engine.qualification.indicateurs_campagne` on the whole
  frame (input checks, classification, indicators of the territory, of each commune and of each
  bailleur), after a warm-up on 1,000 rows.
- ``reference_s``: :func:`attrib.engine.qualification.indicateurs_reference` on the same residences,
  including the creation (and checks) of each ``NotesResidence``; turning the frame into Python dicts is
  excluded.
- Before timing, both paths must give the same indicators, and :func:`verifier_indicateurs` must find no
  violation.
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl

from attrib.engine.qualification import (
    TYPES_ENTREE,
    NotesResidence,
    indicateurs_campagne,
    indicateurs_reference,
    verifier_indicateurs,
)

RESIDENCES = 100_000
GRAINE = 20260415
COMMUNES = 500
BAILLEURS = 60
PART_SANS_BAILLEUR = 0.05
PART_NOTEE_COMMUNE = 0.85
PART_NOTEE_BAILLEUR = 0.80
PART_ACCORD = 0.80


def campagne(n: int, graine: int) -> pl.DataFrame:
    rng = np.random.default_rng(graine)
    note_commune = rng.integers(1, 5, n)
    autre = (note_commune - 1 + rng.integers(1, 4, n)) % 4 + 1  # any note but the commune's
    note_bailleur = np.where(rng.random(n) < PART_ACCORD, note_commune, autre)
    numeros_bailleur = rng.integers(0, BAILLEURS, n)
    sans_bailleur = rng.random(n) < PART_SANS_BAILLEUR
    brut = pl.DataFrame(
        {
            "residence": np.arange(1, n + 1),
            "commune": [f"c{i:04d}" for i in rng.integers(0, COMMUNES, n)],
            "bailleur": [
                None if sans else f"bailleur-{i:02d}" for i, sans in zip(numeros_bailleur, sans_bailleur, strict=True)
            ],
            "nb_logements": rng.integers(1, 151, n),
            "note_commune": note_commune,
            "note_commune_donnee": rng.random(n) < PART_NOTEE_COMMUNE,
            "note_bailleur": note_bailleur,
            "note_bailleur_donnee": rng.random(n) < PART_NOTEE_BAILLEUR,
        }
    )
    return brut.with_columns(
        pl.when(pl.col(f"{c}_donnee")).then(pl.col(c)).alias(c) for c in ("note_commune", "note_bailleur")
    ).select(pl.col(c).cast(t) for c, t in TYPES_ENTREE.items())


def run() -> None:
    df = campagne(RESIDENCES, GRAINE)
    lignes = df.to_dicts()

    indicateurs = indicateurs_campagne(df)
    violations = verifier_indicateurs(indicateurs)
    if violations:
        raise AssertionError("Indicateurs incohérents : " + " ; ".join(violations[:5]))
    if indicateurs.to_dicts() != [i.en_ligne() for i in indicateurs_reference(NotesResidence(**li) for li in lignes)]:
        raise AssertionError("Chemins vectoriel et par résidence en désaccord.")

    indicateurs_campagne(df.head(1_000))
    durees = []
    for _ in range(3):
        debut = time.perf_counter()
        indicateurs_campagne(df)
        durees.append(time.perf_counter() - debut)
    engine_s = min(durees)

    debut = time.perf_counter()
    indicateurs_reference(NotesResidence(**li) for li in lignes)
    reference_s = time.perf_counter() - debut

    print(
        f"BENCH qualification residences={RESIDENCES} raters=2 engine_s={engine_s:.3f} "
        f"reference_s={reference_s:.2f} ratio={reference_s / engine_s:.0f}"
    )
