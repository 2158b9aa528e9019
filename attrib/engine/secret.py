"""Small counts never published: primary and secondary suppression of a two-way table with its margins.

A table of counts (rows × columns, e.g. communes × typologies) is published with its row totals, column totals and
grand total. A count ``1 ≤ n < minimum`` is *primary*: never shown. Showing the others is not enough: a hidden
count could be found back by subtracting the shown counts of its row (or column) from the shown total. So other
counts are hidden too (*secondary* suppression) until no hidden count can be derived from what is shown.

What a reader knows: every shown figure, and that a hidden figure is at least 1 (zeros are shown: an empty cell
says nothing of anybody). All hidden figures carry the same mark, so a reader cannot tell a primary one from a
secondary one.

:func:`masquer` applies the rules of each *line* (a row with its total, a column with its total, the row of
column totals, the column of row totals) until they all hold — in each line whose total is shown, either no part
is hidden or at least two are, and the hidden parts add up to at least ``minimum`` (else their sum, which the
reader computes, would itself be a small count); a hidden total is never the only hidden figure of its line —
then checks the whole table with :func:`intervalles` (a linear programme per hidden figure: the smallest and
largest values consistent with everything shown) and hides one more figure beside any primary figure whose value
the table still pins down, until none is. :func:`violations` says what breaks those rules; production and tests
call it (``docs/decisions/0030``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

#: A position in the full table: (row, column); row ``n_lignes`` is the column totals, column ``n_colonnes``
#: the row totals, (``n_lignes``, ``n_colonnes``) the grand total.
Case = tuple[int, int]


@dataclass(frozen=True)
class Tableau:
    """Counts with their margins, as published: ``valeurs[i][j]`` for ``i ≤ n_lignes``, ``j ≤ n_colonnes``."""

    valeurs: tuple[tuple[int, ...], ...]

    @classmethod
    def de(cls, cellules: Sequence[Sequence[int]]) -> Tableau:
        """The table of ``cellules`` (rows of equal length, non-negative) with its totals."""
        if not cellules or not cellules[0]:
            raise ValueError("Un tableau a au moins une ligne et une colonne.")
        largeur = len(cellules[0])
        if any(len(ligne) != largeur for ligne in cellules):
            raise ValueError("Toutes les lignes du tableau ont le même nombre de colonnes.")
        if any(v < 0 for ligne in cellules for v in ligne):
            raise ValueError("Un effectif n'est jamais négatif.")
        lignes = [(*(int(v) for v in ligne), int(sum(ligne))) for ligne in cellules]
        totaux = tuple(sum(ligne[j] for ligne in lignes) for j in range(largeur + 1))
        return cls(valeurs=(*lignes, totaux))

    @property
    def n_lignes(self) -> int:
        return len(self.valeurs) - 1

    @property
    def n_colonnes(self) -> int:
        return len(self.valeurs[0]) - 1

    def __getitem__(self, case: Case) -> int:
        return self.valeurs[case[0]][case[1]]

    def cases(self) -> Iterator[Case]:
        for i in range(self.n_lignes + 1):
            for j in range(self.n_colonnes + 1):
                yield (i, j)

    def lignes_de_calcul(self) -> list[tuple[list[Case], Case]]:
        """Every relation ``sum(parts) = total`` the table publishes."""
        n, m = self.n_lignes, self.n_colonnes
        relations = [([(i, j) for j in range(m)], (i, m)) for i in range(n + 1)]
        relations += [([(i, j) for i in range(n)], (n, j)) for j in range(m + 1)]
        return relations


def primaires(tableau: Tableau, minimum: int) -> frozenset[Case]:
    """The figures below the minimum (zeros excepted)."""
    return frozenset(c for c in tableau.cases() if 1 <= tableau[c] < minimum)


def _regle_des_lignes(tableau: Tableau, masque: set[Case], minimum: int) -> bool:
    """Hide one more figure in the first line that breaks a rule; ``False`` when every line holds."""
    for parts, total in tableau.lignes_de_calcul():
        cachees = [p for p in parts if p in masque]
        visibles = sorted((tableau[p], p) for p in parts if p not in masque and tableau[p] > 0)
        if total in masque:
            if (
                len(cachees) <= 1 and visibles
            ):  # the hidden total would be the sum of shown parts, or equal the one hidden
                masque.add(visibles[0][1])
                return True
            continue
        if not cachees:
            continue
        if len(cachees) == 1 or sum(tableau[p] for p in cachees) < minimum:
            masque.add(visibles[0][1] if visibles else total)
            return True
    return False


def intervalles(
    tableau: Tableau, masque: frozenset[Case] | set[Case], cibles: Sequence[Case] = ()
) -> dict[Case, tuple[float, float]]:
    """The smallest and largest value of each hidden figure of ``cibles`` (default: all hidden figures) that agree
    with every shown figure and every relation of the table, each hidden figure being at least 1."""
    inconnues = sorted(masque)
    if not inconnues:
        return {}
    rang = {c: k for k, c in enumerate(inconnues)}
    egalites: list[list[float]] = []
    seconds: list[float] = []
    for parts, total in tableau.lignes_de_calcul():
        ligne = [0.0] * len(inconnues)
        second = 0.0
        for p in parts:
            if p in rang:
                ligne[rang[p]] += 1.0
            else:
                second -= tableau[p]
        if total in rang:
            ligne[rang[total]] -= 1.0
        else:
            second += tableau[total]
        if any(ligne):
            egalites.append(ligne)
            seconds.append(second)
    a = np.array(egalites) if egalites else None
    b = np.array(seconds) if egalites else None
    bornes = [(1.0, None)] * len(inconnues)
    resultat: dict[Case, tuple[float, float]] = {}
    for case in cibles or inconnues:
        objectif = np.zeros(len(inconnues))
        objectif[rang[case]] = 1.0
        bas = linprog(objectif, A_eq=a, b_eq=b, bounds=bornes, method="highs")
        haut = linprog(-objectif, A_eq=a, b_eq=b, bounds=bornes, method="highs")
        mini = float(bas.fun) if bas.status == 0 else 1.0
        maxi = -float(haut.fun) if haut.status == 0 else math.inf  # unbounded: nothing pins it from above
        resultat[case] = (mini, maxi)
    return resultat


def _determinee(intervalle: tuple[float, float]) -> bool:
    """One whole value only fits the interval."""
    bas, haut = intervalle
    if math.isinf(haut):
        return False
    return math.ceil(bas - 1e-6) >= math.floor(haut + 1e-6)


def violations(tableau: Tableau, masque: frozenset[Case] | set[Case], minimum: int, *, audit: bool = True) -> list[str]:
    """What the published table would reveal (empty: nothing). ``audit``: also solve the linear programmes."""
    erreurs = [
        f"Case {c} : {tableau[c]} est sous le minimum et n'est pas masquée."
        for c in primaires(tableau, minimum) - set(masque)
    ]
    for parts, total in tableau.lignes_de_calcul():
        cachees = [p for p in parts if p in masque]
        if total not in masque and cachees and (len(cachees) == 1 or sum(tableau[p] for p in cachees) < minimum):
            erreurs.append(f"Ligne de total {total} : les cases masquées {cachees} se retrouvent par différence.")
        if total in masque and len(cachees) == 0:
            erreurs.append(f"Total {total} masqué mais égal à la somme de ses parties visibles.")
    if audit and not erreurs:
        cibles = sorted(primaires(tableau, minimum))
        for case, intervalle in intervalles(tableau, masque, cibles).items():
            if _determinee(intervalle):
                erreurs.append(f"Case {case} : sa valeur se déduit des chiffres publiés ({intervalle[0]:g}).")
    return erreurs


def _voisine(tableau: Tableau, case: Case, masque: set[Case]) -> Case | None:
    """The smallest shown non-zero figure of the same row or column (a total last)."""
    i, j = case
    n, m = tableau.n_lignes, tableau.n_colonnes
    voisines = [(i, k) for k in range(m + 1) if k != j] + [(k, j) for k in range(n + 1) if k != i]
    candidates = sorted((c[0] == n or c[1] == m, tableau[c], c) for c in voisines if c not in masque and tableau[c] > 0)
    return candidates[0][2] if candidates else None


def masquer(tableau: Tableau, minimum: int) -> frozenset[Case]:
    """The figures to hide so that no figure below ``minimum`` can be read or derived from the table."""
    if minimum < 2:
        raise ValueError("L'effectif minimal est au moins 2.")
    masque: set[Case] = set(primaires(tableau, minimum))
    while True:
        while _regle_des_lignes(tableau, masque, minimum):
            pass
        cibles = sorted(primaires(tableau, minimum))
        determinees = [c for c, iv in intervalles(tableau, masque, cibles).items() if _determinee(iv)]
        if not determinees:
            return frozenset(masque)
        ajout = None
        for case in determinees:
            ajout = _voisine(tableau, case, masque)
            if ajout is not None:
                break
        if ajout is None:  # every figure near them is hidden already: hide everything but zeros
            return frozenset(c for c in tableau.cases() if tableau[c] > 0)
        masque.add(ajout)


__all__ = ["Case", "Tableau", "intervalles", "masquer", "primaires", "violations"]
