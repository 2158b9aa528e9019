"""Vectorised derivations: one polars pass over many households (no Python loop per row).

:func:`deriver` returns the input frame plus the columns of :class:`attrib.engine.menage.DerivationsMenage`
(``categorie_menage``, ``personnes_supplementaires``, ``unites_consommation``, ``revenu_annuel_par_uc``,
``plafond_<financement>``, ``eligible_<financement>``, ``anciennete_mois``,
``delai_anormalement_long_mois``, ``dal_depasse``). The per-household reference path
(:func:`attrib.engine.menage.derivations_menage`) gives the same values; when a row is invalid or a
ceiling is missing, both raise the same error (the vectorised one names the line).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from attrib.engine.erreurs import EntreeInvalide, PlafondNonRenseigne
from attrib.engine.menage import (
    COLONNES_ENTREE,
    COLONNES_NULLABLES,
    REGLES_ENTREE,
    TYPES_ENTREE,
    TYPOLOGIE_MAX,
    Menage,
    RegleEntree,
    jours_du_mois,
    plafond,
    verifier_date_depot,
    verifier_financements,
)
from attrib.engine.parametres import (
    FINANCEMENTS,
    PERSONNE_SUPPLEMENTAIRE,
    ZONES,
    Parametres,
    charger_parametres,
    normaliser_departement,
)

COLONNES_SORTIE_FIXES: tuple[str, ...] = (
    "categorie_menage",
    "personnes_supplementaires",
    "unites_consommation",
    "revenu_annuel_par_uc",
    "anciennete_mois",
    "delai_anormalement_long_mois",
    "dal_depasse",
)


def colonnes_sortie(financements: Sequence[str] = FINANCEMENTS) -> tuple[str, ...]:
    """Names of the derived columns, in output order."""
    par_financement = [c for f in financements for c in (f"plafond_{f.lower()}", f"eligible_{f.lower()}")]
    return (*COLONNES_SORTIE_FIXES[:4], *par_financement, *COLONNES_SORTIE_FIXES[4:])


def deriver(
    df: pl.DataFrame,
    *,
    date_reference: date,
    annee_plafonds: int,
    parametres: Parametres | None = None,
    financements: Sequence[str] = FINANCEMENTS,
) -> pl.DataFrame:
    """Derive category, consumption units, ceilings, eligibility, seniority and DAL for every row."""
    p = parametres or charger_parametres()
    verifier_financements(financements)
    entree = _verifier_colonnes(df)
    _verifier_lignes(entree, date_reference)

    jour_plafonds = date(annee_plafonds, 1, 1)
    maximum = p.nombre_categories(jour_plafonds)
    n, a_charge = pl.col("nb_personnes"), pl.col("nb_personnes_a_charge")
    index_base = (
        pl.when(n == 1)
        .then(1)
        .when((n - a_charge == 1) & (a_charge >= 1))
        .then(n + 1)
        .when(
            (n == 2)
            & pl.col("couple")
            & (a_charge == 0)
            & (pl.col("age_demandeur") + pl.col("age_codemandeur") <= p.seuil_jeune_menage(jour_plafonds))
        )
        .then(3)
        .otherwise(n)
    )
    index = index_base + pl.when(pl.col("nb_handicap") >= 1).then(p.majoration_handicap(jour_plafonds)).otherwise(0)

    echelle = p.echelle_uc(date_reference)
    moins_14 = pl.col("nb_moins_14_ans")
    centiemes = (
        echelle.premier_adulte_centiemes
        + echelle.autre_personne_centiemes * (n - 1 - moins_14)
        + echelle.enfant_centiemes * moins_14
    )
    unites = _centiemes_en_unites(entree, centiemes)

    depot = pl.col("date_depot_initiale")
    mois = (date_reference.year * 12 + date_reference.month) - (
        depot.dt.year().cast(pl.Int64) * 12 + depot.dt.month().cast(pl.Int64)
    )
    jour_anniversaire = pl.min_horizontal(depot.dt.day().cast(pl.Int64), pl.lit(jours_du_mois(date_reference)))
    anciennete = mois - pl.when(jour_anniversaire > date_reference.day).then(1).otherwise(0)

    sortie = (
        entree.lazy()
        .with_columns(
            index.cast(pl.Int64).alias("_index"),
            _indice_zone().alias("_zone"),
        )
        .with_columns(
            pl.min_horizontal(pl.col("_index"), pl.lit(maximum)).alias("categorie_menage"),
            pl.max_horizontal(pl.col("_index") - maximum, pl.lit(0)).alias("personnes_supplementaires"),
            unites.alias("unites_consommation"),
            anciennete.cast(pl.Int64).alias("anciennete_mois"),
            _delai_anormalement_long(p, date_reference, valeurs_distinctes(entree, "departement")).alias(
                "delai_anormalement_long_mois"
            ),
        )
        .with_columns(
            (pl.col("revenus_mensuels") * 12 / pl.col("unites_consommation")).alias("revenu_annuel_par_uc"),
            *(_plafond(p, f, annee_plafonds, maximum).alias(f"plafond_{f.lower()}") for f in financements),
            pl.when(pl.col("delai_anormalement_long_mois").is_not_null())
            .then(pl.col("anciennete_mois") >= pl.col("delai_anormalement_long_mois"))
            .otherwise(None)
            .alias("dal_depasse"),
        )
        .with_columns(
            (pl.col("revenu_fiscal_reference") <= pl.col(f"plafond_{f.lower()}")).alias(f"eligible_{f.lower()}")
            for f in financements
        )
        .collect()
    )
    _verifier_plafonds(sortie, p, financements, annee_plafonds)
    derivees = colonnes_sortie(financements)
    return sortie.select(*(c for c in df.columns if c not in derivees), *derivees)


# --- input checks --------------------------------------------------------------------------------

_ENTIERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32)
_FLOTTANTS = (pl.Float32, pl.Float64)


def _compatible(recu: pl.DataType, attendu: pl.DataType) -> bool:
    if attendu == pl.Int64:
        return isinstance(recu, _ENTIERS) or recu == pl.Null
    if attendu == pl.Float64:
        return isinstance(recu, (*_FLOTTANTS, *_ENTIERS))
    if attendu == pl.String:
        return recu == pl.String or isinstance(recu, (pl.Categorical, pl.Enum))
    return bool(recu == attendu)


def _verifier_colonnes(df: pl.DataFrame) -> pl.DataFrame:
    manquantes = [c for c in COLONNES_ENTREE if c not in df.columns]
    if manquantes:
        raise EntreeInvalide(f"Colonnes manquantes : {', '.join(manquantes)}.")
    for colonne in COLONNES_ENTREE:
        recu, attendu = df.schema[colonne], TYPES_ENTREE[colonne]
        if not _compatible(recu, attendu):
            raise EntreeInvalide(f"Colonne « {colonne} » : type {recu} reçu, {attendu} attendu.")
    return df.with_columns(pl.col(c).cast(TYPES_ENTREE[c]) for c in COLONNES_ENTREE)


def _expression_regle(df: pl.DataFrame, regle: RegleEntree) -> pl.Expr:
    if regle.expression is not None:
        return regle.expression().fill_null(True)
    if regle.valeur_valide is None:
        raise TypeError(f"Règle sans forme vectorielle : {regle.champ}.")
    # Few distinct values (zones, départements): check each once, then flag the rows holding a bad one.
    invalides = [v for v in valeurs_distinctes(df, regle.champ) if not regle.valeur_valide(v)]
    return ~pl.col(regle.champ).is_in(invalides) if invalides else pl.lit(True)


def valeurs_distinctes(df: pl.DataFrame, colonne: str) -> list[str]:
    return [str(v) for v in df.get_column(colonne).drop_nulls().unique().to_list()]


def _ligne_valide(df: pl.DataFrame, date_reference: date) -> pl.Expr:
    return pl.all_horizontal(
        *(_expression_regle(df, regle) for regle in REGLES_ENTREE),
        pl.col("date_depot_initiale").is_null() | (pl.col("date_depot_initiale") <= date_reference),
    )


def _motif(df: pl.DataFrame, index: int, date_reference: date) -> str:
    """The per-household checks' message for a row the polars expressions refused (same text both ways)."""
    try:
        menage = Menage.depuis_ligne(df.row(index, named=True))
        verifier_date_depot(menage.date_depot_initiale, date_reference)
    except EntreeInvalide as exc:
        return str(exc)
    raise RuntimeError(f"Incohérence interne : ligne {index + 1} rejetée par les expressions polars seulement.")


