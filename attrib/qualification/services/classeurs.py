"""The Excel round-trip of a rater's notes: the workbook of the residences to rate (the rater's own notes and
comments, a data validation on the note, a help sheet), and its re-import with a report line by line
(numbered as in Excel), all or nothing on demand."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction

from attrib.common import tableurs
from attrib.common.imports import bornes_import
from attrib.common.services import evenement_enregistrer, export_journaliser
from attrib.engine.formats.lecture import MESSAGE_CLASSEUR_ILLISIBLE, ErreurLecture, lire_xlsx
from attrib.organisations.acteurs import Acteur, Refus
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Residence
from attrib.qualification import permissions
from attrib.qualification.models import NOTE_MAX, NOTE_MIN, Campagne, Notation
from attrib.qualification.parametres import parametres
from attrib.qualification.selectors import residences_a_noter
from attrib.qualification.services._commun import (
    COMMENTAIRE_MAX,
    ECHELLE,
    _autre_notateur_de_la_partie,
    _campagne_verrouillee,
    _ecrire_notation,
    _verifier_notateur,
)

COLONNE_IDENTIFIANT, COLONNE_NOTE, COLONNE_COMMENTAIRE = "Identifiant", "Note", "Commentaire"
COLONNES_EXPORT = (
    COLONNE_IDENTIFIANT,
    "Commune",
    "Résidence",
    "Adresse",
    "Bailleur",
    "Logements",
    "QPV",
    COLONNE_NOTE,
    COLONNE_COMMENTAIRE,
)
FEUILLE_NOTATION = "Notation"
TYPE_XLSX = tableurs.TYPE_XLSX


def _bailleur_libelle(residence: Residence) -> str:
    if residence.bailleur is None:
        return "inconnu"
    return f"{residence.bailleur} (estimé)" if residence.bailleur_estime else str(residence.bailleur)


def notations_exporter_excel(*, campagne: Campagne, organisation: Organisation, auteur: Acteur) -> bytes:
    """The rater's list of residences as an Excel workbook: one line per residence with the rater's own
    note and comment (never the other side's), to fill and re-import with ``notations_importer_excel``.
    Written by the products' writer (``attrib.common.tableurs``); the export is journalled. Only the rater
    organisation's members export its notes."""
    if not (auteur.voit_tout or permissions.peut_voir_notation(auteur, organisation)):
        raise Refus(f"Seuls les membres de {organisation} exportent ses notes.")
    from openpyxl.worksheet.datavalidation import DataValidation

    from attrib.qualification.selectors import lignes_notation

    classeur = tableurs.Classeur()
    feuille = classeur.feuille(FEUILLE_NOTATION)
    feuille.ajouter(list(COLONNES_EXPORT), gras=True)
    for r in lignes_notation(campagne, organisation):
        feuille.ajouter(
            [
                r.identifiant,
                r.commune.nom,
                r.nom,
                r.adresse,
                _bailleur_libelle(r),
                r.nb_logements,  # type: ignore[attr-defined]
                bool(r.en_qpv),
                r.ma_note,  # type: ignore[attr-defined]
                r.mon_commentaire or "",  # type: ignore[attr-defined]
            ]
        )
    lignes = feuille.lignes - 1
    note = COLONNES_EXPORT.index(COLONNE_NOTE) + 1
    lettre = feuille.ws.cell(row=1, column=note).column_letter
    validation = DataValidation(
        type="whole",
        operator="between",
        formula1=str(NOTE_MIN),
        formula2=str(NOTE_MAX),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Note invalide",
        error=f"La note est un nombre entier de {ECHELLE}.",
    )
    validation.add(f"{lettre}2:{lettre}{max(lignes + 1, 2)}")
    feuille.ws.add_data_validation(validation)
    feuille.figer("B2")
    feuille.largeurs((34, 18, 34, 34, 24, 10, 6, 8, 40))
    aide = classeur.feuille("Mode d'emploi")
    libelles = parametres().libelles_notes
    for texte in (
        f"Campagne de qualification {campagne.annee} — {campagne.organisation} — notes de {organisation}.",
        f"Date limite : {campagne.date_limite:%d/%m/%Y}.",
        f"Remplissez la colonne « {COLONNE_NOTE} » (nombre entier de {ECHELLE}) et, si utile, « {COLONNE_COMMENTAIRE} ».",
        "Ne modifiez pas la colonne « Identifiant » ; les autres colonnes sont ignorées à l'import.",
        "Une note vide ne change rien (pour retirer une note, utilisez la page de notation).",
        "Vos notes restent confidentielles jusqu'à la clôture de la campagne.",
        "",
        "Échelle :",
        *(libelles[n] for n in sorted(libelles)),
    ):
        aide.ajouter([texte])
    aide.largeurs([110])
    contenu = classeur.octets()
    export_journaliser(
        objet=campagne,
        export=f"de la liste de notation {campagne.annee}",
        format_fichier="xlsx",
        lignes=lignes,
        auteur=auteur.utilisateur,
        organisation=organisation,
        perimetre=f"résidences à noter par {organisation}",
    )
    return contenu


@dataclass(frozen=True)
class LigneRapport:
    ligne: int
    identifiant: str
    resultat: str  # creee, modifiee, inchangee, sans_note, erreur
    message: str = ""

    def __str__(self) -> str:
        return f"ligne {self.ligne} : {self.message}" if self.message else f"ligne {self.ligne}"


@dataclass
class RapportImportNotations:
    """What happened to each line of the file (lines numbered as in Excel, header = line 1)."""

    tout_ou_rien: bool
    lignes: list[LigneRapport] = field(default_factory=list)
    erreur_fichier: str = ""
    annule: bool = False

    def _nombre(self, resultat: str) -> int:
        return sum(1 for li in self.lignes if li.resultat == resultat)

    @property
    def erreurs(self) -> list[LigneRapport]:
        return [li for li in self.lignes if li.resultat == "erreur"]

    @property
    def nb_creees(self) -> int:
        return 0 if self.annule else self._nombre("creee")

    @property
    def nb_modifiees(self) -> int:
        return 0 if self.annule else self._nombre("modifiee")

    @property
    def nb_inchangees(self) -> int:
        return self._nombre("inchangee")

    @property
    def nb_sans_note(self) -> int:
        return self._nombre("sans_note")

    @property
    def lignes_valides(self) -> int:
        return sum(1 for li in self.lignes if li.resultat != "erreur")

    def resume(self) -> str:
        if self.erreur_fichier:
            return f"Fichier refusé : {self.erreur_fichier}"
        texte = (
            f"{self.nb_creees} note(s) enregistrée(s), {self.nb_modifiees} modifiée(s), "
            f"{self.nb_inchangees} inchangée(s), {self.nb_sans_note} ligne(s) sans note, {len(self.erreurs)} erreur(s)"
        )
        return texte + (" — rien n'a été importé." if self.annule else ".")


def _normaliser(texte: Any) -> str:
    sans_accents = unicodedata.normalize("NFKD", str(texte or "")).encode("ascii", "ignore").decode()
    return " ".join(sans_accents.lower().split())


def _lire_note(valeur: Any) -> tuple[int | None, str]:
    """(note, error message); an empty cell is (None, "")."""
    if valeur is None or (isinstance(valeur, str) and not valeur.strip()):
        return None, ""
    nombre: Any = valeur
    if isinstance(valeur, str):
        texte = valeur.strip().replace(",", ".")
        try:
            nombre = float(texte)
        except ValueError:
            return None, f"note « {valeur} » invalide : un nombre entier de {ECHELLE} est attendu."
    if isinstance(nombre, bool) or not isinstance(nombre, (int, float)) or nombre != int(nombre):
        return None, f"note « {valeur} » invalide : un nombre entier de {ECHELLE} est attendu."
    entier = int(nombre)
    if not NOTE_MIN <= entier <= NOTE_MAX:
        return None, f"note « {valeur} » hors de l'échelle {ECHELLE}."
    return entier, ""


def _lire_classeur(fichier: Any) -> tuple[list[tuple[int, dict[str, Any]]], str]:
    """(lines as (number, {identifiant, note, commentaire}), fatal error)."""
    try:
        rangees = lire_xlsx(fichier, feuille=FEUILLE_NOTATION, bornes=bornes_import()).lignes
    except ErreurLecture as exc:
        if exc.message == MESSAGE_CLASSEUR_ILLISIBLE:
            return [], "le fichier n'est pas un classeur Excel (.xlsx) lisible."
        return [], f"{exc}."
    try:
        premiere = next(rangees, None)
        if premiere is None:
            return [], "le classeur est vide."
        entete = premiere.cellules
        positions = {_normaliser(v): i for i, v in reversed(list(enumerate(entete))) if v is not None}
        manquantes = [c for c in (COLONNE_IDENTIFIANT, COLONNE_NOTE) if _normaliser(c) not in positions]
        if manquantes:
            noms = " et ".join(f"« {c} »" for c in manquantes)
            return (
                [],
                f"colonne{'s' if len(manquantes) > 1 else ''} {noms} absente{'s' if len(manquantes) > 1 else ''} de la première ligne.",
            )
        i_id, i_note = positions[_normaliser(COLONNE_IDENTIFIANT)], positions[_normaliser(COLONNE_NOTE)]
        i_com = positions.get(_normaliser(COLONNE_COMMENTAIRE))

        def cellule(rangee: tuple[Any, ...], i: int | None) -> Any:
            return rangee[i] if i is not None and i < len(rangee) else None

        lignes = []
        for numero, rangee in ((r.numero, r.cellules) for r in rangees):
            valeurs = {
                "identifiant": cellule(rangee, i_id),
                "note": cellule(rangee, i_note),
                "commentaire": cellule(rangee, i_com),
            }
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in valeurs.values()):
                continue
            lignes.append((numero, valeurs))
        return lignes, ""
    except ErreurLecture as exc:
        return [], f"{exc}."
    finally:
        rangees.close()


