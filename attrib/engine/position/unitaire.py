"""Position and waiting range of one demand, from plain records: the reference the columns are tested against.

A demand is ranked among the demands scored by the same grid that share the rule's dimensions
(:class:`~attrib.engine.position.regles.ReglesInformation`), in the order of the ranked lists
(``attrib.engine.cotation.classer``): decreasing score, then the grid's tie-break keys (empty values last),
then the order of the demands' ids. The waiting range is read from the similar demands satisfied in the window:
the quartiles of their waiting times in completed months, and their number.

Nothing finer than what may be shown leaves the public functions: the position is a band of ``pas`` places
(:func:`bande`), shown only among at least ``minimum_position`` demands; the range only over at least
``minimum_attente`` leases, and its count too (below, the applicant reads "fewer than N").
"""

from __future__ import annotations

import calendar
import functools
import math
import statistics
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date

from attrib.engine.position.regles import ReglesInformation

#: Bounds of a score in the packed sort key of the columns (:mod:`attrib.engine.position.colonnes`).
SCORE_MAX = 2**30


@dataclass(frozen=True, slots=True)
class CleTri:
    """A tie-break key of the grid: the field and its direction."""

    champ: str
    decroissant: bool = False


@dataclass(frozen=True, slots=True)
class DemandeSimilaire:
    """One scored demand: its grid (version), the values of the similarity dimensions, its score and its
    tie-break values (in the grid's order, ``None`` when empty)."""

    demande_id: int
    grille: Hashable
    territoire: Hashable
    typologie: int
    secteur: Hashable
    score: int
    departage: tuple[object, ...] = ()

    def cle(self, regles: ReglesInformation) -> tuple[Hashable, ...]:
        return (self.grille, *(getattr(self, d) for d in regles.dimensions))


@dataclass(frozen=True, slots=True)
class Attribution:
    """A similar demand satisfied: the dimensions of the demand, its filing day and the day of its lease."""

    territoire: Hashable
    typologie: int
    secteur: Hashable
    date_depot: date
    date_attribution: date

    def cle(self, regles: ReglesInformation) -> tuple[Hashable, ...]:
        return tuple(getattr(self, d) for d in regles.dimensions)


@dataclass(frozen=True, slots=True)
class Bande:
    """The position shown: between place ``debut`` and place ``fin`` (both included) among ``effectif``."""

    debut: int
    fin: int
    effectif: int

    @property
    def texte(self) -> str:
        return f"entre la {_ordinal(self.debut)} et la {_ordinal(self.fin)} place sur {self.effectif}"


@dataclass(frozen=True, slots=True)
class Fourchette:
    """Waiting time of the similar demands satisfied: quartiles in completed months and their number."""

    premier_quartile: int
    mediane: int
    troisieme_quartile: int
    effectif: int


@dataclass(frozen=True, slots=True)
class Situation:
    """What may be shown of one demand. ``position`` / ``fourchette`` are ``None`` below their minimum, and then
    ``effectif`` / ``effectif_attente`` too (the applicant reads "fewer than" the minimum)."""

    position: Bande | None
    effectif: int | None
    fourchette: Fourchette | None
    effectif_attente: int | None


