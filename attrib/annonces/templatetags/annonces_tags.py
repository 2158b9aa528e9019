"""What the screens of location voulue say of a dwelling, in plain French: its financing, its floor, a yes/no."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

#: The financing of a dwelling as a household reads it (the acronym spelt out at its first use).
FINANCEMENTS = {
    "PLAI": "prêt locatif aidé d'intégration (PLAI) : pour les ménages aux ressources les plus faibles",
    "PLUS": "prêt locatif à usage social (PLUS) : le logement social ordinaire",
    "PLS": "prêt locatif social (PLS) : pour les ménages aux ressources moyennes",
}


@register.filter
def financement_en_clair(code: str) -> str:
    """« prêt locatif à usage social (PLUS) : … », or « » for another or an unknown financing."""
    return FINANCEMENTS.get(code or "", "")


@register.filter
def etage_en_clair(etage: int | None) -> str:
    if etage is None:
        return "non renseigné"
    if etage == 0:
        return "rez-de-chaussée"
    if etage < 0:
        return "sous-sol"
    return "1er étage" if etage == 1 else f"{etage}e étage"


@register.filter
def oui_non(valeur: Any) -> str:
    if valeur is None:
        return "non renseigné"
    return "oui" if valeur else "non"


@register.filter
def euros(valeur: Any) -> str:
    """``430.50`` → « 430,50 € » (``430`` → « 430 € »)."""
    if valeur is None or valeur == "":
        return "non renseigné"
    texte = f"{valeur:.2f}"
    if texte.endswith(".00"):
        texte = texte[:-3]
    entier, _, decimales = texte.partition(".")
    groupes = f"{int(entier):,}".replace(",", "\u202f")
    return f"{groupes},{decimales} €" if decimales else f"{groupes} €"


@register.filter
def surface(valeur: Any) -> str:
    if valeur is None:
        return "non renseignée"
    texte = f"{valeur:.2f}".rstrip("0").rstrip(".")
    return texte.replace(".", ",") + " m²"
