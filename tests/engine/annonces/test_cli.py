"""``python -m attrib.engine annonce-rejouer FICHIER.json``: anyone replays a published ranking."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from attrib.engine.__main__ import main
from attrib.engine.annonces.classement import classer, donnees_publiees
from tests.engine.annonces.test_classement import DOREES, GRAINE

RACINE = Path(__file__).resolve().parents[3]


@pytest.fixture
def publiees(tmp_path: Path) -> Path:
    chemin = tmp_path / "LV-2026-0042.json"
    donnees = donnees_publiees(classer(DOREES, graine=GRAINE), annonce="LV-2026-0042")
    chemin.write_text(json.dumps(donnees, indent=2, ensure_ascii=False), encoding="utf-8")
    return chemin


def test_le_classement_rejoue_est_identique(publiees: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annonce-rejouer", str(publiees)]) == 0
    lignes = capsys.readouterr().out.splitlines()
    assert lignes[0] == f"Annonce LV-2026-0042 : 6 candidatures, graine {GRAINE}."
    assert lignes[3].split() == ["Rang", "Jeton", "Score", "Premier", "dépôt", "Tirage", "Départage"]
    assert lignes[4].split()[:5] == ["1", "MZ4QK7TB2XPA", "412,00", "10/05/2022", "52dfea9d6b29…"]
    assert lignes[5].split()[:5] == ["2", "ZC7PW2JA4TGV", "355,50", "14/09/2021", "007a8d4d3a5c…"]
    assert lignes[5].endswith("score moins élevé")
    assert lignes[6].endswith("même score et même ancienneté, tirage au sort")
    assert lignes[8].endswith("même score, demande plus récente")
    assert lignes[-1] == "Classement identique au classement publié."


def test_des_donnees_falsifiees_donnent_les_ecarts_et_le_code_1(
    publiees: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    donnees = json.loads(publiees.read_text(encoding="utf-8"))
    donnees["candidatures"][4]["depot"] = "2020-01-01"  # R3VD devient plus ancienne que les trois ex aequo
    publiees.write_text(json.dumps(donnees), encoding="utf-8")
    assert main(["annonce-rejouer", str(publiees)]) == 1
    sortie = capsys.readouterr().out
    assert "Écart : Rang 2 : la candidature publiée est ZC7PW2JA4TGV, le calcul y place R3VD6HNW5JCE" in sortie
    assert "Classement identique" not in sortie


@pytest.mark.parametrize(
    "contenu, message",
    [
        (b"{", "JSON invalide"),
        (b"\xff\xfe", "n'est pas un texte UTF-8"),
        (b'{"format": "autre"}', "Écart : Données illisibles : « format »"),
    ],
)
def test_un_fichier_illisible_donne_le_code_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], contenu: bytes, message: str
) -> None:
    chemin = tmp_path / "publie.json"
    chemin.write_bytes(contenu)
    assert main(["annonce-rejouer", str(chemin)]) == 1
    sorties = capsys.readouterr()
    assert message in sorties.out + sorties.err
    assert main(["annonce-rejouer", str(tmp_path / "absent.json")]) == 1
    assert "lecture impossible" in capsys.readouterr().err


def test_la_commande_tourne_sans_django(publiees: Path) -> None:
    programme = (
        "import runpy, sys\n"
        "sys.argv = ['attrib.engine'] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_module('attrib.engine', run_name='__main__')\n"
        "except SystemExit as fin:\n"
        "    assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django importé'\n"
        "    raise\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    fini = subprocess.run(
        [sys.executable, "-c", programme, "annonce-rejouer", str(publiees)],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert fini.returncode == 0, fini.stderr
    assert fini.stdout.splitlines()[-1] == "Classement identique au classement publié."
