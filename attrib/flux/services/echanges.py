"""Import and export of the agreements in the interchange format (CSV « ; » or Excel, one line per agreement):
the columns, the readers of a cell, the line-by-line report of an import (all or nothing) and the two exports.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common import tableurs
from attrib.common.imports import bornes_import
from attrib.common.services import evenement_enregistrer
from attrib.engine.formats import lecture
from attrib.engine.formats.cellules import retirer_neutralisation
from attrib.engine.parametres.arbre import valeur as valeur_arbre
from attrib.flux.enums import CategorieConvention
from attrib.flux.models import CENT, ConventionReservation
from attrib.flux.moteur import ConventionsBailleur
from attrib.flux.services._commun import _exiger_gestion, _utilisateur, _verrouiller
from attrib.flux.services.conventions import (
    CATEGORIE_ORGANISATION,
    _description,
    _erreurs_retroactivite,
    _normaliser_mixite,
    _part_texte,
    format_decimal,
)
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.territoires.models import Commune

#: Columns of the interchange file (CSV « ; » or Excel), in order; the import finds them by their header.
COLONNES_CONVENTIONS = (
    ("bailleur", "Bailleur"),
    ("reservataire", "Réservataire"),
    ("categorie", "Contingent"),
    ("libelle", "Libellé"),
    ("part", "Part du flux (%)"),
    ("nombre_logements", "Nombre de logements par an"),
    ("communes", "Territoire (codes INSEE)"),
    ("mixite", "Mixité"),
    ("delai_proposition_jours", "Délai de proposition (jours)"),
    ("echec_compte", "Délai dépassé décompté"),
    ("debut", "Début"),
    ("fin", "Fin"),
)
OBLIGATOIRES = ("reservataire", "categorie", "debut")


@dataclass
class LigneImport:
    numero: int
    libelle: str
    resultat: str  # "creee", "modifiee", "inchangee", "erreur"
    messages: list[str] = field(default_factory=list)


@dataclass
class RapportImportConventions:
    """What an import did, line by line (numbers as in the file, header = line 1). All or nothing: with a
    single error, nothing is recorded (``annule``)."""

    lignes: list[LigneImport] = field(default_factory=list)
    erreurs_ensemble: list[str] = field(default_factory=list)
    erreur_fichier: str = ""
    annule: bool = False

    @property
    def erreurs(self) -> list[LigneImport]:
        return [ligne for ligne in self.lignes if ligne.resultat == "erreur"]

    def compte(self, resultat: str) -> int:
        return sum(1 for ligne in self.lignes if ligne.resultat == resultat)

    def resume(self) -> str:
        if self.erreur_fichier:
            return self.erreur_fichier
        if self.annule:
            nombre = len(self.erreurs) + len(self.erreurs_ensemble)
            return f"Aucune convention enregistrée : {nombre} erreur{'s' if nombre > 1 else ''} à corriger."
        return (
            f"{self.compte('creee')} convention(s) créée(s), {self.compte('modifiee')} modifiée(s), "
            f"{self.compte('inchangee')} inchangée(s)."
        )


def _texte(valeur: Any) -> str:
    """A cell as text, without the apostrophe the export puts before a text a spreadsheet would evaluate."""
    return "" if valeur is None else retirer_neutralisation(str(valeur).strip())


def _sans_accents(texte: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)).casefold().strip()


def _lire_part(brut: Any) -> Decimal | None:
    if brut is None or (isinstance(brut, str) and not brut.strip()):
        return None
    if isinstance(brut, int | float) and not isinstance(brut, bool):
        return Decimal(str(brut))
    texte = str(brut).replace("%", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    return Decimal(texte)


def _lire_entier(brut: Any) -> int | None:
    if brut is None or (isinstance(brut, str) and not brut.strip()):
        return None
    if isinstance(brut, float) and brut.is_integer():
        return int(brut)
    if isinstance(brut, int) and not isinstance(brut, bool):
        return brut
    texte = str(brut).strip().replace(" ", "")
    if not texte.lstrip("-").isdigit():
        raise ValueError(texte)
    return int(texte)


def _lire_date(brut: Any) -> date | None:
    if brut is None or (isinstance(brut, str) and not brut.strip()):
        return None
    if isinstance(brut, datetime):
        return brut.date()
    if isinstance(brut, date):
        return brut
    texte = str(brut).strip()
    for format_ in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(texte, format_).date()
        except ValueError:
            continue
    raise ValueError(texte)


def _lire_booleen(brut: Any) -> bool:
    texte = _sans_accents(_texte(brut))
    if texte in ("", "oui", "vrai", "1", "o", "true", "yes"):
        return True
    if texte in ("non", "faux", "0", "n", "false", "no"):
        return False
    raise ValueError(texte)


def _lire_liste(brut: Any) -> list[str]:
    return [m for m in re.split(r"[;,\s]+", _texte(brut)) if m]


def _lire_fichier(fichier: Any, nom: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV (« ; », « , » or tab; UTF-8 or Windows-1252) or Excel file, as
    ``(line number, {column key: value})`` (the product's reader, :mod:`attrib.engine.formats.lecture`)."""
    contenu = fichier if isinstance(fichier, bytes) else fichier.read()
    entetes = {_sans_accents(libelle): cle for cle, libelle in COLONNES_CONVENTIONS}
    entetes.update({cle: cle for cle, _ in COLONNES_CONVENTIONS})
    try:
        lues = [
            (r.numero, list(r.cellules)) for r in lecture.lire_tableau(contenu, nom=nom, bornes=bornes_import()).lignes
        ]
    except lecture.ErreurLecture as exc:
        if lecture.est_classeur(contenu, nom) and exc.message == lecture.MESSAGE_CLASSEUR_ILLISIBLE:
            raise ValidationError({"fichier": ["Classeur Excel illisible : enregistrez-le au format .xlsx."]}) from None
        message = str(exc)
        raise ValidationError({"fichier": [f"{message[0].upper()}{message[1:]}."]}) from None
    lignes: list[list[Any]] = [cellules for _, cellules in lues]
    if not lignes:
        raise ValidationError({"fichier": ["Le fichier est vide."]})
    colonnes: dict[int, str] = {}
    for i, entete in enumerate(lignes[0]):
        cle = entetes.get(_sans_accents(_texte(entete)))
        if cle is not None:
            colonnes[i] = cle
    manquantes = [dict(COLONNES_CONVENTIONS)[c] for c in OBLIGATOIRES if c not in colonnes.values()]
    if manquantes:
        raise ValidationError({"fichier": [f"Colonne(s) manquante(s) en ligne 1 : {', '.join(manquantes)}."]})
    resultat = []
    for numero, ligne in lues[1:]:
        valeurs = {cle: ligne[i] if i < len(ligne) else None for i, cle in colonnes.items()}
        if all(_texte(v) == "" for v in valeurs.values()):
            continue
        resultat.append((numero, valeurs))
    return resultat


