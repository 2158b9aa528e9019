"""A grid document in plain French for the screens: points and conditions as short sentences.

The engine's explanation (``attrib.engine.cotation.expliquer``) says what a grid did for one demand;
these helpers say what a criterion of the document asks, for the version page and the editor.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from attrib.engine.cotation.catalogue import COLONNES_COTATION

_SYMBOLES = {"egal": "=", "different": "≠", "inf": "<", "inf_egal": "≤", "sup": ">", "sup_egal": "≥"}
_ESPACE = "\u00a0"


def nombre(valeur: Any) -> str:
    """A number the French way: thin spaces between thousands, a decimal comma."""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, int):
        return f"{valeur:,}".replace(",", _ESPACE).replace("-", "−")
    if isinstance(valeur, float):
        if valeur.is_integer():
            return nombre(int(valeur))
        texte = f"{valeur:,.4f}".rstrip("0").rstrip(".")
        return texte.replace(",", _ESPACE).replace(".", ",").replace("-", "−")
    return str(valeur)


def _constante(valeur: Any) -> str:
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, (int, float)):
        return nombre(valeur)
    if isinstance(valeur, date):
        return f"{valeur:%d/%m/%Y}"
    return str(valeur)


def operande(donnee: Any) -> str:
    """A value of the document (``docs/cotation.md`` §4) in words."""
    if isinstance(donnee, str):
        return donnee
    if not isinstance(donnee, dict):
        return _constante(donnee)
    if "champ" in donnee:
        return str(donnee["champ"])
    if "evenements" in donnee:
        return f"nombre de {donnee['evenements']} des {donnee.get('mois')} derniers mois"
    if "longueur" in donnee:
        return f"nombre d'éléments de {donnee['longueur']}"
    if "mois_depuis" in donnee:
        return f"mois écoulés depuis {donnee['mois_depuis']}"
    if "calcul" in donnee:
        return operande(donnee["calcul"])
    noms = {"somme": " + ", "difference": " − ", "produit": " × ", "quotient": " / "}
    for cle, termes in donnee.items():
        textes = [operande(t) for t in termes or ()]
        if cle in noms:
            return "(" + noms[cle].join(textes) + ")"
        if cle in ("min", "max"):
            return f"{cle}({', '.join(textes)})"
    return str(donnee)


def condition(donnee: Any) -> str:
    """A condition of the document in words (``—`` when there is none: the criterion always applies)."""
    if not donnee:
        return "toujours"
    if not isinstance(donnee, dict):
        return str(donnee)
    if "tous" in donnee:
        return " et ".join(_entre_parentheses(c) for c in donnee["tous"])
    if "un_de" in donnee:
        return " ou ".join(_entre_parentheses(c) for c in donnee["un_de"])
    if "non" in donnee:
        return f"non ({condition(donnee['non'])})"
    sujet = operande(
        {k: v for k, v in donnee.items() if k in ("champ", "evenements", "mois", "longueur", "mois_depuis", "calcul")}
    )
    for test, symbole in _SYMBOLES.items():
        if test in donnee:
            return f"{sujet} {symbole} {operande(donnee[test]) if isinstance(donnee[test], dict) else _constante(donnee[test])}"
    if "entre" in donnee:
        bas, haut = donnee["entre"]
        return f"{sujet} entre {_constante(bas)} et {_constante(haut)}"
    for test, mot in (
        ("parmi", "parmi"),
        ("hors", "hors de"),
        ("contient_un_de", "contient l'un de"),
        ("contient_tous", "contient tous"),
    ):
        if test in donnee:
            return f"{sujet} {mot} {', '.join(_constante(v) for v in donnee[test])}"
    if "contient" in donnee:
        return f"{sujet} contient {_constante(donnee['contient'])}"
    if "renseigne" in donnee:
        return f"{sujet} {'renseigné' if donnee['renseigne'] else 'non renseigné'}"
    return str(donnee)


def _entre_parentheses(donnee: Any) -> str:
    texte = condition(donnee)
    return f"({texte})" if isinstance(donnee, dict) and ("tous" in donnee or "un_de" in donnee) else texte


def points(donnee: Any) -> str:
    """Points of a criterion: ``+300``, or ``10 par mois de anciennete_mois, plafonné à 600``."""
    if not isinstance(donnee, dict):
        valeur = int(donnee)
        return f"+{nombre(valeur)}" if valeur > 0 else nombre(valeur)
    texte = f"{nombre(donnee['par_unite'])} par {donnee.get('unite') or 'unité'} ({operande(donnee['valeur'])})"
    if donnee.get("base"):
        texte = f"{nombre(donnee['base'])} + {texte}"
    if donnee.get("plafond") is not None:
        texte += f", plafonné à {nombre(donnee['plafond'])}"
    return texte


def libelle_colonne(nom: str) -> str:
    """``nom — description`` for the editor's choices."""
    for colonne in COLONNES_COTATION:
        if colonne.nom == nom:
            return f"{nom} — {colonne.description}"
    return nom
