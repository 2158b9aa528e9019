"""Checking a grid document against the published JSON schema, each violation worded in French."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from attrib.engine.cotation.conditions import Probleme, sous_chemin
from attrib.engine.cotation.schema import IDENTIFIANT, SCHEMA

_VALIDATEUR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
_TYPES_JSON: Mapping[str, str] = {
    "string": "un texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "object": "un dictionnaire",
    "array": "une liste",
    "null": "rien (null)",
}


def _pour_schema(donnee: Any) -> Any:
    """The document as JSON sees it (dates as ISO text, keys as text)."""
    if isinstance(donnee, dict):
        return {str(k): _pour_schema(v) for k, v in donnee.items()}
    if isinstance(donnee, list):
        return [_pour_schema(v) for v in donnee]
    if isinstance(donnee, date):
        return donnee.isoformat()
    return donnee


def _chemin_json(elements: Sequence[str | int]) -> str:
    chemin = ""
    for e in elements:
        chemin = sous_chemin(chemin, e)
    return chemin


def _repr(valeur: object) -> str:
    if isinstance(valeur, str):
        return f"« {valeur} »"
    if isinstance(valeur, (dict, list)):
        return "un dictionnaire" if isinstance(valeur, dict) else "une liste"
    if valeur is None:
        return "rien"
    return str(valeur).lower() if isinstance(valeur, bool) else str(valeur)


def _message_schema(erreur: ValidationError) -> Probleme:
    chemin = _chemin_json(list(erreur.absolute_path))
    instance = erreur.instance
    valeur = erreur.validator_value
    match erreur.validator:
        case "required":
            manquantes = [k for k in valeur if isinstance(instance, dict) and k not in instance]
            return Probleme(chemin, f"clé obligatoire « {manquantes[0] if manquantes else valeur} » absente")
        case "additionalProperties":
            connues = list(erreur.schema.get("properties", {}))
            extras = [k for k in instance if k not in connues]
            cle = extras[0] if extras else "?"
            proches = difflib.get_close_matches(cle, connues, n=1)
            suggestion = f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
            return Probleme(
                sous_chemin(chemin, cle), f"clé inconnue « {cle} »{suggestion} ; clés admises : {', '.join(connues)}"
            )
        case "type":
            types = [valeur] if isinstance(valeur, str) else list(valeur)
            attendu = " ou ".join(_TYPES_JSON.get(t, t) for t in types)
            return Probleme(chemin, f"attendu {attendu}, reçu {_repr(instance)}")
        case "enum":
            return Probleme(
                chemin, f"valeur {_repr(instance)} non admise ; valeurs admises : {', '.join(map(str, valeur))}"
            )
        case "minItems":
            if valeur == 1:
                return Probleme(chemin, "liste vide : au moins un élément attendu")
            return Probleme(chemin, f"au moins {valeur} éléments attendus, reçu {len(instance)}")
        case "maxItems":
            return Probleme(chemin, f"au plus {valeur} éléments attendus, reçu {len(instance)}")
        case "minLength":
            return Probleme(chemin, "texte vide")
        case "minimum":
            return Probleme(chemin, f"valeur {instance} inférieure au minimum {valeur}")
        case "minProperties":
            return Probleme(chemin, "dictionnaire vide")
        case "pattern":
            if valeur == IDENTIFIANT:
                return Probleme(
                    chemin,
                    f"identifiant {_repr(instance)} invalide : lettres minuscules sans accent, chiffres et « _ », "
                    "en commençant par une lettre",
                )
            return Probleme(chemin, f"valeur {_repr(instance)} de forme incorrecte")
        case "format":
            return Probleme(chemin, f"date {_repr(instance)} invalide (format AAAA-MM-JJ)")
        case "anyOf" | "oneOf":
            return _message_alternative(erreur, chemin)
    return Probleme(chemin, f"valeur {_repr(instance)} incorrecte")


def _message_alternative(erreur: ValidationError, chemin: str) -> Probleme:
    instance = erreur.instance
    branches: list[dict[str, Any]] = list(erreur.validator_value)
    if isinstance(instance, dict):
        internes = [e for e in erreur.context or [] if branches[e.schema_path[0]].get("type") == "object"]
        if internes:
            meilleure = best_match(internes)
            if meilleure is not None:
                return _message_schema(meilleure)
    types: list[str] = []
    for branche in branches:
        t = branche.get("type", "")
        types += [t] if isinstance(t, str) else list(t)
    attendu = " ou ".join(dict.fromkeys(_TYPES_JSON.get(t, t) for t in types if t))
    if chemin.endswith("points"):
        attendu = "un nombre entier de points ou un dictionnaire {par_unite, valeur, plafond…}"
    return Probleme(chemin, f"attendu {attendu}, reçu {_repr(instance)}")


def problemes_schema(donnees: object) -> list[Probleme]:
    """Violations of the published schema, worded in French (at most one per path)."""
    problemes: list[Probleme] = []
    vus: set[str] = set()
    erreurs = sorted(_VALIDATEUR.iter_errors(_pour_schema(donnees)), key=lambda e: [str(p) for p in e.absolute_path])
    for erreur in erreurs:
        probleme = _message_schema(erreur)
        if probleme.chemin not in vus:
            vus.add(probleme.chemin)
            problemes.append(probleme)
    return problemes