def _verifier_lignes(df: pl.DataFrame, date_reference: date) -> None:
    """Find the first invalid row; the per-household checks then word the message (same text both ways)."""
    premiere = df.select((~_ligne_valide(df, date_reference)).arg_true().first()).item()
    if premiere is None:
        return
    raise EntreeInvalide(f"Ligne {int(premiere) + 1} : {_motif(df, int(premiere), date_reference)}")


def lignes_invalides(df: pl.DataFrame, *, date_reference: date) -> list[tuple[int, str]]:
    """Every row :func:`deriver` would refuse, as ``(index from 0, message)``, checked in one vectorised
    pass (the message is worded by the per-household checks, for the refused rows only). A batch
    removes these rows and reports them instead of stopping at the first one. A frame lacking a column
    or of a wrong type is refused as a whole (``EntreeInvalide``)."""
    entree = _verifier_colonnes(df)
    indices = entree.select((~_ligne_valide(entree, date_reference)).arg_true()).to_series().to_list()
    return [(int(i), _motif(entree, int(i), date_reference)) for i in indices]


# --- parameters as expressions -------------------------------------------------------------------


def _centiemes_en_unites(df: pl.DataFrame, centiemes: pl.Expr) -> pl.Expr:
    """hundredths → units, correctly rounded like Python's ``k / 100``.

    Polars turns a division by a constant into a multiplication by its inverse (230 × 0.01 =
    2.3000000000000003), so the quotient is read from a table of exact ``k / 100`` instead.
    """
    plus_grand = df.select(centiemes.max()).item()
    if plus_grand is None:
        return pl.lit(None, dtype=pl.Float64)
    if plus_grand <= _TABLE_CENTIEMES_MAX:
        table = pl.Series([k / 100 for k in range(int(plus_grand) + 1)], dtype=pl.Float64)
        return pl.lit(table).gather(centiemes)
    distincts = df.select(centiemes.unique()).to_series().to_list()
    return centiemes.replace_strict({k: k / 100 for k in distincts}, return_dtype=pl.Float64)


