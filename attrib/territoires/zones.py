"""Zones of the income ceilings: the zoning data read from ``data/parametres/zones_plafonds.yaml``; the rule
(Paris and neighbouring communes, else Île-de-France, else other régions) is the engine's
(:func:`attrib.engine.zones.zone_plafond`).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from attrib.engine.zones import Zonage
from attrib.engine.zones import zone_plafond as zone_du_moteur
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
        self.zonage = Zonage(
            communes_paris_limitrophes=communes_paris_limitrophes(jour, fichier=fichier),
            regions_ile_de_france=regions_ile_de_france(jour, fichier=fichier),
        )

    def zone(self, *, code_insee: str, region: str) -> ZonePlafond:
        return ZonePlafond(zone_du_moteur(self.zonage, code_insee=code_insee, region=region))


def zone_plafond(*, code_insee: str, region: str, jour: date) -> ZonePlafond:
    """Zone of the income ceilings of one commune on ``jour``."""
    return AffectationZones(jour).zone(code_insee=code_insee, region=region)
