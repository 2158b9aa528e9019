"""Import of the territorial referentials: EPCI and communes (COG 2026), QPV contours (2015 generation).

Files are read from ``data/referentiels/`` (see ``data/SOURCES.md``). The import is all or nothing:
every file is read and checked before anything is written, every error is reported with its file
and line, and a run over unchanged files writes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from shapely.geometry import shape

from attrib.common.imports import bornes_import
from attrib.engine.formats.lecture import ErreurLecture, lire_csv
from attrib.organisations.acteurs import Acteur
from attrib.territoires.models import EPCI, QPV, Commune
from attrib.territoires.zones import AffectationZones

DOSSIER_REFERENTIELS = Path(settings.BASE_DIR) / "data" / "referentiels"
FICHIER_EPCI = "epci_2026.csv"
FICHIER_COMMUNES = "communes_epci_2026.csv"
FICHIER_QPV = "qpv2015_occitanie_contours.geojson"

COLONNES_EPCI = ("epci_siren", "epci_nom", "epci_type", "population_municipale")
COLONNES_COMMUNES = ("code_commune", "nom_commune", "departement", "region", "population", "epci_siren")
GENERATIONS_QPV = {"QP": "2015", "QN": "2024"}

RE_SIREN = re.compile(r"^\d{9}$")
RE_CODE_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
RE_DEPARTEMENT = re.compile(r"^(\d{2,3}|2[AB])$")
RE_REGION = re.compile(r"^\d{2,3}$")
RE_CODE_QPV = re.compile(r"^Q[PN]\d{6}$")
ERREURS_AFFICHEES = 50


@dataclass(frozen=True)
class ErreurLigne:
    fichier: str
    ligne: int | None
    message: str

    def __str__(self) -> str:
        lieu = f"{self.fichier}, ligne {self.ligne}" if self.ligne is not None else self.fichier
        return f"{lieu} : {self.message}"


class ErreursImport(ValidationError):
    """Errors found in the files; nothing was written."""

    def __init__(self, erreurs: Sequence[ErreurLigne]) -> None:
        self.erreurs = list(erreurs)
        messages = [str(e) for e in self.erreurs[:ERREURS_AFFICHEES]]
        if len(self.erreurs) > ERREURS_AFFICHEES:
            messages.append(f"… et {len(self.erreurs) - ERREURS_AFFICHEES} autres erreurs.")
        super().__init__(messages)


@dataclass(frozen=True)
class ResumeImport:
    """What the import holds after the run: ``epci``/``communes``/``qpv`` selected, of which
    ``crees`` were new rows and ``modifies`` existing rows that changed."""

    epci: int
    communes: int
    qpv: int
    crees: int
    modifies: int

    def __str__(self) -> str:
        return f"territoires : {self.epci} EPCI, {self.communes} communes, {self.qpv} QPV"


# --- reading ---------------------------------------------------------------------------------


class _Lecteur:
    """Collects the errors of one file."""

    def __init__(self, chemin: Path, erreurs: list[ErreurLigne]) -> None:
        self.chemin = chemin
        self.nom = chemin.name
        self.erreurs = erreurs

    def erreur(self, ligne: int | None, message: str) -> None:
        self.erreurs.append(ErreurLigne(self.nom, ligne, message))

    def lignes_csv(self, colonnes: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, {column: stripped value}) for the rows with as many fields as the header."""
        if not self.chemin.is_file():
            self.erreur(None, f"fichier introuvable ({self.chemin}).")
            return
        try:
            rangees = lire_csv(self.chemin.read_bytes(), separateurs=(",",), bornes=bornes_import()).lignes
            premiere = next(rangees, None)
            en_tete = list(premiere.cellules) if premiere is not None else []
            manquantes = [c for c in colonnes if c not in en_tete]
            if manquantes:
                self.erreur(1, f"colonnes manquantes dans l'en-tête : {', '.join(manquantes)}.")
                return
            largeur = len(en_tete)
            positions = [(c, en_tete.index(c)) for c in colonnes]
            for rangee in rangees:
                row = rangee.cellules
                if not row:
                    continue
                if len(row) != largeur:
                    self.erreur(rangee.numero, "nombre de colonnes différent de l'en-tête.")
                    continue
                yield rangee.numero, {c: row[i].strip() for c, i in positions}
        except ErreurLecture as exc:
            self.erreur(exc.ligne, f"{exc.message}.")

    def entier(self, ligne: int, colonne: str, valeur: str) -> int | None:
        """A non-negative count; the source writes some as ``860.0``; empty means 0."""
        if valeur == "":
            return 0
        try:
            nombre = float(valeur)
        except ValueError:
            nombre = -1.0
        if nombre < 0 or not nombre.is_integer():
            self.erreur(ligne, f"{colonne} « {valeur} » n'est pas un entier positif.")
            return None
        return int(nombre)

    def texte(self, ligne: int, colonne: str, valeur: str, longueur: int) -> str | None:
        if not valeur:
            self.erreur(ligne, f"{colonne} vide.")
            return None
        if len(valeur) > longueur:
            self.erreur(ligne, f"{colonne} trop long ({len(valeur)} caractères, {longueur} au plus).")
            return None
        return valeur

    def code(self, ligne: int, colonne: str, valeur: str, motif: re.Pattern[str]) -> str | None:
        if not motif.match(valeur):
            self.erreur(ligne, f"{colonne} « {valeur} » invalide.")
            return None
        return valeur


