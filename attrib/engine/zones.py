"""The zone of the income ceilings of a commune (arrêté du 29 juillet 1987, art. 1 and annex I), pure.

The ceilings have three columns: « Paris et communes limitrophes », « Île-de-France hors Paris et communes
limitrophes » and « Autres régions ». A commune is in the first when its INSEE code is in the list of Paris
and its neighbouring communes in force; otherwise in the second when its région is one of the Île-de-France
régions listed; otherwise in the third. The zoning data (the list of communes, the régions), dated, is read
by ``attrib.territoires.zones`` from ``data/parametres/zones_plafonds.yaml`` and given here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from attrib.engine.parametres import ZONES

PARIS_LIMITROPHES, ILE_DE_FRANCE, AUTRES_REGIONS = ZONES


@dataclass(frozen=True, slots=True)
class Zonage:
    """The zoning in force on one day: INSEE codes of Paris and its neighbouring communes, Île-de-France
    région codes."""

    communes_paris_limitrophes: frozenset[str]
    regions_ile_de_france: frozenset[str]

    @classmethod
    def de(cls, *, communes_paris_limitrophes: Iterable[str], regions_ile_de_france: Iterable[str]) -> Zonage:
        return cls(frozenset(communes_paris_limitrophes), frozenset(regions_ile_de_france))


def zone_plafond(zonage: Zonage, *, code_insee: str, region: str) -> str:
    """The zone (one of :data:`~attrib.engine.parametres.ZONES`) of the commune ``code_insee`` of ``region``."""
    if code_insee in zonage.communes_paris_limitrophes:
        return PARIS_LIMITROPHES
    if region in zonage.regions_ile_de_france:
        return ILE_DE_FRANCE
    return AUTRES_REGIONS
