"""Benchmark: batch proposals of a month (2,000 dwellings × 50,000 demands) under the CIA objectives.

- Instance: :func:`benchmarks.instances.instance_reference` (seeded; ~100 eligible candidates per dwelling,
  25 % Q1 households, 30 % of dwellings in QPV); objectives of ``objectifs_attribution.yaml`` (Q1 outside
  QPV, non-Q1 inside QPV, priority households per réservataire, rating rule).
- ``s``: median of 3 runs of :func:`attrib.engine.appariement.proposer` (constraints built included);
  ``gap``: its certificate, (upper bound − value) / upper bound; ``q1_outside_qpv``: its share. The solution
  must pass :meth:`Solution.verify` (every objective met), otherwise the benchmark fails.
- Baselines, same run: ``unconstrained_q1_outside_qpv`` (exact optimum without objectives),
  ``greedy_q1_outside_qpv`` (greedy by value), ``milp_s`` / ``milp_gap`` (plain MILP, HiGHS through
  ``scipy.optimize.milp``, time limit ``MILP_LIMITE_S``, gap against its own bound).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from numpy.typing import NDArray

from attrib.engine.appariement import Solution, affectation_gloutonne, contraintes_objectifs, proposer, resoudre_milp
from attrib.engine.rapprochement.objectifs import Q1_HORS_QPV, objectifs_cia
from attrib.engine.rapprochement.parametres import charger_regles
from benchmarks.instances import DATE_REFERENCE, instance_reference

NB_LOGEMENTS = 2_000
NB_DEMANDES = 50_000
MILP_LIMITE_S = 100.0


def _part(solution: Solution, premier: NDArray[np.int64]) -> float:
    """Q1 share outside QPV of another assignment of the same batch."""
    autre = Solution(
        instance=solution.instance,
        contraintes=solution.contraintes,
        premier=premier,
        suppleants=solution.suppleants,
        certificat=solution.certificat,
        pourvus_max=solution.pourvus_max,
    )
    part = autre.part(Q1_HORS_QPV)
    return float("nan") if part is None else part


def run() -> None:
    reference = instance_reference(nb_logements=NB_LOGEMENTS, nb_demandes=NB_DEMANDES)
    instance = reference.instance
    objectifs = objectifs_cia(charger_regles(DATE_REFERENCE).objectifs, set(instance.reservataire.tolist()))

    durees = []
    solution = None
    for _ in range(3):
        debut = time.perf_counter()
        contraintes = contraintes_objectifs(instance, objectifs)
        solution = proposer(instance, contraintes)
        durees.append(time.perf_counter() - debut)
    assert solution is not None
    violations = solution.verify()
    if violations:
        raise AssertionError("Solution invalide : " + " | ".join(violations[:5]))

    sans_objectifs = proposer(instance, ())
    glouton = affectation_gloutonne(instance)
    milp = resoudre_milp(instance, solution.contraintes, duree_max_s=MILP_LIMITE_S)
    milp_gap = float("inf") if milp.ecart is None else milp.ecart
    print(
        f"BENCH matching vacancies={instance.nb_logements} demandes={reference.index.table.nb_personnes.shape[0]} "
        f"s={statistics.median(durees):.2f} gap={solution.certificat.ecart:.2e} "
        f"q1_outside_qpv={solution.part(Q1_HORS_QPV):.4f} "
        f"unconstrained_q1_outside_qpv={_part(solution, sans_objectifs.premier):.4f} "
        f"milp_s={milp.duree_s:.1f} milp_gap={milp_gap:.2e} "
        f"greedy_q1_outside_qpv={_part(solution, glouton):.4f}"
    )
