"""The parameter files of the housing stock agree with the data they cite."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from attrib.patrimoine.parametres import (
    DOSSIER_PARAMETRES,
    FICHIER_ESTIMATIONS,
    FICHIER_FINANCEMENTS,
    ParametresPatrimoineInvalides,
    codes_financement,
    estimations,
    loyer_estime,
)
from attrib.territoires.services import DOSSIER_REFERENTIELS
from tests.patrimoine.conftest import FICHIER_NARBONNE

#: The FINAN codes of the arrêté du 5 janvier 2010 (article 3, tableau 2, position 32).
CODES_ARRETE = {"10", "11", "12", "13", "14", "15", "16", "17", "49", "50", "51", "52", "53", "54", "55", "99"}


def test_tous_les_codes_finan_de_l_arrete_et_du_fichier_de_narbonne() -> None:
    codes = codes_financement()
    with FICHIER_NARBONNE.open(encoding="utf-8") as f:
        du_fichier = {ligne["FINAN"] for ligne in csv.DictReader(f, delimiter=";")}

    assert set(codes) == CODES_ARRETE
    assert du_fichier <= set(codes)
    assert {c: codes[c].financement for c in ("10", "11", "12", "13", "14", "16", "52", "99")} == {
        "10": "PLAI",
        "11": "PLAI",
        "12": "PLUS",
        "13": "PLUS",
        "14": "PLS",
        "16": "autre",
        "52": "PLUS",
        "99": "autre",
    }
    assert codes["13"].libelle == "PLUS (LLS dans les DOM)"


def test_loyers_au_m2_egaux_au_fichier_des_indicateurs() -> None:
    zones = {"Epci": "241100593", "Départements": "11", "Régions": "76", "France": "FRMETRODROM"}
    valeurs = {}
    with (DOSSIER_REFERENTIELS / "rpls2019_indicateurs_territoires.csv").open(encoding="utf-8") as f:
        for ligne in csv.DictReader(f):
            if (
                ligne["Variable"] == "loyer_m2"
                and ligne["SousEnsemble"] == "Ensemble du parc"
                and zones.get(ligne["TypeZone"]) == ligne["CodeZone"]
            ):
                valeurs[ligne["TypeZone"]] = Decimal(ligne["Valeur"])
    p = estimations()

    assert p.loyer_m2(epci="241100593", departement="11", region="76") == (valeurs["Epci"], "EPCI 241100593")
    assert p.loyer_m2(epci="200035715", departement="11", region="76") == (valeurs["Départements"], "département 11")
    assert p.loyer_m2(epci=None, departement="34", region="76") == (valeurs["Régions"], "région 76")
    assert p.loyer_m2(epci=None, departement="75", region="11") == (valeurs["France"], "France")


def test_surfaces_par_typologie_recalculees_depuis_narbonne() -> None:
    sommes: dict[int, Decimal] = defaultdict(Decimal)
    nombres: dict[int, int] = defaultdict(int)
    with FICHIER_NARBONNE.open(encoding="utf-8") as f:
        for ligne in csv.DictReader(f, delimiter=";"):
            if float(ligne["nb"]) == 1:
                pieces = min(int(ligne["NBPIECE"]), 5)
                sommes[pieces] += Decimal(ligne["SURFHAB"])
                nombres[pieces] += 1
    moyennes = {p: (sommes[p] / nombres[p]).quantize(Decimal("0.01"), ROUND_HALF_UP) for p in sommes}

    assert estimations().surfaces_par_pieces == moyennes
    assert sum(nombres.values()) == 753


def test_loyer_arrondi_au_centime() -> None:
    assert loyer_estime(Decimal("5.3461822876929395"), Decimal("62.32")) == Decimal("333.17")
    assert loyer_estime(Decimal("2.5"), Decimal("0.01")) == Decimal("0.03")  # 0.025 → 0.03 (half up)


@pytest.mark.parametrize(
    ("remplacer", "par", "message"),
    [
        ("financement: PLAI", "financement: PLAII", "codes\\[0\\] : financement « PLAII » inconnu"),
        ('code: "13"', 'code: "1x"', "code « 1x » invalide"),
        ('code: "13"', 'code: "12"', "code 12 en double"),
    ],
)
def test_fichier_de_financements_mal_forme(tmp_path: Path, remplacer: str, par: str, message: str) -> None:
    texte = (DOSSIER_PARAMETRES / FICHIER_FINANCEMENTS).read_text(encoding="utf-8")
    (tmp_path / FICHIER_FINANCEMENTS).write_text(texte.replace(remplacer, par, 1), encoding="utf-8")

    with pytest.raises(ParametresPatrimoineInvalides, match=f"rpls_financements.yaml : .*{message}"):
        codes_financement(tmp_path)


def test_fichier_d_estimations_mal_forme(tmp_path: Path) -> None:
    texte = (DOSSIER_PARAMETRES / FICHIER_ESTIMATIONS).read_text(encoding="utf-8")
    (tmp_path / FICHIER_ESTIMATIONS).write_text(texte.replace('4: "82.07"', '4: "-82"'), encoding="utf-8")

    with pytest.raises(
        ParametresPatrimoineInvalides, match="surfaces_par_pieces.m2.4 « -82 » n'est pas un nombre positif"
    ):
        estimations(tmp_path)
    with pytest.raises(ParametresPatrimoineInvalides, match="fichier introuvable"):
        estimations(tmp_path / "absent")
