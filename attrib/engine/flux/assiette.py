"""The yearly flux: its assiette, and a forecast for the coming year.

Assiette (R441-5 CCH, DOMAIN.md §1.5): the dwellings released during the year — re-lettings after a
departure (``relocation``) and first lettings (``premiere_location``) — minus the exclusions of
``flux.yaml`` (internal mutations, rehousing for urban renewal / ORCOD / demolition) and the dwellings
kept in stock (defence, internal security, public health).

Forecast: for each typology, the yearly mean of the assiette over the past years given; where there
is no history, the stock of that typology times the RPLS mobility rate. Each réservataire's expected
number is its share times that forecast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import polars as pl

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.flux import texte
from attrib.engine.flux.parametres import ParametresFlux, charger_parametres_flux

NATURES: dict[str, str] = {"relocation": "Relocation (départ d'un locataire)", "premiere_location": "Première location"}
COLONNES_LIBERES: dict[str, pl.DataType] = {
    "logement": pl.String(),
    "date_liberation": pl.Date(),
    "nature": pl.String(),
    "motif_sortie": pl.String(),
    "reserve_stock": pl.String(),
    "typologie": pl.Int64(),
}


@dataclass(frozen=True)
class Assiette:
    """The dwellings of the flux of ``annee`` (``retenus``), those taken out with their reason
    (``exclus``: columns ``motif``, ``libelle_motif``), and the count of rows dated another year."""

    annee: int
    retenus: pl.DataFrame
    exclus: pl.DataFrame
    hors_annee: int

    @property
    def total(self) -> int:
        return self.retenus.height

    def par_motif(self) -> dict[str, int]:
        return {str(m): int(n) for m, n in self.exclus.group_by("motif").len().sort("motif").iter_rows()}

    def par_nature(self) -> dict[str, int]:
        return {str(m): int(n) for m, n in self.retenus.group_by("nature").len().sort("nature").iter_rows()}

    def par_typologie(self) -> dict[int, int]:
        comptes = self.retenus.drop_nulls("typologie").group_by("typologie").len().sort("typologie")
        return {int(t): int(n) for t, n in comptes.iter_rows()}


def assiette(logements_liberes: pl.DataFrame, parametres: ParametresFlux | None = None, *, annee: int) -> Assiette:
    """Split the freed dwellings into the assiette of ``annee`` and the exclusions.

    Columns: ``logement``, ``date_liberation``, ``nature`` (``relocation`` / ``premiere_location``)
    required; ``motif_sortie`` (an exclusion code of ``flux.yaml``, empty otherwise), ``reserve_stock``
    (``defense`` / ``securite`` / ``sante``, empty otherwise) and ``typologie`` optional. An unknown code is
    refused with the line (1 = first row) and the column named."""
    params = parametres or charger_parametres_flux()
    manquantes = [c for c in ("logement", "date_liberation", "nature") if c not in logements_liberes.columns]
    if manquantes:
        raise EntreeInvalide(f"Colonnes manquantes : {', '.join(manquantes)}.")
    cadre = (
        logements_liberes.with_columns(
            pl.lit(None, dtype=t).alias(c) for c, t in COLONNES_LIBERES.items() if c not in logements_liberes.columns
        )
        .select(pl.col(c).cast(t) for c, t in COLONNES_LIBERES.items())
        .with_columns(pl.col(c).fill_null("").str.strip_chars() for c in ("nature", "motif_sortie", "reserve_stock"))
        .with_row_index("ligne", offset=1)
    )
    jour = date(annee, 12, 31)
    exclusions = {m.code: m.libelle for m in params.exclusions(jour)}
    stock = {m.code: m.libelle for m in params.stock(jour)}
    for colonne, permis in (("nature", NATURES), ("motif_sortie", exclusions), ("reserve_stock", stock)):
        vide_permis = colonne != "nature"
        fautifs = cadre.filter(~pl.col(colonne).is_in(list(permis)) & ~(pl.lit(vide_permis) & (pl.col(colonne) == "")))
        if fautifs.height:
            ligne = fautifs.row(0, named=True)
            valeur = f"valeur « {ligne[colonne]} » inconnue" if ligne[colonne] else "valeur absente"
            raise EntreeInvalide(
                f"Ligne {ligne['ligne']} (logement {ligne['logement']}), colonne {colonne} : {valeur} "
                f"(attendu : {', '.join(permis)}{' ou vide' if vide_permis else ''})."
            )
    sans_date = cadre.filter(pl.col("date_liberation").is_null())
    if sans_date.height:
        ligne = sans_date.row(0, named=True)
        raise EntreeInvalide(f"Ligne {ligne['ligne']} (logement {ligne['logement']}) : date de libération absente.")
    dans_annee = cadre.filter(pl.col("date_liberation").dt.year() == annee)
    motif = (
        pl.when(pl.col("reserve_stock") != "")
        .then(pl.col("reserve_stock"))
        .when(pl.col("motif_sortie") != "")
        .then(pl.col("motif_sortie"))
    )
    libelles = {**exclusions, **stock}
    avec_motif = dans_annee.with_columns(motif.alias("motif"))
    return Assiette(
        annee=annee,
        retenus=avec_motif.filter(pl.col("motif").is_null()).drop("motif"),
        exclus=avec_motif.filter(pl.col("motif").is_not_null()).with_columns(
            pl.col("motif").replace_strict(libelles, return_dtype=pl.String).alias("libelle_motif")
        ),
        hors_annee=cadre.height - dans_annee.height,
    )


# --- forecast ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrevisionTypologie:
    typologie: int
    logements: Fraction
    methode: str
    explication: str


@dataclass(frozen=True)
class Prevision:
    """Forecast flux of the coming year per typology, and each réservataire's expected dwellings."""

    typologies: tuple[PrevisionTypologie, ...]
    parts: Mapping[str, Fraction]

    @property
    def total(self) -> Fraction:
        return sum((t.logements for t in self.typologies), Fraction(0))

    def pour(self, reservataire: str, typologie: int | None = None) -> Fraction:
        """Expected dwellings of ``reservataire`` (of one typology, or in all)."""
        part = self.parts.get(reservataire)
        if part is None:
            raise EntreeInvalide(f"Réservataire « {reservataire} » sans part dans la prévision.")
        return part * sum((t.logements for t in self.typologies if typologie in (None, t.typologie)), Fraction(0))

    def tableau(self) -> pl.DataFrame:
        """One row per réservataire × typology: ``reservataire``, ``typologie``, ``logements_prevus``
        (float, 2 decimals), ``methode``."""
        lignes = [
            (r, t.typologie, round(float(part * t.logements), 2), t.methode)
            for r, part in self.parts.items()
            for t in self.typologies
        ]
        return pl.DataFrame(
            lignes,
            schema={
                "reservataire": pl.String(),
                "typologie": pl.Int64(),
                "logements_prevus": pl.Float64(),
                "methode": pl.String(),
            },
            orient="row",
        )