def _reservataires_par_nom() -> dict[str, list[Organisation]]:
    noms: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.exclude(categorie_reservataire=""):
        noms.setdefault(_sans_accents(org.nom), []).append(org)
    return noms


def _categorie(brut: Any) -> str:
    texte = _sans_accents(_texte(brut))
    for valeur, libelle in CategorieConvention.choices:
        if texte in (valeur, _sans_accents(libelle)):
            return str(valeur)
    raise ValueError(texte)


@transaction.atomic
def conventions_importer(
    *, bailleur: Organisation, fichier: bytes | Any, nom_fichier: str = "", auteur: Acteur
) -> RapportImportConventions:
    """Import the agreements of ``bailleur`` from a CSV or Excel file (the format of
    :func:`conventions_exporter_csv`). A line whose réservataire, contingent and start date match a stored
    agreement updates it; any other creates one. Every line is checked (errors name the line and the
    column), then the whole set with the engine; with a single error nothing is recorded."""
    _exiger_gestion(auteur, bailleur)
    bailleur = _verrouiller(bailleur)
    rapport = RapportImportConventions()
    try:
        lignes = _lire_fichier(fichier, nom_fichier)
    except ValidationError as exc:
        rapport.erreur_fichier = " ".join(exc.messages)
        rapport.annule = True
        return rapport
    if not lignes:
        rapport.erreur_fichier = "Le fichier ne contient aucune convention (seulement l'en-tête)."
        rapport.annule = True
        return rapport
    libelles = dict(COLONNES_CONVENTIONS)
    reservataires = _reservataires_par_nom()
    existantes = {
        (c.reservataire_id, c.categorie, c.debut): c
        for c in ConventionReservation.objects.filter(bailleur=bailleur).select_related("reservataire")
    }
    territoires_existants = {
        c.pk: frozenset(c.territoire.values_list("code_insee", flat=True)) for c in existantes.values()
    }
    communes_connues = set(Commune.objects.values_list("code_insee", flat=True))
    ensemble = ConventionsBailleur.charger(bailleur)
    a_ecrire: list[tuple[LigneImport, ConventionReservation | None, ConventionReservation, list[str]]] = []
    vues: dict[tuple[int, str, date], int] = {}
    for numero, valeurs in lignes:
        ligne = LigneImport(numero=numero, libelle=_texte(valeurs.get("reservataire")), resultat="erreur")
        rapport.lignes.append(ligne)

        def refuser(colonne: str, message: str, ligne: LigneImport = ligne) -> None:
            ligne.messages.append(f"colonne « {libelles[colonne]} » : {message}")

        nom_bailleur = _texte(valeurs.get("bailleur"))
        if nom_bailleur and _sans_accents(nom_bailleur) != _sans_accents(bailleur.nom):
            refuser(
                "bailleur",
                f"« {nom_bailleur} » n'est pas {bailleur} : importez les conventions de chaque bailleur séparément.",
            )
        trouves = reservataires.get(_sans_accents(ligne.libelle), [])
        reservataire = trouves[0] if len(trouves) == 1 else None
        if not ligne.libelle:
            refuser("reservataire", "vide.")
        elif not trouves:
            refuser(
                "reservataire",
                f"« {ligne.libelle} » : aucune organisation titulaire de droits de réservation de ce nom.",
            )
        elif len(trouves) > 1:
            refuser("reservataire", f"« {ligne.libelle} » : plusieurs organisations portent ce nom.")
        categorie = ""
        try:
            categorie = _categorie(valeurs.get("categorie"))
        except ValueError:
            refuser(
                "categorie",
                f"« {_texte(valeurs.get('categorie'))} » inconnu (attendu : {', '.join(CategorieConvention.values)}).",
            )
        if reservataire is not None and categorie in CATEGORIE_ORGANISATION:
            attendu = CATEGORIE_ORGANISATION[CategorieConvention(categorie)]
            if reservataire.categorie_reservataire != attendu:
                refuser(
                    "categorie",
                    f"le contingent {categorie} est réservé à un réservataire de catégorie « {attendu.label} ».",
                )
        lus: dict[str, Any] = {}
        for colonne, lecteur in (
            ("part", _lire_part),
            ("nombre_logements", _lire_entier),
            ("delai_proposition_jours", _lire_entier),
            ("debut", _lire_date),
            ("fin", _lire_date),
            ("echec_compte", _lire_booleen),
        ):
            try:
                lus[colonne] = lecteur(valeurs.get(colonne))
            except (ValueError, ArithmeticError):
                attendus = {
                    "part": "un pourcentage, par exemple 25 ou 12,5",
                    "nombre_logements": "un nombre entier",
                    "delai_proposition_jours": "un nombre entier de jours",
                    "debut": "une date JJ/MM/AAAA",
                    "fin": "une date JJ/MM/AAAA",
                    "echec_compte": "oui ou non",
                }
                refuser(colonne, f"« {_texte(valeurs.get(colonne))} » illisible ({attendus[colonne]}).")
        if "debut" in lus and lus["debut"] is None:
            refuser("debut", "vide.")
        part, nombre = lus.get("part"), lus.get("nombre_logements")
        if "part" in lus and "nombre_logements" in lus:
            if part is None and nombre is None:
                refuser("part", "indiquez la part du flux ou, colonne « Nombre de logements par an », un nombre.")
            elif part is not None and nombre is not None:
                refuser("part", "une part du flux ou un nombre de logements, pas les deux.")
        if part is not None and not (0 <= part <= CENT):
            refuser("part", f"{format_decimal(part)} % : une part est comprise entre 0 et 100 %.")
        if lus.get("delai_proposition_jours") is not None and lus["delai_proposition_jours"] < 1:
            refuser("delai_proposition_jours", "au moins 1 jour.")
        if lus.get("debut") and lus.get("fin") and lus["fin"] < lus["debut"]:
            refuser("fin", f"la fin ({lus['fin']:%d/%m/%Y}) précède le début ({lus['debut']:%d/%m/%Y}).")
        communes = sorted(set(_lire_liste(valeurs.get("communes"))))
        if set(communes) - communes_connues:
            refuser("communes", f"code(s) INSEE inconnu(s) : {', '.join(sorted(set(communes) - communes_connues))}.")
        criteres, inconnus = _normaliser_mixite(
            _sans_accents(m).replace("qpv / hors qpv", "qpv") for m in _lire_liste(valeurs.get("mixite"))
        )
        if inconnus:
            refuser("mixite", f"critère(s) inconnu(s) : {', '.join(inconnus)} (typologie, qpv, commune).")
        if ligne.messages or reservataire is None:
            continue
        cle = (reservataire.pk, categorie, lus["debut"])
        if cle in vues:
            ligne.messages.append(f"même convention que la ligne {vues[cle]} (réservataire, contingent et début).")
            continue
        vues[cle] = numero
        avant = existantes.get(cle)
        cible = copy.copy(avant) if avant is not None else ConventionReservation(bailleur=bailleur)
        cible.reservataire = reservataire
        cible.categorie = categorie
        cible.libelle = _texte(valeurs.get("libelle"))
        cible.part = None if part is None else part.quantize(Decimal("0.001"))
        cible.nombre_logements = nombre
        cible.mixite = criteres
        cible.delai_proposition_jours = lus.get("delai_proposition_jours")
        cible.echec_compte = lus.get("echec_compte", True)
        cible.debut = lus["debut"]
        cible.fin = lus.get("fin")
        territoire_avant = territoires_existants.get(avant.pk, frozenset()) if avant is not None else frozenset()
        if avant is not None and _description(avant, territoire_avant) == _description(cible, frozenset(communes)):
            ligne.resultat = "inchangee"
            continue
        retro = _erreurs_retroactivite(bailleur, avant, territoire_avant, cible, frozenset(communes))
        for messages in retro.values():
            ligne.messages.extend(messages)
        if retro:
            continue
        ensemble.remplacer(cible, communes)
        ligne.resultat = "modifiee" if avant is not None else "creee"
        a_ecrire.append((ligne, avant, cible, communes))
    if not any(ligne.messages for ligne in rapport.lignes):
        for messages in ensemble.valider(
            None, annee=min(c.debut.year for _l, _a, c, _t in a_ecrire) if a_ecrire else timezone.localdate().year
        ).values():
            for message in messages:
                if message not in rapport.erreurs_ensemble:
                    rapport.erreurs_ensemble.append(message)
    for ligne in rapport.lignes:
        if ligne.messages:
            ligne.resultat = "erreur"
    if rapport.erreurs or rapport.erreurs_ensemble:
        rapport.annule = True
        return rapport
    for ligne, avant, cible, communes in a_ecrire:
        if avant is None:
            cible.cree_par = _utilisateur(auteur)
        cible.save()
        cible.territoire.set(communes)  # type: ignore[arg-type]  # a commune's key is its INSEE code (str)
        evenement_enregistrer(
            objet=cible,
            action="convention_importee",
            resume=f"Convention {'importée' if avant is None else 'modifiée par import'} : {cible.libelle_affiche} "
            f"({_part_texte(cible)}), ligne {ligne.numero} de {nom_fichier or 'fichier'}.",
            auteur=auteur.utilisateur,
            organisation=bailleur,
            details={
                "avant": None
                if avant is None
                else _description(avant, territoires_existants.get(avant.pk, frozenset())),
                "apres": _description(cible, frozenset(communes)),
            },
        )
    return rapport


