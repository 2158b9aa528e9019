"""Batch proposals: each dwelling gets a first candidate (each household first for at most one dwelling),
maximising the total value while meeting the objectives; see ``docs/appariement.md``.

Model. x_e ∈ {0, 1} for each candidature e = (dwelling l, household h), value v_e.

    maximise   Σ v_e x_e
    subject to Σ_{e ∋ l} x_e ≤ 1  (one first candidate per dwelling)
               Σ_{e ∋ h} x_e ≤ 1  (each household first at most once)
               Σ_e x_e = N*       (as many dwellings served as possible: N* = maximum matching)
               Σ_e a_ke x_e + c_k ≥ 0 for each objective k (:mod:`attrib.engine.appariement.contraintes`)

Algorithm.

1. Lagrangian relaxation of the few objective constraints: for multipliers λ ≥ 0 the problem is an
   assignment problem with weights w_e(λ) = v_e + Σ_k λ_k a_ke, solved exactly (sparse Jonker–Volgenant,
   ``scipy.sparse.csgraph.min_weight_full_bipartite_matching``; one "no candidate" column per dwelling with
   a large negative weight when not every dwelling can be served). Its optimum f(λ) = max_x Σ w x + λ·c
   bounds every feasible proposal from above (weak duality), whatever λ ≥ 0.
2. Warm start (docs/decisions/0020): when the unconstrained assignment misses an objective, the duals of the
   objective rows of the LP relaxation restricted to the best candidatures of each (dwelling, household class)
   (HiGHS) give λ; the exact oracle on every candidature evaluates it, so the reduced set only chooses λ and
   never weakens the bound. Then the multipliers minimise f (a convex, piecewise-linear function of a handful of
   variables) by Kelley's cutting planes in a trust box: each evaluation adds the cut f(λ_i) + s_i·(λ − λ_i), whose slope s_i is the
   vector of objective slacks of the assignment found; a small LP (HiGHS) gives the next λ.
3. Each assignment found is made feasible by a repair (cheapest single replacements by a free candidate
   that reduce the deficits without breaking a met objective), then improved (replacements that raise
   the value and keep every objective met).
4. Stop when (best bound − best feasible value) / best bound ≤ ``ecart_cible``, when the cutting-plane
   model proves the bound cannot fall further, or at the iteration / time limit.
5. Small batches (≤ ``ARETES_MAX_MILP`` candidatures) still above the target gap: the exact MILP gets the time
   left; its dual bound replaces f(λ) when lower.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from attrib.engine.appariement.contraintes import ContraintePart
from attrib.engine.appariement.instance import InstanceAppariement
from attrib.engine.appariement.references import resoudre_milp
from attrib.engine.appariement.solution import Certificat, Solution, suppleants
from attrib.engine.parametres.arbre import charger_arbre

ECART_CIBLE = 1e-5
ITERATIONS_MAX = 30
DUREE_MAX_S = 4.0
DEPLACEMENTS_MAX = 5_000
ARETES_MAX_MILP = 5_000  # batches this small get the exact MILP's bound when the Lagrangian one is loose
ARETES_LP_PAR_GROUPE = 3  # best candidatures of each (dwelling, household class) in the warm-start LP


@dataclass
class _Evaluation:
    lam: NDArray[np.float64]
    borne: float
    pente: NDArray[np.float64]  # slacks of the assignment found, in households
    premier: NDArray[np.int64]  # edge index per dwelling, −1 = none


class _Probleme:
    """Arrays of one instance and its constraints, shared by the oracle and the repair."""

    def __init__(self, instance: InstanceAppariement, contraintes: Sequence[ContraintePart]) -> None:
        self.instance = instance
        self.contraintes = tuple(contraintes)
        self.n = instance.nb_logements
        self.el = instance.arete_logement
        self.ed = instance.arete_demande
        self.val = instance.arete_valeur
        self.debut = instance.debut
        degre = np.diff(self.debut)
        self.actifs = np.flatnonzero(degre > 0)
        self.ligne_de = np.full(self.n, -1, dtype=np.int64)
        self.ligne_de[self.actifs] = np.arange(self.actifs.shape[0])
        self.utiles, self.colonne = np.unique(self.ed, return_inverse=True)
        self.colonne = self.colonne.astype(np.int64)

        k = len(self.contraintes)
        d = instance.nb_demandes
        cibles = np.stack([c.cible for c in self.contraintes]) if k else np.zeros((0, d), dtype=np.bool_)
        _, representant, classe = np.unique(cibles.T, axis=0, return_index=True, return_inverse=True)
        self.classe_d = classe.reshape(-1).astype(np.int64)
        self.nb_classes = int(representant.shape[0])
        self.classe_e = self.classe_d[self.ed]
        cible_classe = cibles[:, representant].astype(np.int64) if k else np.zeros((0, self.nb_classes), np.int64)
        signe = np.array([c.signe for c in self.contraintes], dtype=np.int64)
        p = np.array([c.p for c in self.contraintes], dtype=np.int64)
        q = np.array([c.q for c in self.contraintes], dtype=np.int64)
        self.q = q
        self.coef_num = signe[:, None] * (q[:, None] * cible_classe - p[:, None])  # (k, C)
        self.cst_num = np.array(
            [c.signe * (c.q * c.deja.cibles - c.p * c.deja.attributions) for c in self.contraintes], dtype=np.int64
        )
        self.portee = np.stack([c.portee for c in self.contraintes]) if k else np.zeros((0, self.n), np.bool_)
        self.coef = self.coef_num / q[:, None] if k else np.zeros((0, self.nb_classes))
        self.cst = np.asarray(self.cst_num / q, dtype=np.float64) if k else np.zeros(0)
        # Constraints the batch can move (some served dwelling in scope); the others are constants.
        self.mobiles = np.flatnonzero(self.portee[:, self.actifs].any(axis=1)) if k else np.zeros(0, np.int64)
        # Dwellings with the same scopes behave alike in a replacement: the change of every slack when a
        # dwelling of scope pattern m moves from household class a to class b is delta_motif[:, m, a, b].
        if k:
            motifs, motif = np.unique(self.portee.T, axis=0, return_inverse=True)
            self.motif = motif.reshape(-1).astype(np.int64)
            portee_motif = motifs.T.astype(np.int64)  # (k, M)
        else:
            self.motif = np.zeros(self.n, dtype=np.int64)
            portee_motif = np.zeros((0, 1), dtype=np.int64)
        self.delta_motif = (
            portee_motif[:, :, None, None] * (self.coef_num[:, None, None, :] - self.coef_num[:, None, :, None])
        ).astype(np.int64)

        # Largest number of dwellings that can be served (maximum matching).
        graphe = csr_matrix(
            (np.ones(self.el.shape[0]), self.colonne, self._indptr_actifs()),
            shape=(self.actifs.shape[0], self.utiles.shape[0]),
        )
        apparie = maximum_bipartite_matching(graphe, perm_type="column")
        self.pourvus_max = int(np.count_nonzero(np.asarray(apparie) >= 0))
        self.non_pourvus = int(self.actifs.shape[0]) - self.pourvus_max

        # Weights and the "no candidate" penalty (constant over the whole solve, so that cuts are consistent).
        v_min = float(self.val.min()) if self.val.size else 0.0
        v_max = float(self.val.max()) if self.val.size else 0.0
        etendue = v_max - v_min + 1.0
        plus_petit = np.where(self.coef != 0, np.abs(self.coef), np.inf).min(axis=1) if k else np.zeros(0)
        self.lam_max = np.where(np.isfinite(plus_petit), 2.0 * etendue / np.where(plus_petit > 0, plus_petit, 1.0), 0.0)
        decalage = float((self.lam_max * np.abs(self.coef).max(axis=1, initial=0.0)).sum()) if k else 0.0
        self.poids_vide = v_min - decalage - (self.n + 1) * (etendue + 2 * decalage)

        # CSR layout of the oracle's matrix (rows = served-able dwellings, columns = useful households
        # then, when needed, one "no candidate" column per row).
        lignes = self.actifs.shape[0]
        indptr = self._indptr_actifs()
        if self.non_pourvus:
            self.indptr = indptr + np.arange(lignes + 1)
            self.pos_reel = np.arange(self.el.shape[0]) + np.repeat(np.arange(lignes), np.diff(indptr))
            self.pos_vide = self.indptr[1:] - 1
            indices = np.empty(self.el.shape[0] + lignes, dtype=np.int32)
            indices[self.pos_reel] = self.colonne
            indices[self.pos_vide] = self.utiles.shape[0] + np.arange(lignes)
            self.colonnes = self.utiles.shape[0] + lignes
        else:
            self.indptr = indptr
            self.pos_reel = np.arange(self.el.shape[0])
            self.pos_vide = np.zeros(0, dtype=np.int64)
            indices = self.colonne.astype(np.int32)
            self.colonnes = int(self.utiles.shape[0])
        self.indices = indices
        # Edge lookup by (row, column) for the oracle's answer.
        cles = self.ligne_de[self.el] * max(int(self.utiles.shape[0]), 1) + self.colonne
        self.tri_cles = np.argsort(cles, kind="stable")
        self.cles_triees = cles[self.tri_cles]
        # Repair structures: candidatures grouped by (dwelling, household class), value order kept inside.
        c = self.nb_classes
        cle = self.el * c + self.classe_e
        self.ordre = np.lexsort((np.arange(cle.shape[0]), cle))
        self.position = np.empty(cle.shape[0], dtype=np.int64)
        self.position[self.ordre] = np.arange(cle.shape[0])
        self.bornes_groupes = np.searchsorted(cle[self.ordre], np.arange(self.n * c + 1))
        self.aretes_demande = np.argsort(self.ed, kind="stable")
        self.debut_demande = np.searchsorted(self.ed[self.aretes_demande], np.arange(instance.nb_demandes + 1))

    def _indptr_actifs(self) -> NDArray[np.int64]:
        """Row offsets of the dwellings with candidates (the others hold no edge, so edges stay contiguous)."""
        return np.concatenate([self.debut[self.actifs], self.debut[-1:]]).astype(np.int64)

    # --- Lagrangian oracle -----------------------------------------------------------------------

    def decalages(self, lam: NDArray[np.float64]) -> NDArray[np.float64]:
        """Σ_k λ_k a_k for each (dwelling, household class): shape (n, C)."""
        if not self.contraintes:
            return np.zeros((self.n, self.nb_classes))
        return np.asarray((self.portee.T * lam) @ self.coef, dtype=np.float64)

    def apparier(self, poids: NDArray[np.float64], poids_vide: float) -> tuple[NDArray[np.int64], float]:
        """Maximum-weight assignment serving as many dwellings as possible (weight ``poids_vide`` for a
        dwelling left without candidate); returns the edge chosen per dwelling (−1: none) and the total weight."""
        lignes = self.actifs.shape[0]
        premier = np.full(self.n, -1, dtype=np.int64)
        if lignes == 0:
            return premier, 0.0
        haut = float(poids.max()) + 1.0
        couts = np.empty(self.indices.shape[0], dtype=np.float64)
        couts[self.pos_reel] = haut - poids
        if self.non_pourvus:
            couts[self.pos_vide] = haut - poids_vide
        matrice = csr_matrix((couts, self.indices, self.indptr), shape=(lignes, self.colonnes))
        rangs, colonnes = min_weight_full_bipartite_matching(matrice)
        rangs = np.asarray(rangs, dtype=np.int64)
        colonnes = np.asarray(colonnes, dtype=np.int64)
        reel = colonnes < self.utiles.shape[0]
        aretes = self._arete(rangs[reel], colonnes[reel])
        premier[self.actifs[rangs[reel]]] = aretes
        return premier, float(poids[aretes].sum()) + float(np.count_nonzero(~reel)) * poids_vide

    def oracle(self, lam: NDArray[np.float64]) -> _Evaluation:
        poids = self.val + self.decalages(lam)[self.el, self.classe_e]
        premier, total = self.apparier(poids, self.poids_vide)
        borne = total + float(lam @ self.cst) - self.non_pourvus * self.poids_vide
        return _Evaluation(lam=lam, borne=borne, pente=self.marges_de(premier), premier=premier)

    def marge_maximale(self, k: int) -> int:
        """Largest integer slack of objective ``k`` over the assignments serving as many dwellings as possible."""
        poids = (self.coef_num[k, self.classe_e] * self.portee[k, self.el]).astype(np.float64)
        etendue = float(poids.max(initial=0.0) - poids.min(initial=0.0)) + 1.0
        premier, _ = self.apparier(poids, float(poids.min(initial=0.0)) - (self.n + 1) * etendue)
        return int(self.marges_num(premier)[k])

    def relacher(self, k: int, marge: int) -> None:
        """Lower the target of objective ``k`` to the best reachable (its slack ``marge`` < 0 becomes 0)."""
        self.cst_num[k] -= marge
        self.cst[k] = self.cst_num[k] / self.q[k]

    def aretes_reduites(self, par_groupe: int, gardees: Sequence[NDArray[np.int64]]) -> NDArray[np.int64]:
        """The ``par_groupe`` best-valued candidatures of each (dwelling, household class), plus ``gardees``
        (edge indices, e.g. assignments already found, so that the reduced set can serve N* dwellings)."""
        rang = np.arange(self.ordre.shape[0]) - np.repeat(self.bornes_groupes[:-1], np.diff(self.bornes_groupes))
        choisies = self.ordre[rang < par_groupe]
        extra = [g[g >= 0] for g in gardees]
        return np.unique(np.concatenate([choisies, *extra]).astype(np.int64))

    def multiplicateurs_lp(self, aretes: NDArray[np.int64], duree_max_s: float) -> NDArray[np.float64] | None:
        """Multipliers of the objectives at the optimum of the LP relaxation restricted to ``aretes`` (HiGHS):
        the duals of the objective rows. Any λ ≥ 0 gives a valid bound through :meth:`oracle`; these are
        those of the full LP optimum when the reduced set holds its support. None when the LP fails or does not
        finish within ``duree_max_s``."""
        k = len(self.contraintes)
        m = aretes.shape[0]
        if not k or not m:
            return None
        lignes_l, col_l = np.unique(self.el[aretes], return_inverse=True)
        lignes_d, col_d = np.unique(self.ed[aretes], return_inverse=True)
        colonnes = np.arange(m)
        bloc_l = csr_matrix((np.ones(m), (col_l.reshape(-1), colonnes)), shape=(lignes_l.shape[0], m))
        bloc_d = csr_matrix((np.ones(m), (col_d.reshape(-1), colonnes)), shape=(lignes_d.shape[0], m))
        coef = -(self.coef[:, self.classe_e[aretes]] * self.portee[:, self.el[aretes]])
        a_ub = vstack([bloc_l, bloc_d, csr_matrix(coef)]).tocsr()
        b_ub = np.concatenate([np.ones(lignes_l.shape[0] + lignes_d.shape[0]), self.cst])
        resultat = linprog(
            -self.val[aretes],
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=csr_matrix(np.ones((1, m))),
            b_eq=np.array([float(self.pourvus_max)]),
            bounds=(0.0, 1.0),
            method="highs",
            options={"time_limit": max(duree_max_s, 0.0)},
        )
        if resultat.status != 0 or resultat.ineqlin is None:
            return None
        duals = -np.asarray(resultat.ineqlin.marginals, dtype=np.float64)[-k:]
        return np.asarray(np.clip(duals, 0.0, self.lam_max), dtype=np.float64)

    def _arete(self, lignes: NDArray[np.int64], colonnes: NDArray[np.int64]) -> NDArray[np.int64]:
        cles = lignes * max(int(self.utiles.shape[0]), 1) + colonnes
        return np.asarray(self.tri_cles[np.searchsorted(self.cles_triees, cles)], dtype=np.int64)

    # --- slacks ----------------------------------------------------------------------------------

    def marges_num(self, premier: NDArray[np.int64]) -> NDArray[np.int64]:
        """Integer slacks (≥ 0: objective met) of an assignment given as edge index per dwelling."""
        if not self.contraintes:
            return np.zeros(0, dtype=np.int64)
        servis = np.flatnonzero(premier >= 0)
        classes = self.classe_e[premier[servis]]
        return np.asarray(
            (self.coef_num[:, classes] * self.portee[:, servis]).sum(axis=1) + self.cst_num, dtype=np.int64
        )

    def marges_de(self, premier: NDArray[np.int64]) -> NDArray[np.float64]:
        return np.asarray(self.marges_num(premier) / self.q if self.contraintes else np.zeros(0), dtype=np.float64)

    def valeur(self, premier: NDArray[np.int64]) -> float:
        return float(self.val[premier[premier >= 0]].sum())


class _Reparation:
    """Single replacements "dwelling l: current household → best free candidate of class c".

    For each (dwelling, class) a pointer walks the dwelling's candidates of that class in decreasing value
    and stops at the first free household; pointers move forward when a household is taken and back when
    one is freed, so that each move costs O(candidatures of the two households).
    """

    def __init__(self, pb: _Probleme, premier: NDArray[np.int64]) -> None:
        self.pb = pb
        total = int(pb.el.shape[0])
        bornes = pb.bornes_groupes
        self.ordre = pb.ordre
        self.position = pb.position
        self.fin = bornes[1:]
        self.premier = premier.copy()
        self.pris = np.zeros(pb.instance.nb_demandes, dtype=np.bool_)
        servis = premier >= 0
        self.pris[pb.ed[premier[servis]]] = True
        # First free candidature of each (dwelling, class) group.
        libre = ~self.pris[pb.ed[self.ordre]]
        rang = np.where(libre, np.arange(total), total)
        non_vides = bornes[:-1] < bornes[1:]
        self.ptr = self.fin.copy()
        if total:
            minima = np.minimum.reduceat(rang, bornes[:-1][non_vides])
            self.ptr[non_vides] = np.minimum(minima, self.fin[non_vides])
        self.aretes_demande = pb.aretes_demande
        self.debut_demande = pb.debut_demande
        self.marges = pb.marges_num(self.premier)
        self.valeur_courante = np.where(servis, pb.val[np.maximum(premier, 0)], 0.0)
        self.classe_courante = np.where(servis, pb.classe_e[np.maximum(premier, 0)], 0)
        self.servis = servis
        self.lam_estime = np.zeros(len(pb.contraintes))

    def _avancer(self, k: int) -> None:
        p, fin, ed, ordre, pris = int(self.ptr[k]), int(self.fin[k]), self.pb.ed, self.ordre, self.pris
        while p < fin and pris[ed[ordre[p]]]:
            p += 1
        self.ptr[k] = p

    def _mouvements(self) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Best replacement of each (served dwelling, class): its edge (−1: none) and the value it adds."""
        pb = self.pb
        c = pb.nb_classes
        ptr = self.ptr.reshape(pb.n, c)
        valide = (ptr < self.fin.reshape(pb.n, c)) & self.servis[:, None]
        arete = np.where(valide, self.ordre[np.minimum(ptr, max(self.ordre.shape[0] - 1, 0))], -1)
        gain = np.where(valide, pb.val[np.maximum(arete, 0)] - self.valeur_courante[:, None], -np.inf)
        return arete, gain

    def _par_logement(self, table: NDArray[Any]) -> NDArray[Any]:
        """A (pattern, current class, new class) table read for every (dwelling, new class): shape (n, C)."""
        return np.asarray(table[self.pb.motif[:, None], self.classe_courante[:, None], np.arange(self.pb.nb_classes)])

    def _appliquer(self, lo: int, e: int) -> None:
        pb = self.pb
        ancienne = int(self.premier[lo])
        h_ancien, h_nouveau = int(pb.ed[ancienne]), int(pb.ed[e])
        self.marges = self.marges + pb.portee[:, lo] * (
            pb.coef_num[:, pb.classe_e[e]] - pb.coef_num[:, pb.classe_e[ancienne]]
        )
        self.premier[lo] = e
        self.valeur_courante[lo] = pb.val[e]
        self.classe_courante[lo] = pb.classe_e[e]
        self.pris[h_nouveau] = True
        self.pris[h_ancien] = False
        c = pb.nb_classes
        for a in self.aretes_demande[self.debut_demande[h_nouveau] : self.debut_demande[h_nouveau + 1]]:
            k = int(pb.el[a]) * c + int(pb.classe_e[a])
            if self.ptr[k] == self.position[a]:
                self._avancer(k)
        for a in self.aretes_demande[self.debut_demande[h_ancien] : self.debut_demande[h_ancien + 1]]:
            k = int(pb.el[a]) * c + int(pb.classe_e[a])
            if self.position[a] < self.ptr[k]:
                self.ptr[k] = self.position[a]

    def reparer(self, limite: int = DEPLACEMENTS_MAX) -> None:
        """Cheapest replacements per unit of deficit removed, never breaking a met objective."""
        pb = self.pb
        if not pb.contraintes:
            return
        q = pb.q[:, None, None, None].astype(np.float64)
        for _ in range(limite):
            deficit = np.maximum(0, -self.marges)
            if not deficit.any():
                return
            arete, gain = self._mouvements()
            delta = pb.delta_motif
            casse_motif = ((self.marges[:, None, None, None] + delta < 0) & (delta < 0)).any(axis=0)
            utile = np.minimum(np.maximum(delta, 0), deficit[:, None, None, None]) / q
            reduction_motif = utile.sum(axis=0)
            casse = self._par_logement(casse_motif)
            reduction = self._par_logement(reduction_motif)
            possible = (arete >= 0) & (reduction > 0) & ~casse
            if not possible.any():
                return
            cout = np.maximum(-gain, 0.0) + 1e-9
            rapport = np.where(possible, reduction / cout, -np.inf)
            lo, c = np.unravel_index(int(np.argmax(rapport)), rapport.shape)
            aidees = utile[:, self.pb.motif[lo], self.classe_courante[lo], c] > 0
            self.lam_estime[aidees] = np.maximum(self.lam_estime[aidees], cout[lo, c] / reduction[lo, c])
            self._appliquer(int(lo), int(arete[lo, c]))

    def ameliorer(self, limite: int = DEPLACEMENTS_MAX) -> None:
        """Replacements that raise the value and keep every objective at least as met."""
        for _ in range(limite):
            arete, gain = self._mouvements()
            if self.pb.contraintes:
                delta = self.pb.delta_motif
                garde = self._par_logement(((self.marges[:, None, None, None] + delta >= 0) | (delta >= 0)).all(axis=0))
            else:
                garde = np.ones(gain.shape, dtype=np.bool_)
            possible = (arete >= 0) & (gain > 1e-9) & garde
            if not possible.any():
                return
            score = np.where(possible, gain, -np.inf)
            lo, c = np.unravel_index(int(np.argmax(score)), score.shape)
            self._appliquer(int(lo), int(arete[lo, c]))


