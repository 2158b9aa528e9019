"""Reading a grid's YAML text while keeping the line of every path; syntax errors and duplicate keys in French."""

from __future__ import annotations

from typing import Any

import yaml

from attrib.engine.cotation.conditions import sous_chemin
from attrib.engine.cotation.grille.messages import GrilleInvalide, MessageGrille


class _Chargeur(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader; an impossible date (2026-13-01) stays text, for the schema to report it with its line."""


def _date_ou_texte(chargeur: Any, noeud: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(chargeur, noeud)
    except ValueError:
        return str(noeud.value)


_Chargeur.add_constructor("tag:yaml.org,2002:timestamp", _date_ou_texte)


def _yaml_avec_lignes(texte: str, origine: str) -> tuple[Any, dict[str, int]]:
    chargeur = _Chargeur(texte)
    try:
        noeud = chargeur.get_single_node()
        donnees = None if noeud is None else chargeur.construct_document(noeud)
    except yaml.MarkedYAMLError as exc:
        marque = exc.problem_mark or exc.context_mark
        ligne = None if marque is None else marque.line + 1
        raison = exc.problem or "syntaxe incorrecte"
        raise GrilleInvalide(
            [MessageGrille(origine, ligne, "", f"YAML illisible : {_traduire_yaml(raison)}")]
        ) from None
    except yaml.YAMLError as exc:
        raise GrilleInvalide([MessageGrille(origine, None, "", f"YAML illisible : {exc}")]) from None
    finally:
        chargeur.dispose()
    lignes: dict[str, int] = {"": 1}
    doublons: list[tuple[str, int, str]] = []
    if noeud is not None:
        _parcourir(noeud, "", lignes, doublons)
    if doublons:
        raise GrilleInvalide([MessageGrille(origine, ligne, chemin, message) for chemin, ligne, message in doublons])
    return donnees, lignes


_TRADUCTIONS_YAML = (
    ("mapping values are not allowed", "« : » inattendu (un texte contenant « : » doit être entre guillemets)"),
    ("could not find expected ':'", "« : » attendu après une clé"),
    ("found character '\\t' that cannot start any token", "tabulation interdite : indentez avec des espaces"),
    ("expected <block end>, but found", "indentation incohérente"),
    ("found undefined alias", "alias non défini"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet ou crochet non fermé ?)"),
)


def _traduire_yaml(raison: str) -> str:
    for anglais, francais in _TRADUCTIONS_YAML:
        if anglais in raison:
            return francais
    return raison


def _parcourir(noeud: yaml.Node, chemin: str, lignes: dict[str, int], doublons: list[tuple[str, int, str]]) -> None:
    if isinstance(noeud, yaml.MappingNode):
        vues: dict[str, int] = {}
        for cle, valeur in noeud.value:
            nom = str(cle.value)
            ici = sous_chemin(chemin, nom)
            if nom in vues:
                doublons.append(
                    (ici, cle.start_mark.line + 1, f"clé « {nom} » présente deux fois (déjà ligne {vues[nom]})")
                )
            vues[nom] = cle.start_mark.line + 1
            lignes.setdefault(ici, cle.start_mark.line + 1)
            _parcourir(valeur, ici, lignes, doublons)
    elif isinstance(noeud, yaml.SequenceNode):
        for i, element in enumerate(noeud.value):
            ici = sous_chemin(chemin, i)
            lignes.setdefault(ici, element.start_mark.line + 1)
            _parcourir(element, ici, lignes, doublons)