@transaction.atomic
def notations_importer_excel(
    *,
    campagne: Campagne,
    organisation: Organisation,
    fichier: bytes | IO[bytes] | Any,
    auteur: Acteur,
    tout_ou_rien: bool = False,
) -> RapportImportNotations:
    """Re-import a filled workbook of ``notations_exporter_excel`` (columns found by their header:
    ``Identifiant``, ``Note``, optional ``Commentaire``). Each line is reported (line number as in
    Excel). Valid lines are recorded; with ``tout_ou_rien``, a single error records nothing. A file
    that cannot be read records nothing. An empty note changes nothing."""
    rapport = RapportImportNotations(tout_ou_rien=tout_ou_rien)
    campagne = _campagne_verrouillee(campagne)
    partie = _verifier_notateur(campagne, organisation, auteur)
    lignes, erreur = _lire_classeur(fichier)
    if erreur:
        rapport.erreur_fichier, rapport.annule = erreur, True
        return rapport
    a_noter = {r.identifiant: r for r in residences_a_noter(campagne, organisation)}
    existantes = {n.residence_id: n for n in Notation.objects.filter(campagne=campagne, organisation=organisation)}
    autres = _autre_notateur_de_la_partie(campagne, organisation, partie)
    inconnus = {str(v["identifiant"]).strip() for _n, v in lignes if v["identifiant"] is not None} - set(a_noter)
    hors_perimetre = set(Residence.objects.filter(identifiant__in=inconnus).values_list("identifiant", flat=True))
    vues: dict[str, int] = {}
    a_ecrire: list[tuple[Residence, int, str]] = []
    for numero, valeurs in lignes:
        identifiant = str(valeurs["identifiant"]).strip() if valeurs["identifiant"] is not None else ""

        def refuser(message: str, numero: int = numero, identifiant: str = identifiant) -> None:
            rapport.lignes.append(LigneRapport(numero, identifiant, "erreur", message))

        if not identifiant:
            refuser("identifiant vide.")
            continue
        if identifiant in vues:
            refuser(f"résidence {identifiant} déjà présente ligne {vues[identifiant]}.")
            continue
        vues[identifiant] = numero
        residence = a_noter.get(identifiant)
        if residence is None:
            if identifiant in hors_perimetre:
                refuser(f"la résidence {identifiant} n'est pas à noter par {organisation} dans cette campagne.")
            else:
                refuser(f"identifiant « {identifiant} » inconnu.")
            continue
        note, probleme = _lire_note(valeurs["note"])
        commentaire = "" if valeurs["commentaire"] is None else str(valeurs["commentaire"]).strip()
        if probleme:
            refuser(probleme)
        elif len(commentaire) > COMMENTAIRE_MAX:
            refuser(f"commentaire de plus de {COMMENTAIRE_MAX} caractères.")
        elif residence.pk in autres:
            refuser(f"résidence déjà notée pour la partie {partie.label.lower()} par {autres[residence.pk]}.")
        elif note is None:
            if commentaire:
                refuser(f"commentaire sans note : une note de {ECHELLE} est nécessaire.")
            else:
                rapport.lignes.append(LigneRapport(numero, identifiant, "sans_note", "sans note : ligne ignorée."))
        else:
            existante = existantes.get(residence.pk)
            if existante is not None and existante.note == note and existante.commentaire == commentaire:
                rapport.lignes.append(LigneRapport(numero, identifiant, "inchangee", f"note {note} inchangée."))
            else:
                resultat = "modifiee" if existante else "creee"
                verbe = f"note {existante.note} → {note}." if existante else f"note {note} enregistrée."
                rapport.lignes.append(LigneRapport(numero, identifiant, resultat, verbe))
                a_ecrire.append((residence, note, commentaire))
    if tout_ou_rien and rapport.erreurs:
        rapport.annule = True
        return rapport
    for residence, note, commentaire in a_ecrire:
        _ecrire_notation(
            campagne=campagne,
            organisation=organisation,
            partie=partie,
            residence=residence,
            note=note,
            commentaire=commentaire,
            auteur=auteur,
            existante=existantes.get(residence.pk),
            journaliser=False,
        )
    if a_ecrire:
        evenement_enregistrer(
            objet=campagne,
            action="notations_importees",
            resume=f"Import Excel de {organisation} : {rapport.resume()}",
            auteur=auteur.utilisateur,
            organisation=organisation,
            details={"notes": {str(r.pk): n for r, n, _c in a_ecrire}, "erreurs": [str(e) for e in rapport.erreurs]},
        )
    return rapport
