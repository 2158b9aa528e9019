"""Stored demands read as columns: one query per table, straight into polars, no Python per row or cell.

The batch paths (cotation, shortlist index, first quartile) read tens of thousands of demands at once. The
row reader of the interchange format (``attrib.demandes.importexport``) and ``menage_de`` build one dict per
demand and convert every cell in Python; read that way, converting dominates the time of a re-scoring
(docs/decisions/0019-lecture-en-colonnes-et-chargement-en-masse.md). This module reads the same values:

* :func:`demandes_fichier` — every column of the interchange format
  (``attrib.engine.formats.demandes_csv``), sensitive situations included (for the application's own
  computations, never for an export: an export masks them);
* :func:`menages_frame` — the engine's household columns (``attrib.engine.COLONNES_ENTREE``), with the one
  definition of the household's monthly resources (``attrib.demandes.moteur.revenus_mensuels_menage``).

Amounts are read as whole cents (``ROUND(x * 100)``, exact on PostgreSQL's ``numeric`` and on SQLite) and
divided once in polars (as a polars decimal, whose conversion is correctly rounded), so each value is the float of
the stored decimal, as ``float(Decimal)`` gives it on the row path, and sums are exact before the division.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import BigIntegerField, DateTimeField, DecimalField, F, Model, QuerySet, Value
from django.db.models.functions import Cast, Round

from attrib.common import copie
from attrib.demandes import enums
from attrib.demandes.models import (
    CommuneSouhaitee,
    Demande,
    MotifSecondaire,
    Personne,
    PieceJustificative,
    SituationPrioritaire,
)
from attrib.engine.formats.demandes_csv import COLONNES
from attrib.engine.formats.demandes_csv.colonnes import DRAPEAUX_PERSONNE, Cible, T
from attrib.engine.formats.demandes_csv.menages import DTYPES
from attrib.territoires.models import ZonePlafond

DEMANDE_ID = "demande_id"
SCHEMA_FICHIER: dict[str, Any] = {c.nom: DTYPES[c.type] for c in COLONNES}
#: Household columns of the engine, in the order of ``attrib.demandes.moteur.menages_colonnes``.
SCHEMA_MENAGES: dict[str, Any] = {
    DEMANDE_ID: pl.Int64,
    "numero_unique": pl.String,
    "nb_personnes": pl.Int64,
    "nb_personnes_a_charge": pl.Int64,
    "couple": pl.Boolean,
    "age_demandeur": pl.Int64,
    "age_codemandeur": pl.Int64,
    "nb_handicap": pl.Int64,
    "nb_moins_14_ans": pl.Int64,
    "revenus_mensuels": pl.Float64,
    "revenu_fiscal_reference": pl.Int64,
    "zone_plafond": pl.String,
    "departement": pl.String,
    "date_depot_initiale": pl.Date,
    "typologie_min": pl.Int64,
}
_PERSONNE_A_LOGER = enums.RolePersonne.PERSONNE_A_LOGER.value
_DEMANDEUR = enums.RolePersonne.DEMANDEUR.value
_CODEMANDEUR = enums.RolePersonne.CODEMANDEUR.value
_CHAMPS_STRUCT_PERSONNE = ("lien", "date_naissance", "prenoms", "nom", *DRAPEAUX_PERSONNE)


def _decimales(modele: type[Model], champ: str) -> int | None:
    """Decimal places of ``modele.champ`` when it is a decimal field (``None`` otherwise)."""
    champ_modele = modele._meta.get_field(champ)
    return champ_modele.decimal_places if isinstance(champ_modele, DecimalField) else None


def _lire(qs: QuerySet[Any], champs: Sequence[str], schema: dict[str, Any]) -> pl.DataFrame:
    """``qs``'s ``champs`` (decimal fields as whole units of their last decimal place) in a frame of
    ``schema`` (same names, in order); one query, read by ``COPY`` on PostgreSQL (``attrib.common.copie``),
    as the driver's tuples elsewhere."""
    modele = qs.model
    annotations: dict[str, Any] = {}
    noms: list[str] = []
    for champ in champs:
        decimales = None if "__" in champ or champ == "pk" else _decimales(modele, champ)
        if decimales is None:
            noms.append(champ)
            continue
        alias = f"entier_{champ}"
        multiplie = F(champ) * Value(10**decimales, output_field=DecimalField())
        annotations[alias] = Cast(Round(multiplie), BigIntegerField())
        noms.append(alias)
    instants = [k for k, champ in enumerate(champs) if _instant_en_texte(modele, champ, schema[list(schema)[k]])]
    valeurs = qs.annotate(**annotations).values_list(*noms)
    if connection.vendor == "postgresql":
        instants_lus = [pl.col(n).pipe(copie.instant_iso).alias(n) for n in (list(schema)[k] for k in instants)]
        return copie.frame_de(valeurs, schema).with_columns(instants_lus)
    lignes = copie.tuples(valeurs)
    if instants and lignes:
        lignes = [_instants_iso(ligne, instants) for ligne in lignes]
    return pl.DataFrame(lignes, schema=schema, orient="row")


