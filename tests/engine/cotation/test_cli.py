"""Offline command: ``python -m attrib.engine score`` on files of the interchange format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from attrib.engine.__main__ import main
from attrib.engine.cotation import Grille, colonnes_detail
from tests.engine.cotation.fabriques import GRILLES, RACINE, csv_demandes, lignes_demo
from tests.engine.cotation.test_grille import ENTETE

DATE = "2026-07-01"


@pytest.fixture(scope="module")
def fichier_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chemin = tmp_path_factory.mktemp("demandes") / "demandes.csv"
    chemin.write_text(csv_demandes(lignes_demo(400, seed=11)), encoding="utf-8")
    return chemin


def lire_scores(chemin: Path) -> pl.DataFrame:
    return pl.read_csv(chemin, separator=";", encoding="utf8", infer_schema_length=None)


def coter(*arguments: str | Path) -> int:
    return main(["score", *(str(a) for a in arguments)])


def test_la_commande_cote_le_fichier_demo_et_le_detail_fait_le_score(
    fichier_demo: Path, tmp_path: Path, socle: Grille, capsys: pytest.CaptureFixture[str]
):
    sortie = tmp_path / "scores.csv"

    code = coter(
        "--grille", GRILLES / "socle.yaml", "--demandes", fichier_demo, "--sortie", sortie, "--detail", "--date", DATE
    )

    assert code == 0
    sorties = capsys.readouterr()
    assert (
        "400 demande(s) cotée(s) avec la grille « socle_grand_narbonne », version 2026-1 au 01/07/2026" in sorties.out
    )
    assert "considérées vides : classements_rang_2_ou_3, criteres_valides" in sorties.err
    # Grid lint on the file: no délai anormalement long is published for the Aude.
    assert (
        "Avertissement : socle.yaml, ligne 402 (sections[6].criteres[1].condition) : section « Ancienneté de la "
        "demande », critère « delai_anormalement_long » : la valeur lue (dal_depasse) est inconnue pour les 400 "
        "demandes du territoire : délai anormalement long non publié à ce jour pour le département 11 (Aude)."
    ) in sorties.err
    assert (
        "critère « l441_h_sortie_prostitution » : aucune des 400 demandes du territoire ne remplit « Personne engagée "
        "dans le parcours de sortie de la prostitution ». Priorité légale : le critère reste obligatoire"
    ) in sorties.err
    scores = lire_scores(sortie)
    assert scores.columns[:6] == ["ligne", "numero_unique", "score", "rang", "score_provisoire", "score_valide"]
    assert scores.columns[6:] == list(colonnes_detail(socle))
    provisoires = [c for c in colonnes_detail(socle) if not c.startswith("valide:")]
    valides = [c for c in colonnes_detail(socle) if c.startswith("valide:")]
    assert scores.select(pl.sum_horizontal(provisoires) == pl.col("score_provisoire")).to_series().all()
    assert scores.select(pl.sum_horizontal(valides) == pl.col("score_valide")).to_series().all()
    assert scores["ligne"].to_list() == list(range(2, 402))
    assert sorted(scores["rang"].to_list()) == list(range(1, 401))
    assert scores.sort("rang")["score"].is_sorted(descending=True)
    assert scores["score"].n_unique() > 20 and scores["dalo"].max() == 1000


def test_sans_detail_une_ligne_par_demande(fichier_demo: Path, tmp_path: Path):
    sortie = tmp_path / "scores.csv"

    assert (
        coter("--grille", GRILLES / "socle.yaml", "--demandes", fichier_demo, "--sortie", sortie, "--date", DATE) == 0
    )

    scores = lire_scores(sortie)
    assert scores.columns == ["ligne", "numero_unique", "score", "rang", "score_provisoire", "score_valide"]
    assert scores.height == 400 and scores["numero_unique"].str.ends_with("DEMO").all()


def test_grille_de_mutation_pour_les_locataires_hlm(fichier_demo: Path, tmp_path: Path):
    sortie = tmp_path / "scores.csv"

    code = coter(
        "--grille", GRILLES / "socle.yaml", "--grille-mutation", GRILLES / "mutation.yaml",
        "--demandes", fichier_demo, "--sortie", sortie, "--detail", "--date", DATE,
    )  # fmt: skip

    assert code == 0
    scores = lire_scores(sortie)
    demandes = pl.read_csv(fichier_demo, separator=";", infer_schema_length=0)
    mutation = (demandes["statut_logement_actuel"] == "locataire_parc_social").to_list()
    assert (scores["grille"] == "mutation_grand_narbonne").to_list() == mutation
    for _, partie in scores.group_by("grille"):
        assert sorted(partie["rang"].to_list()) == list(range(1, partie.height + 1))
    assert scores.filter(pl.col("grille") == "mutation_grand_narbonne")["taux_effort_35"].is_not_null().all()
    assert scores.filter(pl.col("grille") == "socle_grand_narbonne")["taux_effort_35"].is_null().all()


def test_grille_invalide_message_localise_et_rien_d_ecrit(
    fichier_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    grille = tmp_path / "sans_dalo.yaml"
    grille.write_text(ENTETE.replace("priorites_legales: [dalo]", "priorites_legales: []"), encoding="utf-8")
    sortie = tmp_path / "scores.csv"
    sortie.write_text("ancien contenu", encoding="utf-8")

    code = coter("--grille", grille, "--demandes", fichier_demo, "--sortie", sortie, "--date", DATE)

    assert code == 1
    assert (
        "Erreur : sans_dalo.yaml, ligne 4 (sections) : la grille n'a pas de bloc « priorités légales »"
        in capsys.readouterr().err
    )
    assert sortie.read_text(encoding="utf-8") == "ancien contenu"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sans_dalo.yaml", "scores.csv"]


def test_fichier_invalide_erreurs_localisees(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    lignes = lignes_demo(3, seed=2)
    texte = csv_demandes(lignes).splitlines()
    entete = texte[0].split(";")
    cellules = texte[2].split(";")
    cellules[entete.index("date_naissance_demandeur")] = "31/02/1990"
    texte[2] = ";".join(cellules)
    demandes = tmp_path / "demandes.csv"
    demandes.write_text("\n".join(texte) + "\n", encoding="utf-8")

    code = coter(
        "--grille", GRILLES / "socle.yaml", "--demandes", demandes, "--sortie", tmp_path / "s.csv", "--date", DATE
    )

    assert code == 1
    assert (
        "Erreur : demandes.csv, ligne 3, colonne date_naissance_demandeur : date invalide « 31/02/1990 » (ce jour n'existe pas)"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "s.csv").exists()


def test_commune_inconnue_signalee_a_sa_ligne(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    lignes = lignes_demo(4, seed=5)
    lignes[3]["communes_souhaitees"] = ["99999"]
    demandes = tmp_path / "demandes.csv"
    demandes.write_text(csv_demandes(lignes), encoding="utf-8")

    code = coter(
        "--grille", GRILLES / "socle.yaml", "--demandes", demandes, "--sortie", tmp_path / "s.csv", "--date", DATE
    )

    assert code == 1
    assert "Erreur : demandes.csv, ligne 5 : zone_plafond : valeur manquante." in capsys.readouterr().err


def test_export_masque_cote_avec_un_avertissement(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    lignes = lignes_demo(5, seed=8)
    for ligne in lignes:
        ligne |= {
            "sensibles_masques": True,
            "motif_principal": None if ligne["motif_principal"] == "violences" else ligne["motif_principal"],
        }
    lignes[0]["motif_principal"] = None
    demandes = tmp_path / "export.csv"
    demandes.write_text(csv_demandes(lignes), encoding="utf-8")

    code = coter(
        "--grille", GRILLES / "socle.yaml", "--demandes", demandes, "--sortie", tmp_path / "s.csv", "--date", DATE
    )

    assert code == 0
    assert (
        "Avertissement : export.csv : 5 demande(s) viennent d'un export où les situations sensibles (violences, santé) "
        "étaient masquées" in capsys.readouterr().err
    )
    assert lire_scores(tmp_path / "s.csv").height == 5


def test_module_executable_sans_django(fichier_demo: Path, tmp_path: Path):
    sortie = tmp_path / "scores.csv"
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
    arguments = [
        "score",
        "--grille",
        str(GRILLES / "socle.yaml"),
        "--demandes",
        str(fichier_demo),
        "--sortie",
        str(sortie),
        "--date",
        DATE,
    ]

    resultat = subprocess.run(
        [sys.executable, "-c", programme, *arguments], cwd=RACINE, env=env, capture_output=True, text=True, check=False
    )

    assert resultat.returncode == 0, resultat.stderr
    assert lire_scores(sortie).height == 400


def test_arguments_manquants_code_2(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as fin:
        coter("--grille", "g.yaml")

    assert fin.value.code == 2
    assert "--demandes" in capsys.readouterr().err
