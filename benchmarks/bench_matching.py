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
- Full CIA (:data:`benchmarks.instances.CIA_LIEE`: every objective of the CIA and the rating rule binding; the
  unconstrained optimum misses ``cia_binding`` of them), with the limits the application uses
  (``ATTRIB_PROPOSITIONS_ECART_CIBLE``, ``ATTRIB_PROPOSITIONS_DUREE_MAX_S`` in ``config/settings.py``):
  ``cia_s`` (median wall time of 3 runs), ``cia_cpu_s`` (its CPU time: the machine may be shared),
  ``cia_gap`` (certificate). Same-run baseline: ``cia_baseline_gap`` / ``cia_baseline_s``, the former start
  (``amorce_lp=False``) at the former 4 s default.
- A region's month, 10,000 dwellings × 250,000 demands (2,750 sectors, so ~100 candidates per dwelling as
  above), same hypotheses and limits: ``region_s``, ``region_cpu_s``, ``region_gap`` (one run).
Every solution must pass :meth:`Solution.verify` (every objective met, certificate recomputed).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from attrib.engine.appariement import (
    ContraintePart,
    InstanceAppariement,
    Solution,
    affectation_gloutonne,
    contraintes_objectifs,
    proposer,
    resoudre_milp,
)
from attrib.engine.rapprochement.objectifs import Q1_HORS_QPV, objectifs_cia
from attrib.engine.rapprochement.parametres import charger_regles
from benchmarks.instances import CIA_LIEE, DATE_REFERENCE, instance_reference

NB_LOGEMENTS = 2_000
NB_DEMANDES = 50_000
MILP_LIMITE_S = 100.0
REGION_LOGEMENTS = 10_000
REGION_DEMANDES = 250_000
REGION_SECTEURS = 2_750
ANCIENNE_DUREE_MAX_S = 4.0  # the solver's former default, that the application used to call it with


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


def _limites() -> tuple[float, float]:
    """Gap target and time limit of the application (its settings, read without starting Django)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    return float(settings.ATTRIB_PROPOSITIONS_ECART_CIBLE), float(settings.ATTRIB_PROPOSITIONS_DUREE_MAX_S)


def _verifiee(solution: Solution, nom: str) -> Solution:
    violations = solution.verify()
    if violations:
        raise AssertionError(f"Solution invalide ({nom}) : " + " | ".join(violations[:5]))
    return solution


def _manques_sans_objectifs(instance: InstanceAppariement, contraintes: Sequence[ContraintePart]) -> str:
    """How many objectives the unconstrained optimum misses, e.g. "8/8" (all binding)."""
    libre = proposer(instance, ())
    manques = sum(not c.respectee(libre.premier) for c in contraintes)
    return f"{manques}/{len(contraintes)}"


def _cia(
    nb_logements: int, nb_demandes: int, nb_secteurs: int, ecart_cible: float, duree_max_s: float, runs: int
) -> tuple[float, float, Solution, str, InstanceAppariement]:
    """Median wall and CPU time of ``runs`` solves of a CIA_LIEE batch, the last solution, the binding count."""
    instance = instance_reference(
        nb_logements=nb_logements, nb_demandes=nb_demandes, nb_secteurs=nb_secteurs, hypotheses=CIA_LIEE
    ).instance
    objectifs = objectifs_cia(charger_regles(DATE_REFERENCE).objectifs, set(instance.reservataire.tolist()))
    murs, cpus = [], []
    solution = None
    for _ in range(runs):
        debut, debut_cpu = time.perf_counter(), time.process_time()
        contraintes = contraintes_objectifs(instance, objectifs)
        solution = proposer(instance, contraintes, ecart_cible=ecart_cible, duree_max_s=duree_max_s)
        murs.append(time.perf_counter() - debut)
        cpus.append(time.process_time() - debut_cpu)
    assert solution is not None
    liees = _manques_sans_objectifs(instance, solution.contraintes)
    return statistics.median(murs), statistics.median(cpus), solution, liees, instance


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
    _verifiee(solution, "référence")

    sans_objectifs = proposer(instance, ())
    glouton = affectation_gloutonne(instance)
    milp = resoudre_milp(instance, solution.contraintes, duree_max_s=MILP_LIMITE_S)
    milp_gap = float("inf") if milp.ecart is None else milp.ecart
    ecart_cible, duree_max_s = _limites()
    cia_s, cia_cpu, cia, cia_liees, cia_instance = _cia(
        NB_LOGEMENTS, NB_DEMANDES, 550, ecart_cible, duree_max_s, runs=3
    )
    _verifiee(cia, "CIA")
    debut = time.perf_counter()
    ancienne = _verifiee(
        proposer(
            cia_instance,
            contraintes_objectifs(cia_instance, [c.objectif for c in cia.contraintes]),
            duree_max_s=ANCIENNE_DUREE_MAX_S,
            amorce_lp=False,
        ),
        "CIA, ancien départ",
    )
    ancienne_s = time.perf_counter() - debut
    region_s, region_cpu, region, region_liees, _ = _cia(
        REGION_LOGEMENTS, REGION_DEMANDES, REGION_SECTEURS, ecart_cible, duree_max_s, runs=1
    )
    _verifiee(region, "région")
    print(
        f"BENCH matching vacancies={instance.nb_logements} demandes={reference.index.table.nb_personnes.shape[0]} "
        f"s={statistics.median(durees):.2f} gap={solution.certificat.ecart:.2e} "
        f"q1_outside_qpv={solution.part(Q1_HORS_QPV):.4f} "
        f"unconstrained_q1_outside_qpv={_part(solution, sans_objectifs.premier):.4f} "
        f"milp_s={milp.duree_s:.1f} milp_gap={milp_gap:.2e} "
        f"greedy_q1_outside_qpv={_part(solution, glouton):.4f} "
        f"gap_target={ecart_cible:.0e} time_limit_s={duree_max_s:g} "
        f"cia_binding={cia_liees} cia_s={cia_s:.2f} cia_cpu_s={cia_cpu:.2f} cia_gap={cia.certificat.ecart:.2e} "
        f"cia_baseline_s={ancienne_s:.2f} cia_baseline_gap={ancienne.certificat.ecart:.2e} "
        f"region_vacancies={REGION_LOGEMENTS} region_demandes={REGION_DEMANDES} region_binding={region_liees} "
        f"region_s={region_s:.2f} region_cpu_s={region_cpu:.2f} region_gap={region.certificat.ecart:.2e}"
    )