def _instant_en_texte(modele: type[Model], champ: str, dtype: Any) -> bool:
    """A date-time field written as text in the format (the ``version`` column: ``modifie_le``)."""
    if "__" in champ or champ == "pk":
        return False
    return isinstance(modele._meta.get_field(champ), DateTimeField) and dtype == pl.String


def _instants_iso(ligne: tuple[Any, ...], positions: Sequence[int]) -> tuple[Any, ...]:
    """The date-times at ``positions`` as the row readers write them (``datetime.isoformat`` in UTC); the
    SQLite driver gives them naive in UTC, PostgreSQL's aware."""
    valeurs = list(ligne)
    for k in positions:
        v = valeurs[k]
        if v is not None:
            valeurs[k] = (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    return tuple(valeurs)


#: At most this many ids are read by an ``IN`` list when they are sparse (see :func:`_plage`).
LISTE_IN_MAX = 2_000
#: Ids are sparse when their range holds more than this many times their number.
DENSITE_MIN = 4


def _plage(qs: QuerySet[Any], ids: Sequence[int], champ: str = DEMANDE_ID) -> QuerySet[Any]:
    """The rows of ``qs`` whose ``champ`` lies between the first and the last of ``ids`` (sorted): one range
    predicate rather than an ``IN`` list of thousands of parameters, whose building and parsing cost more than
    the reading. The frames read are joined to ``ids`` (left or semi join), which drops the rows in between.

    A few ids scattered over the file (the leases of a year, a page of demands) are read by their ``IN`` list
    instead: their range would read most of the table for a handful of rows."""
    if not ids:
        return qs.none()
    if len(ids) <= LISTE_IN_MAX and ids[-1] - ids[0] + 1 > DENSITE_MIN * len(ids):
        return qs.filter(**{f"{champ}__in": list(ids)})
    return qs.filter(**{f"{champ}__gte": ids[0], f"{champ}__lte": ids[-1]})


def _parmi(frame: pl.DataFrame, ids: Sequence[int]) -> pl.DataFrame:
    """The rows of ``frame`` whose ``demande_id`` is one of ``ids``."""
    return frame.join(pl.DataFrame({DEMANDE_ID: list(ids)}, schema={DEMANDE_ID: pl.Int64}), on=DEMANDE_ID, how="semi")


def _en_decimal(modele: type[Model], champ: str, nom: str) -> pl.Expr:
    decimales = _decimales(modele, champ)
    if decimales is None:
        return pl.col(nom)
    return _unites_en_flottant(pl.col(nom), decimales).alias(nom)


def _unites_en_flottant(entier: pl.Expr, decimales: int) -> pl.Expr:
    """Whole units of the last decimal place → the float of the decimal value, as ``float(Decimal)`` gives it.
    Divided as a polars decimal: polars divides a float by a constant through its inverse, which is off by
    one unit in the last place for about one value in eight."""
    return (entier.cast(pl.Decimal(38, decimales)) / pl.lit(Decimal(10**decimales))).cast(pl.Float64)


# --- persons ------------------------------------------------------------------------------------------------

_CHAMPS_PERSONNE = tuple(
    dict.fromkeys(
        [
            DEMANDE_ID,
            "id",
            "role",
            "lien",
            "date_naissance",
            "prenoms",
            "nom",
            *DRAPEAUX_PERSONNE,
            *(c.champ for c in COLONNES if c.cible in (Cible.DEMANDEUR, Cible.CODEMANDEUR)),
            *Personne.RESSOURCES,
            "pension_alimentaire_versee",
        ]
    )
)


def _schema_personne() -> dict[str, Any]:
    types_colonnes = {c.champ: DTYPES[c.type] for c in COLONNES if c.cible in (Cible.DEMANDEUR, Cible.CODEMANDEUR)}
    schema: dict[str, Any] = {}
    for champ in _CHAMPS_PERSONNE:
        if champ in (DEMANDE_ID, "id") or _decimales(Personne, champ) is not None:
            schema[champ] = pl.Int64
        elif champ == "date_naissance":
            schema[champ] = pl.Date
        elif champ in DRAPEAUX_PERSONNE:
            schema[champ] = pl.Boolean
        else:
            schema[champ] = types_colonnes.get(champ, pl.String)
    return schema


def personnes_frame(ids: Sequence[int]) -> pl.DataFrame:
    """The persons of the demands ``ids`` (amounts in cents), ordered by demand then id. One query."""
    ids = sorted(ids)
    qs = _plage(Personne.objects.all(), ids).order_by("demande_id", "id")
    return _parmi(_lire(qs, _CHAMPS_PERSONNE, _schema_personne()), ids)


def _age(jour: date) -> pl.Expr:
    naissance = pl.col("date_naissance")
    pas_encore = (naissance.dt.month() > jour.month) | (
        (naissance.dt.month() == jour.month) & (naissance.dt.day() > jour.day)
    )
    return pl.lit(jour.year, dtype=pl.Int64) - naissance.dt.year().cast(pl.Int64) - pas_encore.cast(pl.Int64)


def _agregats(personnes: pl.DataFrame, jour: date) -> pl.DataFrame:
    """One row per demand having persons: the household facts of ``attrib.demandes.moteur._agreger``."""
    role = pl.col("role")
    ressources = pl.sum_horizontal(*(pl.col(r) for r in Personne.RESSOURCES)) - pl.col("pension_alimentaire_versee")
    return (
        personnes.with_columns(_age(jour).alias("§age"))
        .group_by(DEMANDE_ID, maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("nb_personnes"),
            pl.col("a_charge").sum().cast(pl.Int64).alias("nb_personnes_a_charge"),
            (pl.col("lien").filter(role == _CODEMANDEUR).last() == enums.LienParente.CONJOINT.value).alias("couple"),
            pl.col("§age").filter(role == _DEMANDEUR).last().alias("age_demandeur"),
            pl.col("§age").filter(role == _CODEMANDEUR).last().alias("age_codemandeur"),
            pl.col("handicap").sum().cast(pl.Int64).alias("nb_handicap"),
            (pl.col("§age") < 14).sum().cast(pl.Int64).alias("nb_moins_14_ans"),
            ressources.filter(role.is_in([_DEMANDEUR, _CODEMANDEUR])).sum().alias("§centimes"),
        )
    )


# --- the demands --------------------------------------------------------------------------------------------


def _demandes(ids: Sequence[int]) -> pl.DataFrame:
    champs = [c for c in COLONNES if c.cible in (Cible.DEMANDE, Cible.IDENTIFICATION) and c.champ]
    schema: dict[str, Any] = {DEMANDE_ID: pl.Int64, "departement": pl.String}
    for c in champs:
        schema[c.nom] = pl.Int64 if "__" not in c.champ and _decimales(Demande, c.champ) is not None else DTYPES[c.type]
    qs = _plage(Demande.objects.all(), ids, "pk").order_by("pk")
    frame = _parmi(_lire(qs, ["pk", "departement", *(c.champ for c in champs)], schema), ids)
    return frame.with_columns(
        _en_decimal(Demande, c.champ, c.nom) for c in champs if "__" not in c.champ and c.type == T.DECIMAL
    )


def _listes(qs: QuerySet[Any], champ: str, nom: str, ordre: Sequence[str]) -> pl.DataFrame:
    """``demande_id`` → the list of ``champ`` of its rows in ``ordre``."""
    frame = copie.frame_de(qs.order_by(*ordre).values_list(DEMANDE_ID, champ), {DEMANDE_ID: pl.Int64, nom: pl.String})
    return frame.group_by(DEMANDE_ID, maintain_order=True).agg(pl.col(nom))


def _vide_si_nul(*noms: str) -> list[pl.Expr]:
    return [pl.col(n).fill_null(pl.lit([], dtype=pl.List(pl.String))) for n in noms]


def demandes_fichier(ids: Sequence[int], personnes: pl.DataFrame | None = None) -> pl.DataFrame:
    """``demande_id``, ``departement`` and every column of the interchange format (``SCHEMA_FICHIER``) of the
    demands ``ids``, ordered by id, sensitive situations included. Six queries (five with ``personnes``)."""
    ids = sorted(ids)
    personnes = personnes_frame(ids) if personnes is None else personnes
    demandes = _demandes(ids)
    plates = personnes.filter(pl.col("role") != _PERSONNE_A_LOGER)

    def titulaire(role: str, cible: Cible) -> pl.DataFrame:
        colonnes = [c for c in COLONNES if c.cible == cible]
        return (
            plates.filter(pl.col("role") == role)
            .unique(DEMANDE_ID, keep="last", maintain_order=True)
            .select(
                DEMANDE_ID,
                *(_en_decimal(Personne, c.champ, c.champ).alias(c.nom) for c in colonnes),
            )
        )

    a_loger = (
        personnes.filter(pl.col("role") == _PERSONNE_A_LOGER)
        .group_by(DEMANDE_ID, maintain_order=True)
        .agg(pl.struct(*_CHAMPS_STRUCT_PERSONNE).alias("personnes"))
    )
    communes = _listes(_plage(CommuneSouhaitee.objects.all(), ids), "commune_id", "communes_souhaitees", ["rang"])
    motifs = _listes(_plage(MotifSecondaire.objects.all(), ids), "motif", "motifs_secondaires", ["motif"])
    priorites = _listes(_plage(SituationPrioritaire.objects.all(), ids), "priorite_id", "priorites", ["priorite_id"])
    frame = (
        demandes.join(titulaire(_DEMANDEUR, Cible.DEMANDEUR), on=DEMANDE_ID, how="left", maintain_order="left")
        .join(titulaire(_CODEMANDEUR, Cible.CODEMANDEUR), on=DEMANDE_ID, how="left", maintain_order="left")
        .join(a_loger, on=DEMANDE_ID, how="left", maintain_order="left")
        .join(communes, on=DEMANDE_ID, how="left", maintain_order="left")
        .join(motifs, on=DEMANDE_ID, how="left", maintain_order="left")
        .join(priorites, on=DEMANDE_ID, how="left", maintain_order="left")
        .with_columns(
            pl.lit(False).alias("sensibles_masques"),
            pl.col("personnes").fill_null(pl.lit([], dtype=SCHEMA_FICHIER["personnes"])),
            *_vide_si_nul("communes_souhaitees", "motifs_secondaires", "priorites"),
        )
    )
    return frame.select(DEMANDE_ID, "departement", *(pl.col(n).cast(t) for n, t in SCHEMA_FICHIER.items()))


def menages_frame(fichier: pl.DataFrame, personnes: pl.DataFrame, jour: date) -> pl.DataFrame:
    """The engine's household columns (``SCHEMA_MENAGES``) of the demands of ``fichier`` (from
    :func:`demandes_fichier`) and their ``personnes`` (:func:`personnes_frame`), on ``jour``."""
    ids = fichier.get_column(DEMANDE_ID).to_list()
    zones = copie.frame_de(
        _plage(CommuneSouhaitee.objects.filter(rang=1), ids)
        .order_by()
        .values_list(DEMANDE_ID, "commune__zone_plafond"),
        {DEMANDE_ID: pl.Int64, "zone_plafond": pl.String},
    )
    return (
        fichier.select(
            DEMANDE_ID,
            "numero_unique",
            "revenu_fiscal_reference",
            "departement",
            "date_depot_initiale",
            "typologie_min",
        )
        .join(_agregats(personnes, jour), on=DEMANDE_ID, how="left", maintain_order="left")
        .join(zones, on=DEMANDE_ID, how="left", maintain_order="left")
        .with_columns(
            *(
                pl.col(n).fill_null(0)
                for n in ("nb_personnes", "nb_personnes_a_charge", "nb_handicap", "nb_moins_14_ans", "age_demandeur")
            ),
            pl.col("couple").fill_null(False),
            _unites_en_flottant(pl.col("§centimes").fill_null(0), _decimales(Personne, "salaires") or 0).alias(
                "revenus_mensuels"
            ),
            pl.col("zone_plafond").fill_null(ZonePlafond.AUTRES_REGIONS.value),
        )
        .select(*(pl.col(n).cast(t) for n, t in SCHEMA_MENAGES.items()))
    )


def faits_validation(ids: Sequence[int]) -> pl.DataFrame:
    """``demande_id`` → validated priorities (sorted codes), fully validated document codes (sorted) and
    ``pieces_a_jour`` (at least one document expected, none missing). Two queries."""
    ids = sorted(ids)
    validees = _listes(
        _plage(SituationPrioritaire.objects.filter(statut=enums.StatutValidation.VALIDEE), ids),
        "priorite_id",
        "priorites_validees",
        ["priorite_id"],
    )
    pieces = copie.frame_de(
        _plage(PieceJustificative.objects.all(), ids).order_by().values_list(DEMANDE_ID, "critere", "statut"),
        {DEMANDE_ID: pl.Int64, "critere": pl.String, "statut": pl.String},
    )
    par_code = pieces.group_by(DEMANDE_ID, "critere").agg(
        (pl.col("statut") == enums.StatutPiece.VALIDEE.value).all().alias("§toutes_validees"),
        (pl.col("statut") != enums.StatutPiece.MANQUANTE.value).all().alias("§aucune_manquante"),
    )
    par_demande = par_code.group_by(DEMANDE_ID).agg(
        pl.col("critere").filter(pl.col("§toutes_validees")).sort().alias("pieces_validees"),
        pl.col("§aucune_manquante").all().alias("pieces_a_jour"),
    )
    return (
        pl.DataFrame({DEMANDE_ID: list(ids)}, schema={DEMANDE_ID: pl.Int64})
        .join(validees, on=DEMANDE_ID, how="left", maintain_order="left")
        .join(par_demande, on=DEMANDE_ID, how="left", maintain_order="left")
        .with_columns(*_vide_si_nul("priorites_validees", "pieces_validees"), pl.col("pieces_a_jour").fill_null(False))
    )