def prevision(
    historique: pl.DataFrame,
    taux_mobilite_rpls: Fraction | Decimal,
    parc_par_typologie: Mapping[int, int],
    *,
    parts: Mapping[str, Fraction] | None = None,
) -> Prevision:
    """Forecast of the coming year's flux by typology, and of each réservataire's dwellings.

    ``historique``: one row per past year and typology, columns ``annee``, ``typologie``, ``logements``
    (dwellings of the assiette); a year present for one typology and absent for another counts 0 for the
    latter. For a typology with history: mean over the years of the history. Otherwise: stock of the
    typology (``parc_par_typologie``) × ``taux_mobilite_rpls`` (a rate between 0 and 1: 10.72 % is
    ``Decimal("0.1072")``). ``parts``: each réservataire's share (e.g. ``Periode.parts_par_reservataire()``).
    """
    taux = Fraction(taux_mobilite_rpls)
    if not 0 <= taux <= 1:
        raise EntreeInvalide(
            f"Taux de mobilité {texte.nombre(taux, 4)} : un taux entre 0 et 1 est attendu (10,72 % s'écrit 0.1072)."
        )
    manquantes = [c for c in ("annee", "typologie", "logements") if c not in historique.columns]
    if manquantes:
        raise EntreeInvalide(f"Historique : colonnes manquantes : {', '.join(manquantes)}.")
    negatifs = historique.filter(pl.col("logements") < 0)
    if negatifs.height:
        ligne = negatifs.row(0, named=True)
        raise EntreeInvalide(
            f"Historique, année {ligne['annee']}, T{ligne['typologie']} : nombre de logements négatif ({ligne['logements']})."
        )
    for typologie, nombre in parc_par_typologie.items():
        if nombre < 0:
            raise EntreeInvalide(f"Parc, T{typologie} : nombre de logements négatif ({nombre}).")
    annees = sorted({int(a) for a in historique["annee"].to_list()})
    sommes: dict[int, int] = {}
    for typologie, logements in historique.select("typologie", "logements").iter_rows():
        sommes[int(typologie)] = sommes.get(int(typologie), 0) + int(logements)
    typologies: list[PrevisionTypologie] = []
    for typologie in sorted(set(sommes) | {t for t, n in parc_par_typologie.items() if n > 0}):
        if typologie in sommes:
            moyenne = Fraction(sommes[typologie], len(annees))
            typologies.append(
                PrevisionTypologie(
                    typologie,
                    moyenne,
                    "historique",
                    f"T{typologie} : moyenne de {len(annees)} année(s) ({annees[0]}–{annees[-1]}) : "
                    f"{sommes[typologie]} logements / {len(annees)} = {texte.nombre(moyenne, 2)} par an.",
                )
            )
        else:
            parc = parc_par_typologie[typologie]
            typologies.append(
                PrevisionTypologie(
                    typologie,
                    parc * taux,
                    "taux_mobilite_rpls",
                    f"T{typologie} : pas d'historique ; {parc} logements × taux de mobilité RPLS "
                    f"{texte.pourcentage(taux)} = {texte.nombre(parc * taux, 2)} par an.",
                )
            )
    return Prevision(typologies=tuple(typologies), parts=dict(parts or {}))
