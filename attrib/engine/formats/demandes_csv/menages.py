"""The household frame: :func:`lire_demandes_polars` reads a file of the format into one typed polars row
per demand (schema :data:`SCHEMA_MENAGES`), with the household facts the engine needs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from attrib.engine.formats.demandes_csv.colonnes import (
    CHAMPS_PERSONNE,
    COLONNES,
    DRAPEAUX_PERSONNE,
    ZERO,
    Cible,
    T,
    TypeColonne,
)
from attrib.engine.formats.demandes_csv.lecteur import FichierInvalide, LigneLue, Source, lire_demandes

DTYPES: dict[TypeColonne, Any] = {
    T.TEXTE: pl.String,
    T.CODE: pl.String,
    T.DATE: pl.Date,
    T.ENTIER: pl.Int64,
    T.DECIMAL: pl.Float64,
    T.BOOLEEN: pl.Boolean,
    T.LISTE: pl.List(pl.String),
    T.PERSONNES: pl.List(
        pl.Struct(
            {"lien": pl.String, "date_naissance": pl.Date, "prenoms": pl.String, "nom": pl.String}
            | {d: pl.Boolean for d in DRAPEAUX_PERSONNE}
        )
    ),
}

#: Household facts added by :func:`lire_demandes_polars`, named as in the engine's input contract
#: (:data:`attrib.engine.menage.COLONNES_ENTREE`).
COLONNES_MENAGE: dict[str, Any] = {
    "codemandeur": pl.Boolean,
    "nb_personnes": pl.Int64,
    "nb_personnes_a_charge": pl.Int64,
    "couple": pl.Boolean,
    "age_demandeur": pl.Int64,
    "age_codemandeur": pl.Int64,
    "nb_handicap": pl.Int64,
    "revenus_mensuels": pl.Float64,
    "departement": pl.String,
}
#: Columns of the household frame: the file's line number, the file's columns, then the household facts.
SCHEMA_MENAGES: dict[str, Any] = {"ligne": pl.Int64} | {c.nom: DTYPES[c.type] for c in COLONNES} | COLONNES_MENAGE
REVENUS = tuple(c for c, type_, *_ in CHAMPS_PERSONNE if type_ == T.DECIMAL and c != "pension_alimentaire_versee")


def age_au(naissance: date | None, jour: date) -> int | None:
    """Age in whole years on ``jour``."""
    if naissance is None:
        return None
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def departement_de_commune(code_insee: str) -> str:
    """Département of a COG commune code: two characters (``11``, ``2A``), three overseas (``974``)."""
    return code_insee[:3] if code_insee.startswith("97") else code_insee[:2]


def _ligne_menage(ligne: LigneLue, jour: date) -> dict[str, Any]:
    v = ligne.valeurs
    ligne_df: dict[str, Any] = {"ligne": ligne.numero}
    for c in COLONNES:
        valeur = v[c.nom]
        if c.cible == Cible.CODEMANDEUR and not ligne.codemandeur:
            valeur = None
        ligne_df[c.nom] = float(valeur) if isinstance(valeur, Decimal) else valeur
    autres = v["personnes"]
    adultes = ["demandeur", "codemandeur"] if ligne.codemandeur else ["demandeur"]
    revenus = sum(
        (sum(v[f"{r}_{qui}"] for r in REVENUS) - v[f"pension_alimentaire_versee_{qui}"] for qui in adultes),
        ZERO,
    )
    communes = v["communes_souhaitees"]
    conjoints = [p for p in autres if p["lien"] == "conjoint"]
    if ligne.codemandeur:
        age_codemandeur = age_au(v["date_naissance_codemandeur"], jour)
    else:
        # A spouse listed among the other persons is the co-applicant of the household composition.
        age_codemandeur = age_au(conjoints[0]["date_naissance"], jour) if conjoints else None
    ligne_df |= {
        "codemandeur": ligne.codemandeur,
        "nb_personnes": len(adultes) + len(autres),
        "nb_personnes_a_charge": sum(p["a_charge"] for p in autres),
        "couple": (ligne.codemandeur and v["lien_codemandeur"] == "conjoint") or bool(conjoints),
        "age_demandeur": age_au(v["date_naissance_demandeur"], jour),
        "age_codemandeur": age_codemandeur,
        "nb_handicap": sum(bool(v[f"handicap_{qui}"]) for qui in adultes) + sum(p["handicap"] for p in autres),
        "revenus_mensuels": float(revenus),
        "departement": departement_de_commune(communes[0]) if communes else None,
    }
    return ligne_df


def lire_demandes_polars(
    source: Source, *, jour: date | None = None, taille_bloc: int = 10_000, masquees_admises: bool = False
) -> pl.DataFrame:
    """Read a file of the format into one household row per demand (schema :data:`SCHEMA_MENAGES`).

    Ages are computed on ``jour`` (default: today). Pure: no database, no Django. Raises
    :class:`FichierInvalide` listing every located error when any line is invalid (checks that need
    the application's reference data, such as unknown communes, are the importer's job).
    ``masquees_admises``: see :func:`lire_demandes`.
    """
    jour = jour or date.today()
    lecture = lire_demandes(source, masquees_admises=masquees_admises, regles=True)
    erreurs = list(lecture.erreurs)
    blocs: list[pl.DataFrame] = []
    tampon: list[dict[str, Any]] = []
    for ligne in lecture.lignes:
        if ligne.erreurs:
            erreurs += ligne.erreurs
        elif not erreurs:
            tampon.append(_ligne_menage(ligne, jour))
            if len(tampon) >= taille_bloc:
                blocs.append(pl.DataFrame(tampon, schema=SCHEMA_MENAGES))
                tampon = []
    if erreurs:
        raise FichierInvalide(erreurs)
    blocs.append(pl.DataFrame(tampon, schema=SCHEMA_MENAGES))
    return pl.concat(blocs)
