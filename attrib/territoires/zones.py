"""Zones of the income ceilings: the zoning data of ``data/parametres/zones_plafonds.yaml``, read through the
parameter tree (:mod:`attrib.engine.parametres.arbre`); the rule (Paris and neighbouring communes, else
Île-de-France, else other régions) is the engine's (:func:`attrib.engine.zones.zone_plafond`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from attrib.engine.erreurs import ParametreNonRenseigne
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre
from attrib.engine.zones import Zonage
from attrib.engine.zones import zone_plafond as zone_du_moteur
from attrib.territoires.models import ZonePlafond

FICHIER = DOSSIER_PAR_DEFAUT / "zones_plafonds.yaml"


class ZonesManquantes(ParametreNonRenseigne):
    """No version of a zone in force on the day (French message naming the zone, the day and the file)."""


def _version(zone: str, jour: date, fichier: Path) -> dict[str, Any]:
    """The zone's version in force on ``jour`` (``{"communes": [...]}`` or ``{"regions": [...]}``); the tree
    of ``fichier``'s folder is read once."""
    try:
        version: dict[str, Any] = charger_arbre(fichier.parent).valeur(f"zones_plafonds.{zone}", jour).valeur
    except ParametreNonRenseigne:
        raise ZonesManquantes(f"Zone « {zone} » non renseignée au {jour:%d/%m/%Y} dans {fichier.name}.") from None
    return version


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