def _valeurs_export(c: ConventionReservation, excel: bool) -> list[Any]:
    part: Any = None
    if c.part is not None:
        part = float(c.part) if excel else format_decimal(c.part)
    return [
        c.bailleur.nom,
        c.reservataire.nom,
        c.get_categorie_display(),
        c.libelle,
        part,
        c.nombre_logements,
        " ; ".join(sorted(t.code_insee for t in c.territoire.all())),
        " ; ".join(c.mixite or []),
        c.delai_proposition_jours,
        c.echec_compte,
        c.debut,
        c.fin,
    ]


def conventions_exporter_csv(*, conventions: Iterable[ConventionReservation]) -> bytes:
    """The agreements in the interchange format (CSV « ; », UTF-8 with BOM for spreadsheet software), through
    the products' writer (``attrib.common.tableurs``): contingents as their French labels, which the import
    reads back."""
    return tableurs.csv_octets(
        [libelle for _, libelle in COLONNES_CONVENTIONS], (_valeurs_export(c, excel=False) for c in conventions)
    )


def conventions_exporter_excel(*, conventions: Iterable[ConventionReservation]) -> bytes:
    """The agreements in the interchange format, as an Excel workbook (sheet « Conventions »)."""
    classeur = tableurs.Classeur()
    feuille = classeur.feuille("Conventions")
    feuille.ajouter([libelle for _, libelle in COLONNES_CONVENTIONS], gras=True)
    for c in conventions:
        feuille.ajouter(_valeurs_export(c, excel=True))
    feuille.largeurs((24, 32, 16, 30, 14, 14, 24, 20, 14, 12, 12, 12))
    feuille.figer("C2")
    aide = classeur.feuille("Mode d'emploi")
    for texte in (
        "Une ligne par convention (un contingent d'un réservataire). Colonnes obligatoires : Réservataire, Contingent, Début.",
        f"Contingent : {', '.join(f'« {lib} »' for _, lib in CategorieConvention.choices)} "
        f"(ou son code : {', '.join(str(v) for v, _ in CategorieConvention.choices)}).",
        "Part du flux en % (par exemple 25 ou 12,5) OU nombre de logements par an, pas les deux.",
        "Territoire : codes INSEE séparés par « ; » ; vide = tout le patrimoine du bailleur.",
        "Mixité : typologie ; qpv ; commune (facultatif). Délai vide : délai par défaut "
        f"({valeur_arbre('flux.delai_proposition_defaut', timezone.localdate()).valeur} jours).",
        "Délai dépassé décompté : oui (par défaut) ou non. Dates au format JJ/MM/AAAA ; fin vide = sans terme.",
        "Une ligne de même réservataire, contingent et début qu'une convention existante la met à jour.",
    ):
        aide.ajouter([texte])
    aide.largeurs([120])
    return classeur.octets()
