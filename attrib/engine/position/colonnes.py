"""Positions and waiting ranges of a whole territory, on columns: the index the screens and the alerts read.

:meth:`IndexPositions.construire` sorts the scored demands once by group (the grid and the rule's dimensions)
then by a packed key (decreasing score, then the place of the demand in the grid's tie-break order), and keeps
the bounds of each group: the rank of a demand is its row minus its group's first row, and the rank a demand
would have with another score or in another group is a binary search in that group's keys
(:meth:`IndexPositions.rang_pour`). The waiting range of each group of satisfied demands is computed once.
:mod:`attrib.engine.position.unitaire` is the reference, on plain records; tests compare both.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.position.regles import ReglesInformation
from attrib.engine.position.unitaire import (
    SCORE_MAX,
    Bande,
    CleTri,
    Fourchette,
    Situation,
    arrondi,
    bande,
    debut_fenetre,
)

DEMANDE_ID = "demande_id"
GRILLE = "grille"
SCORE = "score"
DATE_DEPOT = "date_depot"
DATE_ATTRIBUTION = "date_attribution"
_ORDRE = "\u00a7ordre"
_CLE = "\u00a7cle"
_DECALAGE = 32


def cle_tri(score: int, ordre: int) -> int:
    """The packed key: demands sort by it within a group exactly as the ranked lists rank them."""
    return ((SCORE_MAX - score) << _DECALAGE) | ordre


@dataclass(frozen=True)
class IndexPositions:
    regles: ReglesInformation
    jour: date
    #: Row of each sorted demand → its group's number; the packed key of each sorted row.
    groupe: np.ndarray
    cles: np.ndarray
    #: Group (grid, dimensions…) → (first row, end row).
    bornes: dict[tuple[Hashable, ...], tuple[int, int]]
    groupes: list[tuple[Hashable, ...]]
    #: Demand ids, sorted, and the sorted row of each.
    ids: np.ndarray
    lignes: np.ndarray
    #: Each sorted row's place in the tie-break order.
    ordres: np.ndarray
    #: Attribution group (dimensions…) → (range or None below the minimum, true count).
    attentes: dict[tuple[Hashable, ...], tuple[Fourchette | None, int]]

    def __len__(self) -> int:
        return int(self.cles.shape[0])

    @classmethod
    def construire(
        cls,
        demandes: pl.DataFrame,
        attributions: pl.DataFrame,
        *,
        departage: Sequence[CleTri],
        regles: ReglesInformation,
        jour: date,
    ) -> IndexPositions:
        """``demandes``: ``demande_id``, ``grille``, ``score``, the rule's dimensions and the tie-break columns;
        ``attributions``: the dimensions, ``date_depot`` and ``date_attribution``."""
        dims = list(regles.dimensions)
        manquantes = [
            c for c in [DEMANDE_ID, GRILLE, SCORE, *dims, *(c.champ for c in departage)] if c not in demandes.columns
        ]
        if manquantes:
            raise EntreeInvalide(f"Colonnes absentes des demandes : {', '.join(manquantes)}.")
        if demandes.height and (demandes[SCORE].abs().max() or 0) >= SCORE_MAX:  # type: ignore[operator]
            raise EntreeInvalide(f"Score hors des bornes du classement (±{SCORE_MAX}).")
        tri = [c.champ for c in departage]
        ordonne = (
            demandes.sort([*tri, DEMANDE_ID], descending=[*(c.decroissant for c in departage), False], nulls_last=True)
            .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(_ORDRE))
            .with_columns(
                (
                    (pl.lit(SCORE_MAX, pl.Int64) - pl.col(SCORE).cast(pl.Int64)) * (1 << _DECALAGE) + pl.col(_ORDRE)
                ).alias(_CLE)
            )
            .sort([GRILLE, *dims, _CLE])
        )
        comptes = ordonne.group_by([GRILLE, *dims], maintain_order=True).len()
        fins = np.cumsum(comptes["len"].to_numpy())
        groupes = [tuple(r) for r in comptes.select([GRILLE, *dims]).iter_rows()]
        bornes = {g: (int(f - n), int(f)) for g, f, n in zip(groupes, fins, comptes["len"].to_numpy(), strict=True)}
        numeros = np.repeat(np.arange(len(groupes), dtype=np.int32), comptes["len"].to_numpy())
        ids = ordonne[DEMANDE_ID].to_numpy()
        permutation = np.argsort(ids, kind="stable")
        return cls(
            regles=regles,
            jour=jour,
            groupe=numeros,
            cles=ordonne[_CLE].to_numpy(),
            bornes=bornes,
            groupes=groupes,
            ids=ids[permutation],
            lignes=permutation,
            ordres=ordonne[_ORDRE].to_numpy(),
            attentes=fourchettes(attributions, regles=regles, jour=jour),
        )

    # --- reads ------------------------------------------------------------------------------------------------

    def ligne(self, demande_id: int) -> int | None:
        """The sorted row of the demand (``None``: not indexed)."""
        i = int(np.searchsorted(self.ids, demande_id))
        if i < len(self.ids) and int(self.ids[i]) == demande_id:
            return int(self.lignes[i])
        return None

    def groupe_de(self, ligne: int) -> tuple[Hashable, ...]:
        return self.groupes[int(self.groupe[ligne])]

    def rang_pour(self, ligne: int, groupe: tuple[Hashable, ...], score: int) -> tuple[int, int]:
        """(rank, count) the demand of sorted row ``ligne`` would have with ``score`` in ``groupe`` (its own
        group or another one it would join). Never shown: see :meth:`situation_pour`."""
        cle = cle_tri(score, int(self.ordres[ligne]))
        debut, fin = self.bornes.get(groupe, (0, 0))
        avant = int(np.searchsorted(self.cles[debut:fin], cle, side="left"))
        if groupe == self.groupe_de(ligne):
            if int(self.cles[ligne]) < cle:
                avant -= 1  # its own current place is not a demand ahead of it
            return avant + 1, fin - debut
        return avant + 1, fin - debut + 1

    def situation_pour(self, ligne: int, groupe: tuple[Hashable, ...], score: int) -> Situation:
        rang, effectif = self.rang_pour(ligne, groupe, score)
        fourchette, _ = self.attentes.get(groupe[1:], (None, 0))
        montre = effectif >= self.regles.minimum_position
        position: Bande | None = bande(rang, effectif, self.regles.pas) if montre else None
        return Situation(
            position=position,
            effectif=effectif if montre else None,
            fourchette=fourchette,
            effectif_attente=fourchette.effectif if fourchette is not None else None,
        )

    def situation(self, demande_id: int) -> Situation | None:
        """What may be shown of the demand now (``None``: it has no score in the index)."""
        ligne = self.ligne(demande_id)
        if ligne is None:
            return None
        groupe = self.groupe_de(ligne)
        debut, fin = self.bornes[groupe]
        rang, effectif = ligne - debut + 1, fin - debut
        fourchette, _ = self.attentes.get(groupe[1:], (None, 0))
        montre = effectif >= self.regles.minimum_position
        return Situation(
            position=bande(rang, effectif, self.regles.pas) if montre else None,
            effectif=effectif if montre else None,
            fourchette=fourchette,
            effectif_attente=fourchette.effectif if fourchette is not None else None,
        )

    def rang(self, demande_id: int) -> tuple[int, int] | None:
        """(rank, count) of the demand: for the tests and the staff's ranked lists, never for the applicant."""
        ligne = self.ligne(demande_id)
        if ligne is None:
            return None
        debut, fin = self.bornes[self.groupe_de(ligne)]
        return ligne - debut + 1, fin - debut

    def bandes(self) -> pl.DataFrame:
        """``demande_id``, ``debut``, ``fin``, ``effectif`` of every demand whose position is shown (the
        snapshot of the alerts): one pass on the columns."""
        debuts = np.array([self.bornes[g][0] for g in self.groupes], dtype=np.int64)
        fins = np.array([self.bornes[g][1] for g in self.groupes], dtype=np.int64)
        effectifs = (fins - debuts)[self.groupe]
        rangs = np.arange(len(self), dtype=np.int64) - debuts[self.groupe] + 1
        pas = self.regles.pas
        completes = np.maximum(1, effectifs // pas)
        numeros = np.minimum((rangs - 1) // pas, completes - 1)
        debut = numeros * pas + 1
        fin = np.where(numeros == completes - 1, effectifs, debut + pas - 1)
        ids = np.empty_like(self.ids)
        ids[self.lignes] = self.ids
        return pl.DataFrame({DEMANDE_ID: ids, "debut": debut, "fin": fin, "effectif": effectifs}).filter(
            pl.col("effectif") >= self.regles.minimum_position
        )


def fourchettes(
    attributions: pl.DataFrame, *, regles: ReglesInformation, jour: date
) -> dict[tuple[Hashable, ...], tuple[Fourchette | None, int]]:
    """The waiting range of each group of satisfied demands in the window (``None`` below the minimum)."""
    dims = list(regles.dimensions)
    manquantes = [c for c in [*dims, DATE_DEPOT, DATE_ATTRIBUTION] if c not in attributions.columns]
    if manquantes:
        raise EntreeInvalide(f"Colonnes absentes des attributions : {', '.join(manquantes)}.")
    debut = debut_fenetre(jour, regles.fenetre_mois)
    d, f = pl.col(DATE_DEPOT), pl.col(DATE_ATTRIBUTION)
    mois = (
        (f.dt.year().cast(pl.Int64) - d.dt.year()) * 12
        + f.dt.month().cast(pl.Int64)
        - d.dt.month()
        - (f.dt.day() < d.dt.day()).cast(pl.Int64)
    ).clip(lower_bound=0)
    groupes = (
        attributions.filter((f > debut) & (f <= jour))
        .with_columns(mois.alias("\u00a7mois"))
        .group_by(dims)
        .agg(
            pl.len().alias("n"),
            *(
                pl.col("\u00a7mois").quantile(q, interpolation="linear").alias(f"q{i}")
                for i, q in ((1, 0.25), (2, 0.5), (3, 0.75))
            ),
        )
    )
    resultat: dict[tuple[Hashable, ...], tuple[Fourchette | None, int]] = {}
    for ligne in groupes.iter_rows(named=True):
        cle: tuple[Any, ...] = tuple(ligne[c] for c in dims)
        n = int(ligne["n"])
        if n < regles.minimum_attente:
            resultat[cle] = (None, n)
        else:
            resultat[cle] = (Fourchette(arrondi(ligne["q1"]), arrondi(ligne["q2"]), arrondi(ligne["q3"]), n), n)
    return resultat
