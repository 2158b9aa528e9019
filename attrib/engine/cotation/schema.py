"""JSON schema of the grid document (published as ``docs/schemas/grille-cotation.schema.json``).

The loader checks every document against it (``jsonschema``, draft 2020-12) and words each violation
in French with its line; the finer rules (one test per condition, legal block, types of the columns,
signs of bonus and malus…) are checked after, by :mod:`attrib.engine.cotation.grille`.
"""

from __future__ import annotations

import json
from typing import Any

from attrib.engine.cotation.conditions import COMPARAISONS, CONTIENT, OPERATIONS

IDENTIFIANT = r"^[a-z][a-z0-9_]*$"
NATURES = ("critere", "bonus", "malus")
VALIDATIONS = ("aucune", "justificatif", "travailleur_social")
PUBLICS = ("toutes", "premieres_demandes", "mutations")
SCORES = ("provisoire", "valide")
ORDRES = ("croissant", "decroissant")

_TEXTE = {"type": "string"}
_TEXTE_NON_VIDE = {"type": "string", "minLength": 1}
_DATE = {"type": "string", "format": "date"}
_DATE_OU_NULL = {"anyOf": [_DATE, {"type": "null"}]}
_ENTIER_OU_NULL = {"type": ["integer", "null"]}
_SCALAIRE = {"type": ["string", "number", "boolean"]}
_LISTE_SCALAIRES = {"type": "array", "items": _SCALAIRE, "minItems": 1}


def _operande() -> dict[str, Any]:
    proprietes: dict[str, Any] = {
        op: {"type": "array", "items": {"$ref": "#/$defs/operande"}, "minItems": 2} for op in OPERATIONS
    }
    proprietes |= {
        "champ": _TEXTE_NON_VIDE,
        "evenements": _TEXTE_NON_VIDE,
        "mois": {"type": "integer", "minimum": 1},
        "longueur": _TEXTE_NON_VIDE,
        "mois_depuis": _TEXTE_NON_VIDE,
        "calcul": {"$ref": "#/$defs/operande"},
    }
    return {
        "description": "Valeur : nom de colonne (texte), nombre, ou dictionnaire (calcul, evenements…).",
        "anyOf": [
            _TEXTE_NON_VIDE,
            {"type": "number"},
            {"type": "object", "properties": proprietes, "additionalProperties": False, "minProperties": 1},
        ],
    }


def _condition() -> dict[str, Any]:
    valeur_comparee = {"anyOf": [_SCALAIRE, {"type": "object"}]}
    proprietes: dict[str, Any] = {
        "tous": {"type": "array", "items": {"$ref": "#/$defs/condition"}, "minItems": 1},
        "un_de": {"type": "array", "items": {"$ref": "#/$defs/condition"}, "minItems": 1},
        "non": {"$ref": "#/$defs/condition"},
        "champ": _TEXTE_NON_VIDE,
        "evenements": _TEXTE_NON_VIDE,
        "mois": {"type": "integer", "minimum": 1},
        "longueur": _TEXTE_NON_VIDE,
        "mois_depuis": _TEXTE_NON_VIDE,
        "calcul": {"type": "object"},
        **{op: valeur_comparee for op in COMPARAISONS},
        "entre": {"type": "array", "items": _SCALAIRE, "minItems": 2, "maxItems": 2},
        "parmi": _LISTE_SCALAIRES,
        "hors": _LISTE_SCALAIRES,
        CONTIENT[0]: _SCALAIRE,
        CONTIENT[1]: _LISTE_SCALAIRES,
        CONTIENT[2]: _LISTE_SCALAIRES,
        "renseigne": {"type": "boolean"},
    }
    return {
        "description": "Condition : un test sur une valeur, ou une combinaison tous / un_de / non.",
        "type": "object",
        "properties": proprietes,
        "additionalProperties": False,
        "minProperties": 1,
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:attrib:schemas:grille-cotation:1",
    "title": "Grille de cotation des demandes de logement social (Attrib)",
    "description": "Document YAML décrit dans docs/cotation.md (L441-2-8 et R441-2-10 CCH).",
    "type": "object",
    "required": ["identifiant", "libelle", "date_effet", "sections"],
    "additionalProperties": False,
    "properties": {
        "identifiant": {"$ref": "#/$defs/identifiant"},
        "libelle": _TEXTE_NON_VIDE,
        "version": {"type": ["string", "integer"]},
        "public": {"enum": list(PUBLICS)},
        "territoire": _TEXTE,
        "source": _TEXTE,
        "description": _TEXTE,
        "date_effet": _DATE,
        "date_fin": _DATE_OU_NULL,
        "plafond_total": _ENTIER_OU_NULL,
        "plancher_total": _ENTIER_OU_NULL,
        "classement": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "score": {"enum": list(SCORES)},
                "departage": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["champ"],
                        "additionalProperties": False,
                        "properties": {"champ": _TEXTE_NON_VIDE, "ordre": {"enum": list(ORDRES)}},
                    },
                },
            },
        },
        "valeurs": {"type": "array", "items": {"$ref": "#/$defs/valeur"}},
        "sections": {"type": "array", "items": {"$ref": "#/$defs/section"}, "minItems": 1},
    },
    "$defs": {
        "identifiant": {"type": "string", "pattern": IDENTIFIANT},
        "operande": _operande(),
        "condition": _condition(),
        "valeur": {
            "type": "object",
            "required": ["id", "libelle", "calcul"],
            "additionalProperties": False,
            "properties": {
                "id": {"$ref": "#/$defs/identifiant"},
                "libelle": _TEXTE_NON_VIDE,
                "calcul": {"$ref": "#/$defs/operande"},
                "unite": _TEXTE,
                "source": _TEXTE,
                "description": _TEXTE,
            },
        },
        "points": {
            "anyOf": [
                {"type": "integer"},
                {
                    "type": "object",
                    "required": ["par_unite", "valeur"],
                    "additionalProperties": False,
                    "properties": {
                        "base": {"type": "integer"},
                        "par_unite": {"type": "number"},
                        "valeur": {"$ref": "#/$defs/operande"},
                        "plafond": {"type": ["integer", "null"], "minimum": 0},
                        "unite": _TEXTE,
                    },
                },
            ]
        },
        "critere": {
            "type": "object",
            "required": ["id", "libelle", "base_legale", "points"],
            "additionalProperties": False,
            "properties": {
                "id": {"$ref": "#/$defs/identifiant"},
                "libelle": _TEXTE_NON_VIDE,
                "nature": {"enum": list(NATURES)},
                "base_legale": _TEXTE_NON_VIDE,
                "source": _TEXTE,
                "description": _TEXTE,
                "priorites_legales": {"type": "array", "items": _TEXTE_NON_VIDE},
                "condition": {"$ref": "#/$defs/condition"},
                "points": {"$ref": "#/$defs/points"},
                "validation": {"enum": list(VALIDATIONS)},
                "date_debut": _DATE_OU_NULL,
                "date_fin": _DATE_OU_NULL,
            },
        },
        "section": {
            "type": "object",
            "required": ["id", "libelle", "criteres"],
            "additionalProperties": False,
            "properties": {
                "id": {"$ref": "#/$defs/identifiant"},
                "libelle": _TEXTE_NON_VIDE,
                "description": _TEXTE,
                "exclusive": {"type": "boolean"},
                "plafond": _ENTIER_OU_NULL,
                "plancher": _ENTIER_OU_NULL,
                "criteres": {"type": "array", "items": {"$ref": "#/$defs/critere"}, "minItems": 1},
            },
        },
    },
}


def schema_json() -> str:
    """Text of the published schema file."""
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"
