"""Zone of the income ceilings (attrib.engine.zones): the rule on given zoning data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attrib.engine.parametres import ZONES
from attrib.engine.zones import AUTRES_REGIONS, ILE_DE_FRANCE, PARIS_LIMITROPHES, Zonage, zone_plafond

ZONAGE = Zonage.de(communes_paris_limitrophes=["75056", "92012", "93001"], regions_ile_de_france=["11"])


@pytest.mark.parametrize(
    ("code_insee", "region", "zone"),
    [
        ("75056", "11", PARIS_LIMITROPHES),  # Paris
        ("92012", "11", PARIS_LIMITROPHES),  # Boulogne-Billancourt, neighbouring
        ("78646", "11", ILE_DE_FRANCE),  # Versailles
        ("11262", "76", AUTRES_REGIONS),  # Narbonne
        ("69123", "84", AUTRES_REGIONS),  # Lyon
    ],
)
def test_cas_de_reference(code_insee: str, region: str, zone: str) -> None:
    assert zone_plafond(ZONAGE, code_insee=code_insee, region=region) == zone


def test_la_liste_des_communes_prime_sur_la_region() -> None:
    # A listed commune is « Paris et communes limitrophes » whatever région it is given with.
    assert zone_plafond(ZONAGE, code_insee="93001", region="76") == PARIS_LIMITROPHES
    vide = Zonage.de(communes_paris_limitrophes=[], regions_ile_de_france=[])
    assert zone_plafond(vide, code_insee="75056", region="11") == AUTRES_REGIONS


@given(st.text(max_size=5), st.text(max_size=3))
def test_toute_commune_a_une_zone_connue(code_insee: str, region: str) -> None:
    assert zone_plafond(ZONAGE, code_insee=code_insee, region=region) in ZONES
