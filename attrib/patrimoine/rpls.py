"""Reading an RPLS open-data file (column names of the SDES detailed file, arrêté du 5 janvier 2010).

The file is ``;``-separated with a header row. Each row describes ``nb`` dwellings at one address
(``nb`` absent: one dwelling per row, as in the SDES file; the Narbonne extract groups dwellings by
address and sums ``SURFHAB`` over the group). This module only reads and checks: it returns the
valid rows and one French error per invalid line; nothing touches the database.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError

from attrib.common.imports import bornes_import
from attrib.engine.formats.lecture import ErreurLecture, lire_csv
from attrib.patrimoine.enums import TypeConstruction
from attrib.patrimoine.models import ANNEE_MIN, NB_PIECES_MAX
from attrib.patrimoine.parametres import CENTIME, CodeFinancement

COLONNES_OBLIGATOIRES = ("DEPCOM", "NOMVOIE", "QPV", "TYPECONST", "NBPIECE", "SURFHAB", "CONSTRUCT", "FINAN")
COLONNES_FACULTATIVES = (
    "CODEPOSTAL",
    "NUMVOIE",
    "INDREP",
    "TYPVOIE",
    "BAT",
    "IMMEU",
    "COMPLGEO",
    "LIEUDIT",
    "ETAGE",
    "LOCAT",
    "DATCONV",
    "DPEENERGIE",
    "DPESERRE",
    "nb",
)
#: Abbreviations of street types found in RPLS files, and their full form (the key of a residence uses it).
TYPES_VOIE = {
    "AV": "AVENUE",
    "AVE": "AVENUE",
    "BD": "BOULEVARD",
    "BLD": "BOULEVARD",
    "CHE": "CHEMIN",
    "CH": "CHEMIN",
    "IMP": "IMPASSE",
    "PL": "PLACE",
    "QU": "QUAI",
    "R": "RUE",
    "RTE": "ROUTE",
    "ALL": "ALLEE",
    "PAS": "PASSAGE",
    "LOT": "LOTISSEMENT",
    "RES": "RESIDENCE",
    "SQ": "SQUARE",
    "CRS": "COURS",
}
TYPES_VOIE_COMPLETS = frozenset(TYPES_VOIE.values()) | {"CITE", "CLOS", "VOIE", "HAMEAU", "MONTEE", "PROMENADE"}
RE_DEPCOM = re.compile(r"^(\d{5}|2[AB]\d{3})$")
RE_CODE_POSTAL = re.compile(r"^\d{5}$")
#: A code written as an integer, possibly with a zero decimal part (``13`` or ``13.0``).
RE_CODE_ENTIER = re.compile(r"^(\d{1,2})(?:\.0+)?$")
CLASSES_DPE = frozenset("ABCDEFG")
LONGUEUR_IDENTIFIANT = 150
#: How many faulty lines an import's message lists at the most.
ERREURS_AFFICHEES = 100


@dataclass(frozen=True)
class ErreurLigne:
    ligne: int | None
    message: str

    def __str__(self) -> str:
        return f"ligne {self.ligne} : {self.message}" if self.ligne is not None else self.message


class ErreursImport(ValidationError):
    """A housing-stock file cannot be imported (or, all or nothing, one of its lines is wrong); nothing was
    written. The message lists the first ``ERREURS_AFFICHEES`` faulty lines, prefixed by the file's name."""

    def __init__(self, erreurs: Sequence[ErreurLigne], *, fichier: str = "") -> None:
        self.erreurs = list(erreurs)
        prefixe = f"{fichier}, " if fichier else ""
        messages = [prefixe + str(e) for e in self.erreurs[:ERREURS_AFFICHEES]]
        if len(self.erreurs) > ERREURS_AFFICHEES:
            messages.append(f"… et {len(self.erreurs) - ERREURS_AFFICHEES} autres erreurs.")
        super().__init__(messages)


