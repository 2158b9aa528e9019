"""Bring demands to what a grid reads: the engine's derivations, and the application's columns."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from attrib.engine.cotation.catalogue import COLONNES_APPLICATION, COLONNES_DERIVEES
from attrib.engine.cotation.grille import Grille, colonnes_departage, colonnes_lues
from attrib.engine.derivations import deriver, lignes_invalides
from attrib.engine.formats.demandes_csv import STATUT_LOCATAIRE_SOCIAL
from attrib.engine.parametres import FINANCEMENTS, Parametres

_TYPES_APPLICATION: dict[str, pl.DataType] = {
    "liste": pl.List(pl.String),
    "liste_dates": pl.List(pl.Date),
    "booleen": pl.Boolean(),
}


def est_mutation() -> pl.Expr:
    """Demands from current social tenants, scored by a mutation grid when the territory has one."""
    return (pl.col("statut_logement_actuel").cast(pl.String) == STATUT_LOCATAIRE_SOCIAL).fill_null(False)


def preparer(
    demandes: pl.DataFrame,
    grilles: Grille | Iterable[Grille],
    *,
    date_reference: date,
    annee_plafonds: int | None = None,
    parametres: Parametres | None = None,
) -> pl.DataFrame:
    """``demandes`` plus the derived columns (:func:`attrib.engine.derivations.deriver`) the grids read
    (tie-break included) and the frame lacks. Derivations need the engine's input columns (``COLONNES_ENTREE``); ceilings are
    those of ``annee_plafonds`` (default: the reference year), computed only for the financings read."""
    liste = [grilles] if isinstance(grilles, Grille) else list(grilles)
    lues = set().union(*(colonnes_lues(g) | set(colonnes_departage(g)) for g in liste))
    manquantes = {c for c in lues & COLONNES_DERIVEES if c not in demandes.columns}
    if not manquantes:
        return demandes
    financements = [f for f in FINANCEMENTS if {f"plafond_{f.lower()}", f"eligible_{f.lower()}"} & manquantes]
    derivees = deriver(
        demandes,
        date_reference=date_reference,
        annee_plafonds=annee_plafonds or date_reference.year,
        parametres=parametres,
        financements=financements or ("PLUS",),
    )
    return demandes.with_columns(derivees.select(sorted(manquantes)))


def lignes_refusees(
    demandes: pl.DataFrame, grilles: Grille | Iterable[Grille], *, date_reference: date
) -> list[tuple[int, str]]:
    """The rows :func:`preparer` would refuse for ``grilles``, as ``(index from 0, message)``: none when the
    grids read no derivation (nothing is derived, so nothing is checked), else every row breaking the
    engine's input contract (:func:`attrib.engine.derivations.lignes_invalides`), found in one pass."""
    liste = [grilles] if isinstance(grilles, Grille) else list(grilles)
    lues = set().union(*(colonnes_lues(g) | set(colonnes_departage(g)) for g in liste))
    if not {c for c in lues & COLONNES_DERIVEES if c not in demandes.columns}:
        return []
    return lignes_invalides(demandes, date_reference=date_reference)


def ajouter_colonnes_application(demandes: pl.DataFrame, colonnes: Iterable[str]) -> tuple[pl.DataFrame, list[str]]:
    """Add, empty, the application columns among ``colonnes`` that ``demandes`` lacks (for files that
    cannot carry them); returns the frame and the names added."""
    ajoutees = sorted(c for c in colonnes if c in COLONNES_APPLICATION and c not in demandes.columns)
    nouvelles = []
    for nom in ajoutees:
        colonne = COLONNES_APPLICATION[nom]
        type_ = _TYPES_APPLICATION[colonne.genre]
        nouvelles.append(pl.lit(colonne.vide, dtype=type_).alias(nom))
    return (demandes.with_columns(nouvelles) if nouvelles else demandes), ajoutees
