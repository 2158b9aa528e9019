"""The inputs of :func:`attrib.engine.derivations.deriver` that need reference data, added to the household
frame by :func:`completer_menages`: ``zone_plafond`` (ceiling zone of the first wished commune, from the
parameter tree and the COG referential) and ``nb_moins_14_ans`` (persons under the child age of the
consumption-unit scale)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from attrib.engine.erreurs import ParametreNonRenseigne
from attrib.engine.parametres import ZONES, Parametres, charger_parametres
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre

RACINE = Path(__file__).resolve().parents[4]
FICHIER_ZONES = DOSSIER_PAR_DEFAUT / "zones_plafonds.yaml"
FICHIER_COMMUNES = RACINE / "data" / "referentiels" / "communes_epci_2026.csv"


@lru_cache(maxsize=4)
def _regions_des_communes(fichier: Path) -> dict[str, str]:
    table = pl.read_csv(fichier, columns=["code_commune", "region"], schema_overrides={"code_commune": pl.String})
    return dict(zip(table["code_commune"].to_list(), table["region"].cast(pl.String).to_list(), strict=True))


def _version_zone(zone: str, jour: date, fichier: Path) -> Mapping[str, Any]:
    """The version of ``zone`` in force on ``jour`` (parameter tree, ``zones_plafonds.<zone>``)."""
    try:
        version: Mapping[str, Any] = charger_arbre(fichier.parent).valeur(f"zones_plafonds.{zone}", jour).valeur
    except ParametreNonRenseigne:
        raise ValueError(f"{fichier.name} : zone « {zone} » non renseignée au {jour:%d/%m/%Y}.") from None
    return version


def zones_des_communes(
    codes: Iterable[str], *, jour: date, fichier_zones: Path = FICHIER_ZONES, fichier_communes: Path = FICHIER_COMMUNES
) -> dict[str, str | None]:
    """Ceiling zone of each commune code on ``jour`` (None for a code unknown to the COG referential).

    Same rule as ``data/parametres/zones_plafonds.yaml`` states: listed as Paris or a neighbouring
    commune, else in an Île-de-France région, else "autres régions".
    """
    limitrophes = {
        c["code_insee"] for c in _version_zone("paris_communes_limitrophes", jour, fichier_zones)["communes"]
    }
    idf = set(_version_zone("ile_de_france", jour, fichier_zones)["regions"])
    regions = _regions_des_communes(fichier_communes)
    zones: dict[str, str | None] = {}
    for code in codes:
        if code in limitrophes:
            zones[code] = ZONES[0]
        elif code not in regions:
            zones[code] = None
        elif regions[code] in idf:
            zones[code] = ZONES[1]
        else:
            zones[code] = ZONES[2]
    return zones


def completer_menages(
    menages: pl.DataFrame, *, date_reference: date, parametres: Parametres | None = None
) -> pl.DataFrame:
    """Add ``zone_plafond`` (zone of the first wished commune) and ``nb_moins_14_ans`` (other persons
    younger than the child age of the consumption-unit scale on ``date_reference``).

    ``menages`` comes from :func:`lire_demandes_polars`. A first wished commune unknown to the COG
    referential leaves ``zone_plafond`` empty (the derivations then name the line).
    """
    p = parametres or charger_parametres()
    seuil = p.echelle_uc(date_reference).age_seuil_enfant
    premieres = menages.select(pl.col("communes_souhaitees").list.first()).to_series()
    zones = zones_des_communes(premieres.drop_nulls().unique().to_list(), jour=date_reference)
    naissance = pl.element().struct.field("date_naissance")
    anniversaire_a_venir = (naissance.dt.month() > date_reference.month) | (
        (naissance.dt.month() == date_reference.month) & (naissance.dt.day() > date_reference.day)
    )
    age = date_reference.year - naissance.dt.year().cast(pl.Int64) - anniversaire_a_venir.cast(pl.Int64)
    moins_14 = pl.col("personnes").list.eval((age < seuil).cast(pl.Int64)).list.sum()
    return menages.with_columns(
        premieres.replace_strict(zones, default=None, return_dtype=pl.String).alias("zone_plafond"),
        moins_14.fill_null(0).cast(pl.Int64).alias("nb_moins_14_ans"),
    )