@dataclass(frozen=True)
class LigneRpls:
    """One valid row of the file: ``nb`` dwellings sharing these characteristics."""

    ligne: int
    depcom: str
    code_postal: str
    numero_voie: str
    indice_repetition: str
    type_voie: str
    nom_voie: str
    batiment: str
    programme: str
    en_qpv: bool
    type_construction: str
    nb_pieces: int
    surface_totale: Decimal
    annee_construction: int
    annee_premiere_location: int | None
    code_finan: str
    financement: str
    date_conventionnement: date | None
    dpe_energie: str
    dpe_ges: str
    etage: int | None
    nb: int

    @property
    def cle_adresse(self) -> tuple[str, str, str, str, str]:
        """Commune, number (with its repetition index), street type, street name and building, normalised:
        the rows sharing it are one residence."""
        numero = _normaliser(f"{self.numero_voie} {self.indice_repetition}")
        return self.depcom, numero, _normaliser(self.type_voie), _normaliser(self.nom_voie), _normaliser(self.batiment)

    def surfaces(self) -> list[Decimal]:
        """Surface of each of the ``nb`` dwellings: ``SURFHAB`` / ``nb`` to the cent (rounded down), the
        missing cents going one by one to the first dwellings, so that the sum is ``SURFHAB`` exactly."""
        base = (self.surface_totale / self.nb).quantize(CENTIME, rounding=ROUND_DOWN)
        reste = int((self.surface_totale - base * self.nb) / CENTIME)
        return [base + CENTIME if i < reste else base for i in range(self.nb)]


@dataclass
class Lecture:
    lignes: list[LigneRpls] = field(default_factory=list)
    erreurs: list[ErreurLigne] = field(default_factory=list)
    lignes_lues: int = 0


def _normaliser(texte: str) -> str:
    """Upper-case ASCII words separated by single spaces."""
    ascii_ = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", " ", ascii_.upper()).strip()


def identifiant_residence(cle: tuple[str, str, str, str, str]) -> str:
    """``RPLS-<commune>-<numéro>-<type de voie>-<nom de voie>[-<bâtiment>]`` (``SN`` without number),
    hyphenated; shortened with a hash suffix beyond 150 characters."""
    depcom, numero, type_voie, nom_voie, batiment = cle
    morceaux = [p for p in (numero or "SN", type_voie, nom_voie, batiment) if p]
    texte = "RPLS-" + depcom + "-" + "-".join(p.replace(" ", "-") for p in morceaux)
    if len(texte) > LONGUEUR_IDENTIFIANT:
        empreinte = hashlib.sha1(texte.encode()).hexdigest()[:10]
        texte = texte[: LONGUEUR_IDENTIFIANT - 11] + "-" + empreinte
    return texte


def separer_type_voie(type_voie: str, nom_voie: str) -> tuple[str, str]:
    """Full street type and street name; when the type is missing and the name starts with a street type
    (``RUE DU PROFESSEUR FLEMING``), the type is taken from the name."""
    brut = _normaliser(type_voie)
    complet = TYPES_VOIE.get(brut, brut)
    nom = " ".join(nom_voie.split())
    if not complet:
        premier, _, reste = nom.partition(" ")
        candidat = _normaliser(premier)
        if reste and (candidat in TYPES_VOIE_COMPLETS):
            return candidat, reste
    return complet, nom


class _Ligne:
    """Checks of one row; every problem is collected, the row is valid when none is."""

    def __init__(self, numero: int, valeurs: Mapping[str, str]) -> None:
        self.numero = numero
        self.valeurs = valeurs
        self.problemes: list[str] = []

    def brut(self, colonne: str) -> str:
        return (self.valeurs.get(colonne) or "").strip()

    def probleme(self, colonne: str, valeur: str, attendu: str) -> None:
        self.problemes.append(
            f"{colonne} « {valeur} » invalide ({attendu})" if valeur else f"{colonne} vide ({attendu})"
        )

    def entier(self, colonne: str, *, minimum: int, maximum: int, attendu: str, vide: int | None = None) -> int | None:
        valeur = self.brut(colonne)
        if not valeur and vide is not None:
            return vide
        try:
            nombre = float(valeur.replace(",", "."))
        except ValueError:
            nombre = float("nan")
        if not (nombre == nombre and nombre.is_integer() and minimum <= nombre <= maximum):
            self.probleme(colonne, valeur, attendu)
            return None
        return int(nombre)

    def texte(self, colonne: str, longueur: int) -> str:
        valeur = " ".join(self.brut(colonne).split())
        if len(valeur) > longueur:
            self.problemes.append(f"{colonne} trop long ({len(valeur)} caractères, {longueur} au plus)")
            return valeur[:longueur]
        return valeur


