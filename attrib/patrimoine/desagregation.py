"""Seeded disaggregation of the RPLS 2019 counts into residences and dwellings (no Django, no database).

The counts file (``rpls2019_comptages_grand_narbonne.csv``) gives, per commune, the number ``n`` of
dwellings for each combination of construction year × DPE energy × DPE GES × rooms (``5 et plus``) ×
collective/individual × in/outside QPV. The rule (``data/parametres/estimations_patrimoine.yaml``):

1. every count row becomes ``n`` dwellings with the row's characteristics (``5 et plus`` → 5 rooms,
   flagged as an estimated typology; ``Inconnu`` DPE → empty);
2. dwellings of the same commune, construction year, construction type and QPV situation form one
   *ensemble*; an ensemble of ``n`` dwellings gives ``ceil(n / taille_max)`` residences whose sizes
   differ by one dwelling at most;
3. the order of the dwellings of each ensemble is shuffled with ``random.Random(graine)`` (ensembles
   taken in sorted order) before they are dealt out to its residences.

The identifiers do not depend on the seed (``RPLS2019-<commune>-<année>-<C|I>-<Q|H>-<rang>``), so a
run with another seed updates the same residences instead of creating new ones.
"""

from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from collections.abc import Mapping, Set
from dataclasses import dataclass
from pathlib import Path

from attrib.common.imports import bornes_import
from attrib.engine.formats.lecture import ErreurLecture, lire_csv
from attrib.patrimoine.enums import TypeConstruction
from attrib.patrimoine.models import ANNEE_MIN
from attrib.patrimoine.rpls import ErreurLigne

COLONNES = ("DEPCOM", "construct", "dpeenergie", "dpeserre", "nbpiece", "typeconst", "qpv", "n")
PIECES = {"1": 1, "2": 2, "3": 3, "4": 4, "5 et plus": 5}
TYPES = {"Logements collectifs": TypeConstruction.COLLECTIF, "Logements individuels": TypeConstruction.INDIVIDUEL}
QPV = {"En QPV": True, "Hors QPV": False}
DPE = {**{c: c for c in "ABCDEFG"}, "Inconnu": ""}
RE_DEPCOM = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass(frozen=True)
class LogementReconstitue:
    nb_pieces: int
    typologie_estimee: bool
    dpe_energie: str
    dpe_ges: str


@dataclass(frozen=True)
class ResidenceReconstituee:
    identifiant: str
    depcom: str
    annee_construction: int
    type_construction: str
    en_qpv: bool
    rang: int
    nombre: int
    logements: tuple[LogementReconstitue, ...]


@dataclass(frozen=True)
class Comptage:
    ligne: int
    depcom: str
    annee: int
    type_construction: str
    en_qpv: bool
    logement: LogementReconstitue
    n: int


def _choix(ligne: int, colonne: str, valeur: str, valeurs: Mapping[str, object], erreurs: list[ErreurLigne]) -> bool:
    if valeur in valeurs:
        return True
    attendu = ", ".join(f"« {v} »" for v in valeurs)
    erreurs.append(ErreurLigne(ligne, f"{colonne} « {valeur} » invalide (attendu : {attendu})."))
    return False


