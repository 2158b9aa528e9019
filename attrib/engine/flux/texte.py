"""French formatting of the numbers shown in explanations (percentages, deficits, ordinals, dates)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def _decimal(valeur: Fraction, chiffres: int) -> Decimal:
    quantum = Decimal(1).scaleb(-chiffres)
    return (Decimal(valeur.numerator) / Decimal(valeur.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def pourcentage(part: Fraction) -> str:
    """``Fraction(32, 100)`` → ``"32 %"``; ``Fraction(1, 8)`` → ``"12,5 %"``; two decimals at most."""
    texte = f"{_decimal(part * 100, 2):f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    return texte.replace("-", "−").replace(".", ",") + " %"


def nombre(valeur: Fraction, chiffres: int = 1) -> str:
    """``Fraction(1)`` → ``"1,0"``; French decimal comma, fixed number of decimals."""
    return f"{_decimal(valeur, chiffres):f}".replace("-", "−").replace(".", ",")


def ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


def jour(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def periode(debut: date, fin: date | None) -> str:
    return f"à partir du {jour(debut)}" if fin is None else f"du {jour(debut)} au {jour(fin)}"
