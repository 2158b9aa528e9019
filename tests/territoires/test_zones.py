"""Zones of the income ceilings: the list rebuilt from the arrêté of 29 July 1987, and its use at import."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
import yaml

from attrib.organisations.acteurs import acteur_systeme
from attrib.territoires.models import Commune, ZonePlafond
from attrib.territoires.services import DOSSIER_REFERENTIELS, FICHIER_COMMUNES, territoires_importer
from attrib.territoires.zones import (
    FICHIER,
    ZonesManquantes,
    communes_paris_limitrophes,
    zone_plafond,
)
from tests.territoires.conftest import GRAND_NARBONNE

AUJOURD_HUI = date(2026, 1, 1)


def _referentiel() -> dict[str, dict[str, str]]:
    with (DOSSIER_REFERENTIELS / FICHIER_COMMUNES).open(encoding="utf-8", newline="") as f:
        return {row["code_commune"]: row for row in csv.DictReader(f)}


def test_liste_paris_et_communes_limitrophes() -> None:
    codes = communes_paris_limitrophes(AUJOURD_HUI)

    # Paris and the 29 communes that share a boundary with it.
    assert len(codes) == 30
    # Missing from openfisca-france, yet it borders the Bois de Boulogne and the 16th arrondissement.
    assert "92012" in codes
    # Bois de Boulogne side and Bois de Vincennes side.
    assert {"92051", "92062", "92064", "92073"} <= codes
    assert {"94018", "94033", "94042", "94052", "94067", "94069", "94080"} <= codes
    # Close to Paris but without a common boundary.
    assert not {"94046", "94068", "94003", "92026"} & codes


def test_chaque_code_de_la_liste_correspond_a_son_nom_dans_le_cog_2026() -> None:
    referentiel = _referentiel()
    with FICHIER.open(encoding="utf-8") as f:
        [version] = yaml.safe_load(f)["paris_communes_limitrophes"]

    for commune in version["communes"]:
        ligne = referentiel[commune["code_insee"]]
        assert (ligne["nom_commune"], ligne["region"]) == (commune["nom"], "11"), commune


@pytest.mark.parametrize(
    ("code_insee", "region", "attendue"),
    [
        ("75056", "11", ZonePlafond.PARIS_LIMITROPHES),  # Paris
        ("92012", "11", ZonePlafond.PARIS_LIMITROPHES),  # Boulogne-Billancourt
        ("94052", "11", ZonePlafond.PARIS_LIMITROPHES),  # Nogent-sur-Marne, Bois de Vincennes side
        ("94068", "11", ZonePlafond.ILE_DE_FRANCE),  # Saint-Maur-des-Fossés, not bordering Paris
        ("78646", "11", ZonePlafond.ILE_DE_FRANCE),  # Versailles
        ("11262", "76", ZonePlafond.AUTRES_REGIONS),  # Narbonne
        ("97411", "04", ZonePlafond.AUTRES_REGIONS),  # Saint-Denis (La Réunion)
    ],
)
def test_zone_plafond(code_insee: str, region: str, attendue: ZonePlafond) -> None:
    assert zone_plafond(code_insee=code_insee, region=region, jour=AUJOURD_HUI) == attendue


def test_la_liste_est_datee(tmp_path: Path) -> None:
    # A file of the parameter tree: every zone, each entry with its source and reliability.
    fichier = tmp_path / "zones_plafonds.yaml"
    fichier.write_text(
        "sources: []\n"
        "paris_communes_limitrophes:\n"
        "  - {date_effet: 1987-08-19, communes: [{code_insee: '75056'}], source: essai, fiabilite: V}\n"
        "  - {date_effet: 2030-01-01, communes: [{code_insee: '75056'}, {code_insee: '94068'}],"
        " source: essai, fiabilite: V}\n"
        "ile_de_france:\n"
        "  - {date_effet: 1987-08-19, regions: ['11'], source: essai, fiabilite: V}\n"
        "autres_regions:\n"
        "  - {date_effet: 1987-08-19, source: essai, fiabilite: V}\n",
        encoding="utf-8",
    )

    assert communes_paris_limitrophes(date(2029, 12, 31), fichier=fichier) == {"75056"}
    assert communes_paris_limitrophes(date(2030, 1, 1), fichier=fichier) == {"75056", "94068"}
    with pytest.raises(ZonesManquantes, match="non renseignée au 01/01/1980"):
        communes_paris_limitrophes(date(1980, 1, 1), fichier=fichier)


@pytest.mark.django_db
def test_l_import_affecte_les_zones() -> None:
    territoires_importer(
        departements=["75", "92", "94", "78"], epcis=[GRAND_NARBONNE], jour=AUJOURD_HUI, auteur=acteur_systeme("test")
    )

    zones = dict(Commune.objects.values_list("code_insee", "zone_plafond"))
    assert zones["75056"] == ZonePlafond.PARIS_LIMITROPHES
    assert zones["92012"] == ZonePlafond.PARIS_LIMITROPHES
    assert zones["94042"] == ZonePlafond.PARIS_LIMITROPHES  # Joinville-le-Pont, Bois de Vincennes
    assert zones["94068"] == ZonePlafond.ILE_DE_FRANCE
    assert zones["78646"] == ZonePlafond.ILE_DE_FRANCE
    assert zones["11262"] == ZonePlafond.AUTRES_REGIONS
    # In 75, 92 and 94 only Paris and its 20 neighbours of 92/94 are in the first zone.
    assert sum(z == ZonePlafond.PARIS_LIMITROPHES for z in zones.values()) == 1 + 11 + 10