def _lire_epci(lecteur: _Lecteur) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """The valid EPCI rows, and every SIREN present in the file (valid row or not), so that a
    commune of an EPCI whose row is wrong is not reported a second time."""
    epcis: dict[str, dict[str, Any]] = {}
    presents: set[str] = set()
    for ligne, row in lecteur.lignes_csv(COLONNES_EPCI):
        siren = lecteur.code(ligne, "epci_siren", row["epci_siren"], RE_SIREN)
        if siren is not None:
            presents.add(siren)
        valeurs = {
            "nom": lecteur.texte(ligne, "epci_nom", row["epci_nom"], 200),
            "nature": lecteur.texte(ligne, "epci_type", row["epci_type"], 10),
            "population": lecteur.entier(ligne, "population_municipale", row["population_municipale"]),
        }
        if siren is None or None in valeurs.values():
            continue
        if siren in epcis:
            lecteur.erreur(ligne, f"EPCI {siren} en double.")
            continue
        epcis[siren] = valeurs
    return epcis, presents


def _lire_communes(
    lecteur: _Lecteur, epcis: dict[str, dict[str, Any]], sirens_presents: set[str]
) -> dict[str, dict[str, Any]]:
    communes: dict[str, dict[str, Any]] = {}
    for ligne, row in lecteur.lignes_csv(COLONNES_COMMUNES):
        code = lecteur.code(ligne, "code_commune", row["code_commune"], RE_CODE_INSEE)
        siren = row["epci_siren"] or None
        if siren is not None and lecteur.code(ligne, "epci_siren", siren, RE_SIREN) and siren not in sirens_presents:
            lecteur.erreur(ligne, f"EPCI {siren} absent de {FICHIER_EPCI}.")
        valeurs = {
            "nom": lecteur.texte(ligne, "nom_commune", row["nom_commune"], 200),
            "departement": lecteur.code(ligne, "departement", row["departement"], RE_DEPARTEMENT),
            "region": lecteur.code(ligne, "region", row["region"], RE_REGION),
            "population": lecteur.entier(ligne, "population", row["population"]),
        }
        if code is None or None in valeurs.values() or (siren is not None and siren not in epcis):
            continue
        if code in communes:
            lecteur.erreur(ligne, f"commune {code} en double.")
            continue
        communes[code] = valeurs | {"epci_id": siren}
    return communes


