"""Interchange format of demands: one CSV row per demand (``;``, UTF-8), its import and its export.

The module has two halves.

* **The format** (``COLONNES``, ``lire_demandes``, ``lire_demandes_polars``) needs neither a
  database nor a configured Django: the offline cotation command reads the same files. Besides the
  closed lists of ``attrib.demandes.enums`` it imports nothing that needs ``django.setup()``.
* **Import and export** go through the demand services and the ORM. Imports of models, services and
  permissions sit inside the functions so that the first half stays importable without
  ``django.setup()``.

The documentation ``docs/formats/demandes_csv.md`` embeds ``documentation_colonnes()`` and
``documentation_codes()``; a test checks that it is up to date.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from attrib.demandes import enums

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from attrib.demandes.models import Demande, Personne
    from attrib.organisations.models import Organisation

SEPARATEUR = ";"
SEPARATEUR_LISTE = "|"
SEPARATEUR_PERSONNE = ":"
SEPARATEUR_DRAPEAUX = "+"
FORMAT_DATE = "%d/%m/%Y"
ZERO = Decimal("0")

#: Flags a person of the ``personnes`` column may carry (model fields of ``Personne``).
DRAPEAUX_PERSONNE = ("a_charge", "garde_alternee", "enfant_a_naitre", "handicap")


class TypeColonne(StrEnum):
    TEXTE = "texte"
    CODE = "code"
    LISTE = "liste"
    DATE = "date"
    ENTIER = "entier"
    DECIMAL = "décimal"
    BOOLEEN = "booléen"
    PERSONNES = "personnes"


class Cible(StrEnum):
    """Where a column goes: the demand itself, one of the two flat persons, a list, or identification."""

    IDENTIFICATION = "identification"
    DEMANDE = "demande"
    DEMANDEUR = "demandeur"
    CODEMANDEUR = "codemandeur"
    LISTE = "liste"


@dataclass(frozen=True)
class Colonne:
    """One column of the format. ``champ`` is the model field (or service argument) it feeds."""

    nom: str
    type: TypeColonne
    description: str
    exemple: str = ""
    obligatoire: bool = False
    choix: tuple[tuple[str, str], ...] = ()
    defaut: Any = None
    cible: Cible = Cible.DEMANDE
    champ: str = ""
    ordonnee: bool = True
    motif_element: str = ""
    lecture_seule: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.choix)

    def vide(self) -> Any:
        """Value of an empty cell."""
        if self.defaut is not None:
            return self.defaut
        if self.type in (TypeColonne.LISTE, TypeColonne.PERSONNES):
            return []
        if self.type == TypeColonne.BOOLEEN:
            return False
        if self.type in (TypeColonne.TEXTE, TypeColonne.CODE):
            return ""
        return None


def _choix(liste: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), str(libelle)) for code, libelle in liste.choices)


def _c(nom: str, type_: TypeColonne, description: str, exemple: str = "", **options: Any) -> Colonne:
    options.setdefault("champ", nom)
    return Colonne(nom=nom, type=type_, description=description, exemple=exemple, **options)


T = TypeColonne

#: Fields of the applicant and co-applicant (same columns, suffixed ``_demandeur`` / ``_codemandeur``).
_CHAMPS_PERSONNE: tuple[tuple[str, TypeColonne, str, str, dict[str, Any]], ...] = (
    ("civilite", T.CODE, "Civilité", "mme", {"choix": _choix(enums.Civilite)}),
    ("nom", T.TEXTE, "Nom d'usage", "Martin", {}),
    ("nom_naissance", T.TEXTE, "Nom de naissance", "", {}),
    ("prenoms", T.TEXTE, "Prénoms", "Léa", {}),
    ("date_naissance", T.DATE, "Date de naissance", "17/05/1990", {}),
    ("nationalite", T.CODE, "Nationalité", "francaise", {"choix": _choix(enums.Nationalite)}),
    ("situation_familiale", T.CODE, "Situation familiale", "celibataire", {"choix": _choix(enums.SituationFamiliale)}),
    (
        "situation_professionnelle",
        T.CODE,
        "Situation professionnelle",
        "cdi",
        {"choix": _choix(enums.SituationProfessionnelle)},
    ),
    ("employeur_cotisant_action_logement", T.BOOLEEN, "Employeur cotisant à Action Logement", "non", {}),
    ("handicap", T.BOOLEEN, "Titulaire de la carte mobilité inclusion « invalidité »", "non", {}),
    ("salaires", T.DECIMAL, "Salaires mensuels (€)", "1500,00", {"defaut": ZERO}),
    ("indemnites_chomage", T.DECIMAL, "Indemnités de chômage mensuelles (€)", "0,00", {"defaut": ZERO}),
    ("pensions_retraite", T.DECIMAL, "Pensions, retraites mensuelles (€)", "0,00", {"defaut": ZERO}),
    ("minima_sociaux", T.DECIMAL, "RSA, AAH et autres minima sociaux mensuels (€)", "0,00", {"defaut": ZERO}),
    ("prestations_familiales", T.DECIMAL, "Prestations familiales mensuelles (€)", "0,00", {"defaut": ZERO}),
    ("pension_alimentaire_recue", T.DECIMAL, "Pension alimentaire reçue par mois (€)", "0,00", {"defaut": ZERO}),
    ("autres_revenus", T.DECIMAL, "Autres revenus mensuels (€)", "0,00", {"defaut": ZERO}),
    ("pension_alimentaire_versee", T.DECIMAL, "Pension alimentaire versée par mois (€)", "0,00", {"defaut": ZERO}),
)
_CONTACT_DEMANDEUR: tuple[tuple[str, str, str], ...] = (
    ("adresse", "Adresse postale", "3 rue des Lilas"),
    ("code_postal", "Code postal", "11100"),
    ("ville", "Ville", "Narbonne"),
    ("telephone", "Téléphone", "0612345678"),
    ("email", "Courriel", "lea.martin@example.org"),
)
_IDENTITE = ("nom", "prenoms", "date_naissance")


def _colonnes_personne(cible: Cible) -> list[Colonne]:
    qui = "du demandeur" if cible == Cible.DEMANDEUR else "du co-demandeur"
    colonnes = []
    if cible == Cible.CODEMANDEUR:
        colonnes.append(
            _c(
                "lien_codemandeur",
                T.CODE,
                "Lien du co-demandeur avec le demandeur",
                "conjoint",
                choix=_choix(enums.LienParente),
                cible=cible,
                champ="lien",
            )
        )
    for champ, type_, libelle, exemple, options in _CHAMPS_PERSONNE:
        if cible == Cible.DEMANDEUR:
            obligatoire, precision = champ in _IDENTITE, ""
        else:
            obligatoire = False
            precision = " (obligatoire si un co-demandeur est décrit)" if champ in _IDENTITE else ""
        colonnes.append(
            _c(
                f"{champ}_{cible.value}",
                type_,
                f"{libelle} {qui}{precision}",
                exemple if cible == Cible.DEMANDEUR else "",
                obligatoire=obligatoire,
                cible=cible,
                champ=champ,
                **options,
            )
        )
    if cible == Cible.DEMANDEUR:
        colonnes += [
            _c(f"{champ}_demandeur", T.TEXTE, f"{libelle} {qui}", exemple, cible=cible, champ=champ)
            for champ, libelle, exemple in _CONTACT_DEMANDEUR
        ]
    return colonnes


COLONNES: tuple[Colonne, ...] = (
    # Identification
    _c(
        "numero_unique",
        T.TEXTE,
        "Numéro unique de la demande. Vide : nouvelle demande. Renseigné : mise à jour de cette demande "
        "(elle doit être visible de l'utilisateur qui importe)",
        "01126030000001NAR01",
        cible=Cible.IDENTIFICATION,
    ),
    _c(
        "code_guichet",
        T.TEXTE,
        "Code du guichet enregistreur. Vide : le guichet pour lequel le fichier est importé. Non modifiable",
        "NAR01",
        cible=Cible.IDENTIFICATION,
        champ="guichet__code_guichet",
    ),
    _c("canal", T.CODE, "Canal de dépôt de la demande", "guichet", choix=_choix(enums.Canal), defaut="guichet"),
    _c(
        "date_depot_initiale",
        T.DATE,
        "Date du premier dépôt, point de départ de l'ancienneté. Vide : date du jour. Non modifiable",
        "15/03/2026",
        cible=Cible.IDENTIFICATION,
    ),
    _c(
        "statut",
        T.CODE,
        "Statut de la demande (export seulement, ignoré à l'import)",
        "active",
        choix=_choix(enums.StatutDemande),
        cible=Cible.IDENTIFICATION,
        lecture_seule=True,
    ),
    _c(
        "date_echeance",
        T.DATE,
        "Fin de validité de la demande (export seulement, ignorée à l'import)",
        "15/03/2027",
        cible=Cible.IDENTIFICATION,
        lecture_seule=True,
    ),
    _c(
        "sensibles_masques",
        T.BOOLEEN,
        "« oui » quand l'export a masqué les situations sensibles (violences, santé) faute d'habilitation ; "
        "une telle ligne ne peut pas mettre à jour une demande",
        "non",
        cible=Cible.IDENTIFICATION,
        champ="",
    ),
    # Ménage
    *_colonnes_personne(Cible.DEMANDEUR),
    *_colonnes_personne(Cible.CODEMANDEUR),
    _c(
        "personnes",
        T.PERSONNES,
        "Autres personnes à loger, séparées par « | » ; chacune lien:date_naissance:prénoms:nom[:drapeaux], "
        f"drapeaux séparés par « + » parmi {', '.join(DRAPEAUX_PERSONNE)}",
        "enfant:01/03/2015:Jules:Martin:a_charge|ascendant:01/01/1950:Rose:Durand",
        choix=_choix(enums.LienParente),
        cible=Cible.LISTE,
    ),
    # Logement actuel
    _c(
        "statut_logement_actuel",
        T.CODE,
        "Situation de logement actuelle",
        "locataire_parc_prive",
        obligatoire=True,
        choix=_choix(enums.StatutLogementActuel),
    ),
    _c("bailleur_actuel", T.TEXTE, "Bailleur social actuel (mutation)", ""),
    _c("rpls_logement_actuel", T.TEXTE, "Identifiant RPLS du logement actuel", ""),
    _c(
        "type_logement_actuel",
        T.CODE,
        "Type du logement actuel",
        "appartement",
        choix=_choix(enums.TypeLogement),
    ),
    _c("nb_pieces_actuel", T.ENTIER, "Nombre de pièces du logement actuel", "2"),
    _c("surface_actuelle", T.DECIMAL, "Surface du logement actuel (m²)", "45,50"),
    _c("loyer_actuel", T.DECIMAL, "Loyer mensuel actuel (€)", "620,00", defaut=ZERO),
    _c("charges_actuelles", T.DECIMAL, "Charges mensuelles actuelles (€)", "80,00", defaut=ZERO),
    _c("allocation_logement", T.DECIMAL, "Allocation logement perçue par mois (€)", "0,00", defaut=ZERO),
    _c("logement_actuel_depuis", T.DATE, "Date d'entrée dans le logement actuel", "01/09/2019"),
    _c(
        "procedure_expulsion",
        T.CODE,
        "Procédure d'expulsion en cours",
        "aucune",
        choix=_choix(enums.ProcedureExpulsion),
        defaut="aucune",
    ),
    _c("logement_non_decent", T.BOOLEEN, "Logement indigne ou non décent", "non"),
    _c("arrete_insalubrite", T.BOOLEEN, "Arrêté d'insalubrité ou de péril", "non"),
    # Logement recherché
    _c("typologie_min", T.ENTIER, "Typologie minimale recherchée (pièces, 1 à 6)", "2", obligatoire=True),
    _c(
        "typologie_max",
        T.ENTIER,
        "Typologie maximale recherchée (pièces, 1 à 6 ; 6 = T6 et plus)",
        "3",
        obligatoire=True,
    ),
    _c(
        "type_logement_recherche",
        T.CODE,
        "Type de logement recherché",
        "indifferent",
        choix=_choix(enums.TypeLogement),
        defaut="indifferent",
    ),
    _c("loyer_max", T.DECIMAL, "Loyer maximum souhaité (€)", ""),
    _c(
        "communes_souhaitees",
        T.LISTE,
        "Codes INSEE des communes souhaitées, par ordre de préférence, séparés par « | »",
        "11262|11170",
        obligatoire=True,
        cible=Cible.LISTE,
        champ="communes",
        motif_element=r"[0-9][0-9AB][0-9]{3}",
    ),
    _c("besoin_fauteuil", T.BOOLEEN, "Logement accessible en fauteuil roulant", "non"),
    _c("besoin_logement_adapte", T.BOOLEEN, "Logement adapté au handicap", "non"),
    _c("besoin_rdc_ou_ascenseur", T.BOOLEEN, "Rez-de-chaussée ou ascenseur", "non"),
    _c("besoin_parking", T.BOOLEEN, "Parking", "non"),
    # Ressources
    _c(
        "revenu_fiscal_reference",
        T.ENTIER,
        "Revenu fiscal de référence N-2 de toutes les personnes du ménage (€)",
        "18000",
        obligatoire=True,
    ),
    _c("annee_revenu_fiscal", T.ENTIER, "Année de ce revenu fiscal de référence", "2024", obligatoire=True),
    _c(
        "revenu_n1_si_baisse",
        T.ENTIER,
        "Revenus N-1 ou des 12 derniers mois en cas de baisse d'au moins 10 % (€)",
        "",
    ),
    # Motifs et priorités
    _c(
        "motif_principal",
        T.CODE,
        "Motif principal de la demande",
        "trop_cher",
        obligatoire=True,
        choix=_choix(enums.Motif),
    ),
    _c(
        "motifs_secondaires",
        T.LISTE,
        "Motifs secondaires séparés par « | » (sans répéter le motif principal)",
        "trop_petit",
        choix=_choix(enums.Motif),
        cible=Cible.LISTE,
        ordonnee=False,
    ),
    _c(
        "priorites",
        T.LISTE,
        "Codes des priorités L441-1 CCH déclarées, séparés par « | » (référentiel des priorités légales)",
        "l441_k",
        cible=Cible.LISTE,
        ordonnee=False,
        motif_element=r"[a-z0-9_]+",
    ),
    _c("dalo_reconnu", T.BOOLEEN, "Reconnu prioritaire et urgent DALO", "non"),
    _c("dalo_date_decision", T.DATE, "Date de la décision DALO (obligatoire si reconnu DALO)", ""),
)

COLONNES_PAR_NOM: dict[str, Colonne] = {c.nom: c for c in COLONNES}
COLONNES_OBLIGATOIRES = tuple(c.nom for c in COLONNES if c.obligatoire)


# --------------------------------------------------------------------------------------------------
# Documentation derived from the specification
# --------------------------------------------------------------------------------------------------


def _echapper_md(texte: str) -> str:
    return texte.replace("|", "\\|")


def documentation_colonnes() -> str:
    """The Markdown table of ``docs/formats/demandes_csv.md`` (one row per column, in file order)."""
    lignes = [
        "| Colonne | Type | Obligatoire | Description | Valeurs admises | Exemple |",
        "|---|---|---|---|---|---|",
    ]
    for c in COLONNES:
        if c.type == T.PERSONNES:
            valeurs = "lien : " + ", ".join(f"`{code}`" for code in c.codes)
        elif c.choix:
            valeurs = ", ".join(f"`{code}`" for code in c.codes)
        elif c.type == T.BOOLEEN:
            valeurs = "`oui`, `non` (vide = non)"
        elif c.type == T.DATE:
            valeurs = "JJ/MM/AAAA ou AAAA-MM-JJ"
        elif c.motif_element:
            valeurs = "codes INSEE" if c.nom == "communes_souhaitees" else "codes du référentiel"
        else:
            valeurs = ""
        obligatoire = "oui" if c.obligatoire else ("export seul" if c.lecture_seule else "non")
        exemple = f"`{_echapper_md(c.exemple)}`" if c.exemple else ""
        lignes.append(
            f"| `{c.nom}` | {c.type.value} | {obligatoire} | {_echapper_md(c.description)} | "
            f"{_echapper_md(valeurs)} | {exemple} |"
        )
    return "\n".join(lignes)


def documentation_codes() -> str:
    """The closed lists used by the format, with their labels (Markdown)."""
    vues: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for c in COLONNES:
        if c.choix:
            vues.setdefault(c.choix, []).append(c.nom)
    blocs = []
    for choix, noms in vues.items():
        titre = ", ".join(f"`{n}`" for n in noms)
        lignes = [f"**{titre}**", ""] + [f"- `{code}` : {libelle}" for code, libelle in choix]
        blocs.append("\n".join(lignes))
    return "\n\n".join(blocs)


# --------------------------------------------------------------------------------------------------
# Reading (no database, no Django setup)
# --------------------------------------------------------------------------------------------------


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


class ValeurInvalide(ValueError):
    """A cell that does not match its column type (the message quotes the value)."""


class FichierInvalide(ValueError):
    """Raised by ``lire_demandes_polars`` when the file has errors; ``erreurs`` lists them all."""

    def __init__(self, erreurs: list[ErreurImport]) -> None:
        self.erreurs = erreurs
        premiere = f" ; première : {erreurs[0]}" if erreurs else ""
        super().__init__(f"Fichier de demandes invalide : {len(erreurs)} erreur(s){premiere}")


_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
_ESPACES = re.compile(r"[\s\u00a0\u202f]")
_ENTIER = re.compile(r"\d+")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_VRAI = frozenset({"oui", "o", "1", "vrai", "true", "x"})
_FAUX = frozenset({"non", "n", "0", "faux", "false"})
_PROTEGES = ("=", "+", "-", "@")


def _lire_date(texte: str) -> date:
    if m := _DATE_FR.fullmatch(texte):
        jour, mois, annee = (int(x) for x in m.groups())
    elif m := _DATE_ISO.fullmatch(texte):
        annee, mois, jour = (int(x) for x in m.groups())
    else:
        raise ValeurInvalide(f"date invalide « {texte} » (format attendu : JJ/MM/AAAA ou AAAA-MM-JJ)")
    try:
        return date(annee, mois, jour)
    except ValueError:
        raise ValeurInvalide(f"date invalide « {texte} » (ce jour n'existe pas)") from None


def _lire_code(texte: str, colonne: Colonne) -> str:
    code = texte.lower()
    if code not in colonne.codes:
        raise ValeurInvalide(f"code inconnu « {texte} » ; valeurs admises : {', '.join(colonne.codes)}")
    return code


def _lire_liste(texte: str, colonne: Colonne) -> list[str]:
    elements: list[str] = []
    for brut in texte.split(SEPARATEUR_LISTE):
        element = brut.strip()
        if not element:
            continue
        if colonne.choix:
            element = _lire_code(element, colonne)
        elif colonne.motif_element:
            element = element.upper() if colonne.nom == "communes_souhaitees" else element.lower()
            if not re.fullmatch(colonne.motif_element, element):
                quoi = "code INSEE" if colonne.nom == "communes_souhaitees" else "code"
                raise ValeurInvalide(f"{quoi} invalide « {brut.strip()} »")
        if element in elements:
            raise ValeurInvalide(f"« {element} » figure deux fois dans la liste")
        elements.append(element)
    return elements


def _lire_personnes(texte: str, colonne: Colonne) -> list[dict[str, Any]]:
    personnes: list[dict[str, Any]] = []
    for n, bloc in enumerate((b.strip() for b in texte.split(SEPARATEUR_LISTE) if b.strip()), start=1):
        parties = [p.strip() for p in bloc.split(SEPARATEUR_PERSONNE)]
        if not 4 <= len(parties) <= 5:
            raise ValeurInvalide(
                f"personne n° {n} « {bloc} » : format attendu lien:date_naissance:prénoms:nom[:drapeaux]"
            )
        lien = parties[0].lower()
        if lien in ("demandeur", "codemandeur", "co-demandeur"):
            raise ValeurInvalide(
                f"personne n° {n} : une ligne ne décrit qu'un seul demandeur et un seul co-demandeur, "
                "dans les colonnes *_demandeur et *_codemandeur ; « personnes » liste les autres personnes à loger"
            )
        if lien and lien not in colonne.codes:
            raise ValeurInvalide(
                f"personne n° {n} : lien inconnu « {parties[0]} » ; valeurs admises : {', '.join(colonne.codes)}"
            )
        try:
            naissance = _lire_date(parties[1])
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"personne n° {n} : {exc}") from None
        if not parties[2] or not parties[3]:
            raise ValeurInvalide(f"personne n° {n} : prénoms et nom sont obligatoires")
        drapeaux = (
            [d.strip().lower() for d in parties[4].split(SEPARATEUR_DRAPEAUX) if d.strip()] if len(parties) == 5 else []
        )
        for d in drapeaux:
            if d not in DRAPEAUX_PERSONNE:
                raise ValeurInvalide(
                    f"personne n° {n} : drapeau inconnu « {d} » ; valeurs admises : {', '.join(DRAPEAUX_PERSONNE)}"
                )
        personnes.append(
            {"lien": lien, "date_naissance": naissance, "prenoms": parties[2], "nom": parties[3]}
            | {d: d in drapeaux for d in DRAPEAUX_PERSONNE}
        )
    return personnes


def convertir(colonne: Colonne, brut: str) -> Any:
    """Typed value of one cell; raises ``ValeurInvalide`` with a French message quoting the value."""
    texte = brut.strip()
    if not texte:
        return colonne.vide()
    match colonne.type:
        case T.TEXTE:
            if len(texte) > 1 and texte[0] == "'" and texte[1] in _PROTEGES:
                return texte[1:]
            return texte
        case T.CODE:
            return _lire_code(texte, colonne)
        case T.DATE:
            return _lire_date(texte)
        case T.ENTIER:
            compact = _ESPACES.sub("", texte)
            if not _ENTIER.fullmatch(compact):
                raise ValeurInvalide(f"nombre entier positif attendu, reçu « {texte} »")
            return int(compact)
        case T.DECIMAL:
            compact = _ESPACES.sub("", texte).replace(",", ".")
            if not _DECIMAL.fullmatch(compact):
                raise ValeurInvalide(f"montant invalide « {texte} » (nombre positif, virgule décimale)")
            try:
                return Decimal(compact)
            except InvalidOperation:
                raise ValeurInvalide(f"montant invalide « {texte} »") from None
        case T.BOOLEEN:
            if texte.lower() in _VRAI:
                return True
            if texte.lower() in _FAUX:
                return False
            raise ValeurInvalide(f"valeur « {texte} » non comprise : attendu oui ou non")
        case T.LISTE:
            return _lire_liste(texte, colonne)
        case T.PERSONNES:
            return _lire_personnes(texte, colonne)
    raise AssertionError(colonne.type)  # pragma: no cover - every type is handled above


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
    if isinstance(source, (str, os.PathLike)):
        try:
            donnees: bytes | str = Path(source).read_bytes()
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
        return donnees.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        ligne = donnees[: exc.start].count(b"\n") + 1
        raise _Illisible(
            ErreurImport(
                ligne,
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


_MASQUEE = (
    "cette ligne vient d'un export où les situations sensibles étaient masquées : elle effacerait ce que son "
    "auteur ne voyait pas. Mettez à jour à partir d'un export complet."
)


def _lire_ligne(numero: int, entete: tuple[str, ...], cellules: list[str]) -> LigneLue:
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
            erreurs.append(ErreurImport(numero, nom, "valeur obligatoire manquante"))
    if valeurs["sensibles_masques"] and valeurs["numero_unique"]:
        # The masked cells are empty because of masking: that is the only thing to say about this line.
        return LigneLue(numero, valeurs, [ErreurImport(numero, "sensibles_masques", _MASQUEE)], codemandeur=False)
    codemandeur = any(brut.strip() for nom, brut in bruts.items() if COLONNES_PAR_NOM[nom].cible == Cible.CODEMANDEUR)
    if codemandeur:
        for champ in _IDENTITE:
            nom = f"{champ}_codemandeur"
            if nom in bruts and not bruts[nom].strip():
                erreurs.append(ErreurImport(numero, nom, "valeur obligatoire quand un co-demandeur est décrit"))
    return LigneLue(numero, valeurs, erreurs, codemandeur)


def _lignes(lecteur: Iterator[list[str]], entete: tuple[str, ...], position: Callable[[], int]) -> Iterator[LigneLue]:
    while True:
        debut = position() + 1
        try:
            cellules = next(lecteur)
        except StopIteration:
            return
        except csv.Error as exc:
            yield LigneLue(debut, {}, [ErreurImport(debut, None, f"ligne CSV illisible ({exc})")], codemandeur=False)
            return
        if any(c.strip() for c in cellules):
            yield _lire_ligne(debut, entete, cellules)


def lire_demandes(source: Source) -> Lecture:
    """Open a file of the format (path, bytes or file object; UTF-8 with or without BOM).

    Lines are read lazily: iterate ``Lecture.lignes``. Nothing here touches a database.
    """
    try:
        texte = _texte(source)
    except _Illisible as exc:
        return Lecture((), [exc.erreur], iter(()))
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=SEPARATEUR)
    try:
        premiere = next(lecteur, None)
    except csv.Error as exc:
        return Lecture((), [ErreurImport(1, None, f"en-tête illisible ({exc})")], iter(()))
    if not premiere or not any(c.strip() for c in premiere):
        return Lecture(
            (),
            [ErreurImport(1, None, "le fichier est vide : la première ligne doit être l'en-tête des colonnes")],
            iter(()),
        )
    entete = tuple(c.strip().lower() for c in premiere)
    erreurs = _verifier_entete(list(entete))
    if erreurs:
        return Lecture(entete, erreurs, iter(()))
    return Lecture(entete, [], _lignes(lecteur, entete, lambda: lecteur.line_num))


_DTYPES: dict[TypeColonne, Any] = {
    T.TEXTE: pl.String,
    T.CODE: pl.String,
    T.DATE: pl.Date,
    T.ENTIER: pl.Int64,
    T.DECIMAL: pl.Float64,
    T.BOOLEEN: pl.Boolean,
    T.LISTE: pl.List(pl.String),
    T.PERSONNES: pl.List(
        pl.Struct(
            {"lien": pl.String, "date_naissance": pl.Date, "prenoms": pl.String, "nom": pl.String}
            | {d: pl.Boolean for d in DRAPEAUX_PERSONNE}
        )
    ),
}

#: Columns of the household frame: the file's columns, then derived household facts named as in the
#: engine's input contract (``attrib.engine.menage.COLONNES_ENTREE``). ``zone_plafond`` and
#: ``nb_moins_14_ans`` are left to the engine: they need its zone referential and its UC scale.
SCHEMA_MENAGES: dict[str, Any] = (
    {"ligne": pl.Int64}
    | {c.nom: _DTYPES[c.type] for c in COLONNES}
    | {
        "codemandeur": pl.Boolean,
        "nb_personnes": pl.Int64,
        "nb_personnes_a_charge": pl.Int64,
        "couple": pl.Boolean,
        "age_demandeur": pl.Int64,
        "age_codemandeur": pl.Int64,
        "nb_handicap": pl.Int64,
        "revenus_mensuels": pl.Float64,
        "departement": pl.String,
    }
)
_REVENUS = tuple(c for c, type_, *_ in _CHAMPS_PERSONNE if type_ == T.DECIMAL and c != "pension_alimentaire_versee")


def _age(naissance: date | None, jour: date) -> int | None:
    if naissance is None:
        return None
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def departement_de_commune(code_insee: str) -> str:
    """Département of a COG commune code: two characters (``11``, ``2A``), three overseas (``974``)."""
    return code_insee[:3] if code_insee.startswith("97") else code_insee[:2]


def _ligne_menage(ligne: LigneLue, jour: date) -> dict[str, Any]:
    v = ligne.valeurs
    ligne_df: dict[str, Any] = {"ligne": ligne.numero}
    for c in COLONNES:
        valeur = v[c.nom]
        if c.cible == Cible.CODEMANDEUR and not ligne.codemandeur:
            valeur = None
        ligne_df[c.nom] = float(valeur) if isinstance(valeur, Decimal) else valeur
    autres = v["personnes"]
    adultes = ["demandeur", "codemandeur"] if ligne.codemandeur else ["demandeur"]
    revenus = sum(
        (sum(v[f"{r}_{qui}"] for r in _REVENUS) - v[f"pension_alimentaire_versee_{qui}"] for qui in adultes),
        ZERO,
    )
    communes = v["communes_souhaitees"]
    ligne_df |= {
        "codemandeur": ligne.codemandeur,
        "nb_personnes": len(adultes) + len(autres),
        "nb_personnes_a_charge": sum(p["a_charge"] for p in autres),
        "couple": (ligne.codemandeur and v["lien_codemandeur"] == enums.LienParente.CONJOINT)
        or any(p["lien"] == enums.LienParente.CONJOINT for p in autres),
        "age_demandeur": _age(v["date_naissance_demandeur"], jour),
        "age_codemandeur": _age(v["date_naissance_codemandeur"], jour) if ligne.codemandeur else None,
        "nb_handicap": sum(bool(v[f"handicap_{qui}"]) for qui in adultes) + sum(p["handicap"] for p in autres),
        "revenus_mensuels": float(revenus),
        "departement": departement_de_commune(communes[0]) if communes else None,
    }
    return ligne_df


def lire_demandes_polars(source: Source, *, jour: date | None = None, taille_bloc: int = 10_000) -> pl.DataFrame:
    """Read a file of the format into one household row per demand (schema ``SCHEMA_MENAGES``).

    Ages are computed on ``jour`` (default: today). Pure: no database, no Django setup. Raises
    ``FichierInvalide`` listing every located error when any line is invalid (checks that need the
    reference data, such as unknown communes, are the importer's job).
    """
    jour = jour or date.today()
    lecture = lire_demandes(source)
    erreurs = list(lecture.erreurs)
    blocs: list[pl.DataFrame] = []
    tampon: list[dict[str, Any]] = []
    for ligne in lecture.lignes:
        if ligne.erreurs:
            erreurs += ligne.erreurs
        elif not erreurs:
            tampon.append(_ligne_menage(ligne, jour))
            if len(tampon) >= taille_bloc:
                blocs.append(pl.DataFrame(tampon, schema=SCHEMA_MENAGES))
                tampon = []
    if erreurs:
        raise FichierInvalide(erreurs)
    blocs.append(pl.DataFrame(tampon, schema=SCHEMA_MENAGES))
    return pl.concat(blocs)


# --------------------------------------------------------------------------------------------------
# Writing cells (shared by the CSV and Excel exports)
# --------------------------------------------------------------------------------------------------


def _format_personnes(personnes: Iterable[dict[str, Any]]) -> str:
    blocs = []
    for p in personnes:
        parties = [p["lien"], f"{p['date_naissance']:{FORMAT_DATE}}", p["prenoms"], p["nom"]]
        drapeaux = [d for d in DRAPEAUX_PERSONNE if p[d]]
        if drapeaux:
            parties.append(SEPARATEUR_DRAPEAUX.join(drapeaux))
        blocs.append(SEPARATEUR_PERSONNE.join(parties))
    return SEPARATEUR_LISTE.join(blocs)


def formater(colonne: Colonne, valeur: Any) -> str:
    """Text of one CSV cell; ``convertir(colonne, formater(colonne, v))`` gives ``v`` back."""
    if valeur is None:
        return ""
    match colonne.type:
        case T.DATE:
            return f"{valeur:{FORMAT_DATE}}"
        case T.DECIMAL:
            return f"{valeur:.2f}".replace(".", ",")
        case T.BOOLEEN:
            return "oui" if valeur else "non"
        case T.LISTE:
            return SEPARATEUR_LISTE.join(valeur)
        case T.PERSONNES:
            return _format_personnes(valeur)
        case T.TEXTE:
            texte = str(valeur)
            return f"'{texte}" if texte.startswith(_PROTEGES) else texte
    return str(valeur)


# --------------------------------------------------------------------------------------------------
# Import (database, services)
# --------------------------------------------------------------------------------------------------


@dataclass
class RapportImport:
    """What an import did. When ``annule`` is true nothing was written (``lignes_valides`` were not imported)."""

    tout_ou_rien: bool
    creees: list[str] = field(default_factory=list)
    mises_a_jour: list[str] = field(default_factory=list)
    inchangees: list[str] = field(default_factory=list)
    erreurs: list[ErreurImport] = field(default_factory=list)
    lignes_lues: int = 0
    lignes_valides: int = 0
    annule: bool = False

    @property
    def nb_creees(self) -> int:
        return len(self.creees)

    @property
    def nb_mises_a_jour(self) -> int:
        return len(self.mises_a_jour)

    @property
    def nb_erreurs(self) -> int:
        return len(self.erreurs)

    @property
    def lignes_en_erreur(self) -> list[int]:
        return sorted({e.ligne for e in self.erreurs if e.ligne})

    def resume(self) -> str:
        return f"importé : {self.nb_creees} créées, {self.nb_mises_a_jour} mises à jour, {self.nb_erreurs} erreurs"

    def ecrire_csv(self, flux: Any) -> None:
        """The errors as CSV (``ligne;colonne;message``, UTF-8 BOM first), for the user to fix the file."""
        flux.write("\ufeff")
        sortie = csv.writer(flux, delimiter=SEPARATEUR)
        sortie.writerow(["ligne", "colonne", "message"])
        for e in self.erreurs:
            sortie.writerow([e.ligne or "", e.colonne or "", e.message])


def _refus_import(guichet: Organisation, auteur: Any) -> str | None:
    from attrib.organisations.permissions import guichets_de, peut_voir_situations_sensibles

    if not guichet.code_guichet:
        return f"« {guichet} » n'est pas un guichet enregistreur : il ne peut pas importer de demandes."
    if auteur is None or getattr(auteur, "is_superuser", False):
        return None
    if guichet not in guichets_de(auteur):
        return f"Vous n'êtes pas gestionnaire du guichet « {guichet} » : import impossible."
    if not peut_voir_situations_sensibles(auteur):
        return (
            "Un import remplace toutes les informations des demandes, y compris les situations sensibles "
            "(violences, santé) : il est réservé aux agents habilités à les voir."
        )
    return None


def _demandes_modifiables(guichet: Organisation, auteur: Any) -> QuerySet[Demande]:
    """Demands an import may update: those visible to the author, or to the desk for a system import."""
    from django.db.models import Exists, OuterRef, Q

    from attrib.demandes.models import CommuneSouhaitee, Demande

    if auteur is not None:
        return Demande.objects.visible_to(auteur)
    perimetre = guichet.perimetre.values("code_insee")
    souhaite = Exists(CommuneSouhaitee.objects.filter(demande=OuterRef("pk"), commune_id__in=perimetre))
    return Demande.objects.filter(Q(guichet=guichet) | souhaite)


def _dict_personne(personne: Personne | None) -> dict[str, Any]:
    if personne is None:
        return {}
    return {
        f.name: getattr(personne, f.attname)
        for f in personne._meta.concrete_fields
        if f.editable and f.name not in ("id", "demande")
    }


def _menage(ligne: LigneLue, presentes: frozenset[str], existante: Demande | None) -> list[dict[str, Any]]:
    """Persons for the service. On update, what the file does not carry is kept from the database."""
    from attrib.demandes.normalisation import normaliser_nom

    role = enums.RolePersonne
    anciennes = list(existante.personnes.all()) if existante else []
    par_role = {p.role: p for p in anciennes if p.role != role.PERSONNE_A_LOGER}
    v = ligne.valeurs

    def a_plat(cible: Cible, ancienne: Personne | None) -> dict[str, Any]:
        donnees = _dict_personne(ancienne)
        donnees.update({c.champ: v[c.nom] for c in COLONNES if c.cible == cible and c.nom in presentes})
        donnees["role"] = role.DEMANDEUR if cible == Cible.DEMANDEUR else role.CODEMANDEUR
        return donnees

    menage = [a_plat(Cible.DEMANDEUR, par_role.get(role.DEMANDEUR))]
    if any(COLONNES_PAR_NOM[nom].cible == Cible.CODEMANDEUR for nom in presentes):
        if ligne.codemandeur:
            menage.append(a_plat(Cible.CODEMANDEUR, par_role.get(role.CODEMANDEUR)))
    elif role.CODEMANDEUR in par_role:
        menage.append(_dict_personne(par_role[role.CODEMANDEUR]))
    autres = [p for p in anciennes if p.role == role.PERSONNE_A_LOGER]
    if "personnes" not in presentes:
        return menage + [_dict_personne(p) for p in autres]
    index = {(normaliser_nom(f"{p.nom} {p.prenoms}"), p.date_naissance): p for p in autres}
    for p in v["personnes"]:
        ancienne = index.get((normaliser_nom(f"{p['nom']} {p['prenoms']}"), p["date_naissance"]))
        menage.append(_dict_personne(ancienne) | p | {"role": role.PERSONNE_A_LOGER})
    return menage


def _arguments_service(ligne: LigneLue, presentes: frozenset[str], existante: Demande | None) -> dict[str, Any]:
    v = ligne.valeurs
    arguments: dict[str, Any] = {
        "donnees": {c.champ: v[c.nom] for c in COLONNES if c.cible == Cible.DEMANDE and c.nom in presentes},
        "personnes": _menage(ligne, presentes, existante),
    }
    for c in COLONNES:
        if c.cible == Cible.LISTE and c.type == T.LISTE and c.nom in presentes:
            arguments[c.champ] = v[c.nom]
    return arguments


_CLE_INDEXEE = re.compile(r"(\w+)\[(\d+)\](?:\.(\w+))?")
_COLONNE_DE_CLE = {"communes": "communes_souhaitees", "guichet": "code_guichet", "personnes": "personnes"}


def _erreurs_service(numero: int, exc: Any, menage: list[dict[str, Any]]) -> list[ErreurImport]:
    """Map the located keys of a service ``ValidationError`` back to the columns of the file."""
    messages: dict[str, list[str]] = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    nb_plats = sum(p.get("role") != enums.RolePersonne.PERSONNE_A_LOGER for p in menage)
    erreurs = []
    for cle, textes in messages.items():
        colonne: str | None
        prefixe = ""
        m = _CLE_INDEXEE.fullmatch(cle)
        if m and m.group(1) == "personnes" and m.group(3):
            i, champ = int(m.group(2)), m.group(3)
            role = menage[i].get("role") if i < len(menage) else None
            if role in (enums.RolePersonne.DEMANDEUR, enums.RolePersonne.CODEMANDEUR):
                colonne = f"{champ}_{role}"
                if colonne not in COLONNES_PAR_NOM:
                    colonne, prefixe = None, f"{role}, champ {champ} : "
            else:
                colonne, prefixe = "personnes", f"personne n° {i - nb_plats + 1} ({champ}) : "
        else:
            base = m.group(1) if m else cle
            colonne = _COLONNE_DE_CLE.get(base, base if base in COLONNES_PAR_NOM else None)
            if colonne is None and cle != "__all__":
                prefixe = f"{cle} : "
        erreurs += [ErreurImport(numero, colonne, f"{prefixe}{t}") for t in textes]
    return erreurs


def _egal(colonne: Colonne, a: Any, b: Any) -> bool:
    if colonne.type == T.LISTE and not colonne.ordonnee:
        return sorted(a) == sorted(b)
    return bool(a == b)


class _Import:
    """State of one import run: the report, the numbers already seen, the demands one may update."""

    def __init__(
        self, *, guichet: Organisation, auteur: Any, colonnes: tuple[str, ...], rapport: RapportImport
    ) -> None:
        self.guichet = guichet
        self.auteur = auteur
        self.presentes = frozenset(colonnes)
        self.rapport = rapport
        self.vus: dict[str, int] = {}
        self.modifiables = (
            _demandes_modifiables(guichet, auteur).select_related("guichet").prefetch_related("personnes")
        )

    def erreur(self, ligne: LigneLue, colonne: str | None, message: str) -> None:
        self.rapport.erreurs.append(ErreurImport(ligne.numero, colonne, message))

    def inchangee(self, ligne: LigneLue, demande: Demande) -> bool:
        """Whether the line says exactly what the database holds (compared as the export would write it)."""
        from attrib.demandes.models import Demande

        meme = Demande.objects.filter(pk=demande.pk)
        [actuelles] = _valeurs(meme, voir_sensibles=True, priorites_sensibles=frozenset())
        for nom in self.presentes:
            c = COLONNES_PAR_NOM[nom]
            if c.lecture_seule or c.cible == Cible.IDENTIFICATION:
                continue
            try:
                relue = convertir(c, formater(c, actuelles[nom]))
            except ValeurInvalide:
                return False
            if not _egal(c, ligne.valeurs[nom], relue):
                return False
        return True

    def cible_mise_a_jour(self, ligne: LigneLue, numero: str) -> Demande | None:
        v = ligne.valeurs
        if numero in self.vus:
            self.erreur(ligne, "numero_unique", f"la demande {numero} figure déjà ligne {self.vus[numero]} du fichier")
            return None
        self.vus[numero] = ligne.numero
        demande = self.modifiables.filter(numero_unique=numero).first()
        if demande is None:
            self.erreur(ligne, "numero_unique", f"aucune demande accessible ne porte le numéro « {numero} »")
            return None
        code = v["code_guichet"]
        if code and code.upper() != demande.guichet.code_guichet.upper():
            self.erreur(
                ligne,
                "code_guichet",
                f"le guichet enregistreur ({demande.guichet.code_guichet}) ne peut pas être modifié",
            )
            return None
        depot = v["date_depot_initiale"]
        if depot and depot != demande.date_depot_initiale:
            self.erreur(
                ligne,
                "date_depot_initiale",
                f"la date de dépôt initiale ({demande.date_depot_initiale:{FORMAT_DATE}}) ne peut pas être modifiée",
            )
            return None
        return demande

    def importer(self, ligne: LigneLue) -> None:
        from attrib.demandes.services import demande_enregistrer, demande_modifier

        v = ligne.valeurs
        numero = v["numero_unique"].upper()
        existante = None
        if numero:
            existante = self.cible_mise_a_jour(ligne, numero)
            if existante is None:
                return
            if self.inchangee(ligne, existante):
                self.rapport.inchangees.append(numero)
                return
        elif v["code_guichet"] and v["code_guichet"].upper() != self.guichet.code_guichet.upper():
            self.erreur(
                ligne,
                "code_guichet",
                f"ce fichier est importé pour le guichet {self.guichet.code_guichet}, pas {v['code_guichet']}",
            )
            return
        arguments = _arguments_service(ligne, self.presentes, existante)
        # Each service call is atomic: inside the all-or-nothing transaction it is a savepoint, so a
        # refused line leaves no trace and the following lines are still checked.
        try:
            if existante is not None:
                demande_modifier(demande=existante, auteur=self.auteur, organisation=self.guichet, **arguments)
                self.rapport.mises_a_jour.append(numero)
            else:
                demande = demande_enregistrer(
                    guichet=self.guichet, auteur=self.auteur, date_depot=v["date_depot_initiale"], **arguments
                )
                self.rapport.creees.append(demande.numero_unique)
        except ValidationError as exc:
            self.rapport.erreurs += _erreurs_service(ligne.numero, exc, arguments["personnes"])
        except IntegrityError:
            self.erreur(ligne, None, "enregistrement refusé par la base de données (données incohérentes)")


def importer_demandes(*, fichier: Source, guichet: Organisation, auteur: Any, tout_ou_rien: bool) -> RapportImport:
    """Import a file of the format on behalf of ``guichet``.

    ``fichier``: path, bytes or file object (e.g. an uploaded file). ``auteur``: the user (``None`` for
    a system import: the desk's perimeter then bounds the updates). An empty ``numero_unique`` registers
    a new demand, a filled one updates that demand. ``tout_ou_rien``: any error and nothing is written;
    otherwise every valid line is written on its own and every invalid one is reported.
    """
    rapport = RapportImport(tout_ou_rien=tout_ou_rien)
    refus = _refus_import(guichet, auteur)
    if refus:
        rapport.erreurs.append(ErreurImport(None, None, refus))
        rapport.annule = True
        return rapport
    lecture = lire_demandes(fichier)
    rapport.erreurs += lecture.erreurs
    if rapport.erreurs:
        rapport.annule = True
        return rapport
    etat = _Import(guichet=guichet, auteur=auteur, colonnes=lecture.colonnes, rapport=rapport)

    def tout_lire() -> None:
        for ligne in lecture.lignes:
            rapport.lignes_lues += 1
            if ligne.erreurs:
                rapport.erreurs += ligne.erreurs
            else:
                etat.importer(ligne)

    if not tout_ou_rien:
        tout_lire()
    else:
        with transaction.atomic():
            tout_lire()
            if rapport.erreurs:
                transaction.set_rollback(True)
    rapport.lignes_valides = rapport.nb_creees + rapport.nb_mises_a_jour + len(rapport.inchangees)
    if tout_ou_rien and rapport.erreurs:
        rapport.annule = True
        rapport.creees, rapport.mises_a_jour, rapport.inchangees = [], [], []
    return rapport


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------


_CHAMPS_DEMANDE = tuple(c.champ for c in COLONNES if c.cible in (Cible.DEMANDE, Cible.IDENTIFICATION) and c.champ)
_CHAMPS_PERSONNE_EXPORT = tuple(
    dict.fromkeys(
        ["demande_id", "role", "lien", "prenoms", "nom", "date_naissance", *DRAPEAUX_PERSONNE]
        + [c.champ for c in COLONNES if c.cible in (Cible.DEMANDEUR, Cible.CODEMANDEUR)]
    )
)


@dataclass
class _Liens:
    personnes: list[dict[str, Any]] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    motifs: list[str] = field(default_factory=list)
    priorites: list[str] = field(default_factory=list)


def _liens(ids: list[int]) -> dict[int, _Liens]:
    """The related rows of a chunk of demands: four queries, plain values (no model instances)."""
    from attrib.demandes.models import CommuneSouhaitee, MotifSecondaire, Personne, SituationPrioritaire

    liens = {pk: _Liens() for pk in ids}
    for personne in Personne.objects.filter(demande_id__in=ids).order_by("id").values(*_CHAMPS_PERSONNE_EXPORT):
        liens[personne["demande_id"]].personnes.append(personne)
    for pk, commune in (
        CommuneSouhaitee.objects.filter(demande_id__in=ids).order_by("rang").values_list("demande_id", "commune_id")
    ):
        liens[pk].communes.append(commune)
    for pk, motif in (
        MotifSecondaire.objects.filter(demande_id__in=ids).order_by("motif").values_list("demande_id", "motif")
    ):
        liens[pk].motifs.append(motif)
    situations = SituationPrioritaire.objects.filter(demande_id__in=ids).order_by("priorite_id")
    for pk, code in situations.values_list("demande_id", "priorite_id"):
        liens[pk].priorites.append(code)
    return liens


def _valeurs_ligne(
    demande: dict[str, Any], liens: _Liens, *, voir_sensibles: bool, priorites_sensibles: frozenset[str]
) -> dict[str, Any]:
    """Typed values of one row (``None`` = empty cell) from the demand's values and its related rows."""
    role = enums.RolePersonne
    plats = {p["role"]: p for p in liens.personnes if p["role"] != role.PERSONNE_A_LOGER}
    demandeur, codemandeur = plats.get(role.DEMANDEUR), plats.get(role.CODEMANDEUR)
    valeurs: dict[str, Any] = {}
    for c in COLONNES:
        if c.cible == Cible.DEMANDEUR:
            valeurs[c.nom] = demandeur[c.champ] if demandeur else None
        elif c.cible == Cible.CODEMANDEUR:
            valeurs[c.nom] = codemandeur[c.champ] if codemandeur else None
        elif c.champ in demande:
            valeurs[c.nom] = demande[c.champ]
    motif, motifs, priorites = demande["motif_principal"], liens.motifs, liens.priorites
    if not voir_sensibles:
        motif = "" if motif in enums.MOTIFS_SENSIBLES else motif
        motifs = [m for m in motifs if m not in enums.MOTIFS_SENSIBLES]
        priorites = [p for p in priorites if p not in priorites_sensibles]
    valeurs |= {
        "sensibles_masques": not voir_sensibles,
        "motif_principal": motif,
        "motifs_secondaires": motifs,
        "priorites": priorites,
        "communes_souhaitees": liens.communes,
        "personnes": [
            {k: p[k] for k in ("lien", "date_naissance", "prenoms", "nom", *DRAPEAUX_PERSONNE)}
            for p in liens.personnes
            if p["role"] == role.PERSONNE_A_LOGER
        ],
    }
    return valeurs


def _valeurs(
    demandes: QuerySet[Demande], *, voir_sensibles: bool, priorites_sensibles: frozenset[str], taille_bloc: int = 2000
) -> Iterator[dict[str, Any]]:
    """Rows of ``demandes`` in the queryset's order, read by chunks: five queries per chunk, whatever its size."""
    bloc: list[dict[str, Any]] = []

    def vider() -> Iterator[dict[str, Any]]:
        liens = _liens([d["pk"] for d in bloc])
        for d in bloc:
            yield _valeurs_ligne(
                d, liens[d["pk"]], voir_sensibles=voir_sensibles, priorites_sensibles=priorites_sensibles
            )

    for demande in demandes.values("pk", *_CHAMPS_DEMANDE).iterator(chunk_size=taille_bloc):
        bloc.append(demande)
        if len(bloc) == taille_bloc:
            yield from vider()
            bloc = []
    yield from vider()


def _lignes_export(demandes: QuerySet[Demande], user: Any) -> Iterator[dict[str, Any]]:
    """Rows of the demands ``user`` may see (all of them when ``user`` is None).

    Sensitive situations are masked unless ``user`` may see them (never for ``user=None``).
    """
    from attrib.demandes.models import PrioriteLegale
    from attrib.organisations.permissions import filtre_demandes_visibles, peut_voir_situations_sensibles

    if user is not None:
        demandes = demandes.filter(filtre_demandes_visibles(user))
    voir = user is not None and peut_voir_situations_sensibles(user)
    sensibles = frozenset(PrioriteLegale.objects.filter(sensible=True).values_list("code", flat=True))
    return _valeurs(demandes, voir_sensibles=voir, priorites_sensibles=sensibles)


class _Echo:
    def write(self, valeur: str) -> str:
        return valeur


def iterer_demandes_csv(*, demandes: QuerySet[Demande], user: Any) -> Iterator[str]:
    """CSV text of the export, piece by piece (for ``StreamingHttpResponse``): BOM and header first."""
    sortie = csv.writer(_Echo(), delimiter=SEPARATEUR)
    yield "\ufeff" + sortie.writerow([c.nom for c in COLONNES])
    for valeurs in _lignes_export(demandes, user):
        yield sortie.writerow([formater(c, valeurs[c.nom]) for c in COLONNES])


def exporter_demandes_csv(*, demandes: QuerySet[Demande], flux: Any, user: Any) -> int:
    """Write the demands to ``flux`` (any object with ``write(str)``) in the import format; returns the row count."""
    morceaux = iterer_demandes_csv(demandes=demandes, user=user)
    flux.write(next(morceaux))
    n = 0
    for morceau in morceaux:
        flux.write(morceau)
        n += 1
    return n


_LARGEURS = {T.DATE: 12, T.BOOLEEN: 8, T.DECIMAL: 11, T.ENTIER: 8, T.PERSONNES: 50, T.LISTE: 22}


def exporter_demandes_xlsx(*, demandes: QuerySet[Demande], flux: IO[bytes], user: Any) -> int:
    """Write the demands as an Excel workbook to ``flux`` (binary); returns the row count.

    Same columns as the CSV; styled and frozen header row, column widths, dates as dates,
    amounts as numbers. Written in openpyxl's streaming mode.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("Demandes")
    feuille.freeze_panes = "A2"
    for i, c in enumerate(COLONNES, start=1):
        largeur = max(len(c.nom) + 2, _LARGEURS.get(c.type, 14))
        feuille.column_dimensions[get_column_letter(i)].width = min(largeur, 60)
    police, fond = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="000091")
    entete = []
    for c in COLONNES:
        titre = WriteOnlyCell(feuille, value=c.nom)
        titre.font, titre.fill, titre.alignment = police, fond, Alignment(vertical="center")
        entete.append(titre)
    feuille.append(entete)

    def valeur_excel(c: Colonne, valeur: Any) -> Any:
        if valeur is None:
            return None
        if c.type == T.DATE:
            cell = WriteOnlyCell(feuille, value=valeur)
            cell.number_format = "DD/MM/YYYY"
            return cell
        if c.type == T.DECIMAL:
            cell = WriteOnlyCell(feuille, value=valeur)
            cell.number_format = "#,##0.00"
            return cell
        if c.type == T.ENTIER:
            return valeur
        texte = formater(c, valeur) if c.type != T.TEXTE else str(valeur)
        if texte.startswith(_PROTEGES):
            cell = WriteOnlyCell(feuille, value=texte)
            cell.data_type = "s"  # text, never a formula
            return cell
        return texte

    n = 0
    for valeurs in _lignes_export(demandes, user):
        feuille.append([valeur_excel(c, valeurs[c.nom]) for c in COLONNES])
        n += 1
    classeur.save(flux)
    return n
