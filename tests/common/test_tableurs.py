"""The products' CSV / Excel writer: no cell a spreadsheet evaluates, no character a workbook refuses, typed values."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from attrib.common import tableurs
from attrib.engine.formats.cellules import nettoyer, neutraliser, retirer_neutralisation

DANGEREUX = ["=1+1", "+33 6 12 34 56 78", "-2+3", "@SOMME(A1:A2)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']


def _csv(lignes: list[list[object]]) -> list[list[str]]:
    texte = tableurs.csv_octets(["colonne"] * len(lignes[0]), lignes).decode("utf-8")
    assert texte.startswith("\ufeff")
    return list(csv.reader(io.StringIO(texte[1:], newline=""), delimiter=";"))[1:]


@pytest.mark.parametrize("texte", DANGEREUX)
def test_un_texte_qu_un_tableur_evaluerait_est_precede_d_une_apostrophe_en_csv(texte: str) -> None:
    [[cellule]] = _csv([[texte]])
    assert cellule == "'" + texte
    assert retirer_neutralisation(cellule) == texte


@pytest.mark.parametrize("texte", DANGEREUX)
def test_un_texte_qu_un_tableur_evaluerait_est_une_cellule_texte_en_excel(texte: str) -> None:
    classeur = tableurs.Classeur()
    classeur.feuille("Essai").ajouter([texte, "ordinaire"])
    cellule, ordinaire = load_workbook(io.BytesIO(classeur.octets()))["Essai"][1]
    assert cellule.value == texte and isinstance(cellule.value, str)
    assert cellule.data_type == "s" and cellule.quotePrefix  # a text shown as typed, never a formula
    assert ordinaire.value == "ordinaire" and not ordinaire.quotePrefix


@pytest.mark.parametrize("flux_continu", [False, True])
def test_caracteres_de_controle_retires_le_classeur_s_ecrit(flux_continu: bool) -> None:
    classeur = tableurs.Classeur(flux_continu=flux_continu)
    classeur.feuille("Noms").ajouter(["Du\x01ra\x1bnd\x7f", "Ma\u202eRTIN", "ligne 1\nligne 2\tfin"])
    valeurs = next(load_workbook(io.BytesIO(classeur.octets()))["Noms"].iter_rows(values_only=True))
    assert valeurs == ("Durand", "MaRTIN", "ligne 1\nligne 2\tfin")
    assert _csv([["Du\x01rand", "\ud800x"]]) == [["Durand", "x"]]


def test_nombres_dates_et_booleens_gardent_leur_type() -> None:
    ligne = [3, -2.5, Decimal("612.40"), date(2026, 3, 1), datetime(2026, 3, 1, 9, 30), True, False, None, "-"]
    assert _csv([ligne]) == [["3", "-2.5", "612.40", "01/03/2026", "01/03/2026 09:30", "oui", "non", "", "'-"]]
    classeur = tableurs.Classeur()
    classeur.feuille("Types").ajouter(ligne)
    cellules = load_workbook(io.BytesIO(classeur.octets()))["Types"][1]
    assert [c.value for c in cellules[:3]] == [3, -2.5, pytest.approx(612.40)]
    assert all(c.data_type == "n" for c in cellules[:3])  # a negative number stays a number
    assert cellules[3].is_date and cellules[3].number_format == "DD/MM/YYYY"
    assert cellules[4].value == datetime(2026, 3, 1, 9, 30)
    assert [c.value for c in cellules[5:]] == ["oui", "non", None, "-"]


def test_un_titre_de_feuille_interdit_par_excel_est_corrige() -> None:
    assert tableurs.titre_feuille("Bilan [2026]: a/b?") == "Bilan  2026   a b"
    assert len(tableurs.titre_feuille("x" * 40)) == 31


@given(st.text())
def test_l_apostrophe_de_l_export_se_retire_a_la_lecture(texte: str) -> None:
    assert retirer_neutralisation(neutraliser(texte)) == nettoyer(texte)
