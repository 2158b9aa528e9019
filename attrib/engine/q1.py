"""The first quartile (Q1) of the demand: its threshold, its rank rule and who belongs to it (L441-1 CCH).

The one home of the rule (decision ``docs/decisions/0011-une-regle-une-maison.md``); every caller (the
dashboard, the matching, the shortlist, the grid simulation, the demo) uses it.

* **Measure** of a household: the SNE « revenus mensuels » × 12 / consumption units (:func:`revenu_par_uc`,
  the engine's scale, DOMAIN.md §1.2).
* **Threshold** of an EPCI and a year (:func:`seuil_retenu`): the official value of the yearly arrêté when the
  dated data holds it; otherwise computed from the demand file by the **rank rule** (:func:`rang_premier_quartile`):
  the highest value of the quarter of demands with the lowest resources, i.e. the ⌈n/4⌉-th smallest value
  (never an interpolated quantile). Values that are not numbers (NaN, missing) are not demands with a
  measure and are left out before ranking.
* **Membership** (:func:`appartient`): resources per UC **at most** the threshold (``<=``); without a threshold
  nobody is established as Q1.

Each rule exists on plain values and on polars and numpy columns; the tests check that they agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from numpy.typing import NDArray

from attrib.engine.menage import Menage, revenu_annuel_par_uc, unites_consommation
from attrib.engine.parametres import Parametres

OFFICIEL = "officiel"
CALCULE = "calcule"


def revenu_par_uc(menage: Menage, *, jour: date, parametres: Parametres | None = None) -> float:
    """SNE monthly income × 12 / consumption units of one household, composed as on ``jour``."""
    return revenu_annuel_par_uc(
        menage.revenus_mensuels, unites_consommation(menage, date_reference=jour, parametres=parametres)
    )


def revenus_par_uc_tableau(
    revenus_mensuels: NDArray[np.float64], unites_consommation: NDArray[np.float64]
) -> NDArray[np.float64]:
    """:func:`revenu_par_uc` on columns (monthly resources and consumption units of each household)."""
    return np.asarray(revenus_mensuels, dtype=np.float64) * 12 / np.asarray(unites_consommation, dtype=np.float64)


def rang_premier_quartile(n: int) -> int:
    """1-based rank of the threshold among ``n`` values sorted ascending: ⌈n/4⌉ (``n`` ≥ 1)."""
    if n < 1:
        raise ValueError(f"Rang du premier quartile : au moins une valeur attendue (reçu {n}).")
    return math.ceil(n / 4)


def _mesure(v: float | None) -> bool:
    return v is not None and not math.isnan(v)


def premier_quartile(valeurs: Iterable[float | None]) -> float | None:
    """The ⌈n/4⌉-th smallest of the measured values; ``None`` when there is none."""
    tries = sorted(float(v) for v in valeurs if v is not None and _mesure(float(v)))
    if not tries:
        return None
    return tries[rang_premier_quartile(len(tries)) - 1]


def premier_quartile_colonne(colonne: pl.Series) -> float | None:
    """:func:`premier_quartile` of a polars column (nulls and NaN left out)."""
    s = colonne.cast(pl.Float64).drop_nulls().drop_nans()
    if s.len() == 0:
        return None
    return float(s.sort()[rang_premier_quartile(s.len()) - 1])


def appartient(revenu_uc: float | None, seuil: float | None) -> bool | None:
    """Whether a household of ``revenu_uc`` is Q1: ``revenu_uc <= seuil``; ``None`` when not established
    (no threshold, or no measure)."""
    if seuil is None or math.isnan(seuil) or revenu_uc is None or math.isnan(revenu_uc):
        return None
    return revenu_uc <= seuil


def appartient_colonne(revenus_uc: pl.Series, seuil: float | None) -> pl.Series:
    """:func:`appartient` on a polars column: ``null`` where not established."""
    s = revenus_uc.cast(pl.Float64)
    if seuil is None or math.isnan(seuil):
        return pl.Series(s.name, [None] * s.len(), dtype=pl.Boolean)
    mesure = s.is_not_null() & s.is_not_nan().fill_null(False)
    return pl.select(pl.when(mesure).then(s <= seuil).otherwise(None).alias(s.name)).to_series()


def appartient_tableau(revenus_uc: NDArray[np.float64], seuil: float | None) -> NDArray[np.bool_]:
    """:func:`appartient` on a numpy array, for the matching's columns: ``False`` where not established
    (the matching only ever counts households established as Q1)."""
    revenus = np.asarray(revenus_uc, dtype=np.float64)
    if seuil is None or math.isnan(seuil):
        return np.zeros(revenus.shape[0], dtype=np.bool_)
    with np.errstate(invalid="ignore"):
        return np.asarray(revenus <= seuil, dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class SeuilRetenu:
    """The threshold applied: its value (``None``: neither official nor computable), where it comes from
    (:data:`OFFICIEL` or :data:`CALCULE`) and how many measured demands the computation ranked."""

    valeur: float | None
    origine: str
    effectif: int = 0

    @property
    def officiel(self) -> bool:
        return self.origine == OFFICIEL


def seuil_retenu(*, officiel: float | None, revenus_par_uc: Callable[[], Iterable[float | None]]) -> SeuilRetenu:
    """The official value when the dated data holds one; else the first quartile of the demands' resources
    per UC (``revenus_par_uc`` is only called then: reading the demand file costs)."""
    if officiel is not None:
        if not math.isfinite(officiel) or officiel <= 0:
            raise ValueError(f"Seuil officiel du premier quartile invalide : {officiel!r} (montant positif attendu).")
        return SeuilRetenu(valeur=float(officiel), origine=OFFICIEL)
    mesures = [float(v) for v in revenus_par_uc() if v is not None and _mesure(float(v))]
    return SeuilRetenu(valeur=premier_quartile(mesures), origine=CALCULE, effectif=len(mesures))
