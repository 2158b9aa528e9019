"""Reading a grid's YAML text while keeping the line of every path; syntax errors and duplicate keys in French.

The text goes through the bounded loader :mod:`attrib.engine.yaml_borne` (size, depth, nodes, no alias)."""

from __future__ import annotations

from typing import Any

import yaml

from attrib.engine.cotation.conditions import sous_chemin
from attrib.engine.cotation.grille.messages import GrilleInvalide, MessageGrille
from attrib.engine.yaml_borne import YamlRefuse, composer_yaml_borne


def _yaml_avec_lignes(texte: str, origine: str) -> tuple[Any, dict[str, int]]:
    try:
        donnees, noeud = composer_yaml_borne(texte)
    except YamlRefuse as exc:
        raise GrilleInvalide([MessageGrille(origine, exc.ligne, "", exc.raison)]) from None
    lignes: dict[str, int] = {"": 1}
    doublons: list[tuple[str, int, str]] = []
    if noeud is not None:
        _parcourir(noeud, "", lignes, doublons)
    if doublons:
        raise GrilleInvalide([MessageGrille(origine, ligne, chemin, message) for chemin, ligne, message in doublons])
    return donnees, lignes


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
