"""Interchange format of demands (``docs/formats/demandes_csv.md``): column specification and reader.

Pure module: no Django, no database. It holds

* the **specification** of the format (``COLONNES``: name, type, closed list of codes, description,
  example, and where the column goes in the application), from which the documentation tables are
  produced (:func:`documentation_colonnes`, :func:`documentation_codes`);
* the **cell conversions** both ways (:func:`convertir`, :func:`formater`);
* the **reader**: :func:`lire_demandes` (lazy, line by line, every error located by line and column)
  and :func:`lire_demandes_polars` (one household row per demand, typed, with the household facts the
  engine needs);
* :func:`completer_menages`, which adds the two inputs of :func:`attrib.engine.derivations.deriver`
  that need reference data: ``zone_plafond`` (zone of the first wished commune) and
  ``nb_moins_14_ans`` (persons under the child age of the consumption-unit scale).

The closed lists are those of the CERFA 14069 form as the application stores them
(``attrib.demandes.enums``); a test checks that both stay identical.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import polars as pl

from attrib.engine import listes_cerfa, validation
from attrib.engine.erreurs import ParametreNonRenseigne
from attrib.engine.formats import lecture
from attrib.engine.formats.cellules import DEBUTS_FORMULE, retirer_neutralisation
from attrib.engine.parametres import ZONES, Parametres, charger_parametres
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre
from attrib.engine.parametres.nombres import pourcentage

SEPARATEUR = ";"
SEPARATEUR_LISTE = "|"
SEPARATEUR_PERSONNE = ":"
SEPARATEUR_DRAPEAUX = "+"
FORMAT_DATE = "%d/%m/%Y"
ZERO = Decimal("0")

#: Flags a person of the ``personnes`` column may carry.
DRAPEAUX_PERSONNE = ("a_charge", "garde_alternee", "enfant_a_naitre", "handicap")

Choix = tuple[tuple[str, str], ...]

# --- Closed lists (CERFA 14069, DOMAIN.md §4), declared once in attrib.engine.listes_cerfa -----------

CIVILITES: Choix = listes_cerfa.Civilite.codes()
NATIONALITES: Choix = listes_cerfa.Nationalite.codes()
SITUATIONS_FAMILIALES: Choix = listes_cerfa.SituationFamiliale.codes()
SITUATIONS_PROFESSIONNELLES: Choix = listes_cerfa.SituationProfessionnelle.codes()
LIENS_PARENTE: Choix = listes_cerfa.LienParente.codes()
CANAUX: Choix = listes_cerfa.Canal.codes()
STATUTS_DEMANDE: Choix = listes_cerfa.StatutDemande.codes()
STATUTS_LOGEMENT_ACTUEL: Choix = listes_cerfa.StatutLogementActuel.codes()
TYPES_LOGEMENT: Choix = listes_cerfa.TypeLogement.codes()
PROCEDURES_EXPULSION: Choix = listes_cerfa.ProcedureExpulsion.codes()
MOTIFS: Choix = listes_cerfa.Motif.codes()

#: The social tenancy status: a demand from a current social tenant is a *mutation* (R441-2-10 11°).
STATUT_LOCATAIRE_SOCIAL = listes_cerfa.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL.value


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
    choix: Choix = ()
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


def _c(nom: str, type_: TypeColonne, description: str, exemple: str = "", **options: Any) -> Colonne:
    options.setdefault("champ", nom)
    return Colonne(nom=nom, type=type_, description=description, exemple=exemple, **options)


T = TypeColonne

#: Fields of the applicant and co-applicant (same columns, suffixed ``_demandeur`` / ``_codemandeur``).
CHAMPS_PERSONNE: tuple[tuple[str, TypeColonne, str, str, dict[str, Any]], ...] = (
    ("civilite", T.CODE, "Civilité", "mme", {"choix": CIVILITES}),
    ("nom", T.TEXTE, "Nom d'usage", "Martin", {}),
    ("nom_naissance", T.TEXTE, "Nom de naissance", "", {}),
    ("prenoms", T.TEXTE, "Prénoms", "Léa", {}),
    ("date_naissance", T.DATE, "Date de naissance", "17/05/1990", {}),
    ("nationalite", T.CODE, "Nationalité", "francaise", {"choix": NATIONALITES}),
    ("situation_familiale", T.CODE, "Situation familiale", "celibataire", {"choix": SITUATIONS_FAMILIALES}),
    (
        "situation_professionnelle",
        T.CODE,
        "Situation professionnelle",
        "cdi",
        {"choix": SITUATIONS_PROFESSIONNELLES},
    ),
    ("employeur_cotisant_action_logement", T.BOOLEEN, "Employeur cotisant à Action Logement", "non", {}),
    (
        "emploi_non_teletravaillable",
        T.BOOLEEN,
        "Emploi qui ne peut pas être exercé en télétravail (personne en emploi seulement)",
        "oui",
        {},
    ),
    (
        "secteur_essentiel",
        T.TEXTE,
        "Secteur essentiel de cet emploi, code de la liste de la CIL (voir « Travailleurs essentiels ») ; "
        "seulement si l'emploi ne peut pas être exercé en télétravail",
        "sante_medico_social",
        {},
    ),
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
CONTACT_DEMANDEUR: tuple[tuple[str, str, str], ...] = (
    ("adresse", "Adresse postale", "3 rue des Lilas"),
    ("code_postal", "Code postal", "11000"),
    ("ville", "Ville", "Carcassonne"),
    ("telephone", "Téléphone", "0612345678"),
    ("email", "Courriel", "lea.martin@example.org"),
)
IDENTITE = ("nom", "prenoms", "date_naissance")


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
                choix=LIENS_PARENTE,
                cible=cible,
                champ="lien",
            )
        )
    for champ, type_, libelle, exemple, options in CHAMPS_PERSONNE:
        if cible == Cible.DEMANDEUR:
            obligatoire, precision = champ in IDENTITE, ""
        else:
            obligatoire = False
            precision = " (obligatoire si un co-demandeur est décrit)" if champ in IDENTITE else ""
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
            for champ, libelle, exemple in CONTACT_DEMANDEUR
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
    _c("canal", T.CODE, "Canal de dépôt de la demande", "guichet", choix=CANAUX, defaut="guichet"),
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
        choix=STATUTS_DEMANDE,
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
        choix=LIENS_PARENTE,
        cible=Cible.LISTE,
    ),
    # Logement actuel
    _c(
        "statut_logement_actuel",
        T.CODE,
        "Situation de logement actuelle",
        "locataire_parc_prive",
        obligatoire=True,
        choix=STATUTS_LOGEMENT_ACTUEL,
    ),
    _c("bailleur_actuel", T.TEXTE, "Bailleur social actuel (mutation)", ""),
    _c("rpls_logement_actuel", T.TEXTE, "Identifiant RPLS du logement actuel", ""),
    _c("type_logement_actuel", T.CODE, "Type du logement actuel", "appartement", choix=TYPES_LOGEMENT),
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
        choix=PROCEDURES_EXPULSION,
        defaut="aucune",
    ),
    _c(
        "expulsion_date_etape",
        T.DATE,
        "Date de l'étape atteinte par la procédure d'expulsion (commandement, jugement ou décision de concours de "
        "la force publique) ; seulement si une procédure est en cours",
        "",
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
        choix=TYPES_LOGEMENT,
        defaut="indifferent",
    ),
    _c("loyer_max", T.DECIMAL, "Loyer maximum souhaité (€)", ""),
    _c(
        "communes_souhaitees",
        T.LISTE,
        "Codes INSEE des communes souhaitées, par ordre de préférence, séparés par « | »",
        "11069|11076",
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
        "Revenus N-1 ou des 12 derniers mois en cas de baisse d'au moins "
        f"{pourcentage(charger_arbre().serie('categories_menage.baisse_revenus_minimum')[-1].valeur)} (€)",
        "",
    ),
    # Motifs et priorités
    _c("motif_principal", T.CODE, "Motif principal de la demande", "trop_cher", obligatoire=True, choix=MOTIFS),
    _c(
        "motifs_secondaires",
        T.LISTE,
        "Motifs secondaires séparés par « | » (sans répéter le motif principal)",
        "trop_petit",
        choix=MOTIFS,
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
    _c("dalo_commission", T.TEXTE, "Commission de médiation qui a rendu la décision DALO", ""),
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
    vues: dict[Choix, list[str]] = {}
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
# Reading
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
    """Raised by :func:`lire_demandes_polars` when the file has errors; ``erreurs`` lists them all."""

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
#: First characters of a text that the export neutralises (``attrib.engine.formats.cellules``).
PROTEGES = DEBUTS_FORMULE


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
    """Typed value of one cell; raises :class:`ValeurInvalide` with a French message quoting the value.

    The apostrophe the export puts before a text a spreadsheet would take as a formula (``'=…``) is removed.
    """
    texte = retirer_neutralisation(brut.strip())
    if not texte:
        return colonne.vide()
    match colonne.type:
        case T.TEXTE:
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


def _format_personnes(personnes: Iterable[Mapping[str, Any]]) -> str:
    blocs = []
    for p in personnes:
        parties = [p["lien"], f"{p['date_naissance']:{FORMAT_DATE}}", p["prenoms"], p["nom"]]
        drapeaux = [d for d in DRAPEAUX_PERSONNE if p[d]]
        if drapeaux:
            parties.append(SEPARATEUR_DRAPEAUX.join(drapeaux))
        blocs.append(SEPARATEUR_PERSONNE.join(parties))
    return SEPARATEUR_LISTE.join(blocs)


def formater(colonne: Colonne, valeur: Any) -> str:
    """Text of one CSV cell; ``convertir(colonne, formater(colonne, v))`` gives ``v`` back.

    The text is written as is: the writer of the exports (``attrib.common.tableurs``) neutralises what a
    spreadsheet would take as a formula, and :func:`convertir` undoes it."""
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
            return str(valeur)
    return str(valeur)


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


def lire_demandes(source: Source, *, masquees_admises: bool = False, regles: bool = False) -> Lecture:
    """Open a file of the format (path, bytes or file object; UTF-8 with or without BOM).

    Lines are read lazily: iterate ``Lecture.lignes``. Nothing here touches a database. A line of an
    export whose sensitive situations were masked cannot update a demand: it is an error, unless
    ``masquees_admises`` (reading for cotation, which then cannot see those situations). ``regles``: also
    apply the rule set of the demand file (:mod:`attrib.engine.validation`) to each line, with the messages
    of the screens and the API (the application's import applies it through the demand services).
    """
    try:
        texte = _texte(source)
    except _Illisible as exc:
        return Lecture((), [exc.erreur], iter(()))
    rangees = lecture.lire_csv(texte, separateurs=(SEPARATEUR,)).lignes
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


DTYPES: dict[TypeColonne, Any] = {
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

#: Household facts added by :func:`lire_demandes_polars`, named as in the engine's input contract
#: (:data:`attrib.engine.menage.COLONNES_ENTREE`).
COLONNES_MENAGE: dict[str, Any] = {
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
#: Columns of the household frame: the file's line number, the file's columns, then the household facts.
SCHEMA_MENAGES: dict[str, Any] = {"ligne": pl.Int64} | {c.nom: DTYPES[c.type] for c in COLONNES} | COLONNES_MENAGE
REVENUS = tuple(c for c, type_, *_ in CHAMPS_PERSONNE if type_ == T.DECIMAL and c != "pension_alimentaire_versee")


def age_au(naissance: date | None, jour: date) -> int | None:
    """Age in whole years on ``jour``."""
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
        (sum(v[f"{r}_{qui}"] for r in REVENUS) - v[f"pension_alimentaire_versee_{qui}"] for qui in adultes),
        ZERO,
    )
    communes = v["communes_souhaitees"]
    conjoints = [p for p in autres if p["lien"] == "conjoint"]
    if ligne.codemandeur:
        age_codemandeur = age_au(v["date_naissance_codemandeur"], jour)
    else:
        # A spouse listed among the other persons is the co-applicant of the household composition.
        age_codemandeur = age_au(conjoints[0]["date_naissance"], jour) if conjoints else None
    ligne_df |= {
        "codemandeur": ligne.codemandeur,
        "nb_personnes": len(adultes) + len(autres),
        "nb_personnes_a_charge": sum(p["a_charge"] for p in autres),
        "couple": (ligne.codemandeur and v["lien_codemandeur"] == "conjoint") or bool(conjoints),
        "age_demandeur": age_au(v["date_naissance_demandeur"], jour),
        "age_codemandeur": age_codemandeur,
        "nb_handicap": sum(bool(v[f"handicap_{qui}"]) for qui in adultes) + sum(p["handicap"] for p in autres),
        "revenus_mensuels": float(revenus),
        "departement": departement_de_commune(communes[0]) if communes else None,
    }
    return ligne_df


def lire_demandes_polars(
    source: Source, *, jour: date | None = None, taille_bloc: int = 10_000, masquees_admises: bool = False
) -> pl.DataFrame:
    """Read a file of the format into one household row per demand (schema :data:`SCHEMA_MENAGES`).

    Ages are computed on ``jour`` (default: today). Pure: no database, no Django. Raises
    :class:`FichierInvalide` listing every located error when any line is invalid (checks that need
    the application's reference data, such as unknown communes, are the importer's job).
    ``masquees_admises``: see :func:`lire_demandes`.
    """
    jour = jour or date.today()
    lecture = lire_demandes(source, masquees_admises=masquees_admises, regles=True)
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
# Inputs of the derivations that need reference data
# --------------------------------------------------------------------------------------------------

RACINE = Path(__file__).resolve().parents[4]
FICHIER_ZONES = DOSSIER_PAR_DEFAUT / "zones_plafonds.yaml"
FICHIER_COMMUNES = RACINE / "data" / "referentiels" / "communes_epci_2026.csv"


@lru_cache(maxsize=4)
def _regions_des_communes(fichier: Path) -> dict[str, str]:
    table = pl.read_csv(fichier, columns=["code_commune", "region"], schema_overrides={"code_commune": pl.String})
    return dict(zip(table["code_commune"].to_list(), table["region"].cast(pl.String).to_list(), strict=True))


def _version_zone(zone: str, jour: date, fichier: Path) -> Mapping[str, Any]:
    """The version of ``zone`` in force on ``jour`` (parameter tree, ``zones_plafonds.<zone>``)."""
    try:
        version: Mapping[str, Any] = charger_arbre(fichier.parent).valeur(f"zones_plafonds.{zone}", jour).valeur
    except ParametreNonRenseigne:
        raise ValueError(f"{fichier.name} : zone « {zone} » non renseignée au {jour:%d/%m/%Y}.") from None
    return version


def zones_des_communes(
    codes: Iterable[str], *, jour: date, fichier_zones: Path = FICHIER_ZONES, fichier_communes: Path = FICHIER_COMMUNES
) -> dict[str, str | None]:
    """Ceiling zone of each commune code on ``jour`` (None for a code unknown to the COG referential).

    Same rule as ``data/parametres/zones_plafonds.yaml`` states: listed as Paris or a neighbouring
    commune, else in an Île-de-France région, else "autres régions".
    """
    limitrophes = {
        c["code_insee"] for c in _version_zone("paris_communes_limitrophes", jour, fichier_zones)["communes"]
    }
    idf = set(_version_zone("ile_de_france", jour, fichier_zones)["regions"])
    regions = _regions_des_communes(fichier_communes)
    zones: dict[str, str | None] = {}
    for code in codes:
        if code in limitrophes:
            zones[code] = ZONES[0]
        elif code not in regions:
            zones[code] = None
        elif regions[code] in idf:
            zones[code] = ZONES[1]
        else:
            zones[code] = ZONES[2]
    return zones


def completer_menages(
    menages: pl.DataFrame, *, date_reference: date, parametres: Parametres | None = None
) -> pl.DataFrame:
    """Add ``zone_plafond`` (zone of the first wished commune) and ``nb_moins_14_ans`` (other persons
    younger than the child age of the consumption-unit scale on ``date_reference``).

    ``menages`` comes from :func:`lire_demandes_polars`. A first wished commune unknown to the COG
    referential leaves ``zone_plafond`` empty (the derivations then name the line).
    """
    p = parametres or charger_parametres()
    seuil = p.echelle_uc(date_reference).age_seuil_enfant
    premieres = menages.select(pl.col("communes_souhaitees").list.first()).to_series()
    zones = zones_des_communes(premieres.drop_nulls().unique().to_list(), jour=date_reference)
    naissance = pl.element().struct.field("date_naissance")
    anniversaire_a_venir = (naissance.dt.month() > date_reference.month) | (
        (naissance.dt.month() == date_reference.month) & (naissance.dt.day() > date_reference.day)
    )
    age = date_reference.year - naissance.dt.year().cast(pl.Int64) - anniversaire_a_venir.cast(pl.Int64)
    moins_14 = pl.col("personnes").list.eval((age < seuil).cast(pl.Int64)).list.sum()
    return menages.with_columns(
        premieres.replace_strict(zones, default=None, return_dtype=pl.String).alias("zone_plafond"),
        moins_14.fill_null(0).cast(pl.Int64).alias("nb_moins_14_ans"),
    )
