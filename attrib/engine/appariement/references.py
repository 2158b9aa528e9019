"""Reference methods to compare :func:`~attrib.engine.appariement.proposer` with.

- :func:`affectation_gloutonne`: candidatures by decreasing value, taken when dwelling and household are
  both free (what a committee does dwelling by dwelling); ignores the objectives.
- :func:`resoudre_milp`: the plain mixed-integer program (HiGHS through ``scipy.optimize.milp``), one binary
  per candidature, with a time limit; returns its best solution and its own bound. Exact on small
  instances, used by the tests as the oracle of the optimum.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import maximum_bipartite_matching

from attrib.engine.appariement.contraintes import ContraintePart
from attrib.engine.appariement.instance import InstanceAppariement


def affectation_gloutonne(instance: InstanceAppariement) -> NDArray[np.int64]:
    """Household index per dwelling (−1 = none), greedy by decreasing value (then score, then household)."""
    premier = np.full(instance.nb_logements, -1, dtype=np.int64)
    pris = np.zeros(instance.nb_demandes, dtype=np.bool_)
    ordre = np.lexsort((instance.arete_demande, -instance.score[instance.arete_demande], -instance.arete_valeur))
    logements = instance.arete_logement[ordre].tolist()
    demandes = instance.arete_demande[ordre].tolist()
    for lo, h in zip(logements, demandes, strict=True):
        if premier[lo] < 0 and not pris[h]:
            premier[lo] = h
            pris[h] = True
    return premier


def pourvus_maximum(instance: InstanceAppariement) -> int:
    """Largest number of dwellings that can get a first candidate (maximum bipartite matching)."""
    if instance.nb_aretes == 0:
        return 0
    graphe = csr_matrix(
        (np.ones(instance.nb_aretes), (instance.arete_logement, instance.arete_demande)),
        shape=(instance.nb_logements, instance.nb_demandes),
    )
    return int(np.count_nonzero(np.asarray(maximum_bipartite_matching(graphe, perm_type="column")) >= 0))


@dataclass(frozen=True, slots=True)
class ResultatMILP:
    premier: NDArray[np.int64] | None  # None: no feasible solution found in time
    valeur: float | None
    borne: float | None
    ecart: float | None
    duree_s: float
    statut: str


def resoudre_milp(
    instance: InstanceAppariement, contraintes: Sequence[ContraintePart] = (), *, duree_max_s: float = 60.0
) -> ResultatMILP:
    """Plain MILP of the same model (same coverage N*, same integer objective constraints)."""
    e = instance.nb_aretes
    n, d = instance.nb_logements, instance.nb_demandes
    colonnes = np.arange(e)
    a_logements = csr_matrix((np.ones(e), (instance.arete_logement, colonnes)), shape=(n, e))
    a_demandes = csr_matrix((np.ones(e), (instance.arete_demande, colonnes)), shape=(d, e))
    blocs = [a_logements, a_demandes, csr_matrix(np.ones((1, e)))]
    pourvus = float(pourvus_maximum(instance))
    bas: list[NDArray[np.float64]] = [np.zeros(n), np.zeros(d), np.array([pourvus])]
    haut: list[NDArray[np.float64]] = [np.ones(n), np.ones(d), np.array([pourvus])]
    for c in contraintes:
        dans = c.portee[instance.arete_logement]
        coef = np.where(dans, c.signe * (c.q * c.cible[instance.arete_demande].astype(np.int64) - c.p), 0)
        constante = c.signe * (c.q * c.deja.cibles - c.p * c.deja.attributions)
        blocs.append(csr_matrix(coef.astype(np.float64).reshape(1, e)))
        bas.append(np.array([-float(constante)]))
        haut.append(np.array([np.inf]))
    debut = time.perf_counter()
    resultat = milp(
        c=-instance.arete_valeur,
        constraints=LinearConstraint(vstack(blocs).tocsr(), np.concatenate(bas), np.concatenate(haut)),
        integrality=np.ones(e),
        bounds=Bounds(0, 1),
        options={"time_limit": duree_max_s, "disp": False, "presolve": False},
    )
    duree = time.perf_counter() - debut
    borne = getattr(resultat, "mip_dual_bound", None)
    if resultat.x is None:
        return ResultatMILP(None, None, None if borne is None else -float(borne), None, duree, str(resultat.message))
    x = np.asarray(resultat.x) > 0.5
    premier = np.full(n, -1, dtype=np.int64)
    premier[instance.arete_logement[x]] = instance.arete_demande[x]
    valeur = float(instance.arete_valeur[x].sum())
    borne_valeur = valeur if borne is None else -float(borne)
    return ResultatMILP(
        premier=premier,
        valeur=valeur,
        borne=borne_valeur,
        ecart=(borne_valeur - valeur) / max(abs(borne_valeur), 1e-12),
        duree_s=duree,
        statut=str(resultat.message),
    )