def lire_comptages(chemin: Path, *, annee_max: int) -> tuple[list[Comptage], list[ErreurLigne]]:
    """The count rows, and one French error per invalid line."""
    erreurs: list[ErreurLigne] = []
    comptages: list[Comptage] = []
    if not chemin.is_file():
        return [], [ErreurLigne(None, f"fichier introuvable : {chemin}.")]
    try:
        rangees = list(lire_csv(chemin.read_bytes(), separateurs=(",",), bornes=bornes_import()).lignes)
    except ErreurLecture as exc:
        return [], [ErreurLigne(exc.ligne, f"{exc.message}.")]
    en_tete = list(rangees[0].cellules) if rangees else []
    manquantes = [c for c in COLONNES if c not in en_tete]
    if manquantes:
        return [], [ErreurLigne(1, f"colonnes manquantes dans l'en-tête : {', '.join(manquantes)}.")]
    positions = {c: en_tete.index(c) for c in COLONNES}
    for rangee in rangees[1:]:
        if not rangee.cellules:
            continue
        ligne = rangee.numero
        v = {c: (rangee.cellules[i] if i < len(rangee.cellules) else "").strip() for c, i in positions.items()}
        avant = len(erreurs)
        if not RE_DEPCOM.match(v["DEPCOM"]):
            erreurs.append(ErreurLigne(ligne, f"DEPCOM « {v['DEPCOM']} » invalide (code INSEE à 5 caractères)."))
        annee = int(v["construct"]) if v["construct"].isdigit() else 0
        if not ANNEE_MIN <= annee <= annee_max:
            erreurs.append(
                ErreurLigne(ligne, f"construct « {v['construct']} » invalide (année de {ANNEE_MIN} à {annee_max}).")
            )
        n = int(v["n"]) if v["n"].isdigit() else 0
        if n <= 0:
            erreurs.append(ErreurLigne(ligne, f"n « {v['n']} » invalide (nombre de logements, entier positif)."))
        ok = all(
            [
                _choix(ligne, "nbpiece", v["nbpiece"], PIECES, erreurs),
                _choix(ligne, "typeconst", v["typeconst"], TYPES, erreurs),
                _choix(ligne, "qpv", v["qpv"], QPV, erreurs),
                _choix(ligne, "dpeenergie", v["dpeenergie"], DPE, erreurs),
                _choix(ligne, "dpeserre", v["dpeserre"], DPE, erreurs),
            ]
        )
        if not ok or len(erreurs) > avant:
            continue
        comptages.append(
            Comptage(
                ligne=ligne,
                depcom=v["DEPCOM"],
                annee=annee,
                type_construction=TYPES[v["typeconst"]],
                en_qpv=QPV[v["qpv"]],
                logement=LogementReconstitue(
                    nb_pieces=PIECES[v["nbpiece"]],
                    typologie_estimee=v["nbpiece"] == "5 et plus",
                    dpe_energie=DPE[v["dpeenergie"]],
                    dpe_ges=DPE[v["dpeserre"]],
                ),
                n=n,
            )
        )
    return comptages, erreurs


def identifiant(depcom: str, annee: int, type_construction: str, en_qpv: bool, rang: int) -> str:
    code_type = "C" if type_construction == TypeConstruction.COLLECTIF else "I"
    return f"RPLS2019-{depcom}-{annee}-{code_type}-{'Q' if en_qpv else 'H'}-{rang:02d}"


def reconstituer(
    comptages: list[Comptage], *, exclure: Set[str], taille_max: int, graine: int
) -> list[ResidenceReconstituee]:
    """Residences of the count rows whose commune is not in ``exclure`` (see the module docstring)."""
    if taille_max < 1:
        raise ValueError("taille_max doit être un entier positif.")
    ensembles: dict[tuple[str, int, str, bool], list[LogementReconstitue]] = defaultdict(list)
    for c in comptages:
        if c.depcom not in exclure:
            ensembles[(c.depcom, c.annee, c.type_construction, c.en_qpv)].extend([c.logement] * c.n)
    tirage = random.Random(graine)
    residences: list[ResidenceReconstituee] = []
    for cle in sorted(ensembles):
        logements = ensembles[cle]
        tirage.shuffle(logements)
        nombre = math.ceil(len(logements) / taille_max)
        taille, reste = divmod(len(logements), nombre)
        debut = 0
        for rang in range(1, nombre + 1):
            fin = debut + taille + (1 if rang <= reste else 0)
            depcom, annee, type_construction, en_qpv = cle
            residences.append(
                ResidenceReconstituee(
                    identifiant=identifiant(depcom, annee, type_construction, en_qpv, rang),
                    depcom=depcom,
                    annee_construction=annee,
                    type_construction=type_construction,
                    en_qpv=en_qpv,
                    rang=rang,
                    nombre=nombre,
                    logements=tuple(logements[debut:fin]),
                )
            )
            debut = fin
    return residences
