"""``docs/location-voulue-moteur.md`` says true: its example replays, its hand commands give the values the
engine computes, its command output is the command's, and its standard-library snippet replays alone."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from attrib.engine.__main__ import main
from attrib.engine.annonces.classement import rejouer
from attrib.engine.annonces.tirage import empreinte, valeur_tirage

DOC = Path(__file__).resolve().parents[3] / "docs" / "location-voulue-moteur.md"


def _blocs(langage: str) -> list[str]:
    return re.findall(rf"```{langage}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


@pytest.fixture(scope="module")
def exemple() -> dict[str, object]:
    (bloc,) = _blocs("json")
    donnees: dict[str, object] = json.loads(bloc)
    return donnees


def test_l_exemple_de_la_documentation_se_rejoue_a_l_identique(exemple: dict[str, object]) -> None:
    assert rejouer(exemple).identique


def test_les_commandes_a_la_main_donnent_les_valeurs_du_moteur(exemple: dict[str, object]) -> None:
    (bloc,) = _blocs("sh")
    graine = str(exemple["graine"])
    resultats = re.findall(r"^# ([0-9a-f]{64})$", bloc, flags=re.MULTILINE)
    assert resultats == [empreinte(graine), valeur_tirage(graine, "ZC7PW2JA4TGV")]
    assert graine in bloc


def test_la_sortie_montree_est_celle_de_la_commande(
    exemple: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (bloc,) = re.findall(
        r"```\n\$ python -m attrib\.engine annonce-rejouer \S+\n(.*?)```", DOC.read_text("utf-8"), re.S
    )
    chemin = tmp_path / "LV-2026-0042.json"
    chemin.write_text(json.dumps(exemple), encoding="utf-8")
    assert main(["annonce-rejouer", str(chemin)]) == 0
    assert capsys.readouterr().out == bloc


def test_le_script_sans_attrib_rejoue_et_voit_une_falsification(exemple: dict[str, object], tmp_path: Path) -> None:
    (script,) = _blocs("python")
    assert "attrib" not in script.replace("attrib-lv-v1", "")
    programme = tmp_path / "rejouer.py"
    programme.write_text(script, encoding="utf-8")
    publie = tmp_path / "publie.json"

    def lancer(donnees: dict[str, object]) -> str:
        publie.write_text(json.dumps(donnees), encoding="utf-8")
        fini = subprocess.run(
            [sys.executable, "-I", str(programme), str(publie)], capture_output=True, text=True, check=False
        )
        return fini.stdout.strip() or fini.stderr.strip().splitlines()[-1]

    assert lancer(exemple) == "identique"
    falsifie = copy.deepcopy(exemple)
    lignes = falsifie["candidatures"]
    assert isinstance(lignes, list)
    lignes[2], lignes[3] = lignes[3], lignes[2]  # deux ex aequo intervertis : seul le tirage les départage
    assert lancer(falsifie) == "DIFFÉRENT"
    assert "graine non conforme" in lancer({**exemple, "graine": "1" * 64})