def _maitre(
    coupes: list[_Evaluation],
    indices: NDArray[np.int64],
    centre: NDArray[np.float64],
    rayon: NDArray[np.float64],
    lam_max: NDArray[np.float64],
) -> tuple[NDArray[np.float64], float] | None:
    """Minimise the cutting-plane model max_i f_i + s_i·(λ − λ_i) in the box around ``centre``."""
    k = indices.shape[0]
    a = np.array([[*c.pente[indices], -1.0] for c in coupes])
    b = np.array([float(c.pente[indices] @ c.lam[indices]) - c.borne for c in coupes])
    bas = np.maximum(0.0, centre[indices] - rayon)
    haut = np.minimum(lam_max[indices], centre[indices] + rayon)
    limites = [(float(lo), float(hi)) for lo, hi in zip(bas, haut, strict=True)] + [(None, None)]
    objectif = np.zeros(k + 1)
    objectif[-1] = 1.0
    resultat = linprog(objectif, A_ub=a, b_ub=b, bounds=limites, method="highs")
    if resultat.status != 0 or resultat.x is None:
        return None
    lam = centre.copy()
    lam[indices] = np.asarray(resultat.x[:k], dtype=np.float64)
    return lam, float(resultat.x[-1])


def proposer(
    instance: InstanceAppariement,
    contraintes: Sequence[ContraintePart] = (),
    *,
    nb_suppleants: int | None = None,
    ecart_cible: float = ECART_CIBLE,
    iterations_max: int = ITERATIONS_MAX,
    duree_max_s: float = DUREE_MAX_S,
    amorce_lp: bool = True,
) -> Solution:
    """First candidate and ranked alternates for every dwelling of ``instance``, meeting ``contraintes``
    (see the module docstring), with a certificate (value, upper bound, gap, multipliers).

    ``amorce_lp``: start the multipliers from the LP relaxation on a reduced candidate set (False: from the
    repair's marginal costs only, the method before docs/decisions/0020; kept as the benchmark's baseline)."""
    if nb_suppleants is None:
        # The latest setting of the parameter tree (``caleol.suppleants_par_logement``); callers that know the
        # day pass the value in force on it.
        nb_suppleants = int(charger_arbre().serie("caleol.suppleants_par_logement")[-1].valeur)
    if nb_suppleants < 0:
        raise ValueError(f"nb_suppleants : entier positif attendu, reçu {nb_suppleants}.")
    depart = time.perf_counter()
    pb = _Probleme(instance, contraintes)
    k = len(pb.contraintes)
    if pb.val.size == 0:
        return _sans_candidature(instance, pb, nb_suppleants, depart)

    meilleure: NDArray[np.int64] | None = None
    meilleure_valeur = -np.inf
    meilleur_deficit = np.inf
    borne = np.inf
    lam_borne = np.zeros(k)
    coupes: list[_Evaluation] = []
    ev_estime: list[NDArray[np.float64]] = []
    prouve = False

    def retenir(aretes: NDArray[np.int64]) -> _Reparation:
        """Repair and improve an assignment; keep it when it is the best proposal so far."""
        nonlocal meilleure, meilleure_valeur, meilleur_deficit
        reparation = _Reparation(pb, aretes)
        reparation.reparer()
        reparation.ameliorer()
        deficit = float(np.maximum(0, -reparation.marges).sum())
        valeur = pb.valeur(reparation.premier)
        if deficit < meilleur_deficit or (deficit == meilleur_deficit and valeur > meilleure_valeur):
            meilleure, meilleure_valeur, meilleur_deficit = reparation.premier.copy(), valeur, deficit
        return reparation

    def evaluer(lam: NDArray[np.float64], deja: _Evaluation | None = None, *, reparer: bool = True) -> _Evaluation:
        nonlocal borne, lam_borne
        ev = pb.oracle(lam) if deja is None else deja
        coupes.append(ev)
        if ev.borne < borne:
            borne, lam_borne = ev.borne, lam.copy()
        if reparer:
            ev_estime.append(retenir(ev.premier).lam_estime)
        return ev

    def ecart() -> float:
        if meilleur_deficit > 0 or not np.isfinite(borne):
            return np.inf
        return (borne - meilleure_valeur) / max(abs(borne), 1e-12)

    centre = np.zeros(k)
    libre = pb.oracle(centre)
    inatteignables: list[str] = []
    # Warm start: the multipliers of the LP relaxation on a reduced candidate set (HiGHS), which gets the whole
    # time limit (cutting it by the time already spent made a loaded machine fall back on the slow start: the
    # run may then exceed the limit by one LP and one evaluation). When that LP is
    # infeasible, some objective may be out of reach with the batch's candidates: those are aimed at their best
    # reachable share, and the LP is tried again.
    lam_lp: NDArray[np.float64] | None = None
    if amorce_lp and k and np.any(libre.pente < 0):
        lam_lp = pb.multiplicateurs_lp(pb.aretes_reduites(ARETES_LP_PAR_GROUPE, [libre.premier]), duree_max_s)
    if k and lam_lp is None:
        essai = _Reparation(pb, libre.premier)
        essai.reparer()
        for i in np.flatnonzero(essai.marges < 0):
            marge = pb.marge_maximale(int(i))
            if marge < 0:
                pb.relacher(int(i), marge)
                inatteignables.append(pb.contraintes[int(i)].code)
        libre.pente = pb.marges_de(libre.premier)
        if amorce_lp and inatteignables and np.any(libre.pente < 0):
            lam_lp = pb.multiplicateurs_lp(pb.aretes_reduites(ARETES_LP_PAR_GROUPE, [libre.premier]), duree_max_s)
    f_centre = evaluer(centre, libre, reparer=lam_lp is None).borne
    indices = pb.mobiles
    iterations = 1
    if lam_lp is not None:
        f = evaluer(lam_lp).borne
        iterations += 1
        if f < f_centre:
            centre, f_centre = lam_lp.copy(), f
        if meilleur_deficit > 0:
            retenir(libre.premier)
    if k and indices.size and ecart() > ecart_cible:
        if lam_lp is not None:
            rayon = np.full(indices.shape[0], max(float(centre.max(initial=0.0)) * 0.1, 1.0))
        else:
            estime = np.minimum(ev_estime[-1], pb.lam_max)
            rayon = np.full(indices.shape[0], max(float(estime.max(initial=0.0)) * 2.0, 1.0))
            if estime.any():
                f = evaluer(estime).borne
                iterations += 1
                if f < f_centre:
                    centre, f_centre = estime.copy(), f
        tolerance = max(abs(f_centre), 1.0) * ecart_cible * 0.1
        while iterations < iterations_max and time.perf_counter() - depart < duree_max_s and ecart() > ecart_cible:
            maitre = _maitre(coupes, indices, centre, rayon, pb.lam_max)
            if maitre is None:
                break
            lam, modele = maitre
            baisse_prevue = f_centre - modele
            if baisse_prevue <= tolerance:
                bord = np.isclose(np.abs(lam[indices] - centre[indices]), rayon) & (lam[indices] < pb.lam_max[indices])
                if not bord.any():
                    prouve = True
                    break
                rayon = rayon * 2.0
                continue
            f = evaluer(lam).borne
            iterations += 1
            if f <= f_centre - 0.1 * baisse_prevue:
                touche = np.isclose(np.abs(lam[indices] - centre[indices]), rayon)
                centre, f_centre = lam.copy(), f
                rayon = np.where(touche, rayon * 2.0, rayon)

    # Small batches: the LP relaxation can stay loose (a few dwellings, a share rounded up); the exact MILP
    # closes the gap in a moment and its dual bound (HiGHS) is as true a bound as f(λ).
    borne_exacte = False
    reste = duree_max_s - (time.perf_counter() - depart)
    if k and ecart() > ecart_cible and not inatteignables and pb.el.shape[0] <= ARETES_MAX_MILP and reste > 0:
        exact = resoudre_milp(instance, pb.contraintes, duree_max_s=reste)
        if exact.premier is not None and exact.valeur is not None and exact.borne is not None:
            if meilleur_deficit > 0 or exact.valeur > meilleure_valeur:
                servis = np.flatnonzero(exact.premier >= 0)
                aretes = np.full(pb.n, -1, dtype=np.int64)
                aretes[servis] = [instance.arete(int(lo), int(exact.premier[lo])) for lo in servis]
                meilleure, meilleure_valeur, meilleur_deficit = aretes, pb.valeur(aretes), 0.0
            if exact.borne < borne:
                borne, borne_exacte = max(exact.borne, meilleure_valeur), True

    assert meilleure is not None
    premier = np.where(meilleure >= 0, pb.ed[np.maximum(meilleure, 0)], -1).astype(np.int64)
    valeur = meilleure_valeur
    certificat = Certificat(
        valeur=valeur,
        borne=borne,
        ecart=(borne - valeur) / max(abs(borne), 1e-12),
        multiplicateurs={c.code: float(lam_borne[i]) for i, c in enumerate(pb.contraintes)},
        iterations=iterations,
        duree_s=time.perf_counter() - depart,
        optimum_dual_prouve=prouve or k == 0 or borne <= valeur,
        borne_exacte=borne_exacte,
        logements_sans_candidat=pb.n - int(pb.actifs.shape[0]),
        logements_non_pourvus=pb.non_pourvus,
        objectifs_inatteignables=tuple(inatteignables),
    )
    return Solution(
        instance=instance,
        contraintes=pb.contraintes,
        premier=premier,
        suppleants=suppleants(instance, premier, nb_suppleants),
        certificat=certificat,
        pourvus_max=pb.pourvus_max,
    )


