"""Writes of the rating campaigns: open, rate (one residence, a page, an Excel file), close (the engine
classifies every residence), record the agreed note, flag a residence "à enjeux prioritaires de mixité
sociale". Every write is atomic and inscribed in the audit trail (``Evenement``).

Every write takes its ``auteur`` (an ``Acteur``; the system for a command or the demonstration data): an
actor without the right gets ``Refus`` (a ``PermissionDenied``) and nothing is written; a wrong value raises ``ValidationError`` whose keys
name the field (``note``, ``motif``, …), in French.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from attrib.common import tableurs
from attrib.common.services import evenement_enregistrer, export_journaliser
from attrib.engine.formats.lecture import ErreurLecture, lire_xlsx
from attrib.engine.qualification import agenda_harmonisation, classer_residences
from attrib.organisations.acteurs import Acteur, Refus
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.models import Residence
from attrib.qualification import permissions
from attrib.qualification.enums import Partie, StatutCampagne, StatutResidence
from attrib.qualification.models import (
    ANNEE_MIN,
    NOTE_MAX,
    NOTE_MIN,
    Campagne,
    EnjeuMixite,
    Notation,
    NoteHarmonisee,
    ResultatResidence,
)
from attrib.qualification.parametres import parametres
from attrib.qualification.selectors import residences_a_noter, residences_du_perimetre
from attrib.territoires.models import Commune

ECHELLE = f"{NOTE_MIN} à {NOTE_MAX}"
COMMENTAIRE_MAX = 2000
PAQUET = 500


def _verifier_note(note: Any, *, cle: str = "note") -> int:
    if isinstance(note, bool) or not isinstance(note, int) or not NOTE_MIN <= note <= NOTE_MAX:
        raise ValidationError({cle: [f"La note doit être un nombre entier de {ECHELLE} (reçu : « {note} »)."]})
    return note


def _campagne_verrouillee(campagne: Campagne) -> Campagne:
    """The campaign re-read under a row lock: a close and a rating never interleave."""
    return Campagne.objects.select_for_update().select_related("organisation").get(pk=campagne.pk)


def _exiger_ouverte(campagne: Campagne) -> None:
    if not campagne.est_ouverte:
        raise ValidationError(f"La campagne {campagne.annee} est close : les notes ne peuvent plus être modifiées.")


# --- opening ------------------------------------------------------------------------------------


@transaction.atomic
def campagne_ouvrir(
    *,
    organisation: Organisation,
    annee: int,
    date_limite: date,
    communes: Sequence[str] | None = None,
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> Campagne:
    """Open the rating campaign of ``annee`` for an EPCI organisation, over ``communes`` (codes INSEE;
    by default every commune of its territory). One campaign per EPCI and year."""
    jour = aujourd_hui or timezone.localdate()
    if organisation.type != TypeOrganisation.EPCI:
        raise ValidationError(
            {
                "organisation": [
                    f"« {organisation} » n'est pas un EPCI : seul un EPCI ouvre une campagne de qualification."
                ]
            }
        )
    if not (auteur.voit_tout or permissions.est_membre(auteur, organisation, ecriture=True)):
        raise Refus("Seuls les gestionnaires de l'EPCI ouvrent une campagne.")
    erreurs: dict[str, list[str]] = {}
    if isinstance(annee, bool) or not isinstance(annee, int) or not ANNEE_MIN <= annee <= jour.year + 1:
        erreurs["annee"] = [f"L'année doit être comprise entre {ANNEE_MIN} et {jour.year + 1} (reçu : « {annee} »)."]
    elif Campagne.objects.filter(organisation=organisation, annee=annee).exists():
        erreurs["annee"] = [f"Une campagne {annee} existe déjà pour {organisation}."]
    if date_limite < jour:
        erreurs["date_limite"] = [f"La date limite ({date_limite:%d/%m/%Y}) est déjà passée."]
    territoire = permissions.communes_du_territoire_epci(organisation)
    if communes is None:
        choisies = list(territoire)
    else:
        connues = {c.code_insee: c for c in territoire.filter(code_insee__in=list(communes))}
        hors = [code for code in communes if code not in connues]
        if hors:
            noms = dict(Commune.objects.filter(code_insee__in=hors).values_list("code_insee", "nom"))
            libelles = ", ".join(f"{noms[c]} ({c})" if c in noms else c for c in hors)
            erreurs["communes"] = [f"Hors du territoire de {organisation} : {libelles}."]
        choisies = list(connues.values())
    if not erreurs.get("communes") and not choisies:
        erreurs["communes"] = ["Choisissez au moins une commune."]
    if erreurs:
        raise ValidationError(erreurs)
    campagne = Campagne.objects.create(
        organisation=organisation,
        annee=annee,
        date_limite=date_limite,
        ouverte_par=auteur.utilisateur,
        ouverte_le=timezone.now(),
    )
    campagne.communes.set(choisies)
    evenement_enregistrer(
        objet=campagne,
        action="campagne_ouverte",
        resume=f"Campagne de qualification {annee} ouverte ({len(choisies)} communes, date limite {date_limite:%d/%m/%Y}).",
        auteur=auteur.utilisateur,
        organisation=organisation,
        details={"communes": sorted(c.code_insee for c in choisies), "date_limite": date_limite.isoformat()},
    )
    return campagne


# --- rating -------------------------------------------------------------------------------------


def _verifier_notateur(campagne: Campagne, organisation: Organisation, auteur: Acteur) -> Partie:
    partie = permissions.partie_de(organisation)
    if partie is None:
        raise ValidationError(
            {
                "organisation": [
                    f"« {organisation} » n'est ni une commune ni un bailleur : elle ne note pas les résidences."
                ]
            }
        )
    if not (auteur.voit_tout or permissions.est_membre(auteur, organisation, ecriture=True)):
        raise Refus(f"Seuls les gestionnaires de {organisation} enregistrent ses notes.")
    _exiger_ouverte(campagne)
    return partie


def _commentaire(texte: str | None, *, cle: str = "commentaire") -> str:
    texte = (texte or "").strip()
    if len(texte) > COMMENTAIRE_MAX:
        raise ValidationError({cle: [f"Le commentaire dépasse {COMMENTAIRE_MAX} caractères ({len(texte)})."]})
    return texte


def _ecrire_notation(
    *,
    campagne: Campagne,
    organisation: Organisation,
    partie: Partie,
    residence: Residence,
    note: int | None,
    commentaire: str,
    auteur: Acteur,
    existante: Notation | None,
    journaliser: bool = True,
) -> tuple[str, Notation | None]:
    """Create, change or remove one note; returns what happened (``creee``, ``modifiee``, ``retiree``,
    ``inchangee``) and the note."""
    maintenant = timezone.now()
    auteur_enregistre = auteur.utilisateur
    if note is None:
        if existante is None:
            return "inchangee", None
        note_retiree = existante.note
        existante.delete()
        if journaliser:
            evenement_enregistrer(
                objet=campagne,
                action="notation_retiree",
                resume=f"Note retirée par {organisation} pour la résidence {residence.identifiant}.",
                auteur=auteur.utilisateur,
                organisation=organisation,
                details={"residence": residence.pk, "avant": note_retiree},
            )
        return "retiree", None
    avant: dict[str, Any] | None
    if existante is not None:
        if existante.note == note and existante.commentaire == commentaire:
            return "inchangee", existante
        avant = {"note": existante.note, "commentaire": existante.commentaire}
        existante.note, existante.commentaire = note, commentaire
        existante.auteur, existante.notee_le = auteur_enregistre, maintenant
        existante.save(update_fields=["note", "commentaire", "auteur", "notee_le"])
        resultat, notation = "modifiee", existante
    else:
        avant = None
        notation = Notation.objects.create(
            campagne=campagne,
            residence=residence,
            organisation=organisation,
            partie=partie,
            note=note,
            commentaire=commentaire,
            auteur=auteur_enregistre,
            notee_le=maintenant,
        )
        resultat = "creee"
    if journaliser:
        evenement_enregistrer(
            objet=notation,
            action=f"notation_{resultat}",
            resume=f"Note {'modifiée' if avant else 'enregistrée'} par {organisation} pour la résidence {residence.identifiant}.",
            auteur=auteur.utilisateur,
            organisation=organisation,
            details={"residence": residence.pk, "avant": avant, "apres": {"note": note, "commentaire": commentaire}},
        )
    return resultat, notation


def _autre_notateur_de_la_partie(campagne: Campagne, organisation: Organisation, partie: Partie) -> dict[int, str]:
    """Residences already rated for the same side by another organisation (residence → its name)."""
    return {
        pk: nom
        for pk, nom in Notation.objects.filter(campagne=campagne, partie=partie)
        .exclude(organisation=organisation)
        .values_list("residence_id", "organisation__nom")
    }


@transaction.atomic
def notation_enregistrer(
    *,
    campagne: Campagne,
    organisation: Organisation,
    residence: Residence,
    note: int | None,
    commentaire: str = "",
    auteur: Acteur,
) -> Notation | None:
    """Record (or change) the note of one residence by one rater organisation; ``note=None`` removes
    it. Returns the note (``None`` once removed)."""
    campagne = _campagne_verrouillee(campagne)
    partie = _verifier_notateur(campagne, organisation, auteur)
    if not residences_a_noter(campagne, organisation).filter(pk=residence.pk).exists():
        raise ValidationError(
            {
                "residence": [
                    f"La résidence {residence.identifiant} n'est pas à noter par {organisation} dans cette campagne."
                ]
            }
        )
    if note is not None:
        _verifier_note(note)
    commentaire = _commentaire(commentaire)
    autres = _autre_notateur_de_la_partie(campagne, organisation, partie)
    if residence.pk in autres:
        raise ValidationError(
            {
                "residence": [
                    f"La résidence {residence.identifiant} a déjà une note de la partie {partie.label.lower()} ({autres[residence.pk]})."
                ]
            }
        )
    existante = Notation.objects.filter(campagne=campagne, organisation=organisation, residence=residence).first()
    _resultat, notation = _ecrire_notation(
        campagne=campagne,
        organisation=organisation,
        partie=partie,
        residence=residence,
        note=note,
        commentaire=commentaire,
        auteur=auteur,
        existante=existante,
    )
    return notation


@transaction.atomic
def notations_enregistrer(
    *,
    campagne: Campagne,
    organisation: Organisation,
    saisies: Mapping[int, tuple[int | None, str]],
    auteur: Acteur,
) -> dict[str, int]:
    """Record a page of notes at once (residence id → (note or ``None``, comment)): all or nothing.
    Returns the number of notes per outcome (``creee``, ``modifiee``, ``retiree``, ``inchangee``)."""
    comptes = {"creee": 0, "modifiee": 0, "retiree": 0, "inchangee": 0}
    if not saisies:
        return comptes
    campagne = _campagne_verrouillee(campagne)
    partie = _verifier_notateur(campagne, organisation, auteur)
    residences = residences_a_noter(campagne, organisation).in_bulk(list(saisies))
    existantes = {
        n.residence_id: n
        for n in Notation.objects.filter(campagne=campagne, organisation=organisation, residence_id__in=list(saisies))
    }
    autres = _autre_notateur_de_la_partie(campagne, organisation, partie)
    erreurs: dict[str, list[str]] = {}
    for pk, (note, commentaire) in saisies.items():
        if pk not in residences:
            erreurs[f"note_{pk}"] = ["Cette résidence n'est pas à noter par votre organisation dans cette campagne."]
        elif pk in autres:
            erreurs[f"note_{pk}"] = [f"Déjà notée pour la partie {partie.label.lower()} par {autres[pk]}."]
        elif note is not None and not (isinstance(note, int) and NOTE_MIN <= note <= NOTE_MAX):
            erreurs[f"note_{pk}"] = [f"La note doit être un nombre entier de {ECHELLE} (reçu : « {note} »)."]
        elif len((commentaire or "").strip()) > COMMENTAIRE_MAX:
            erreurs[f"commentaire_{pk}"] = [f"Le commentaire dépasse {COMMENTAIRE_MAX} caractères."]
    if erreurs:
        raise ValidationError(erreurs)
    for pk in sorted(saisies):
        note, commentaire = saisies[pk]
        resultat, _notation = _ecrire_notation(
            campagne=campagne,
            organisation=organisation,
            partie=partie,
            residence=residences[pk],
            note=note,
            commentaire=(commentaire or "").strip(),
            auteur=auteur,
            existante=existantes.get(pk),
        )
        comptes[resultat] += 1
    return comptes


# --- Excel round-trip ---------------------------------------------------------------------------

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
        rangees = lire_xlsx(fichier, feuille=FEUILLE_NOTATION).lignes
    except ErreurLecture:
        return [], "le fichier n'est pas un classeur Excel (.xlsx) lisible."
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


# --- closing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumeCloture:
    residences: int
    par_statut: dict[str, int]

    def __str__(self) -> str:
        morceaux = []
        for statut, (un, plusieurs) in _LIBELLES_CLOTURE.items():
            n = self.par_statut.get(statut, 0)
            morceaux.append(f"{n} {plusieurs if n > 1 else un}")
        pluriel = "s" if self.residences > 1 else ""
        return f"{self.residences} résidence{pluriel} classée{pluriel} : " + ", ".join(morceaux) + "."


_LIBELLES_CLOTURE = {
    StatutResidence.CONCORDANT.value: ("concordante", "concordantes"),
    StatutResidence.DIVERGENT.value: ("divergente", "divergentes"),
    StatutResidence.UNE_SEULE_PARTIE.value: ("notée par une seule partie", "notées par une seule partie"),
    StatutResidence.NON_NOTEE.value: ("non notée", "non notées"),
}


def _cadre_cloture(campagne: Campagne) -> tuple[pl.DataFrame, dict[int, tuple[str, int | None, bool]]]:
    residences = list(
        residences_du_perimetre(campagne)
        .annotate(nb_logements=Count("logements"))
        .values_list("pk", "commune_id", "bailleur_id", "bailleur_estime", "nb_logements")
    )
    notes: dict[tuple[int, str], int] = {
        (r, p): n
        for r, p, n in Notation.objects.filter(campagne=campagne).values_list("residence_id", "partie", "note")
    }
    cadre = pl.DataFrame(
        {
            "residence": pl.Series([r[0] for r in residences], dtype=pl.Int64),
            "commune": pl.Series([r[1] for r in residences], dtype=pl.String),
            "bailleur": pl.Series([None if r[2] is None else str(r[2]) for r in residences], dtype=pl.String),
            "nb_logements": pl.Series([r[4] for r in residences], dtype=pl.Int64),
            "note_commune": pl.Series([notes.get((r[0], Partie.COMMUNE)) for r in residences], dtype=pl.Int64),
            "note_bailleur": pl.Series([notes.get((r[0], Partie.BAILLEUR)) for r in residences], dtype=pl.Int64),
        }
    )
    return cadre, {r[0]: (r[1], r[2], r[3]) for r in residences}


@transaction.atomic
def campagne_cloturer(*, campagne: Campagne, auteur: Acteur) -> ResumeCloture:
    """Close the campaign: the engine classifies every residence of the perimeter from the two
    parties' notes (concordant, divergent with its gap, rated by one side only, not rated) and the
    result is stored per residence with the harmonisation agenda order. From then on, both sides'
    notes are visible to the territory and no note changes."""
    appelant, campagne = campagne, _campagne_verrouillee(campagne)
    if not (auteur.voit_tout or permissions.peut_piloter(auteur, campagne)):
        raise Refus("Seuls les gestionnaires de l'EPCI clôturent la campagne.")
    if campagne.est_close:
        raise ValidationError(f"La campagne {campagne.annee} est déjà close.")
    cadre, proprietes = _cadre_cloture(campagne)
    classees = classer_residences(cadre)
    rangs = {pk: rang for rang, pk in enumerate(agenda_harmonisation(classees)["residence"].to_list(), start=1)}
    resultats = []
    for ligne in classees.iter_rows(named=True):
        pk = ligne["residence"]
        commune, bailleur, estime = proprietes[pk]
        resultats.append(
            ResultatResidence(
                campagne=campagne,
                residence_id=pk,
                commune_id=commune,
                bailleur_id=bailleur,
                bailleur_estime=estime,
                nb_logements=ligne["nb_logements"],
                note_commune=ligne["note_commune"],
                note_bailleur=ligne["note_bailleur"],
                statut=ligne["statut"],
                ecart=ligne["ecart"],
                rang_agenda=rangs.get(pk),
            )
        )
    ResultatResidence.objects.bulk_create(resultats, batch_size=PAQUET)
    campagne.statut = StatutCampagne.CLOSE
    campagne.close_par = auteur.utilisateur
    campagne.close_le = timezone.now()
    campagne.save(update_fields=["statut", "close_par", "close_le"])
    appelant.statut, appelant.close_par, appelant.close_le = campagne.statut, campagne.close_par, campagne.close_le
    par_statut = {s.value: 0 for s in StatutResidence}
    for resultat in resultats:
        par_statut[resultat.statut] += 1
    resume = ResumeCloture(residences=len(resultats), par_statut=par_statut)
    evenement_enregistrer(
        objet=campagne,
        action="campagne_close",
        resume=f"Campagne {campagne.annee} close : {resume}",
        auteur=auteur.utilisateur,
        organisation=campagne.organisation,
        details={"par_statut": par_statut},
    )
    return resume


# --- harmonisation ------------------------------------------------------------------------------


@transaction.atomic
def note_harmonisee_enregistrer(
    *,
    campagne: Campagne,
    residence: Residence,
    note: int,
    participants: str,
    motif: str,
    organisations: Iterable[Organisation] = (),
    auteur: Acteur,
) -> NoteHarmonisee:
    """Record (or correct) the note agreed for a divergent residence of a closed campaign, with who
    agreed (``participants``: names and organisations present; ``organisations``) and why (``motif``)."""
    campagne = _campagne_verrouillee(campagne)
    if not (auteur.voit_tout or permissions.peut_piloter(auteur, campagne)):
        raise Refus("Seuls les gestionnaires de l'EPCI enregistrent les notes harmonisées.")
    if not campagne.est_close:
        raise ValidationError("L'harmonisation commence à la clôture de la campagne.")
    resultat = ResultatResidence.objects.filter(campagne=campagne, residence=residence).first()
    if resultat is None or resultat.statut != StatutResidence.DIVERGENT:
        etat = "absente de la campagne" if resultat is None else resultat.get_statut_display().lower()
        raise ValidationError(
            {
                "residence": [
                    f"La résidence {residence.identifiant} n'est pas divergente ({etat}) : pas de note à harmoniser."
                ]
            }
        )
    erreurs: dict[str, list[str]] = {}
    try:
        _verifier_note(note)
    except ValidationError as exc:
        erreurs.update(exc.message_dict)
    participants, motif = (participants or "").strip(), (motif or "").strip()
    if not participants:
        erreurs["participants"] = ["Indiquez qui a convenu de la note (noms et organisations présentes)."]
    if not motif:
        erreurs["motif"] = ["Indiquez pourquoi cette note a été retenue."]
    if erreurs:
        raise ValidationError(erreurs)
    orgs = list(organisations)
    existante = NoteHarmonisee.objects.filter(campagne=campagne, residence=residence).first()
    avant = (
        {"note": existante.note, "participants": existante.participants, "motif": existante.motif}
        if existante
        else None
    )
    valeurs = {
        "note": note,
        "participants": participants,
        "motif": motif,
        "enregistree_par": auteur.utilisateur,
        "enregistree_le": timezone.now(),
    }
    harmonisee, _cree = NoteHarmonisee.objects.update_or_create(
        campagne=campagne, residence=residence, defaults=valeurs
    )
    harmonisee.organisations.set(orgs)
    evenement_enregistrer(
        objet=harmonisee,
        action="note_harmonisee",
        resume=(
            f"Note harmonisée {note} pour la résidence {residence.identifiant} "
            f"(commune {resultat.note_commune}, bailleur {resultat.note_bailleur})."
        ),
        auteur=auteur.utilisateur,
        organisation=campagne.organisation,
        details={
            "avant": avant,
            "apres": {"note": note, "participants": participants, "motif": motif},
            "organisations": [o.pk for o in orgs],
        },
    )
    return harmonisee


# --- enjeux de mixité sociale -------------------------------------------------------------------


@transaction.atomic
def enjeu_mixite_marquer(
    *,
    residence: Residence,
    motif: str,
    marquee: bool = True,
    auteur: Acteur,
    organisation: Organisation | None = None,
    campagne: Campagne | None = None,
) -> EnjeuMixite:
    """Flag a residence "à enjeux prioritaires de mixité sociale" (loi 3DS) with its rationale, or
    remove the flag (``marquee=False``, with the reason). Each decision is kept (``EnjeuMixite``); the
    current state is ``Residence.enjeu_mixite`` / ``enjeu_mixite_motif``."""
    residence = Residence.objects.select_for_update().get(pk=residence.pk)
    if not (auteur.voit_tout or permissions.peut_marquer_enjeu(auteur, residence)):
        raise Refus("Seul l'EPCI du territoire marque une résidence à enjeux de mixité sociale.")
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": ["Indiquez le motif de la décision."]})
    if not marquee and not residence.enjeu_mixite:
        raise ValidationError(
            {"marquee": [f"La résidence {residence.identifiant} n'est pas marquée à enjeux de mixité sociale."]}
        )
    avant = {"enjeu_mixite": residence.enjeu_mixite, "motif": residence.enjeu_mixite_motif}
    residence.enjeu_mixite = marquee
    residence.enjeu_mixite_motif = motif if marquee else ""
    residence.save(update_fields=["enjeu_mixite", "enjeu_mixite_motif"])
    decision = EnjeuMixite.objects.create(
        residence=residence,
        marquee=marquee,
        motif=motif,
        campagne=campagne,
        organisation=organisation,
        auteur=auteur.utilisateur,
        decide_le=timezone.now(),
    )
    evenement_enregistrer(
        objet=residence,
        action="enjeu_mixite_marque" if marquee else "enjeu_mixite_retire",
        resume=(
            f"Résidence marquée à enjeux prioritaires de mixité sociale : {motif}"
            if marquee
            else f"Marquage à enjeux de mixité sociale retiré : {motif}"
        ),
        auteur=auteur.utilisateur,
        organisation=organisation,
        details={"avant": avant, "apres": {"enjeu_mixite": marquee, "motif": residence.enjeu_mixite_motif}},
    )
    return decision
