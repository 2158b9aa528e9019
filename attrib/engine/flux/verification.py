"""Check a sequence of orientations: the deviation of every réservataire at every prefix.

At prefix t (the first t dwellings, of the whole flux or of one stratum), the deviation of réservataire i
is x_i(t) − λ_i·t. :func:`ecarts_maximaux` gives, per level, stratum and réservataire, the largest
absolute deviation and where it occurs; :func:`verifier_sequence` lists every prefix where a guaranteed
deviation reaches one dwelling or more (production and tests both call it).

Vectorised (numpy cumulative sums); every decision near the threshold is re-checked in exact integer
arithmetic, so a deviation is never misclassified by a rounding error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import polars as pl

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.flux import texte
from attrib.engine.flux.conventions import Periode
from attrib.engine.flux.orientation import STRATE_UNIQUE

NIVEAU_FLUX = "flux"
NIVEAU_STRATE = "strate"
_MARGE = 1e-6


@dataclass(frozen=True, slots=True)
class Violation:
    """At the ``rang``-th dwelling of the flux, ``reservataire`` deviates by ``ecart`` (exact) from its
    share, over the whole flux (``strate`` None) or in one stratum."""

    rang: int
    reservataire: str
    strate: str | None
    ecart: Fraction

    @property
    def message(self) -> str:
        ou = "sur l'ensemble du flux" if self.strate is None else f"dans la strate {self.strate}"
        sens = "d'avance" if self.ecart > 0 else "de retard"
        return (
            f"Au {texte.ordinal(self.rang)} logement, {self.reservataire} a {texte.nombre(abs(self.ecart), 2)} "
            f"logement(s) {sens} sur sa part {ou}."
        )


def niveaux_garantis(p: Periode) -> tuple[str, ...]:
    """The levels where the engine guarantees a deviation below one dwelling."""
    return (NIVEAU_STRATE,) if p.par_strate else (NIVEAU_FLUX,)


def _indices(p: Periode, sequence: pl.DataFrame) -> np.ndarray:
    cles = [q.reservataire for q in p.parts]
    inconnus = sequence.filter(~pl.col("reservataire").is_in(cles))
    if inconnus.height:
        raise EntreeInvalide(
            f"Réservataire « {inconnus['reservataire'][0]} » sans part dans la période : la séquence ne peut être vérifiée."
        )
    serie = sequence["reservataire"].replace_strict(cles, list(range(len(cles))), return_dtype=pl.Int64)
    return serie.to_numpy()


def _groupes(p: Periode, sequence: pl.DataFrame, niveau: str) -> Iterator[tuple[str | None, np.ndarray, np.ndarray]]:
    """(stratum, indices of the réservataires served, global ranks) for each sequence of the level."""
    cadre = sequence if "rang" in sequence.columns else sequence.with_row_index("rang", offset=1)
    if "decompte" in cadre.columns:
        cadre = cadre.filter(pl.col("decompte").fill_null(True))
    if niveau == NIVEAU_FLUX:
        yield None, _indices(p, cadre), cadre["rang"].to_numpy()
        return
    if "strate" not in cadre.columns:
        cadre = cadre.with_columns(pl.lit(STRATE_UNIQUE).alias("strate"))
    for (strate,), groupe in cadre.group_by("strate", maintain_order=True):
        yield str(strate), _indices(p, groupe), groupe["rang"].to_numpy()


def _ecarts(p: Periode, indices: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    t = np.arange(1, len(indices) + 1, dtype=np.float64)
    for i, part in enumerate(p.parts):
        recus = np.cumsum(indices == i, dtype=np.float64)
        yield i, recus - float(part.part) * t


def ecarts_maximaux(p: Periode, sequence: pl.DataFrame, *, niveaux: tuple[str, ...] | None = None) -> pl.DataFrame:
    """Largest |received − share × dwellings| per level, stratum and réservataire.

    ``sequence``: column ``reservataire`` in order (optional ``strate``; optional ``decompte``: False rows
    are left out; optional ``rang``, else the row number). Columns: ``niveau``, ``strate``, ``reservataire``, ``ecart_max`` (float, rounded for
    display; :func:`verifier_sequence` decides exactly), ``rang`` (global rank where it first occurs)."""
    lignes: list[tuple[str, str | None, str, float, int]] = []
    for niveau in niveaux or (NIVEAU_FLUX, *((NIVEAU_STRATE,) if p.criteres else ())):
        for strate, indices, rangs in _groupes(p, sequence, niveau):
            if len(indices) == 0:
                continue
            for i, ecart in _ecarts(p, indices):
                k = int(np.argmax(np.abs(ecart)))
                lignes.append((niveau, strate, p.parts[i].reservataire, float(abs(ecart[k])), int(rangs[k])))
    return pl.DataFrame(
        lignes,
        schema={
            "niveau": pl.String(),
            "strate": pl.String(),
            "reservataire": pl.String(),
            "ecart_max": pl.Float64(),
            "rang": pl.Int64(),
        },
        orient="row",
    )


def ecart_maximal(p: Periode, sequence: pl.DataFrame, *, niveau: str = NIVEAU_FLUX) -> float:
    """The largest deviation over all réservataires (and strata) of one level."""
    cadre = ecarts_maximaux(p, sequence, niveaux=(niveau,))
    return float(cadre["ecart_max"].max() or 0.0)  # type: ignore[arg-type]


def verifier_sequence(
    p: Periode, sequence: pl.DataFrame, *, niveaux: tuple[str, ...] | None = None, seuil: Fraction = Fraction(1)
) -> list[Violation]:
    """Every prefix where a réservataire deviates by ``seuil`` (one dwelling) or more from its share, on the
    guaranteed level(s) by default (:func:`niveaux_garantis`). Empty list: the sequence keeps the bound."""
    violations: list[Violation] = []
    for niveau in niveaux or niveaux_garantis(p):
        for strate, indices, rangs in _groupes(p, sequence, niveau):
            for i, ecart in _ecarts(p, indices):
                suspects = np.flatnonzero(np.abs(ecart) >= float(seuil) - _MARGE)
                if len(suspects) == 0:
                    continue
                recus = np.cumsum(indices == i)
                part = p.parts[i].part
                for k in suspects:
                    exact = int(recus[k]) - part * (int(k) + 1)
                    if abs(exact) >= seuil:
                        violations.append(Violation(int(rangs[k]), p.parts[i].reservataire, strate, exact))
    return sorted(violations, key=lambda v: (v.rang, v.reservataire, v.strate or ""))
