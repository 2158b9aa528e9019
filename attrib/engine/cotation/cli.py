"""Offline cotation command (no database): score a file of demands with a grid.

``python -m attrib.engine score --grille GRILLE.yaml --demandes DEMANDES.csv --sortie SCORES.csv
[--detail] [--date AAAA-MM-JJ] [--grille-mutation MUTATION.yaml] [--annee-plafonds AAAA]``

The demands file is the interchange format (``docs/formats/demandes_csv.md``). The output (CSV ``;``,
UTF-8 with BOM, written atomically) has one row per demand, in the file's order: ``ligne``,
``numero_unique``, ``score``, ``rang``, ``score_provisoire``, ``score_valide`` and, with ``--detail``,
one column per criterion (and per cap), which add up to ``score_provisoire``. With
``--grille-mutation``, demands of current social tenants are scored and ranked by that grid (column
``grille``). Errors of the grid or the file are printed with their location; the exit code is then 1.
Warnings (legal risks, overlapping bands, criteria whose value is unknown for every demand of the file or
that no demand meets) are printed too; they never stop the scoring.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

import polars as pl

from attrib.engine.cotation.classement import classer
from attrib.engine.cotation.grille import (
    DonneesInvalides,
    Grille,
    GrilleInvalide,
    charger_grille,
    colonnes_departage,
    colonnes_lues,
    valider,
)
from attrib.engine.cotation.lint import controler_sur_demandes
from attrib.engine.cotation.preparation import ajouter_colonnes_application, est_mutation, preparer
from attrib.engine.cotation.vectorise import evaluer
from attrib.engine.erreurs import EntreeInvalide, ErreurMoteur
from attrib.engine.formats.cellules import neutraliser
from attrib.engine.formats.demandes_csv import FichierInvalide, completer_menages, lire_demandes_polars

ERREURS_AFFICHEES = 50


class _Echec(Exception):
    def __init__(self, lignes: Sequence[str]) -> None:
        self.lignes = list(lignes)


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date « {texte} » invalide (format AAAA-MM-JJ)") from None


def analyseur(parent: argparse._SubParsersAction[argparse.ArgumentParser] | None = None) -> argparse.ArgumentParser:
    description = "Cote un fichier de demandes (format d'échange) avec une grille de cotation, sans base de données."
    if parent is not None:
        parser = parent.add_parser("score", description=description, help=description)
    else:
        parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--grille", required=True, type=Path, help="grille de cotation (YAML)")
    parser.add_argument("--demandes", required=True, type=Path, help="demandes au format d'échange (CSV ;)")
    parser.add_argument("--sortie", required=True, type=Path, help="fichier CSV des scores à écrire")
    parser.add_argument("--detail", action="store_true", help="une colonne de points par critère")
    parser.add_argument("--date", type=_date, default=None, help="date de référence AAAA-MM-JJ (défaut : aujourd'hui)")
    parser.add_argument(
        "--grille-mutation", type=Path, default=None, help="grille des demandes de mutation (locataires HLM)"
    )
    parser.add_argument(
        "--annee-plafonds", type=int, default=None, help="année des plafonds de ressources (défaut : celle de la date)"
    )
    return parser


def _grille(chemin: Path, jour: date, erreur: TextIO) -> Grille:
    try:
        grille = charger_grille(chemin)
    except GrilleInvalide as exc:
        raise _Echec([str(m) for m in exc.messages]) from None
    for avertissement in valider(grille):
        print(f"Avertissement : {avertissement}", file=erreur)
    if not grille.en_vigueur(jour):
        fin = f" au {grille.date_fin:%d/%m/%Y}" if grille.date_fin else ""
        print(
            f"Avertissement : {chemin.name} : la grille s'applique du {grille.date_effet:%d/%m/%Y}{fin}, "
            f"pas au {jour:%d/%m/%Y} (calcul fait quand même, pour simulation).",
            file=erreur,
        )
    return grille


def _lire(chemin: Path, jour: date, erreur: TextIO) -> pl.DataFrame:
    try:
        demandes = lire_demandes_polars(chemin, jour=jour, masquees_admises=True)
    except FichierInvalide as exc:
        lignes = [f"{chemin.name}, {e}" if e.ligne or e.colonne else f"{chemin.name} : {e}" for e in exc.erreurs]
        if len(lignes) > ERREURS_AFFICHEES:
            lignes = lignes[:ERREURS_AFFICHEES] + [f"… et {len(lignes) - ERREURS_AFFICHEES} autres erreurs"]
        raise _Echec(lignes) from None
    masquees = int(demandes["sensibles_masques"].sum())
    if masquees:
        print(
            f"Avertissement : {chemin.name} : {masquees} demande(s) viennent d'un export où les situations sensibles "
            "(violences, santé) étaient masquées : les critères qui les lisent ne peuvent pas s'appliquer. "
            "Cotez un export fait par un agent habilité.",
            file=erreur,
        )
    try:
        return completer_menages(demandes, date_reference=jour)
    except (OSError, ValueError) as exc:
        raise _Echec([f"Référentiels illisibles : {exc}"]) from None


_LIGNE = re.compile(r"^Ligne (\d+) : ")


def _preparer(demandes: pl.DataFrame, grilles: list[Grille], jour: date, annee: int | None, nom: str) -> pl.DataFrame:
    try:
        return preparer(demandes, grilles, date_reference=jour, annee_plafonds=annee)
    except EntreeInvalide as exc:
        # The derivations name the row of the frame; the user needs the line of the file.
        texte = str(exc)
        m = _LIGNE.match(texte)
        if m:
            ligne = demandes["ligne"][int(m.group(1)) - 1]
            texte = f"{nom}, ligne {ligne} : {texte[m.end() :]}"
        raise _Echec([texte]) from None
    except ErreurMoteur as exc:
        raise _Echec([f"{nom} : {exc}"]) from None


def _coter(demandes: pl.DataFrame, grille: Grille, jour: date, detail: bool) -> pl.DataFrame:
    scores = evaluer(grille, demandes, date_reference=jour, detail=detail)
    cles = list(dict.fromkeys(colonnes_departage(grille)))
    departage = demandes.select("ligne", *(c for c in cles if c != "ligne"))
    classes = classer(pl.concat([departage, scores], how="horizontal"), grille)
    return classes.select("ligne", "score", "rang", pl.exclude("ligne", "score", "rang", *cles))


def _sans_formule(resultat: pl.DataFrame) -> pl.DataFrame:
    """Text columns cleaned and neutralised like every export of the product (``attrib.engine.formats.cellules``):
    a spreadsheet opening the scores never evaluates a cell."""
    textes = [nom for nom, type_ in resultat.schema.items() if type_ == pl.String]
    return resultat.with_columns(pl.col(nom).map_elements(neutraliser, return_dtype=pl.String) for nom in textes)


def _ecrire(resultat: pl.DataFrame, sortie: Path) -> None:
    dossier = sortie.resolve().parent
    descripteur, temporaire = tempfile.mkstemp(prefix=f".{sortie.name}.", suffix=".tmp", dir=dossier)
    try:
        with os.fdopen(descripteur, "wb") as f:
            f.write("\ufeff".encode())
            _sans_formule(resultat).write_csv(f, separator=";")
        os.replace(temporaire, sortie)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise


def _controler(grilles: list[Grille], demandes: pl.DataFrame, jour: date, erreur: TextIO) -> None:
    """Grid lint on the demands each grid scores (values unknown for every demand, criteria met by none)."""
    parties = [demandes]
    if len(grilles) == 2:
        mutation = demandes.select(est_mutation()).to_series()
        parties = [demandes.filter(~mutation), demandes.filter(mutation)]
    for grille, partie in zip(grilles, parties, strict=True):
        for message in controler_sur_demandes(grille, partie, date_reference=jour):
            print(f"Avertissement : {message}", file=erreur)


def executer(arguments: argparse.Namespace, sortie: TextIO | None = None, erreur: TextIO | None = None) -> int:
    """Run the command; returns the exit code (0, or 1 when the grid or the file has errors)."""
    sortie = sortie or sys.stdout
    erreur = erreur or sys.stderr
    jour: date = arguments.date or date.today()
    try:
        grilles = [_grille(arguments.grille, jour, erreur)]
        if arguments.grille_mutation is not None:
            grilles.append(_grille(arguments.grille_mutation, jour, erreur))
        demandes = _lire(arguments.demandes, jour, erreur)
        demandes = _preparer(demandes, grilles, jour, arguments.annee_plafonds, arguments.demandes.name)
        lues = set().union(*(colonnes_lues(g) for g in grilles))
        demandes, ajoutees = ajouter_colonnes_application(demandes, lues)
        if ajoutees:
            print(
                f"Note : colonnes que le fichier ne porte pas, considérées vides : {', '.join(ajoutees)}.",
                file=erreur,
            )
        _controler(grilles, demandes, jour, erreur)
        if len(grilles) == 1:
            resultat = _coter(demandes, grilles[0], jour, arguments.detail)
            partie_mutation = None
        else:
            mutation = demandes.select(est_mutation()).to_series()
            parties = [
                _coter(demandes.filter(~mutation), grilles[0], jour, arguments.detail).with_columns(
                    pl.lit(grilles[0].identifiant).alias("grille")
                ),
                _coter(demandes.filter(mutation), grilles[1], jour, arguments.detail).with_columns(
                    pl.lit(grilles[1].identifiant).alias("grille")
                ),
            ]
            resultat = pl.concat(parties, how="diagonal_relaxed").sort("ligne")
            partie_mutation = int(mutation.sum())
        numeros = demandes.select("ligne", pl.col("numero_unique").replace("", None))
        resultat = numeros.join(resultat, on="ligne", how="left", maintain_order="left")
        if "grille" in resultat.columns:
            resultat = resultat.select(
                "ligne", "numero_unique", "grille", pl.exclude("ligne", "numero_unique", "grille")
            )
        _ecrire(resultat, arguments.sortie)
    except _Echec as exc:
        for ligne in exc.lignes:
            print(f"Erreur : {ligne}", file=erreur)
        return 1
    except (DonneesInvalides, ErreurMoteur) as exc:
        print(f"Erreur : {exc}", file=erreur)
        return 1
    except OSError as exc:
        print(f"Erreur : écriture impossible de « {arguments.sortie} » : {exc.strerror or exc}", file=erreur)
        return 1
    grille = grilles[0]
    version = f", version {grille.version}" if grille.version else ""
    bilan = f"{resultat.height} demande(s) cotée(s) avec la grille « {grille.identifiant} »{version}"
    if partie_mutation is not None:
        bilan += f" ({partie_mutation} avec la grille de mutation « {grilles[1].identifiant} »)"
    print(f"{bilan} au {jour:%d/%m/%Y} : {arguments.sortie}", file=sortie)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return executer(analyseur().parse_args(argv))
