"""The French reference of the grid document lists the columns a grid may read, from the engine's catalogue."""

from __future__ import annotations

import yaml

from attrib.engine.cotation import charger_grille
from attrib.engine.cotation.catalogue import documentation_colonnes
from tests.engine.cotation.fabriques import RACINE

DOC = RACINE / "docs" / "cotation.md"


def test_la_documentation_reprend_le_catalogue_des_colonnes():
    assert documentation_colonnes() in DOC.read_text(encoding="utf-8")


def test_les_exemples_yaml_de_la_documentation_se_lisent():
    texte = DOC.read_text(encoding="utf-8")
    blocs = [b.split("```", 1)[0] for b in texte.split("```yaml\n")[1:]]

    assert len(blocs) >= 4
    for bloc in blocs:
        yaml.safe_load(bloc.replace("[...]", "[]").replace("{…}", "{}"))


def test_l_exemple_de_la_commande_fonctionne(tmp_path):
    from attrib.engine.__main__ import main

    sortie = tmp_path / "scores.csv"
    exemple = RACINE / "docs" / "formats" / "exemples" / "demandes_exemple.csv"
    grille = RACINE / "data" / "grilles" / "socle.yaml"

    assert (
        main(["score", "--grille", str(grille), "--demandes", str(exemple), "--sortie", str(sortie), "--detail"]) == 0
    )
    assert charger_grille(grille).identifiant in DOC.read_text(encoding="utf-8")