def _lire_ligne(ligne: _Ligne, codes: Mapping[str, CodeFinancement], annee_max: int) -> LigneRpls | None:
    depcom = ligne.brut("DEPCOM").upper()
    if not RE_DEPCOM.match(depcom):
        ligne.probleme("DEPCOM", depcom, "code INSEE de commune à 5 caractères")
    code_postal = ligne.brut("CODEPOSTAL")
    if code_postal and not RE_CODE_POSTAL.match(code_postal):
        ligne.probleme("CODEPOSTAL", code_postal, "5 chiffres")
    type_voie, nom_voie = separer_type_voie(ligne.texte("TYPVOIE", 30), ligne.texte("NOMVOIE", 200))
    if not nom_voie:
        nom_voie = ligne.texte("LIEUDIT", 200)
    if not nom_voie:
        ligne.problemes.append("adresse absente (NOMVOIE et LIEUDIT vides)")
    qpv = ligne.brut("QPV")
    if qpv not in {"1", "2"}:
        ligne.probleme("QPV", qpv, "1 : en QPV, 2 : hors QPV")
    typeconst = ligne.brut("TYPECONST").upper()
    if typeconst not in {"C", "I"}:
        ligne.probleme("TYPECONST", typeconst, "C : collectif, I : individuel")
    nb = ligne.entier("nb", minimum=1, maximum=100_000, attendu="nombre de logements, entier positif", vide=1)
    nb_pieces = ligne.entier("NBPIECE", minimum=1, maximum=NB_PIECES_MAX, attendu=f"entier de 1 à {NB_PIECES_MAX}")
    surfhab = ligne.brut("SURFHAB")
    try:
        surface = Decimal(surfhab.replace(",", "."))
    except InvalidOperation:
        surface = Decimal(0)
    if not surface.is_finite() or surface <= 0:
        ligne.probleme("SURFHAB", surfhab, "surface habitable positive en m²")
    elif nb is not None and not (Decimal(1) <= surface / nb < Decimal(10_000)):
        ligne.problemes.append(
            f"SURFHAB « {surfhab} » pour {nb} logement(s) : surface par logement hors de 1 à 9 999 m²"
        )
    construct = ligne.entier(
        "CONSTRUCT", minimum=ANNEE_MIN, maximum=annee_max, attendu=f"année de {ANNEE_MIN} à {annee_max}"
    )
    locat = ligne.entier("LOCAT", minimum=ANNEE_MIN, maximum=annee_max, attendu="année", vide=0)
    finan_brut = ligne.brut("FINAN")
    entier_finan = RE_CODE_ENTIER.match(finan_brut)
    finan = entier_finan.group(1).zfill(2) if entier_finan else finan_brut
    if finan not in codes:
        ligne.probleme(
            "FINAN", finan_brut, "code de financement de l'arrêté du 5 janvier 2010 : " + ", ".join(sorted(codes))
        )
    datconv = ligne.brut("DATCONV")
    date_conv = None
    if datconv:
        try:
            date_conv = datetime.strptime(datconv, "%d/%m/%Y").date()
        except ValueError:
            ligne.probleme("DATCONV", datconv, "date jj/mm/aaaa")
    dpe = {}
    for colonne in ("DPEENERGIE", "DPESERRE"):
        classe = ligne.brut(colonne).upper()
        if classe and classe not in CLASSES_DPE:
            ligne.probleme(colonne, classe, "classe de A à G")
        dpe[colonne] = classe
    # The floor is kept for a row of one dwelling only (for a group, it is the floor of one of them).
    etage = None
    brut_etage = ligne.brut("ETAGE").upper()
    if nb == 1 and brut_etage in {"RC", "RDC"}:
        etage = 0
    elif nb == 1 and brut_etage:
        etage = ligne.entier("ETAGE", minimum=-9, maximum=99, attendu="numéro d'étage ou RC")
    numero = ligne.texte("NUMVOIE", 20)
    indice = ligne.texte("INDREP", 10)
    batiment = ligne.texte("BAT", 100)
    programme = ligne.texte("COMPLGEO", 200) or ligne.texte("IMMEU", 200)
    if ligne.problemes or nb is None or nb_pieces is None or construct is None:
        return None
    return LigneRpls(
        ligne=ligne.numero,
        depcom=depcom,
        code_postal=code_postal,
        numero_voie=numero,
        indice_repetition=indice,
        type_voie=type_voie,
        nom_voie=nom_voie,
        batiment="" if batiment == "0" else batiment,
        programme=programme,
        en_qpv=qpv == "1",
        type_construction=TypeConstruction.COLLECTIF if typeconst == "C" else TypeConstruction.INDIVIDUEL,
        nb_pieces=nb_pieces,
        surface_totale=surface,
        annee_construction=construct,
        annee_premiere_location=locat or None,
        code_finan=finan,
        financement=codes[finan].financement,
        date_conventionnement=date_conv,
        dpe_energie=dpe["DPEENERGIE"],
        dpe_ges=dpe["DPESERRE"],
        etage=etage,
        nb=nb,
    )


