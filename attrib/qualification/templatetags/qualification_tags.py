"""Display of the campaign figures: shares in French (``72,3 %``) and widths of the CSS bars."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def pourcent(valeur: Any) -> str:
    """A share (0 to 1) as a French percentage with one decimal; « — » when it is not defined."""
    if valeur is None or valeur == "":
        return "—"
    return f"{float(valeur) * 100:.1f}".replace(".", ",") + " %"


@register.filter
def largeur(valeur: Any) -> str:
    """A share (0 to 1) as a CSS percentage with a dot (``72.3%``), for the width of a bar."""
    if valeur is None or valeur == "":
        return "0%"
    return f"{min(max(float(valeur), 0.0), 1.0) * 100:.1f}%"


@register.filter
def classe_largeur(valeur: Any) -> str:
    """A share (0 to 1) as the CSS class of a bar's width (``largeur-0`` to ``largeur-100``,
    common/attrib.css): the Content-Security-Policy of the screens forbids ``style`` attributes."""
    if valeur is None or valeur == "":
        return "largeur-0"
    return f"largeur-{round(min(max(float(valeur), 0.0), 1.0) * 100)}"


@register.filter
def pluriel(nombre: Any, suffixe: str = "s") -> str:
    """French plural: « s » from 2 on (0 and 1 are singular, unlike Django's ``pluralize``)."""
    try:
        return suffixe if abs(int(nombre)) > 1 else ""
    except (TypeError, ValueError):
        return ""
