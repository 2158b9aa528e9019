"""flux.yaml: every value dated and sourced, read once, malformed files refused with file and entry named."""

from __future__ import annotations

import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.flux import Categorie, Convention, JeuConventions, charger_parametres_flux, valider_conventions
from attrib.engine.flux.parametres import FIABILITES_FLUX, FICHIER_FLUX
from attrib.engine.parametres import DOSSIER_PAR_DEFAUT


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    shutil.copy(DOSSIER_PAR_DEFAUT / FICHIER_FLUX, tmp_path / FICHIER_FLUX)
    return tmp_path


def _remplacer(dossier: Path, avant: str, apres: str) -> None:
    chemin = dossier / FICHIER_FLUX
    contenu = chemin.read_text(encoding="utf-8")
    assert avant in contenu
    chemin.write_text(contenu.replace(avant, apres, 1), encoding="utf-8")


def test_valeurs_legales_du_depot() -> None:
    params = charger_parametres_flux()
    assert params is charger_parametres_flux()
    jour = date(2026, 1, 1)
    etat = params.plafond_part_etat(jour)
    assert (etat.valeur, etat.article, etat.fiabilite) == (Fraction(30, 100), "R441-5 CCH", "V")
    assert params.plafond_part_agents_etat(jour).valeur == Fraction(5, 100)
    assert [m.code for m in params.exclusions(jour)] == [
        "mutation_interne",
        "relogement_renouvellement_urbain",
        "relogement_orcod",
        "relogement_demolition",
    ]
    assert [m.code for m in params.stock(jour)] == ["defense", "securite", "sante"]
    assert params.delai_proposition_defaut(jour).jours == 30
    assert [g.libelle for g in params.groupes_typologie(jour)] == ["T1-T2", "T3", "T4 et plus"]
    assert params.date_limite_bilan(2026) == date(2027, 2, 28)
    valeurs: tuple[Any, ...] = (
        *params.plafonds_part_etat,
        *params.plafonds_part_agents_etat,
        *params.exclusions_assiette,
        *params.reserves_stock,
        *params.delais_proposition,
        *params.groupes_typologie_dates,
        *params.bilans,
    )
    assert all(v.source.strip() and v.fiabilite in FIABILITES_FLUX for v in valeurs)


def test_avant_le_decret_rien_n_est_renseigne() -> None:
    with pytest.raises(ParametreNonRenseigne, match="plafond_part_etat.*21/02/2020"):
        charger_parametres_flux().plafond_part_etat(date(2020, 2, 21))


def test_un_autre_plafond_date_s_applique_a_sa_periode(dossier: Path) -> None:
    _remplacer(
        dossier,
        "plafond_part_etat:\n",
        'plafond_part_etat:\n  - date_effet: 2027-01-01\n    valeur: "0.25"\n    article: "R441-5 CCH"\n'
        '    source: "Valeur d\'essai pour ce test, pas une donnée réelle."\n    fiabilite: K\n',
    )
    params = charger_parametres_flux(dossier)
    jeu = JeuConventions(
        "B",
        (
            Convention("etat", "Préfet", Categorie.ETAT, date(2026, 1, 1), date(2026, 12, 31), part=Fraction(28, 100)),
            Convention("etat", "Préfet", Categorie.ETAT, date(2027, 1, 1), part=Fraction(28, 100)),
        ),
    )
    (erreur,) = valider_conventions(jeu, params)
    assert erreur.champ == "conventions[1].part"
    assert "dépasse le plafond de 25 % du flux annuel (R441-5 CCH)" in erreur.message


@pytest.mark.parametrize(
    ("avant", "apres", "attendu"),
    [
        ('valeur: "0.30"', 'valeur: "1.30"', r"plafond_part_etat\[1\], valeur : part entre 0 et 1"),
        ('valeur: "0.30"', "valeur: 0.30", r"part décimale attendue entre guillemets"),
        ('article: "R441-5 CCH"', 'article: ""', r"plafond_part_etat\[1\] : « article » vide"),
        ("fiabilite: V", "fiabilite: X", r"fiabilité « X » inconnue"),
        ("valeur: 30", "valeur: 0", r"delai_proposition_defaut\[1\], valeur : entier supérieur ou égal à 1"),
        ('{libelle: "T3", min: 3, max: 3}', '{libelle: "T3", min: 4, max: 4}', r"commence à T4, attendu T3"),
        ("code: relogement_orcod", "code: mutation_interne", r"code « mutation_interne » en double"),
        ("mois: 2\n      jour: 28", "mois: 2\n      jour: 30", r"jour 30 / mois 2 invalide"),
    ],
)
def test_fichier_mal_forme_refuse(dossier: Path, avant: str, apres: str, attendu: str) -> None:
    _remplacer(dossier, avant, apres)
    with pytest.raises(ParametresInvalides, match=rf"^flux\.yaml.*{attendu}"):
        charger_parametres_flux(dossier)


def test_fichier_absent(tmp_path: Path) -> None:
    with pytest.raises(ParametresInvalides, match="flux.yaml : fichier absent"):
        charger_parametres_flux(tmp_path)