def _rangees(chemin: Path) -> list[tuple[int, list[str]]]:
    """(line number, fields) of a ``;`` file in UTF-8 (with or without BOM) or, failing that, Windows-1252
    (the product's reader, :mod:`attrib.engine.formats.lecture`)."""
    return [
        (r.numero, list(r.cellules))
        for r in lire_csv(chemin.read_bytes(), separateurs=(";",), bornes=bornes_import()).lignes
    ]


def lire_fichier(chemin: Path, *, codes: Mapping[str, CodeFinancement], annee_max: int) -> Lecture:
    """Read and check every row. A file-level problem (missing file, wrong separator, missing
    columns) gives one error without line and no row."""
    lecture = Lecture()
    if not chemin.is_file():
        lecture.erreurs.append(ErreurLigne(None, f"fichier introuvable : {chemin}."))
        return lecture
    try:
        rangees = iter(_rangees(chemin))
    except ErreurLecture as exc:
        lecture.erreurs.append(ErreurLigne(exc.ligne, f"{exc.message}."))
        return lecture
    premiere = next(rangees, None)
    if premiere is None:
        lecture.erreurs.append(ErreurLigne(None, "fichier vide."))
        return lecture
    en_tete = [c.strip() for c in premiere[1]]
    if len(en_tete) == 1 and "," in en_tete[0]:
        lecture.erreurs.append(ErreurLigne(1, "séparateur attendu : point-virgule (format RPLS)."))
        return lecture
    manquantes = [c for c in COLONNES_OBLIGATOIRES if c not in en_tete]
    if manquantes:
        lecture.erreurs.append(ErreurLigne(1, f"colonnes RPLS manquantes dans l'en-tête : {', '.join(manquantes)}."))
        return lecture
    positions = {c: en_tete.index(c) for c in (*COLONNES_OBLIGATOIRES, *COLONNES_FACULTATIVES) if c in en_tete}
    for numero, rangee in rangees:
        if not any(v.strip() for v in rangee):
            continue
        lecture.lignes_lues += 1
        if len(rangee) != len(en_tete):
            lecture.erreurs.append(
                ErreurLigne(numero, f"{len(rangee)} champs au lieu de {len(en_tete)} (ceux de l'en-tête).")
            )
            continue
        ligne = _Ligne(numero, {c: rangee[i] for c, i in positions.items()})
        valide = _lire_ligne(ligne, codes, annee_max)
        if valide is None:
            lecture.erreurs.append(ErreurLigne(numero, " ; ".join(ligne.problemes) + "."))
        else:
            lecture.lignes.append(valide)
    return lecture
