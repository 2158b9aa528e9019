"""The sequencing rule, in exact integer arithmetic (statement and proof: ``docs/flux-orientation.md``).

n réservataires share one sequence of dwellings with exact shares λ_i = a_i / q_i (Σ λ_i = 1). After t
dwellings réservataire i has received x_i. With δ = 1 / (2(n − 1)) (Tijdeman's constant; δ = 1/2 when n = 1):

- the next unit of i (its (x_i + 1)-th dwelling) is **released** at slot s when λ_i·s ≥ x_i + δ, i.e.
  ``m·a_i·s ≥ q_i·(m·x_i + 1)`` with m = 1/δ; serving a released unit never puts i more than 1 − δ ahead;
- its **deadline** is the first slot s with λ_i·s > x_i + 1 − δ, i.e.
  ``s = ⌊q_i·(m·(x_i + 1) − 1) / (m·a_i)⌋ + 1``; serving every unit by its deadline never leaves i
  more than 1 − δ behind.

Rule (earliest deadline first): at slot t + 1, among released réservataires, serve the one whose
deadline is earliest; ties go to the lower index (the period's stable order: larger share first, then
réservataire key). Theorem (docs, §3): no deadline is ever missed, so |x_i(t) − λ_i·t| ≤ 1 − 1/(2(n − 1))
for every i and every t — Tijdeman's bound (1980), the best possible in general; the earlier constant
δ = 1/(2n) (bound 1 − 1/(2n)) stays available to compare (:meth:`Regle.de`, ``delta``).

A **safe** alternative to the earliest deadline (used to balance a second level, e.g. strata): any
released i whose deadline is not after the first *tight* horizon B — the first b > t at which the
units due by b and not yet served fill exactly the b − t slots left. Choosing a safe candidate keeps
the same guarantee.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from attrib.engine.erreurs import ErreurMoteur


def delta_optimal(n: int) -> Fraction:
    """Tijdeman's δ = 1/(2(n − 1)) for n ≥ 2 shares (every deviation ≤ 1 − δ, the best bound that holds for
    every set of shares); 1/2 for a single share (which never deviates)."""
    if n < 1:
        raise ErreurMoteur("Au moins une part est nécessaire.")
    return Fraction(1, 2 * (n - 1)) if n >= 2 else Fraction(1, 2)


@dataclass(frozen=True, slots=True)
class Regle:
    """Integer data of the rule for one sequence: λ_i = num[i] / den[i] (all > 0, Σ = 1) and ``m`` = 1/δ."""

    num: tuple[int, ...]
    den: tuple[int, ...]
    m: int

    @classmethod
    def de(cls, parts: Sequence[Fraction], *, delta: Fraction | None = None) -> Regle:
        """The rule for these shares, with Tijdeman's δ (:func:`delta_optimal`) unless ``delta`` (1/m, m ≥ 2
        an integer) is given: ``Fraction(1, 2 * n)`` gives the earlier, weaker rule (benchmarks, tests)."""
        if not parts or any(p <= 0 for p in parts) or sum(parts, Fraction(0)) != 1:
            raise ErreurMoteur("Les parts d'une séquence doivent être positives et de somme 1.")
        d = delta_optimal(len(parts)) if delta is None else delta
        if d.numerator != 1 or d.denominator < 2:
            raise ErreurMoteur("δ doit être de la forme 1/m avec m entier ≥ 2.")
        return cls(num=tuple(p.numerator for p in parts), den=tuple(p.denominator for p in parts), m=d.denominator)

    @property
    def delta(self) -> Fraction:
        return Fraction(1, self.m)

    @property
    def n(self) -> int:
        return len(self.num)

    def libere(self, i: int, x: int, s: int) -> bool:
        """Is the (x + 1)-th unit of i released at slot s?"""
        return self.m * self.num[i] * s >= self.den[i] * (self.m * x + 1)

    def liberation(self, i: int, x: int) -> int:
        """First slot at which the (x + 1)-th unit of i is released."""
        return -(-(self.den[i] * (self.m * x + 1)) // (self.m * self.num[i]))

    def echeance(self, i: int, x: int) -> int:
        """Deadline (a slot number) of the (x + 1)-th unit of i."""
        return self.den[i] * (self.m * (x + 1) - 1) // (self.m * self.num[i]) + 1

    def candidats(self, recus: Sequence[int], t: int) -> list[int]:
        """Réservataires released at slot t + 1 (never empty when Σ recus = t, see the docs)."""
        s = t + 1
        return [i for i in range(self.n) if self.libere(i, recus[i], s)]

    def premier_tendu(self, recus: Sequence[int], t: int, limite: int) -> int | None:
        """First horizon b in t+1..limite where the units due by b and not served fill the b − t slots
        left (overdue units count from b = t + 1); None when there is none up to ``limite``."""
        if limite <= t:
            return None
        taille = limite - t
        dus = [0] * taille
        for i, x in enumerate(recus):
            while (d := self.echeance(i, x)) <= limite:
                dus[max(d - t - 1, 0)] += 1
                x += 1
        cumul = 0
        for j in range(taille):
            cumul += dus[j]
            if cumul >= j + 1:
                return t + 1 + j
        return None

    def sur(self, recus: Sequence[int], t: int, i: int) -> bool:
        """Can i be served at slot t + 1 without losing the guarantee (released, deadline ≤ first tight
        horizon)? The earliest deadline always is; an override of an unsafe choice needs compensation."""
        if not self.libere(i, recus[i], t + 1):
            return False
        return self.premier_tendu(recus, t, self.echeance(i, recus[i]) - 1) is None

    def choisir(
        self, recus: Sequence[int], t: int, preference: Callable[[int], Any] | None = None
    ) -> tuple[int, int, bool]:
        """The réservataire served at slot t + 1: ``(index, earliest-deadline index, steered)``.

        Without ``preference``: earliest deadline. With it: the released réservataire with the smallest
        ``(preference(i), deadline, i)`` among the safe ones (the earliest deadline is always safe).
        """
        candidats = self.candidats(recus, t)
        if not candidats:
            raise ErreurMoteur("Aucun réservataire libérable : les reçus ne correspondent pas au nombre de logements.")
        edf = min(candidats, key=lambda i: (self.echeance(i, recus[i]), i))
        if preference is None:
            return edf, edf, False
        ordre = sorted(candidats, key=lambda i: (preference(i), self.echeance(i, recus[i]), i))
        meilleur = ordre[0]
        if meilleur == edf:
            return edf, edf, False
        tendu = self.premier_tendu(recus, t, self.echeance(meilleur, recus[meilleur]) - 1)
        if tendu is None:
            return meilleur, edf, True
        for i in ordre:
            if self.echeance(i, recus[i]) <= tendu:
                return i, edf, i != edf
        return edf, edf, False


def sequence_rapide(
    regle: Regle, recus: list[int], t: int, forces: Sequence[int | None]
) -> tuple[list[int], list[int]]:
    """Earliest-deadline sequence of ``len(forces)`` slots with heaps, O(log n) per slot.

    ``forces[k]`` is None (the rule decides) or the index imposed for slot t + k + 1 (an override).
    Updates ``recus`` in place and returns ``(served, proposed)`` indices; identical to calling
    :meth:`Regle.choisir` slot after slot (tests check it).
    """
    version = [0] * regle.n
    en_attente: list[tuple[int, int, int]] = []  # (release slot, index, version)
    prets: list[tuple[int, int, int]] = []  # (deadline, index, version)
    for i in range(regle.n):
        heapq.heappush(en_attente, (regle.liberation(i, recus[i]), i, 0))
    servis: list[int] = []
    proposes: list[int] = []
    for k, force in enumerate(forces):
        s = t + k + 1
        while en_attente and en_attente[0][0] <= s:
            _, i, v = heapq.heappop(en_attente)
            if v == version[i]:
                heapq.heappush(prets, (regle.echeance(i, recus[i]), i, v))
        while prets[0][2] != version[prets[0][1]]:
            heapq.heappop(prets)
        propose = prets[0][1]
        choisi = propose if force is None else force
        if choisi == propose:
            heapq.heappop(prets)
        recus[choisi] += 1
        version[choisi] += 1
        heapq.heappush(en_attente, (regle.liberation(choisi, recus[choisi]), choisi, version[choisi]))
        servis.append(choisi)
        proposes.append(propose)
    return servis, proposes