_TABLE_CENTIEMES_MAX = 10_000


def _indice_zone() -> pl.Expr:
    """Position of the zone in ZONES (the zone was validated before)."""
    expression: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for i, zone in reversed(list(enumerate(ZONES))):
        expression = pl.when(pl.col("zone_plafond") == zone).then(pl.lit(i, dtype=pl.Int64)).otherwise(expression)
    return expression


def _valeurs_plafond(p: Parametres, financement: str, annee: int, categories: Sequence[str]) -> list[int | None]:
    """Cells of the yearly table, zone-major; None where the value is not sourced."""
    valeurs: list[int | None] = []
    for zone in ZONES:
        for categorie in categories:
            try:
                valeurs.append(p.plafond_cellule(financement, zone, annee, categorie))
            except PlafondNonRenseigne:
                valeurs.append(None)
    return valeurs


def _plafond(p: Parametres, financement: str, annee: int, maximum: int) -> pl.Expr:
    categories = [str(c) for c in range(1, maximum + 1)]
    par_categorie = pl.Series(_valeurs_plafond(p, financement, annee, categories), dtype=pl.Int64)
    par_personne = pl.Series(_valeurs_plafond(p, financement, annee, [PERSONNE_SUPPLEMENTAIRE]), dtype=pl.Int64)
    base = pl.lit(par_categorie).gather(pl.col("_zone") * maximum + pl.col("categorie_menage") - 1)
    supplement = pl.lit(par_personne).gather(pl.col("_zone"))
    return base + pl.when(pl.col("personnes_supplementaires") > 0).then(
        pl.col("personnes_supplementaires") * supplement
    ).otherwise(0)


def _verifier_plafonds(sortie: pl.DataFrame, p: Parametres, financements: Sequence[str], annee: int) -> None:
    manque = pl.any_horizontal(pl.col(f"plafond_{f.lower()}").is_null() for f in financements)
    premiere = sortie.select(manque.arg_true().first()).item()
    if premiere is None:
        return
    ligne = sortie.row(int(premiere), named=True)
    for financement in financements:
        # Raises the same PlafondNonRenseigne as the per-household path for this row.
        plafond(
            financement,
            zone=ligne["zone_plafond"],
            categorie=ligne["categorie_menage"],
            personnes_supplementaires=ligne["personnes_supplementaires"],
            annee=annee,
            parametres=p,
        )
    raise RuntimeError(f"Incohérence interne : plafond absent à la ligne {int(premiere) + 1} sans cause identifiée.")


def _delai_anormalement_long(p: Parametres, jour: date, departements: Sequence[str]) -> pl.Expr:
    """DAL of each row; ``departements`` = distinct raw codes of the frame (normalised once each)."""
    regles = p.regles_dal_au(jour)
    if not regles:
        return pl.lit(None, dtype=pl.Int64)
    typologie = pl.col("typologie_min")
    expression: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for regle in reversed(regles):
        codes = [code for code in departements if normaliser_departement(code) == regle.departement]
        couvre = pl.col("departement").is_in(codes) & typologie.is_between(
            regle.typologie_min, regle.typologie_max if regle.typologie_max is not None else TYPOLOGIE_MAX
        )
        expression = pl.when(couvre).then(pl.lit(regle.mois, dtype=pl.Int64)).otherwise(expression)
    return expression


__all__ = ["COLONNES_ENTREE", "COLONNES_NULLABLES", "colonnes_sortie", "deriver"]
