"""The engine's Django-free reader of the interchange format: same specification and same frame as the
application's importer (``attrib.demandes.importexport``), plus the inputs of the derivations."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import asdict
from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from attrib.demandes import importexport
from attrib.engine.formats import demandes_csv
from tests.engine.cotation.fabriques import RACINE, csv_demandes, lignes_demo

EXEMPLE = RACINE / "docs" / "formats" / "exemples" / "demandes_exemple.csv"


def _spec(colonne: object) -> dict[str, object]:
    valeurs = asdict(colonne)  # type: ignore[call-overload]
    return valeurs | {"type": str(valeurs["type"]), "cible": str(valeurs["cible"]), "choix": tuple(valeurs["choix"])}


def test_meme_specification_que_l_application():
    assert [_spec(c) for c in demandes_csv.COLONNES] == [_spec(c) for c in importexport.COLONNES]
    assert demandes_csv.documentation_colonnes() == importexport.documentation_colonnes()
    assert demandes_csv.documentation_codes() == importexport.documentation_codes()


def test_meme_tableau_que_l_application_sur_l_exemple_et_le_fichier_demo(tmp_path):
    demo = tmp_path / "demo.csv"
    demo.write_text(csv_demandes(lignes_demo(60, seed=4)), encoding="utf-8")

    for fichier in (EXEMPLE, demo):
        moteur = demandes_csv.lire_demandes_polars(fichier, jour=date(2026, 7, 1))
        application = importexport.lire_demandes_polars(fichier, jour=date(2026, 7, 1))
        sans_conjoint = ~pl.col("personnes").list.eval(pl.element().struct.field("lien") == "conjoint").list.any()
        assert_frame_equal(moteur.filter(sans_conjoint), application.filter(sans_conjoint))


def test_conjoint_parmi_les_personnes_donne_l_age_du_couple(tmp_path):
    [ligne] = lignes_demo(1, seed=1)
    ligne |= {
        "nom_codemandeur": None,
        "prenoms_codemandeur": None,
        "date_naissance_codemandeur": None,
        "lien_codemandeur": None,
    }
    ligne = {k: (None if k.endswith("_codemandeur") else v) for k, v in ligne.items()}
    conjoint = {
        "lien": "conjoint",
        "date_naissance": date(1990, 7, 2),
        "prenoms": "Sam",
        "nom": "Durand",
        "a_charge": False,
        "garde_alternee": False,
        "enfant_a_naitre": False,
        "handicap": False,
    }
    ligne["personnes"] = [conjoint]
    fichier = tmp_path / "d.csv"
    fichier.write_text(csv_demandes([ligne]), encoding="utf-8")

    menage = demandes_csv.lire_demandes_polars(fichier, jour=date(2026, 7, 1)).row(0, named=True)

    assert (menage["couple"], menage["codemandeur"], menage["age_codemandeur"]) == (True, False, 35)


def test_zone_et_enfants_de_moins_de_14_ans(tmp_path):
    lignes = lignes_demo(4, seed=9)
    for ligne, commune in zip(lignes, ["75056", "92012", "91228", "11262"], strict=True):
        ligne["communes_souhaitees"] = [commune]
    enfant = {"lien": "enfant", "prenoms": "A", "nom": "B", "a_charge": True}
    enfant |= {"garde_alternee": False, "enfant_a_naitre": False, "handicap": False}
    lignes[0]["personnes"] = [
        enfant | {"date_naissance": date(2012, 7, 2)},  # 13 on 01/07/2026
        enfant | {"date_naissance": date(2012, 7, 1)},  # 14 that day
    ]
    fichier = tmp_path / "d.csv"
    fichier.write_text(csv_demandes(lignes), encoding="utf-8")

    menages = demandes_csv.completer_menages(
        demandes_csv.lire_demandes_polars(fichier, jour=date(2026, 7, 1)), date_reference=date(2026, 7, 1)
    )

    assert menages["zone_plafond"].to_list() == [
        "paris_communes_limitrophes",
        "paris_communes_limitrophes",
        "ile_de_france",
        "autres_regions",
    ]
    assert menages["nb_moins_14_ans"][0] == 1


def test_ligne_masquee_refusee_a_l_import_lue_pour_la_cotation(tmp_path):
    [ligne] = lignes_demo(1, seed=3)
    ligne |= {"sensibles_masques": True, "motif_principal": None}
    fichier = tmp_path / "export.csv"
    fichier.write_text(csv_demandes([ligne]), encoding="utf-8")

    lecture = demandes_csv.lire_demandes(fichier)
    [lue] = list(lecture.lignes)
    menages = demandes_csv.lire_demandes_polars(fichier, jour=date(2026, 7, 1), masquees_admises=True)

    assert [e.colonne for e in lue.erreurs] == ["sensibles_masques"]
    assert menages["sensibles_masques"].to_list() == [True] and menages["motif_principal"].to_list() == [""]


def test_lecteur_importable_sans_django():
    programme = (
        "import sys\n"
        "from attrib.engine.formats.demandes_csv import lire_demandes_polars\n"
        f"print(lire_demandes_polars({str(EXEMPLE)!r}).height)\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    resultat = subprocess.run(
        [sys.executable, "-c", programme], cwd=RACINE, env=env, capture_output=True, text=True, check=False
    )

    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip() == "3"
