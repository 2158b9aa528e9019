"""The engine's Django-free reader of the interchange format, which the application's import and export
(``attrib.demandes.importexport``) use: closed lists equal to the stored choices, the household frame and
the inputs of the derivations."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

from attrib.demandes import enums, importexport
from attrib.engine.formats import demandes_csv
from tests.engine.cotation.fabriques import RACINE, csv_demandes, lignes_demo

EXEMPLE = RACINE / "docs" / "formats" / "exemples" / "demandes_exemple.csv"


LISTES_FERMEES = {
    "CIVILITES": enums.Civilite,
    "NATIONALITES": enums.Nationalite,
    "SITUATIONS_FAMILIALES": enums.SituationFamiliale,
    "SITUATIONS_PROFESSIONNELLES": enums.SituationProfessionnelle,
    "LIENS_PARENTE": enums.LienParente,
    "CANAUX": enums.Canal,
    "STATUTS_DEMANDE": enums.StatutDemande,
    "STATUTS_LOGEMENT_ACTUEL": enums.StatutLogementActuel,
    "TYPES_LOGEMENT": enums.TypeLogement,
    "PROCEDURES_EXPULSION": enums.ProcedureExpulsion,
    "MOTIFS": enums.Motif,
}


def test_listes_fermees_du_format_egales_aux_choix_de_l_application():
    """The engine cannot import Django: its closed lists are copies, kept equal to the stored choices."""
    for nom, choix in LISTES_FERMEES.items():
        attendu = tuple((str(code), str(libelle)) for code, libelle in choix.choices)
        assert getattr(demandes_csv, nom) == attendu, nom
    codees = {c.nom: c.choix for c in demandes_csv.COLONNES if c.choix}
    assert codees["motifs_secondaires"] == demandes_csv.MOTIFS
    assert set(map(id, codees.values())) <= set(map(id, (getattr(demandes_csv, n) for n in LISTES_FERMEES)))


def test_l_application_importe_et_exporte_le_format_du_moteur():
    """One format: the application's import and export use the engine's specification and reader."""
    assert importexport.COLONNES is demandes_csv.COLONNES
    assert importexport.lire_demandes is demandes_csv.lire_demandes
    assert importexport.lire_demandes_polars is demandes_csv.lire_demandes_polars
    assert importexport.formater is demandes_csv.formater and importexport.convertir is demandes_csv.convertir
    assert importexport.documentation_colonnes() == demandes_csv.documentation_colonnes()


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
