"""Columns a cotation grid may read, with their kind, their closed list of codes and where they come from.

Four origins (``docs/cotation.md`` lists them all, from :func:`documentation_colonnes`):

* ``fichier``: the columns of the interchange format (:mod:`attrib.engine.formats.demandes_csv`);
* ``menage``: household facts computed when reading the file (persons, ages, resources, département);
* ``derivee``: the engine's derivations (:func:`attrib.engine.derivations.deriver`): category, ceilings,
  eligibility, seniority, délai anormalement long;
* ``application``: facts only the application knows (validated criteria, refusals of adapted offers,
  committee rankings, established false declarations…). The offline command treats them as empty
  when the file does not carry them, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from attrib.engine.cotation.conditions import LIBELLES_GENRES, Genre
from attrib.engine.derivations import colonnes_sortie
from attrib.engine.formats.demandes_csv import COLONNES, TypeColonne
from attrib.engine.parametres import FINANCEMENTS, ZONES

Origine = Literal["fichier", "menage", "derivee", "application"]

#: Column listing the ids of the criteria validated (by a document or a social worker) for a demand.
COLONNE_CRITERES_VALIDES = "criteres_valides"


@dataclass(frozen=True)
class ColonneCotation:
    nom: str
    genre: Genre
    origine: Origine
    description: str
    codes: tuple[str, ...] = ()
    #: Value the offline command uses when a file does not carry this (application) column.
    vide: object = None


_GENRES_FORMAT: Mapping[TypeColonne, Genre] = {
    TypeColonne.TEXTE: "texte",
    TypeColonne.CODE: "texte",
    TypeColonne.DATE: "date",
    TypeColonne.ENTIER: "nombre",
    TypeColonne.DECIMAL: "nombre",
    TypeColonne.BOOLEEN: "booleen",
    TypeColonne.LISTE: "liste",
}


def _fichier() -> list[ColonneCotation]:
    return [
        ColonneCotation(c.nom, _GENRES_FORMAT[c.type], "fichier", c.description, c.codes)
        for c in COLONNES
        if c.type in _GENRES_FORMAT
    ]


_MENAGE: tuple[ColonneCotation, ...] = (
    ColonneCotation("ligne", "nombre", "menage", "Numéro de la ligne dans le fichier lu (1 = en-tête)"),
    ColonneCotation("codemandeur", "booleen", "menage", "Un co-demandeur est décrit"),
    ColonneCotation("nb_personnes", "nombre", "menage", "Demandeur, co-demandeur et autres personnes à loger"),
    ColonneCotation(
        "nb_personnes_a_charge", "nombre", "menage", "Autres personnes à loger portant le drapeau a_charge"
    ),
    ColonneCotation("couple", "booleen", "menage", "Co-demandeur ou autre personne de lien conjoint"),
    ColonneCotation("age_demandeur", "nombre", "menage", "Âge du demandeur en années révolues"),
    ColonneCotation("age_codemandeur", "nombre", "menage", "Âge du co-demandeur (ou du conjoint) en années révolues"),
    ColonneCotation("nb_handicap", "nombre", "menage", "Personnes titulaires de la CMI « invalidité »"),
    ColonneCotation(
        "revenus_mensuels",
        "nombre",
        "menage",
        "Ressources mensuelles du demandeur et du co-demandeur, moins les pensions alimentaires versées (€)",
    ),
    ColonneCotation("departement", "texte", "menage", "Département de la première commune souhaitée"),
    ColonneCotation("zone_plafond", "texte", "menage", "Zone de plafonds de la première commune souhaitée", ZONES),
    ColonneCotation(
        "nb_moins_14_ans", "nombre", "menage", "Autres personnes à loger de moins de 14 ans (échelle des UC)"
    ),
)

_DESCRIPTIONS_DERIVEES: Mapping[str, tuple[Genre, str]] = {
    "categorie_menage": ("nombre", "Catégorie de ménage (arrêté du 29 juillet 1987), 1 à 6"),
    "personnes_supplementaires": ("nombre", "Personnes au-delà de la catégorie 6"),
    "unites_consommation": ("nombre", "Unités de consommation (échelle OCDE modifiée)"),
    "revenu_annuel_par_uc": ("nombre", "Ressources mensuelles × 12 / unités de consommation (€)"),
    "anciennete_mois": ("nombre", "Mois entiers écoulés depuis le premier dépôt"),
    "delai_anormalement_long_mois": ("nombre", "Délai anormalement long du département et de la typologie (mois)"),
    "dal_depasse": ("booleen", "Ancienneté au moins égale au délai anormalement long (vide : délai non renseigné)"),
}


def _derivees() -> list[ColonneCotation]:
    colonnes = []
    for nom in colonnes_sortie(FINANCEMENTS):
        if nom in _DESCRIPTIONS_DERIVEES:
            genre, description = _DESCRIPTIONS_DERIVEES[nom]
        elif nom.startswith("plafond_"):
            genre, description = "nombre", f"Plafond de ressources {nom.removeprefix('plafond_').upper()} du ménage (€)"
        else:
            financement = nom.removeprefix("eligible_").upper()
            genre, description = "booleen", f"Revenu fiscal de référence sous le plafond {financement}"
        colonnes.append(ColonneCotation(nom, genre, "derivee", description))
    return colonnes


_APPLICATION: tuple[ColonneCotation, ...] = (
    ColonneCotation(
        COLONNE_CRITERES_VALIDES,
        "liste",
        "application",
        "Identifiants des critères de la grille validés pour la demande (justificatif vérifié ou avis d'un "
        "travailleur social)",
        vide=[],
    ),
    ColonneCotation(
        "refus_offres_adaptees",
        "liste_dates",
        "application",
        "Dates des refus par le demandeur d'un logement adapté à ses besoins et capacités (R441-2-10 CCH) ; "
        "l'absence de réponse dans le délai de R441-10 vaut refus",
        vide=[],
    ),
    ColonneCotation(
        "classements_rang_2_ou_3",
        "liste_dates",
        "application",
        "Dates des commissions d'attribution où la demande a été classée 2e ou 3e (« poulidor »)",
        vide=[],
    ),
    ColonneCotation(
        "fausses_declarations",
        "liste_dates",
        "application",
        "Dates des fausses déclarations établies par le service instructeur",
        vide=[],
    ),
    ColonneCotation(
        "pieces_a_jour",
        "booleen",
        "application",
        "Toutes les pièces justificatives demandées sont fournies et en cours de validité",
        vide=False,
    ),
    ColonneCotation(
        "emploi_essentiel",
        "booleen",
        "application",
        "Le demandeur ou le co-demandeur exerce un métier essentiel au sens de la convention "
        "intercommunale d'attribution (L441-1 CCH, 3DS)",
        vide=False,
    ),
)

COLONNES_COTATION: tuple[ColonneCotation, ...] = (*_fichier(), *_MENAGE, *_derivees(), *_APPLICATION)
PAR_NOM: Mapping[str, ColonneCotation] = {c.nom: c for c in COLONNES_COTATION}
GENRES_CONNUS: Mapping[str, Genre] = {c.nom: c.genre for c in COLONNES_COTATION}
COLONNES_DERIVEES: frozenset[str] = frozenset(c.nom for c in COLONNES_COTATION if c.origine == "derivee")
COLONNES_APPLICATION: Mapping[str, ColonneCotation] = {c.nom: c for c in _APPLICATION}

#: Where the applicant lives: a criterion on these alone is a legal risk (L441-1 CCH: the absence of a
#: link with the commune cannot alone justify a refusal; Code pénal 225-1: place of residence).
COLONNES_RESIDENCE: frozenset[str] = frozenset({"adresse_demandeur", "code_postal_demandeur", "ville_demandeur"})

#: Columns revealing a ground of discrimination of Code pénal 225-1, with the ground.
MOTIFS_PROTEGES: Mapping[str, str] = {
    "nationalite_demandeur": "la nationalité ou l'origine",
    "nationalite_codemandeur": "la nationalité ou l'origine",
    "civilite_demandeur": "le sexe",
    "civilite_codemandeur": "le sexe",
    "nom_demandeur": "le patronyme",
    "nom_naissance_demandeur": "le patronyme",
    "prenoms_demandeur": "le patronyme",
    "nom_codemandeur": "le patronyme",
    "nom_naissance_codemandeur": "le patronyme",
    "prenoms_codemandeur": "le patronyme",
    "date_naissance_demandeur": "l'âge",
    "date_naissance_codemandeur": "l'âge",
    "age_demandeur": "l'âge",
    "age_codemandeur": "l'âge",
    "situation_familiale_demandeur": "la situation de famille",
    "situation_familiale_codemandeur": "la situation de famille",
}
#: Grounds a criterion may use when it implements a legal priority (L441-1 names age, family and health
#: situations: "jeunes de moins de 30 ans" objectives, ASE, handicap…).
MOTIFS_ADMIS_SI_PRIORITE: frozenset[str] = frozenset({"l'âge", "la situation de famille"})
#: Words of a criterion's label that name a protected ground with no column in the format.
MOTS_PROTEGES: Mapping[str, str] = {
    "nationalit": "la nationalité",
    "origine ethnique": "l'origine",
    "ethni": "l'appartenance à une ethnie",
    "race": "une prétendue race",
    "religi": "la religion",
    "orientation sexuelle": "l'orientation sexuelle",
    "identité de genre": "l'identité de genre",
    "opinion": "les opinions politiques",
    "syndica": "les activités syndicales",
    "patronyme": "le patronyme",
    "grossesse": "la grossesse",
}


def documentation_colonnes() -> str:
    """Markdown table of the columns a grid may read (embedded in ``docs/cotation.md``)."""
    origines = {
        "fichier": "fichier d'échange",
        "menage": "ménage (calculé à la lecture)",
        "derivee": "dérivée par le moteur",
        "application": "application",
    }
    lignes = ["| Colonne | Type | Origine | Description | Codes |", "|---|---|---|---|---|"]
    for c in COLONNES_COTATION:
        codes = ", ".join(f"`{code}`" for code in c.codes)
        description = c.description.replace("|", "\\|")
        lignes.append(f"| `{c.nom}` | {LIBELLES_GENRES[c.genre]} | {origines[c.origine]} | {description} | {codes} |")
    return "\n".join(lignes)
