"""French wording of numbers in the explanations (no-break spaces, decimal comma)."""

from __future__ import annotations

from fractions import Fraction

ESPACE = "\u00a0"  # no-break space: thousands separator and before units


def entier(valeur: int) -> str:
    return f"{valeur:,}".replace(",", ESPACE)


def euros(valeur: int) -> str:
    """15000 → "15 000 €"."""
    return f"{entier(valeur)}{ESPACE}€"


def euros_centimes(valeur: float) -> str:
    """1234.5 → "1 234,50 €"."""
    return f"{valeur:,.2f}".replace(",", ESPACE).replace(".", ",") + f"{ESPACE}€"


def decimal(valeur: float, chiffres: int = 2) -> str:
    """1.5 → "1,5"; 2.0 → "2"."""
    texte = f"{valeur:.{chiffres}f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    return texte.replace(".", ",")


def pourcentage(part: float | Fraction, chiffres: int = 1) -> str:
    """0.261 → "26,1 %"; 0.25 → "25 %"."""
    return f"{decimal(float(part) * 100, chiffres)}{ESPACE}%"


def pluriel(nombre: int, singulier: str, pluriel_: str | None = None) -> str:
    return f"{nombre} {singulier if nombre <= 1 else (pluriel_ or singulier + 's')}"


def rang(numero: int) -> str:
    """1 → "1er", 2 → "2e"."""
    return "1er" if numero == 1 else f"{numero}e"