def _sans_candidature(instance: InstanceAppariement, pb: _Probleme, nb_suppleants: int, depart: float) -> Solution:
    """No dwelling of the batch has a candidate (or there is no dwelling): nothing to choose. Objectives that
    the year's attributions already miss cannot be helped by this batch and are reported as out of reach."""
    premier = np.full(pb.n, -1, dtype=np.int64)
    marges = pb.marges_num(premier)
    inatteignables = tuple(pb.contraintes[int(i)].code for i in np.flatnonzero(marges < 0))
    for i in np.flatnonzero(marges < 0):
        pb.relacher(int(i), int(marges[i]))
    certificat = Certificat(
        valeur=0.0,
        borne=0.0,
        ecart=0.0,
        multiplicateurs={c.code: 0.0 for c in pb.contraintes},
        iterations=0,
        duree_s=time.perf_counter() - depart,
        optimum_dual_prouve=True,
        logements_sans_candidat=pb.n,
        logements_non_pourvus=pb.non_pourvus,
        objectifs_inatteignables=inatteignables,
    )
    return Solution(
        instance=instance,
        contraintes=pb.contraintes,
        premier=premier,
        suppleants=suppleants(instance, premier, nb_suppleants),
        certificat=certificat,
        pourvus_max=pb.pourvus_max,
    )
