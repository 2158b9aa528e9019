"""Numbers and durations of the parameter tree written out in French words, for the texts users read.

Templates never write a legal value as a word (« dix jours », « valable un an »): they ask the tree for the
value in force and these helpers write it (``en_lettres(10)`` → « dix », ``duree_en_lettres(12, "mois")`` →
« un an »). Orthography: the 1990 reform's hyphens are not used; the traditional spelling of the legal texts
is (« vingt et un », « quatre-vingts », « deux cents »).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Protocol

_UNITES = (
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
)
_DIZAINES = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _moins_de_cent(n: int) -> str:
    if n < 20:
        return _UNITES[n]
    dizaine, unite = divmod(n, 10)
    if dizaine in (7, 9):  # soixante-dix…, quatre-vingt-dix…
        base = "soixante" if dizaine == 7 else "quatre-vingt"
        reste = 10 + unite
        if dizaine == 7 and unite == 1:
            return "soixante et onze"
        return f"{base}-{_UNITES[reste]}"
    if dizaine == 8:
        return "quatre-vingts" if unite == 0 else f"quatre-vingt-{_UNITES[unite]}"
    base = _DIZAINES[dizaine]
    if unite == 0:
        return base
    if unite == 1:
        return f"{base} et un"
    return f"{base}-{_UNITES[unite]}"


def _moins_de_mille(n: int) -> str:
    centaines, reste = divmod(n, 100)
    if centaines == 0:
        return _moins_de_cent(reste)
    tete = "cent" if centaines == 1 else f"{_UNITES[centaines]} cent{'s' if reste == 0 else ''}"
    return tete if reste == 0 else f"{tete} {_moins_de_cent(reste)}"


def en_lettres(n: int) -> str:
    """A whole number from 0 to 999 999 in French words: 3 → « trois », 21 → « vingt et un »."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < 1_000_000:
        raise ValueError(f"Nombre entier entre 0 et 999 999 attendu, reçu {n!r}.")
    milliers, reste = divmod(n, 1000)
    if milliers == 0:
        return _moins_de_mille(reste)
    tete = "mille" if milliers == 1 else f"{_moins_de_mille(milliers).removesuffix('s')} mille"
    return tete if reste == 0 else f"{tete} {_moins_de_mille(reste)}"


_NOMS = {"jours": ("jour", "jours"), "mois": ("mois", "mois"), "ans": ("an", "ans")}


def duree_en_lettres(n: int, unite: str) -> str:
    """« dix jours », « un mois », « un an »: a whole number of months that makes whole years is said in years
    (12 mois → « un an », as R441-2-7 CCH says the validity of a demand)."""
    if unite not in _NOMS:
        raise ValueError(f"Unité de durée inconnue : {unite} (attendu : {', '.join(_NOMS)}).")
    if unite == "mois" and n and n % 12 == 0:
        n, unite = n // 12, "ans"
    singulier, pluriel = _NOMS[unite]
    return f"{en_lettres(n)} {singulier if n == 1 else pluriel}"


def pourcentage(part: str | Decimal | Fraction | float) -> str:
    """A share written as the law writes it: "0.30" → « 30 % », "0.125" → « 12,5 % »."""
    valeur = Decimal(str(part)) if not isinstance(part, Fraction) else Decimal(part.numerator) / part.denominator
    centieme = (valeur * 100).normalize()
    texte = f"{centieme:f}".replace(".", ",")
    return f"{texte} %"


class _Nombre(Protocol):
    @property
    def valeur(self) -> object: ...
    @property
    def unite(self) -> str: ...


def valeur_en_lettres(v: _Nombre) -> str:
    """A value of the tree in words: a duration with its unit (« dix jours », « un an »), else the number
    (« trois »)."""
    if isinstance(v.valeur, bool) or not isinstance(v.valeur, int):
        raise ValueError(f"Nombre entier attendu pour l'écrire en lettres, reçu {v.valeur!r}.")
    return duree_en_lettres(v.valeur, v.unite) if v.unite else en_lettres(v.valeur)


__all__ = ["duree_en_lettres", "en_lettres", "pourcentage", "valeur_en_lettres"]
