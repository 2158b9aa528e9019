"""Parameter files: loaded once, every value sourced, clear French errors naming file and line."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.menage import derivations_menage
from attrib.engine.parametres import DEPARTEMENTS, DOSSIER_PAR_DEFAUT, FIABILITES, charger_parametres
from tests.engine.fabriques import menage

FICHIERS = (
    "plafonds_ressources.csv",
    "majoration_pls.yaml",
    "categories_menage.yaml",
    "unites_consommation.yaml",
    "delai_anormalement_long.csv",
    "delai_anormalement_long_departements.csv",
)


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    for nom in FICHIERS:
        shutil.copy(DOSSIER_PAR_DEFAUT / nom, tmp_path / nom)
    return tmp_path


def _publier_aude(dossier: Path) -> None:
    chemin = dossier / "delai_anormalement_long_departements.csv"
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    chemin.write_text(
        "\n".join(
            ligne.replace(",non_publie,", ",publie,", 1) if ligne.startswith("11,") else ligne for ligne in lignes
        )
        + "\n",
        encoding="utf-8",
    )


def _ajouter_ligne(chemin: Path, ligne: str) -> None:
    with chemin.open("a", encoding="utf-8") as f:
        f.write(ligne + "\n")


def test_charge_une_seule_fois_depuis_le_depot() -> None:
    assert charger_parametres() is charger_parametres()
    assert charger_parametres().dossier == Path(__file__).resolve().parents[2] / "data" / "parametres"


def test_chaque_plafond_a_une_source_et_une_fiabilite() -> None:
    with (DOSSIER_PAR_DEFAUT / "plafonds_ressources.csv").open(encoding="utf-8") as f:
        lignes = list(csv.DictReader(f))
    assert lignes
    assert all(ligne["source"].strip() and ligne["fiabilite"] in FIABILITES for ligne in lignes)
    # PLUS sourcés pour 2024, 2025 et 2026 dans les 3 zones (6 catégories + personne supplémentaire).
    for annee in (2024, 2025, 2026):
        assert (
            sum(1 for ligne in lignes if ligne["financement"] == "PLUS" and ligne["date_effet"] == f"{annee}-01-01")
            == 21
        )


def test_un_autre_dossier_de_parametres_est_utilisable(dossier: Path) -> None:
    _ajouter_ligne(
        dossier / "delai_anormalement_long.csv",
        '11,1,,36,2026-01-01,,"Valeur d\'essai pour ce test, pas une donnée réelle.",K',
    )
    _publier_aude(dossier)
    autres = charger_parametres(dossier)
    assert autres is not charger_parametres()
    d = derivations_menage(
        menage(date_depot_initiale=date(2023, 1, 1)),
        date_reference=date(2026, 3, 1),
        annee_plafonds=2026,
        parametres=autres,
        financements=("PLUS",),
    )
    assert (d.delai_anormalement_long_mois, d.anciennete_mois, d.dal_depasse) == (36, 38, True)


@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        (
            "PLS,autres_regions,1,2030-01-01,30000,source,V",
            r"plafonds_ressources\.csv, ligne {n} : financement « PLS » non accepté \(le PLS est calculé",
        ),
        ("PLUS,corse,1,2030-01-01,30000,source,V", r"ligne {n} : zone « corse » inconnue"),
        ("PLUS,autres_regions,7,2030-01-01,30000,source,V", r"ligne {n} : catégorie « 7 » inconnue"),
        (
            "PLUS,autres_regions,1,2030-07-01,30000,source,V",
            r"ligne {n} : date_effet 2030-07-01 ; un plafond annuel prend effet le 1er janvier",
        ),
        ("PLUS,autres_regions,1,2030-01-01,trente,source,V", r"ligne {n} : nombre entier attendu, reçu « trente »"),
        ("PLUS,autres_regions,1,2030-01-01,30000,,V", r"ligne {n} : colonne « source » vide"),
        ("PLUS,autres_regions,1,2030-01-01,30000,source,X", r"ligne {n} : fiabilité « X » inconnue"),
        (
            "PLUS,autres_regions,1,2026-01-01,30000,source,V",
            r"ligne {n} : en double avec la ligne 512 \(PLUS, autres_regions, 1, 2026\)",
        ),
    ],
)
def test_plafonds_mal_formes_refuses_avec_la_ligne(dossier: Path, ligne: str, message: str) -> None:
    chemin = dossier / "plafonds_ressources.csv"
    numero = len(chemin.read_text(encoding="utf-8").splitlines()) + 1
    _ajouter_ligne(chemin, ligne)
    with pytest.raises(ParametresInvalides, match=message.format(n=numero)):
        charger_parametres(dossier)


def test_chevauchement_de_delais_refuse(dossier: Path) -> None:
    _ajouter_ligne(dossier / "delai_anormalement_long.csv", "035,3,4,20,2013-06-01,,source,S")
    with pytest.raises(ParametresInvalides, match=r"delai_anormalement_long\.csv, ligne 4 : chevauche la ligne 2"):
        charger_parametres(dossier)


def test_poids_uc_au_centieme(dossier: Path) -> None:
    chemin = dossier / "unites_consommation.yaml"
    chemin.write_text(chemin.read_text(encoding="utf-8").replace('"0.3"', '"0.333"'), encoding="utf-8")
    with pytest.raises(
        ParametresInvalides, match=r"unites_consommation\.yaml, echelle\[1\], enfant_moins_14_ans : poids au centième"
    ):
        charger_parametres(dossier)


def test_fichier_absent(dossier: Path) -> None:
    (dossier / "majoration_pls.yaml").unlink()
    with pytest.raises(ParametresInvalides, match=r"majoration_pls\.yaml : fichier absent"):
        charger_parametres(dossier)


def test_parametre_date_avant_sa_premiere_valeur() -> None:
    with pytest.raises(ParametreNonRenseigne, match=r"Échelle des unités de consommation non renseignée au 01/01/1990"):
        charger_parametres().echelle_uc(date(1990, 1, 1))


# --- délai anormalement long: every département, published or said missing -------------------------


def test_chaque_departement_a_un_etat_du_delai_anormalement_long() -> None:
    p = charger_parametres()
    assert len(DEPARTEMENTS) == 101
    assert set(p.etats_dal) == set(DEPARTEMENTS)
    aude = p.etat_dal("011")
    assert aude is not None and (aude.nom, aude.publie) == ("Aude", False)
    assert all(e.source and e.fiabilite in FIABILITES for e in p.etats_dal.values())
    assert p.dal_manquant("11", date(2026, 12, 6)) == (
        "délai anormalement long non publié à ce jour pour le département 11 (Aude)"
    )
    # Rennes Métropole 2013: sourced for 2013 only.
    assert p.dal_manquant("35", date(2013, 6, 1)) is None
    assert p.dal_manquant("35", date(2026, 6, 1)) is not None


def test_etat_incoherent_avec_les_delais_refuse(dossier: Path) -> None:
    _ajouter_ligne(dossier / "delai_anormalement_long.csv", "11,1,,36,2026-01-01,,source,K")
    with pytest.raises(
        ParametresInvalides,
        match=r"delai_anormalement_long_departements\.csv, ligne 12 : département 11 déclaré « non_publie »",
    ):
        charger_parametres(dossier)


def test_departement_absent_refuse(dossier: Path) -> None:
    chemin = dossier / "delai_anormalement_long_departements.csv"
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    chemin.write_text("\n".join(ligne for ligne in lignes if not ligne.startswith("976,")) + "\n", encoding="utf-8")
    with pytest.raises(ParametresInvalides, match=r"départements absents : 976"):
        charger_parametres(dossier)
