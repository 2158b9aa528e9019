"""Benchmark: orienting a year of 100,000 freed dwellings among 50 réservataires (gestion en flux).

- The agreements of one bailleur, drawn with a seed, shaped like real ones: the State 20 % (priority
  households) + 5 % (State agents), Action Logement 30 %, 46 communes, EPCI and other réservataires with
  random shares from 0.05 % to 1 % (to the hundredth of a percent), and the bailleur's implicit
  unreserved share taking the remainder: 50 shares in all.
- ``engine_s``: best of 3 runs of :func:`attrib.engine.flux.orienter_sequence` on the 100,000 dwellings
  (earliest-deadline rule, exact integer arithmetic), after a warm-up on 1,000 dwellings.
- ``max_deviation``: the largest |received − share × dwellings so far| over every réservataire and every
  prefix of the year (:func:`ecart_maximal`); :func:`verifier_sequence` must find no deviation of one
  dwelling or more, nor any above ``optimal_bound`` = 1 − 1/(2(k − 1)) = 1 − 1/98 (Tijdeman's bound, the
  engine's rule since December 2026), at any prefix — otherwise the benchmark fails.
- ``previous_max_deviation`` / ``previous_bound``: the earlier constant δ = 1/(2k) (bound 1 − 1/(2k) = 0.99),
  same shares, same run.
- ``baseline_s`` / ``baseline_max_deviation``: the naive rule measured in the same run — each dwelling
  to the réservataire with the largest deficit (share × dwellings − received, ties to the first), in
  numpy. Its deviation is not bounded by one dwelling.
- ``ratio``: ``baseline_s / engine_s``.
"""

from __future__ import annotations

import random
import time
from datetime import date
from fractions import Fraction

import numpy as np
import polars as pl

from attrib.engine.flux import (
    Categorie,
    Convention,
    JeuConventions,
    Periode,
    ecart_maximal,
    orienter_sequence,
    ouvrir_periode,
    verifier_sequence,
)
from attrib.engine.flux.sequenceur import Regle, sequence_rapide

LOGEMENTS = 100_000
RESERVATAIRES = 50
GRAINE = 20260501
JOUR = date(2026, 1, 1)


def conventions(graine: int = GRAINE) -> JeuConventions:
    alea = random.Random(graine)
    grandes = (
        Convention("etat", "État (prioritaires)", Categorie.ETAT, JOUR, part=Fraction(20, 100)),
        Convention("etat-agents", "État (agents)", Categorie.ETAT_AGENTS, JOUR, part=Fraction(5, 100)),
        Convention("action-logement", "Action Logement", Categorie.ACTION_LOGEMENT, JOUR, part=Fraction(30, 100)),
    )
    petites = tuple(
        Convention(f"r{i:02d}", f"Réservataire {i}", Categorie.AUTRE, JOUR, part=Fraction(alea.randint(5, 100), 10_000))
        for i in range(RESERVATAIRES - len(grandes) - 1)
    )
    return JeuConventions("Bailleur du banc d'essai", grandes + petites)


def logements(n: int) -> pl.DataFrame:
    return pl.DataFrame({"logement": [f"L{k:06d}" for k in range(n)], "date_liberation": [JOUR] * n})


def plus_fort_deficit(p: Periode, n: int) -> pl.DataFrame:
    parts = np.array([float(q.part) for q in p.parts])
    recus = np.zeros(len(parts))
    choix = np.empty(n, dtype=np.int64)
    for t in range(1, n + 1):
        i = int(np.argmax(parts * t - recus))
        recus[i] += 1
        choix[t - 1] = i
    cles = pl.Series([q.reservataire for q in p.parts])
    return pl.DataFrame({"reservataire": cles.gather(choix)})


def regle_anterieure(p: Periode, n: int) -> pl.DataFrame:
    """The earlier rule: earliest deadline with δ = 1/(2k) instead of Tijdeman's 1/(2(k − 1))."""
    regle = Regle.de([q.part for q in p.parts], delta=Fraction(1, 2 * len(p.parts)))
    servis, _ = sequence_rapide(regle, [0] * len(p.parts), 0, [None] * n)
    cles = pl.Series([q.reservataire for q in p.parts])
    return pl.DataFrame({"reservataire": cles.gather(servis)})


def run() -> None:
    etat = ouvrir_periode(conventions(), jour=JOUR)
    p = etat.periode
    cadre = logements(LOGEMENTS)

    orienter_sequence(etat, cadre.head(1_000))
    durees = []
    for _ in range(3):
        debut = time.perf_counter()
        sequence = orienter_sequence(etat, cadre)
        durees.append(time.perf_counter() - debut)
    engine_s = min(durees)
    violations = verifier_sequence(p, sequence)
    if violations:
        raise AssertionError("Écart d'un logement ou plus : " + " ; ".join(v.message for v in violations[:5]))
    max_deviation = ecart_maximal(p, sequence)
    optimal_bound = 1 - Fraction(1, 2 * (len(p.parts) - 1))
    au_dela = verifier_sequence(p, sequence, seuil=optimal_bound + Fraction(1, 10**12))
    if au_dela:
        raise AssertionError("Borne de Tijdeman dépassée : " + " ; ".join(v.message for v in au_dela[:5]))
    previous_max_deviation = ecart_maximal(p, regle_anterieure(p, LOGEMENTS))

    debut = time.perf_counter()
    naive = plus_fort_deficit(p, LOGEMENTS)
    baseline_s = time.perf_counter() - debut
    baseline_max_deviation = ecart_maximal(p, naive)

    print(
        f"BENCH flux dwellings={LOGEMENTS} reservataires={len(p.parts)} engine_s={engine_s:.3f} "
        f"max_deviation={max_deviation:.4f} optimal_bound={float(optimal_bound):.4f} "
        f"previous_max_deviation={previous_max_deviation:.4f} previous_bound={1 - 1 / (2 * len(p.parts)):.4f} "
        f"baseline_s={baseline_s:.3f} "
        f"baseline_max_deviation={baseline_max_deviation:.4f} ratio={baseline_s / engine_s:.1f}"
    )
