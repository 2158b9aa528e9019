"""Occupancy indicators of the residences (share of first-quartile households, of households in
employment, turnover, vacancy), imported from the CSV format of ``docs/formats/indicateurs_occupation.md``.

Reading checks every line and returns one French error per faulty line (``ligne N : …``, the header
being line 1); the import writes only what is new or different (idempotent) and never deletes an
indicator absent from the file. With ``tout_ou_rien``, one faulty line means nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from attrib.common.imports import bornes_import
from attrib.engine.formats.lecture import ErreurLecture, decoder, lire_csv
from attrib.organisations.acteurs import Acteur
from attrib.patrimoine.models import ANNEE_INDICATEURS_MIN, POURCENT_MAX, IndicateursOccupation, Residence
from attrib.patrimoine.rpls import ErreurLigne, ErreursImport

#: Indicator columns of the file, in the order of the documentation, and their label on screen.
INDICATEURS: dict[str, str] = {
    "part_menages_q1": "Ménages du premier quartile",
    "part_menages_emploi": "Ménages en emploi",
    "taux_rotation": "Taux de rotation",
    "taux_vacance": "Taux de vacance",
}
COLONNES_OBLIGATOIRES = ("identifiant", "annee", "source")
LONGUEUR_SOURCE = 200
CENTIEME = Decimal("0.01")
PAQUET = 500
_RE_POURCENT = re.compile(r"^-?\d+(?:[.,]\d+)?$")


class ErreursImportIndicateurs(ErreursImport):
    """The indicators file cannot be imported (or, all or nothing, one of its lines is wrong); nothing was
    written."""


@dataclass(frozen=True)
class LigneIndicateurs:
    """One valid line: the indicators of one residence for one year (``None``: not given)."""

    ligne: int
    identifiant: str
    annee: int
    source: str
    valeurs: dict[str, Decimal | None]


@dataclass
class LectureIndicateurs:
    lignes: list[LigneIndicateurs] = field(default_factory=list)
    erreurs: list[ErreurLigne] = field(default_factory=list)
    lignes_lues: int = 0


@dataclass(frozen=True)
class ResumeImportIndicateurs:
    lignes_lues: int
    lignes_valides: int
    crees: int
    modifies: int
    inchanges: int
    erreurs: list[ErreurLigne]

    def __str__(self) -> str:
        return (
            f"importé: {self.lignes_valides} lignes valides sur {self.lignes_lues} "
            f"({self.crees} créées, {self.modifies} modifiées, {self.inchanges} inchangées), "
            f"{len(self.erreurs)} erreurs"
        )


# --- reading ------------------------------------------------------------------------------------


def pourcentage(brut: str) -> Decimal | None:
    """A percentage written ``23,5``, ``23.5`` or ``23,5 %``, rounded to the hundredth; ``None`` when
    empty. Raises ``ValueError`` when it is not a number from 0 to 100."""
    valeur = brut.strip().removesuffix("%").strip().replace("\u00a0", "").replace(" ", "")
    if not valeur:
        return None
    if not _RE_POURCENT.match(valeur):
        raise ValueError("invalide (pourcentage de 0 à 100, par exemple 23,5)")
    try:
        nombre = Decimal(valeur.replace(",", "."))
    except InvalidOperation:
        raise ValueError("invalide (pourcentage de 0 à 100, par exemple 23,5)") from None
    if not 0 <= nombre <= POURCENT_MAX:
        raise ValueError(f"hors de 0 à {POURCENT_MAX} (un pourcentage est attendu)")
    return nombre.quantize(CENTIEME, rounding=ROUND_HALF_UP)


def lire_indicateurs(contenu: bytes, *, annee_max: int | None = None) -> LectureIndicateurs:
    """Check every line of an indicators file (``;``-separated, UTF-8 or Windows-1252)."""
    lecture = LectureIndicateurs()
    try:
        texte, _ = decoder(contenu)
    except ErreurLecture as exc:
        lecture.erreurs.append(ErreurLigne(exc.ligne, f"{exc.message}."))
        return lecture
    if not texte.strip():
        lecture.erreurs.append(ErreurLigne(None, "fichier vide."))
        return lecture
    # The format's contract is the semicolon (docs/formats/indicateurs_occupation.md).
    lecteur = lire_csv(texte, separateurs=(";",), bornes=bornes_import()).lignes
    entete = [c.strip().lower() for c in next(lecteur).cellules]
    if len(entete) == 1 and ("," in entete[0] or "\t" in entete[0]):
        lecture.erreurs.append(ErreurLigne(1, "séparateur de colonnes non reconnu : le point-virgule (;) est attendu."))
        return lecture
    manquantes = [c for c in COLONNES_OBLIGATOIRES if c not in entete]
    if manquantes:
        lecture.erreurs.append(ErreurLigne(1, f"colonnes obligatoires absentes : {', '.join(manquantes)}."))
    presents = [c for c in INDICATEURS if c in entete]
    if not presents:
        lecture.erreurs.append(
            ErreurLigne(1, f"aucune colonne d'indicateur : au moins une parmi {', '.join(INDICATEURS)} est attendue.")
        )
    if doublons := sorted({c for c in entete if c and entete.count(c) > 1}):
        lecture.erreurs.append(ErreurLigne(1, f"colonnes en double : {', '.join(doublons)}."))
    if lecture.erreurs:
        return lecture

    maximum = annee_max if annee_max is not None else timezone.localdate().year
    vues: dict[tuple[str, int], int] = {}
    try:
        rangees = list(lecteur)
    except ErreurLecture as exc:
        lecture.erreurs.append(ErreurLigne(exc.ligne, f"{exc.message}."))
        return lecture
    for rangee in rangees:
        numero, cellules = rangee.numero, list(rangee.cellules)
        if rangee.vide():
            continue
        lecture.lignes_lues += 1
        if len(cellules) > len(entete):
            lecture.erreurs.append(
                ErreurLigne(numero, f"{len(cellules)} colonnes au lieu de {len(entete)} (point-virgule en trop ?).")
            )
            continue
        valeurs = dict(zip(entete, [c.strip() for c in cellules], strict=False))
        ligne = _lire_ligne(numero, valeurs, presents, maximum)
        if isinstance(ligne, str):
            lecture.erreurs.append(ErreurLigne(numero, ligne))
            continue
        cle = (ligne.identifiant, ligne.annee)
        if cle in vues:
            lecture.erreurs.append(
                ErreurLigne(
                    numero, f"résidence {ligne.identifiant}, année {ligne.annee} déjà présente ligne {vues[cle]}."
                )
            )
            continue
        vues[cle] = numero
        lecture.lignes.append(ligne)
    return lecture


def _lire_ligne(
    numero: int, valeurs: Mapping[str, str], indicateurs: Sequence[str], annee_max: int
) -> LigneIndicateurs | str:
    """The valid line, or the French description of all its problems."""
    problemes: list[str] = []
    identifiant = valeurs.get("identifiant", "")
    if not identifiant:
        problemes.append("identifiant vide (identifiant de la résidence dans Attrib)")
    brut_annee = valeurs.get("annee", "")
    annee = int(brut_annee) if brut_annee.isdigit() else None
    if annee is None or not ANNEE_INDICATEURS_MIN <= annee <= annee_max:
        attendu = f"année de {ANNEE_INDICATEURS_MIN} à {annee_max}"
        problemes.append(f"annee « {brut_annee} » invalide ({attendu})" if brut_annee else f"annee vide ({attendu})")
    source = " ".join(valeurs.get("source", "").split())
    if not source:
        problemes.append("source vide (par exemple « OPS 2024, bailleur »)")
    elif len(source) > LONGUEUR_SOURCE:
        problemes.append(f"source trop longue ({len(source)} caractères, {LONGUEUR_SOURCE} au plus)")
    lus: dict[str, Decimal | None] = {}
    for colonne in indicateurs:
        brut = valeurs.get(colonne, "")
        try:
            lus[colonne] = pourcentage(brut)
        except ValueError as exc:
            problemes.append(f"{colonne} « {brut} » {exc}")
    if not problemes and all(v is None for v in lus.values()):
        problemes.append("aucun indicateur renseigné (au moins une valeur est attendue)")
    if problemes:
        return " ; ".join(problemes) + "."
    assert annee is not None
    return LigneIndicateurs(
        ligne=numero,
        identifiant=identifiant,
        annee=annee,
        source=source,
        valeurs={c: lus.get(c) for c in INDICATEURS},
    )


# --- import -------------------------------------------------------------------------------------


def _residences(identifiants: Sequence[str]) -> dict[str, int]:
    trouves: dict[str, int] = {}
    tries = sorted(set(identifiants))
    for debut in range(0, len(tries), PAQUET):
        paquet = tries[debut : debut + PAQUET]
        trouves.update(Residence.objects.filter(identifiant__in=paquet).values_list("identifiant", "pk"))
    return trouves


REFUS_IMPORT = (
    "Seuls Attrib (commande importer_indicateurs) et un superutilisateur importent les indicateurs d'occupation "
    "du parc."
)


@transaction.atomic
def indicateurs_importer(
    *,
    contenu: bytes,
    auteur: Acteur,
    fichier: str = "",
    tout_ou_rien: bool = False,
    annee_max: int | None = None,
) -> ResumeImportIndicateurs:
    """Import an occupancy indicators file. Faulty lines are reported (``erreurs``) and skipped, unless
    ``tout_ou_rien``: then any faulty line raises ``ErreursImportIndicateurs`` and nothing is written. A
    file that cannot be read at all (separator, missing columns) always raises. Importing the same file
    twice changes nothing the second time. The file covers every bailleur's residences: the system (the
    command) or a superuser imports it."""
    auteur.exiger(auteur.voit_tout, REFUS_IMPORT)
    lecture = lire_indicateurs(contenu, annee_max=annee_max)
    if lecture.erreurs and not lecture.lignes and lecture.lignes_lues == 0:
        raise ErreursImportIndicateurs(lecture.erreurs, fichier=fichier)
    pks = _residences([li.identifiant for li in lecture.lignes])
    erreurs = list(lecture.erreurs)
    valides: list[LigneIndicateurs] = []
    for li in lecture.lignes:
        if li.identifiant not in pks:
            erreurs.append(
                ErreurLigne(
                    li.ligne,
                    f"résidence « {li.identifiant} » inconnue (identifiant de la résidence dans Attrib, "
                    "par exemple RPLS-11262-16-RUE-VOLTAIRE).",
                )
            )
        else:
            valides.append(li)
    erreurs.sort(key=lambda e: e.ligne or 0)
    if erreurs and tout_ou_rien:
        raise ErreursImportIndicateurs(erreurs, fichier=fichier)

    existants = {
        (i.residence_id, i.annee): i
        for i in IndicateursOccupation.objects.filter(residence_id__in=sorted({pks[li.identifiant] for li in valides}))
    }
    a_creer: list[IndicateursOccupation] = []
    a_modifier: list[IndicateursOccupation] = []
    for li in valides:
        voulu: dict[str, Any] = {"source": li.source, **li.valeurs}
        objet = existants.get((pks[li.identifiant], li.annee))
        if objet is None:
            a_creer.append(IndicateursOccupation(residence_id=pks[li.identifiant], annee=li.annee, **voulu))
            continue
        differents = {c: v for c, v in voulu.items() if getattr(objet, c) != v}
        if differents:
            for champ, valeur in differents.items():
                setattr(objet, champ, valeur)
            objet.importe_le = timezone.now()
            a_modifier.append(objet)
    IndicateursOccupation.objects.bulk_create(a_creer, batch_size=PAQUET)
    if a_modifier:
        IndicateursOccupation.objects.bulk_update(a_modifier, ["source", *INDICATEURS, "importe_le"], batch_size=PAQUET)
    return ResumeImportIndicateurs(
        lignes_lues=lecture.lignes_lues,
        lignes_valides=len(valides),
        crees=len(a_creer),
        modifies=len(a_modifier),
        inchanges=len(valides) - len(a_creer) - len(a_modifier),
        erreurs=erreurs,
    )


def indicateurs_importer_fichier(
    *, chemin: Path, auteur: Acteur, tout_ou_rien: bool = False
) -> ResumeImportIndicateurs:
    """``indicateurs_importer`` on a file of the disk; a missing file raises ``ErreursImportIndicateurs``."""
    auteur.exiger(auteur.voit_tout, REFUS_IMPORT)
    try:
        contenu = chemin.read_bytes()
    except OSError:
        raise ErreursImportIndicateurs([ErreurLigne(None, f"fichier introuvable ou illisible ({chemin}).")]) from None
    return indicateurs_importer(contenu=contenu, auteur=auteur, fichier=chemin.name, tout_ou_rien=tout_ou_rien)


# --- reads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValeurIndicateur:
    cle: str
    libelle: str
    valeur: Decimal | None

    @property
    def texte(self) -> str:
        """The value in French without useless zeros (``23,5 %``), « non renseigné » when unknown."""
        return pourcentage_texte(self.valeur)


def pourcentage_texte(valeur: Decimal | None) -> str:
    if valeur is None:
        return "non renseigné"
    return format(valeur.normalize(), "f").replace(".", ",") + "\u00a0%"


def indicateurs_de(residence: Residence) -> list[IndicateursOccupation]:
    """The occupancy indicators of a residence, most recent year first."""
    return list(IndicateursOccupation.objects.filter(residence=residence).order_by("-annee"))


def valeurs(indicateurs: IndicateursOccupation) -> list[ValeurIndicateur]:
    """The four indicators of one year with their labels, in the order of the documentation."""
    return [ValeurIndicateur(cle, libelle, getattr(indicateurs, cle)) for cle, libelle in INDICATEURS.items()]