def _lire_qpv(lecteur: _Lecteur) -> dict[str, dict[str, Any]]:
    """QPVs of a GeoJSON FeatureCollection. Syntax errors carry the line; other errors name the
    feature by its index (``features[12]``) and its code."""
    if not lecteur.chemin.is_file():
        lecteur.erreur(None, f"fichier introuvable ({lecteur.chemin}).")
        return {}
    try:
        with lecteur.chemin.open(encoding="utf-8") as f:
            donnees = json.load(f)
    except json.JSONDecodeError as exc:
        lecteur.erreur(exc.lineno, f"GeoJSON illisible (colonne {exc.colno}) : {exc.msg}.")
        return {}
    elements = donnees.get("features") if isinstance(donnees, dict) else None
    if not isinstance(elements, list):
        lecteur.erreur(None, "pas de liste « features » : ce n'est pas une FeatureCollection GeoJSON.")
        return {}
    qpvs: dict[str, dict[str, Any]] = {}
    for i, element in enumerate(elements):
        proprietes = element.get("properties") if isinstance(element, dict) else None
        if not isinstance(proprietes, dict):
            lecteur.erreur(None, f"features[{i}] : propriétés absentes.")
            continue
        code = str(proprietes.get("code_qp") or "")
        lieu = f"features[{i}] ({code or 'sans code'})"
        if not RE_CODE_QPV.match(code):
            lecteur.erreur(None, f"{lieu} : code_qp « {code} » invalide.")
            continue
        nom = str(proprietes.get("nom_qp") or "").strip()
        commune = str(proprietes.get("code_commune") or "")
        geometrie = element.get("geometry")
        problemes = []
        if not nom or len(nom) > 200:
            problemes.append("nom_qp vide ou trop long")
        if not RE_CODE_INSEE.match(commune):
            problemes.append(f"code_commune « {commune} » invalide")
        if not isinstance(geometrie, dict) or geometrie.get("type") not in {"Polygon", "MultiPolygon"}:
            problemes.append("géométrie absente ou qui n'est pas un polygone")
        else:
            try:
                shape(geometrie)
            except (ValueError, TypeError, AttributeError, IndexError) as exc:
                problemes.append(f"coordonnées illisibles ({exc})")
        if code in qpvs:
            problemes.append("code en double")
        if problemes:
            lecteur.erreur(None, f"{lieu} : {' ; '.join(problemes)}.")
            continue
        qpvs[code] = {
            "nom": nom,
            "commune_id": commune,
            "generation": GENERATIONS_QPV[code[:2]],
            "contour": geometrie,
        }
    return qpvs


# --- selection and writing -------------------------------------------------------------------


def _normaliser_departement(code: str) -> str:
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() else code


def _selection(
    communes: dict[str, dict[str, Any]],
    epcis: dict[str, dict[str, Any]],
    departements: Sequence[str] | None,
    sirens: Sequence[str] | None,
) -> tuple[set[str], set[str]]:
    """Codes of the communes and SIRENs of the EPCIs to load: everything when no filter is given,
    otherwise the communes of any listed département or EPCI."""
    if departements is None and sirens is None:
        return set(communes), set(epcis)
    deps = {_normaliser_departement(d) for d in departements or []}
    voulus = {s.strip() for s in sirens or []}
    erreurs: dict[str, list[str]] = {}
    connus = {c["departement"] for c in communes.values()}
    if inconnus := sorted(deps - connus):
        erreurs["departements"] = [f"Département inconnu du référentiel des communes : {', '.join(inconnus)}."]
    if inconnus := sorted(voulus - set(epcis)):
        erreurs["epcis"] = [f"EPCI inconnu de {FICHIER_EPCI} : {', '.join(inconnus)}."]
    if erreurs:
        raise ValidationError(erreurs)
    codes = {code for code, c in communes.items() if c["departement"] in deps or c["epci_id"] in voulus}
    sirens_retenus = voulus | {communes[code]["epci_id"] for code in codes if communes[code]["epci_id"]}
    return codes, sirens_retenus


