"""Display of the flux figures in French: shares (``32 %``), exact counts (``12,3``), bar widths."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


def _nombre(valeur: Any) -> float | None:
    if valeur is None or valeur == "":
        return None
    if isinstance(valeur, str):
        try:
            return float(Fraction(valeur))
        except (ValueError, ZeroDivisionError):
            return None
    return float(valeur)


@register.filter
def pourcent(valeur: Any, chiffres: int = 1) -> str:
    """A share (0 to 1, Fraction, Decimal or ``"a/b"``) as a French percentage; « — » when undefined."""
    nombre = _nombre(valeur)
    if nombre is None:
        return "—"
    texte = f"{nombre * 100:.{int(chiffres)}f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    return texte.replace(".", ",").replace("-", "−") + " %"


@register.filter
def pourcentage_convention(valeur: Decimal | None) -> str:
    """A stored share in percent (``Decimal("12.500")``) as ``12,5 %``."""
    if valeur is None:
        return "—"
    texte = f"{valeur:f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    return texte.replace(".", ",") + " %"


@register.filter
def decimal_fr(valeur: Any, chiffres: int = 2) -> str:
    """A number rounded half up, with a French decimal comma and a true minus sign (``-1.255`` → ``−1,26``)."""
    nombre = _nombre(valeur)
    if nombre is None:
        return "—"
    arrondi = Decimal(repr(nombre)).quantize(Decimal(1).scaleb(-int(chiffres)), rounding=ROUND_HALF_UP)
    if arrondi == 0:
        arrondi = abs(arrondi)
    return f"{arrondi:f}".replace(".", ",").replace("-", "−")


@register.filter
def signe_fr(valeur: Any, chiffres: int = 2) -> str:
    """Like ``decimal_fr`` with an explicit « + » for positive values."""
    nombre = _nombre(valeur)
    texte = decimal_fr(valeur, chiffres)
    if nombre is not None and texte != decimal_fr(0, chiffres) and nombre > 0:
        return "+" + texte
    return texte


@register.simple_tag
def classe_largeur(valeur: Any, echelle: Any) -> str:
    """CSS class of a bar's width (``largeur-0`` to ``largeur-100``, common/attrib.css) for ``valeur`` on a
    scale of ``echelle``: the Content-Security-Policy forbids ``style`` attributes."""
    nombre, total = _nombre(valeur), _nombre(echelle)
    if nombre is None or not total:
        return "largeur-0"
    return f"largeur-{round(min(max(nombre / total, 0.0), 1.0) * 100)}"


@register.filter
def pluriel(nombre: Any, suffixe: str = "s") -> str:
    try:
        return suffixe if abs(int(nombre)) > 1 else ""
    except (TypeError, ValueError):
        return ""


@register.inclusion_tag("flux/_onglets.html", takes_context=True)
def onglets_flux(context: Any) -> dict[str, Any]:
    """The section's tabs, those the user may open only, the current one marked ``aria-current``."""
    from attrib.flux import permissions
    from attrib.organisations.acteurs import acteur_de

    request = context["request"]
    acteur = acteur_de(request.user)
    courant = request.resolver_match.url_name if request.resolver_match else ""
    bailleur = permissions.est_bailleur(acteur)
    reservataire = permissions.est_reservataire(acteur)
    onglets = [
        ("accueil", "Vue d'ensemble", True),
        ("conventions", "Conventions", True),
        ("logements_liberes", "Logements libérés", True),
        ("file", "File des propositions", reservataire),
        ("previsions", "Assiette et prévision", bailleur),
        ("bilans", "Bilans annuels", True),
    ]
    return {
        "onglets": [
            {"url": reverse(f"flux:{nom}"), "libelle": libelle, "courant": nom == courant}
            for nom, libelle, visible in onglets
            if visible
        ]
    }
