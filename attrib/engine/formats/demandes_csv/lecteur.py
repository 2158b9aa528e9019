"""The reader of the format: :func:`lire_demandes` opens a file (path, bytes or file object; UTF-8 only)
and reads it lazily, line by line, every error located by line and column (:class:`ErreurImport`),
optionally with the rule set of the demand file (:mod:`attrib.engine.validation`)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from attrib.engine import validation
from attrib.engine.formats import lecture
from attrib.engine.formats.demandes_csv.colonnes import (
    COLONNES,
    COLONNES_OBLIGATOIRES,
    COLONNES_PAR_NOM,
    IDENTITE,
    SEPARATEUR,
    Cible,
)
from attrib.engine.formats.demandes_csv.conversions import ValeurInvalide, convertir


@dataclass(frozen=True)
class ErreurImport:
    """A located error: ``ligne`` is the line of the file (1 = header), ``colonne`` a column name."""

    ligne: int | None
    colonne: str | None
    message: str

    def __str__(self) -> str:
        lieu = ", ".join(
            x
            for x in (f"ligne {self.ligne}" if self.ligne else "", f"colonne {self.colonne}" if self.colonne else "")
            if x
        )
        return f"{lieu} : {self.message}" if lieu else self.message


class FichierInvalide(ValueError):
    """Raised by :func:`lire_demandes_polars` when the file has errors; ``erreurs`` lists them all."""

    def __init__(self, erreurs: list[ErreurImport]) -> None:
        self.erreurs = erreurs
        premiere = f" ; première : {erreurs[0]}" if erreurs else ""
        super().__init__(f"Fichier de demandes invalide : {len(erreurs)} erreur(s){premiere}")


@dataclass
class LigneLue:
    """One data line: ``valeurs`` holds every column of the format (default for absent ones)."""

    numero: int
    valeurs: dict[str, Any]
    erreurs: list[ErreurImport]
    codemandeur: bool


@dataclass
class Lecture:
    """An opened file. When ``erreurs`` is not empty the file cannot be read at all (encoding, header)."""

    colonnes: tuple[str, ...]
    erreurs: list[ErreurImport]
    lignes: Iterator[LigneLue]


Source = str | os.PathLike[str] | bytes | IO[bytes] | IO[str]


class _Illisible(Exception):
    def __init__(self, erreur: ErreurImport) -> None:
        self.erreur = erreur


def _texte(source: Source) -> str:
    donnees: bytes | str
    if isinstance(source, (str, os.PathLike)):
        try:
            donnees = Path(source).read_bytes()
        except OSError as exc:
            raise _Illisible(ErreurImport(None, None, f"fichier illisible « {source} » : {exc.strerror}")) from None
    elif isinstance(source, bytes):
        donnees = source
    else:
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        donnees = source.read()
    if isinstance(donnees, str):
        return donnees.removeprefix("\ufeff")
    try:
        # The format's contract is UTF-8 (with or without BOM) only: no Windows-1252 fallback.
        return lecture.decoder(donnees, encodages=("utf-8",))[0]
    except lecture.ErreurLecture as exc:
        raise _Illisible(
            ErreurImport(
                exc.ligne,
                None,
                "le fichier n'est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 (délimité par des points-virgules) »",
            )
        ) from None


def _verifier_entete(entete: list[str]) -> list[ErreurImport]:
    erreurs = []
    if len(entete) == 1 and ("," in entete[0] or "\t" in entete[0]):
        return [
            ErreurImport(
                1, None, "le séparateur de colonnes doit être le point-virgule « ; » (aucun trouvé dans l'en-tête)"
            )
        ]
    vus: set[str] = set()
    for nom in entete:
        if not nom:
            erreurs.append(ErreurImport(1, None, "une colonne de l'en-tête n'a pas de nom"))
        elif nom not in COLONNES_PAR_NOM:
            proches = difflib.get_close_matches(nom, COLONNES_PAR_NOM, n=1)
            suggestion = f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
            erreurs.append(ErreurImport(1, nom, f"colonne inconnue{suggestion}"))
        elif nom in vus:
            erreurs.append(ErreurImport(1, nom, "colonne présente deux fois dans l'en-tête"))
        vus.add(nom)
    erreurs += [
        ErreurImport(1, nom, "colonne obligatoire absente de l'en-tête")
        for nom in COLONNES_OBLIGATOIRES
        if nom not in vus
    ]
    return erreurs


_OBLIGATOIRE = "valeur obligatoire manquante"
MESSAGE_LIGNE_MASQUEE = (
    "cette ligne vient d'un export où les situations sensibles étaient masquées : elle effacerait ce que son "
    "auteur ne voyait pas. Mettez à jour à partir d'un export complet."
)


def _lire_ligne(
    numero: int, entete: tuple[str, ...], cellules: list[str], *, masquees_admises: bool = False, regles: bool = False
) -> LigneLue:
    valeurs = {c.nom: c.vide() for c in COLONNES}
    erreurs: list[ErreurImport] = []
    if len(cellules) != len(entete):
        erreurs.append(
            ErreurImport(
                numero,
                None,
                f"{len(cellules)} valeurs pour {len(entete)} colonnes (vérifiez les « ; » et les guillemets)",
            )
        )
        return LigneLue(numero, valeurs, erreurs, codemandeur=False)
    bruts = dict(zip(entete, cellules, strict=True))
    for nom, brut in bruts.items():
        colonne = COLONNES_PAR_NOM[nom]
        try:
            valeurs[nom] = convertir(colonne, brut)
        except ValeurInvalide as exc:
            erreurs.append(ErreurImport(numero, nom, str(exc)))
            continue
        if colonne.obligatoire and not brut.strip():
            erreurs.append(ErreurImport(numero, nom, _OBLIGATOIRE))
    if valeurs["sensibles_masques"] and masquees_admises:
        # The main motive of a masked line may have been emptied by the masking: not an error when reading.
        erreurs = [e for e in erreurs if not (e.colonne == "motif_principal" and e.message == _OBLIGATOIRE)]
    if valeurs["sensibles_masques"] and valeurs["numero_unique"] and not masquees_admises:
        # The masked cells are empty because of masking: that is the only thing to say about this line.
        return LigneLue(
            numero, valeurs, [ErreurImport(numero, "sensibles_masques", MESSAGE_LIGNE_MASQUEE)], codemandeur=False
        )
    codemandeur = any(brut.strip() for nom, brut in bruts.items() if COLONNES_PAR_NOM[nom].cible == Cible.CODEMANDEUR)
    if codemandeur:
        for champ in IDENTITE:
            nom = f"{champ}_codemandeur"
            if nom in bruts and not bruts[nom].strip():
                erreurs.append(ErreurImport(numero, nom, "valeur obligatoire quand un co-demandeur est décrit"))
    if regles:
        en_erreur = {e.colonne for e in erreurs}
        erreurs += [e for e in _regles(numero, valeurs, frozenset(bruts), codemandeur) if e.colonne not in en_erreur]
    return LigneLue(numero, valeurs, erreurs, codemandeur)


def _regles(numero: int, valeurs: dict[str, Any], presentes: frozenset[str], codemandeur: bool) -> list[ErreurImport]:
    """The rule set of the demand file (:mod:`attrib.engine.validation`) on one line, located by column,
    with the very messages the screens and the API give. The filing date of an update is not checked
    (it cannot change)."""
    jour = date.today()
    erreurs: list[ErreurImport] = []
    demande = {c.champ: valeurs[c.nom] for c in COLONNES if c.cible == Cible.DEMANDE and c.nom in presentes}
    if "date_depot_initiale" in presentes and not valeurs["numero_unique"]:
        demande["date_depot_initiale"] = valeurs["date_depot_initiale"]
    colonne_de = {c.champ: c.nom for c in COLONNES if c.cible in (Cible.DEMANDE, Cible.IDENTIFICATION)}
    for champ, messages in validation.erreurs_demande(demande, jour=jour).items():
        erreurs += [ErreurImport(numero, colonne_de.get(champ, champ), m) for m in messages]
    for cible in (Cible.DEMANDEUR, Cible.CODEMANDEUR) if codemandeur else (Cible.DEMANDEUR,):
        personne = {c.champ: valeurs[c.nom] for c in COLONNES if c.cible == cible and c.nom in presentes}
        for champ, messages in validation.erreurs_personne(personne, jour=jour).items():
            erreurs += [ErreurImport(numero, f"{champ}_{cible.value}", m) for m in messages]
    for n, autre in enumerate(valeurs["personnes"] if "personnes" in presentes else [], start=1):
        for champ, messages in validation.erreurs_personne(autre, jour=jour).items():
            erreurs += [ErreurImport(numero, "personnes", f"personne n° {n} ({champ}) : {m}") for m in messages]
    return erreurs


def _lignes(
    rangees: Iterator[lecture.Ligne], entete: tuple[str, ...], masquees_admises: bool, regles: bool = False
) -> Iterator[LigneLue]:
    while True:
        try:
            rangee = next(rangees)
        except StopIteration:
            return
        except lecture.ErreurLecture as exc:
            yield LigneLue(exc.ligne or 0, {}, [ErreurImport(exc.ligne, None, exc.message)], codemandeur=False)
            return
        if not rangee.vide():
            cellules = list(rangee.cellules)
            yield _lire_ligne(rangee.numero, entete, cellules, masquees_admises=masquees_admises, regles=regles)


def lire_demandes(
    source: Source, *, masquees_admises: bool = False, regles: bool = False, bornes: lecture.Bornes = lecture.BORNES
) -> Lecture:
    """Open a file of the format (path, bytes or file object; UTF-8 with or without BOM).

    Lines are read lazily: iterate ``Lecture.lignes``. Nothing here touches a database. A line of an
    export whose sensitive situations were masked cannot update a demand: it is an error, unless
    ``masquees_admises`` (reading for cotation, which then cannot see those situations). ``regles``: also
    apply the rule set of the demand file (:mod:`attrib.engine.validation`) to each line, with the messages
    of the screens and the API (the application's import applies it through the demand services).
    ``bornes``: the file's technical limits (bytes, rows, columns, cell length).
    """
    try:
        texte = _texte(source)
    except _Illisible as exc:
        return Lecture((), [exc.erreur], iter(()))
    try:
        lecture.verifier_taille(len(texte.encode("utf-8", "replace")), bornes)
    except lecture.ErreurLecture as exc:
        return Lecture((), [ErreurImport(None, None, exc.message)], iter(()))
    rangees = lecture.lire_csv(texte, separateurs=(SEPARATEUR,), bornes=bornes).lignes
    try:
        premiere = next(rangees, None)
    except lecture.ErreurLecture as exc:
        message = exc.message.removeprefix("ligne CSV illisible ")
        return Lecture((), [ErreurImport(1, None, f"en-tête illisible {message}")], iter(()))
    if premiere is None or premiere.vide():
        return Lecture(
            (),
            [ErreurImport(1, None, "le fichier est vide : la première ligne doit être l'en-tête des colonnes")],
            iter(()),
        )
    entete = tuple(str(c).strip().lower() for c in premiere.cellules)
    erreurs = _verifier_entete(list(entete))
    if erreurs:
        return Lecture(entete, erreurs, iter(()))
    return Lecture(entete, [], _lignes(rangees, entete, masquees_admises, regles))
