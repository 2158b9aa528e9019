"""Ceilings of the current year (2026): every zone and category of PLUS and PLS sourced, PLAI said
« non publié à ce jour » (never guessed from 2025 and the +0,87 % revaluation)."""

from __future__ import annotations

import pytest

from attrib.engine.erreurs import PlafondNonRenseigne
from attrib.engine.parametres import PERSONNE_SUPPLEMENTAIRE, ZONES, charger_parametres

CATEGORIES = ("1", "2", "3", "4", "5", "6", PERSONNE_SUPPLEMENTAIRE)


@pytest.mark.parametrize(
    ("financement", "zone", "categorie", "attendu"),
    [
        # Arrêté du 19 décembre 2025 (JORF du 24 décembre 2025, NOR VLOL2534266A), cells quoted by the press
        # (L'Essentiel de l'éco, « HLM : comment obtenir un logement social en 2026 »).
        ("PLUS", "paris_communes_limitrophes", "1", 26_920),
        ("PLUS", "autres_regions", "1", 23_403),
        ("PLUS", "paris_communes_limitrophes", "2", 40_233),
        ("PLUS", "autres_regions", "2", 31_254),
        ("PLUS", "paris_communes_limitrophes", "4", 62_968),
        ("PLUS", "autres_regions", "4", 45_374),
        ("PLUS", "paris_communes_limitrophes", PERSONNE_SUPPLEMENTAIRE, 9_394),
        # PLS = PLUS × 1,3 rounded to the euro (arrêté du 29 juillet 1987, art. 1).
        ("PLS", "paris_communes_limitrophes", "1", 34_996),
        ("PLS", "autres_regions", "1", 30_424),
        ("PLS", "ile_de_france", "3", 62_871),
    ],
)
def test_cellules_2026_de_l_arrete(financement: str, zone: str, categorie: str, attendu: int) -> None:
    assert charger_parametres().plafond_cellule(financement, zone, 2026, categorie) == attendu


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("financement", ["PLUS", "PLS"])
def test_plus_et_pls_2026_complets(financement: str, zone: str) -> None:
    p = charger_parametres()
    valeurs = [p.plafond_cellule(financement, zone, 2026, c) for c in CATEGORIES]
    assert all(v > 0 for v in valeurs)
    assert valeurs[:6] == sorted(valeurs[:6])


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("categorie", CATEGORIES)
def test_plai_2026_dit_non_publie(zone: str, categorie: str) -> None:
    with pytest.raises(PlafondNonRenseigne, match=r"^Plafond PLAI 2026 non publié à ce jour \("):
        charger_parametres().plafond_cellule("PLAI", zone, 2026, categorie)