def _ordinal(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


def bande(rang: int, effectif: int, pas: int) -> Bande:
    """The band of ``pas`` places holding ``rang``: bands start at 1, 1 + pas, …; the remainder joins the last
    full band, so that every band holds at least ``pas`` places (when ``effectif`` ≥ ``pas``)."""
    if not 1 <= rang <= effectif:
        raise ValueError(f"rang {rang} hors de 1 à {effectif}")
    completes = max(1, effectif // pas)
    numero = min((rang - 1) // pas, completes - 1)
    debut = numero * pas + 1
    fin = effectif if numero == completes - 1 else debut + pas - 1
    return Bande(debut=debut, fin=fin, effectif=effectif)


def mois_entre(debut: date, fin: date) -> int:
    """Completed months from ``debut`` to ``fin`` (0 when ``fin`` is before)."""
    mois = (fin.year - debut.year) * 12 + fin.month - debut.month - (1 if fin.day < debut.day else 0)
    return max(0, mois)


def debut_fenetre(jour: date, mois: int) -> date:
    """``jour`` minus ``mois`` months (the last day of the month when it is shorter): the window is the leases
    signed after this day, up to ``jour`` included."""
    total = jour.year * 12 + jour.month - 1 - mois
    annee, m = divmod(total, 12)
    dernier = calendar.monthrange(annee, m + 1)[1]
    return date(annee, m + 1, min(jour.day, dernier))


def arrondi(valeur: float) -> int:
    """Half up (``round`` rounds half to even)."""
    return math.floor(valeur + 0.5)


def quartiles(attentes: Sequence[int]) -> tuple[int, int, int]:
    """Q1, median, Q3 (linear interpolation between order statistics, numpy's default), rounded half up."""
    if len(attentes) == 1:
        return attentes[0], attentes[0], attentes[0]
    q1, q2, q3 = statistics.quantiles(attentes, n=4, method="inclusive")
    return arrondi(q1), arrondi(q2), arrondi(q3)


def _comparer(cles: Sequence[CleTri]):  # type: ignore[no-untyped-def]
    def comparer(a: DemandeSimilaire, b: DemandeSimilaire) -> int:
        if a.score != b.score:
            return -1 if a.score > b.score else 1
        for i, cle in enumerate(cles):
            va, vb = a.departage[i], b.departage[i]
            if va == vb:
                continue
            if va is None or vb is None:
                return 1 if va is None else -1
            avant = va > vb if cle.decroissant else va < vb  # type: ignore[operator]
            return -1 if avant else 1
        return (a.demande_id > b.demande_id) - (a.demande_id < b.demande_id)

    return comparer


def rang_exact(
    demande: DemandeSimilaire, population: Sequence[DemandeSimilaire], cles: Sequence[CleTri], regles: ReglesInformation
) -> tuple[int, int]:
    """(rank, count) of ``demande`` among the similar demands of ``population`` (``demande`` takes the place of
    the population's record with its id, if any). Never shown: :func:`situation_un` shows a band."""
    cle = demande.cle(regles)
    groupe = [d for d in population if d.demande_id != demande.demande_id and d.cle(regles) == cle]
    groupe.append(demande)
    groupe.sort(key=functools.cmp_to_key(_comparer(cles)))
    return groupe.index(demande) + 1, len(groupe)


def fourchette_un(
    cle: tuple[Hashable, ...], attributions: Sequence[Attribution], regles: ReglesInformation, jour: date
) -> tuple[Fourchette | None, int]:
    """The waiting range of the attribution group ``cle`` (``None`` below the minimum) and the true count."""
    debut = debut_fenetre(jour, regles.fenetre_mois)
    attentes = sorted(
        mois_entre(a.date_depot, a.date_attribution)
        for a in attributions
        if a.cle(regles) == cle and debut < a.date_attribution <= jour
    )
    if len(attentes) < regles.minimum_attente:
        return None, len(attentes)
    q1, q2, q3 = quartiles(attentes)
    return Fourchette(q1, q2, q3, len(attentes)), len(attentes)


def situation_un(
    demande: DemandeSimilaire,
    population: Sequence[DemandeSimilaire],
    attributions: Sequence[Attribution],
    cles: Sequence[CleTri],
    regles: ReglesInformation,
    jour: date,
) -> Situation:
    """What may be shown of ``demande``: its band among the similar demands and the waiting range."""
    rang, effectif = rang_exact(demande, population, cles, regles)
    fourchette, _ = fourchette_un(demande.cle(regles)[1:], attributions, regles, jour)
    montre = effectif >= regles.minimum_position
    return Situation(
        position=bande(rang, effectif, regles.pas) if montre else None,
        effectif=effectif if montre else None,
        fourchette=fourchette,
        effectif_attente=fourchette.effectif if fourchette is not None else None,
    )
