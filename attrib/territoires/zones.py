"""Zones of the income ceilings, read from ``data/parametres/zones_plafonds.yaml``.

A commune is in "Paris et communes limitrophes" when its INSEE code is in the list in force,
otherwise in "Île-de-France" when its région is listed, otherwise in "autres régions".
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from attrib.territoires.models import ZonePlafond

FICHIER = Path(__file__).resolve().parents[2] / "data" / "parametres" / "zones_plafonds.yaml"


class ZonesManquantes(LookupError):
    pass


@cache
def _donnees(fichier: Path = FICHIER) -> dict[str, Any]:
    with fichier.open(encoding="utf-8") as f:
        return yaml.safe_load(f)  # type: ignore[no-any-return]


def _version(zone: str, jour: date, fichier: Path) -> dict[str, Any]:
    versions = [v for v in _donnees(fichier)[zone] if v["date_effet"] <= jour]
    if not versions:
        raise ZonesManquantes(f"Zone « {zone} » non renseignée au {jour:%d/%m/%Y} dans {fichier.name}.")
    return max(versions, key=lambda v: v["date_effet"])


def communes_paris_limitrophes(jour: date, *, fichier: Path = FICHIER) -> frozenset[str]:
    """INSEE codes of Paris and its neighbouring communes in force on ``jour``."""
    return frozenset(c["code_insee"] for c in _version("paris_communes_limitrophes", jour, fichier)["communes"])


def regions_ile_de_france(jour: date, *, fichier: Path = FICHIER) -> frozenset[str]:
    return frozenset(_version("ile_de_france", jour, fichier)["regions"])


class AffectationZones:
    """Zone lookup for many communes at one date (the YAML is read once)."""

    def __init__(self, jour: date, *, fichier: Path = FICHIER) -> None:
        self.jour = jour
        self._limitrophes = communes_paris_limitrophes(jour, fichier=fichier)
        self._idf = regions_ile_de_france(jour, fichier=fichier)

    def zone(self, *, code_insee: str, region: str) -> ZonePlafond:
        if code_insee in self._limitrophes:
            return ZonePlafond.PARIS_LIMITROPHES
        if region in self._idf:
            return ZonePlafond.ILE_DE_FRANCE
        return ZonePlafond.AUTRES_REGIONS


def zone_plafond(*, code_insee: str, region: str, jour: date) -> ZonePlafond:
    """Zone of the income ceilings of one commune on ``jour``."""
    return AffectationZones(jour).zone(code_insee=code_insee, region=region)