def _par_paquets(cles: Sequence[str], taille: int = 900) -> Iterator[Sequence[str]]:
    for debut in range(0, len(cles), taille):
        yield cles[debut : debut + taille]


def _synchroniser(modele: type[models.Model], lignes: dict[str, dict[str, Any]]) -> tuple[int, int]:
    """Create the missing rows and update the rows that differ; unchanged rows are not written.
    Returns (created, updated)."""
    if not lignes:
        return 0, 0
    champs = list(next(iter(lignes.values())))
    cles = sorted(lignes)
    existants: dict[str, models.Model] = {}
    for paquet in _par_paquets(cles):
        existants.update({str(o.pk): o for o in modele._default_manager.filter(pk__in=paquet)})
    a_creer, a_modifier = [], []
    for cle in cles:
        valeurs = lignes[cle]
        objet = existants.get(cle)
        if objet is None:
            a_creer.append(modele(pk=cle, **valeurs))
        elif any(getattr(objet, champ) != valeur for champ, valeur in valeurs.items()):
            for champ, valeur in valeurs.items():
                setattr(objet, champ, valeur)
            a_modifier.append(objet)
    modele._default_manager.bulk_create(a_creer, batch_size=500)
    modele._default_manager.bulk_update(a_modifier, champs, batch_size=500)
    return len(a_creer), len(a_modifier)


REFUS_TERRITOIRES = (
    "Le référentiel des territoires (EPCI, communes, QPV) est chargé par Attrib lui-même (commande, "
    "démonstration) ou par un administrateur de l'installation."
)


@transaction.atomic
def territoires_importer(
    *,
    departements: Sequence[str] | None = None,
    epcis: Sequence[str] | None = None,
    auteur: Acteur,
    dossier: Path | None = None,
    jour: date | None = None,
) -> ResumeImport:
    """Load EPCIs, communes (with their EPCI and zone of the income ceilings on ``jour``, today by
    default) and the QPVs whose commune is loaded.

    Without ``departements`` nor ``epcis`` the whole referential is loaded; otherwise the communes
    of every listed département or EPCI. Raises ``ErreursImport`` (a ``ValidationError`` whose
    messages name file and line) when a file is wrong, ``ValidationError`` for an unknown filter. Reference
    data: loaded by the product itself (command, demo, an import that meets an unknown commune) or a
    superuser.
    """
    auteur.exiger(auteur.voit_tout, REFUS_TERRITOIRES)
    dossier = Path(dossier) if dossier is not None else DOSSIER_REFERENTIELS
    erreurs: list[ErreurLigne] = []
    lignes_epci, sirens_presents = _lire_epci(_Lecteur(dossier / FICHIER_EPCI, erreurs))
    lignes_communes = _lire_communes(_Lecteur(dossier / FICHIER_COMMUNES, erreurs), lignes_epci, sirens_presents)
    lignes_qpv = _lire_qpv(_Lecteur(dossier / FICHIER_QPV, erreurs))
    if erreurs:
        raise ErreursImport(erreurs)

    codes, sirens = _selection(lignes_communes, lignes_epci, departements, epcis)
    zones = AffectationZones(jour or timezone.localdate())
    communes = {
        code: lignes_communes[code]
        | {"zone_plafond": zones.zone(code_insee=code, region=lignes_communes[code]["region"])}
        for code in codes
    }
    qpvs = {code: q for code, q in lignes_qpv.items() if q["commune_id"] in codes}

    crees = modifies = 0
    for modele, lignes in ((EPCI, {s: lignes_epci[s] for s in sirens}), (Commune, communes), (QPV, qpvs)):
        c, m = _synchroniser(modele, lignes)
        crees, modifies = crees + c, modifies + m
    return ResumeImport(epci=len(sirens), communes=len(communes), qpv=len(qpvs), crees=crees, modifies=modifies)
