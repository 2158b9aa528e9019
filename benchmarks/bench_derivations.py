"""Benchmark: derivations of the national stock (2.76M households), vectorised engine vs per-household reference.

- Rows come from the demo generator (``attrib.demo.generateur.generer_menages``), seeded.
- ``engine_s``: best of 3 runs of :func:`attrib.engine.derivations.deriver` on the whole frame (after a
  warm-up on 10,000 rows), ceilings of 2024 (the last year with PLAI, PLUS and PLS sourced in every zone).
- ``reference_s``: :func:`attrib.engine.menage.derivations_menage` on every row, one ``Menage`` at a time,
  including the creation (and validation) of each ``Menage``. Turning polars rows into dicts
  (``iter_rows(named=True)``, by chunks of 100,000) is timed apart and **excluded**. When the full run is
  estimated above 3 minutes, the reference is timed on a seeded sample of 100,000 rows and extrapolated
  linearly; the line then says ``reference_sample=100000``.
- Before timing, 1,000 sampled rows are checked to give the same values on both paths.
"""

from __future__ import annotations

import random
import time
from datetime import date
from typing import Any

import polars as pl

from attrib.demo.generateur import generer_menages
from attrib.engine.derivations import colonnes_sortie, deriver
from attrib.engine.menage import COLONNES_ENTREE, Menage, derivations_menage
from attrib.engine.parametres import FINANCEMENTS, Parametres, charger_parametres

LIGNES = 2_760_000
GRAINE = 20260301
DATE_REFERENCE = date(2026, 3, 1)
ANNEE_PLAFONDS = 2024
ECHANTILLON = 100_000
PAQUET = 100_000
BUDGET_REFERENCE_S = 180.0
CONTROLES = 1_000


def _dicts(df: pl.DataFrame) -> list[dict[str, Any]]:
    return list(df.select(COLONNES_ENTREE).iter_rows(named=True))


def _reference(lignes: list[dict[str, Any]], parametres: Parametres) -> float:
    debut = time.perf_counter()
    for ligne in lignes:
        derivations_menage(
            Menage.depuis_ligne(ligne),
            date_reference=DATE_REFERENCE,
            annee_plafonds=ANNEE_PLAFONDS,
            parametres=parametres,
            financements=FINANCEMENTS,
        )
    return time.perf_counter() - debut


def _controler(sortie: pl.DataFrame, indices: list[int], df: pl.DataFrame, parametres: Parametres) -> None:
    attendus = sortie[indices].select(colonnes_sortie(FINANCEMENTS)).to_dicts()
    for attendu, position, ligne in zip(attendus, indices, _dicts(df[indices]), strict=True):
        obtenu = derivations_menage(
            Menage.depuis_ligne(ligne),
            date_reference=DATE_REFERENCE,
            annee_plafonds=ANNEE_PLAFONDS,
            parametres=parametres,
        ).en_colonnes()
        if obtenu != attendu:
            raise AssertionError(f"Ligne {position + 1} : chemins vectoriel et unitaire en désaccord.")


def run() -> None:
    df = generer_menages(LIGNES, seed=GRAINE, date_reference=DATE_REFERENCE)
    if df.height != LIGNES:
        raise AssertionError(f"Le générateur a rendu {df.height} lignes au lieu de {LIGNES}.")
    parametres = charger_parametres()

    def moteur() -> pl.DataFrame:
        return deriver(df, date_reference=DATE_REFERENCE, annee_plafonds=ANNEE_PLAFONDS, parametres=parametres)

    deriver(df.head(10_000), date_reference=DATE_REFERENCE, annee_plafonds=ANNEE_PLAFONDS, parametres=parametres)
    durees = []
    for _ in range(3):
        debut = time.perf_counter()
        sortie = moteur()
        durees.append(time.perf_counter() - debut)
    engine_s = min(durees)

    echantillon = sorted(random.Random(GRAINE).sample(range(LIGNES), ECHANTILLON))
    _controler(sortie, echantillon[:CONTROLES], df, parametres)
    del sortie

    estimation = _reference(_dicts(df[echantillon]), parametres) * LIGNES / ECHANTILLON
    suffixe = ""
    if estimation <= BUDGET_REFERENCE_S:
        reference_s = 0.0
        for debut in range(0, LIGNES, PAQUET):
            reference_s += _reference(_dicts(df.slice(debut, PAQUET)), parametres)
    else:
        reference_s = estimation
        suffixe = f" reference_sample={ECHANTILLON}"
    print(
        f"BENCH derivations rows={LIGNES} engine_s={engine_s:.3f} reference_s={reference_s:.1f} "
        f"ratio={reference_s / engine_s:.0f}{suffixe}"
    )
