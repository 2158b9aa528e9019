"""Server-side SVG charts of the dashboard: geometry computed here, drawn by the templates
(``pilotage/_barres.html``). Every chart has a table alternative on the page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from attrib.engine.rapprochement.texte import pourcentage

LARGEUR = 640
MARGE_GAUCHE = 260
MARGE_DROITE = 70
HAUTEUR_BARRE = 22
ECART = 10
HAUT = 10


@dataclass(frozen=True)
class Barre:
    libelle: str
    valeur_texte: str
    y: float
    largeur: float
    atteint: bool | None
    x0: int = MARGE_GAUCHE

    @property
    def svg(self) -> dict[str, str]:
        """Coordinates as SVG attribute values (dot decimals, whatever the locale)."""
        return {
            "y": f"{self.y:.1f}",
            "largeur": f"{self.largeur:.1f}",
            "x_libelle": f"{self.x0 - 8}",
            "x_valeur": f"{self.x0 + self.largeur + 6:.1f}",
        }


@dataclass(frozen=True)
class Graphique:
    """Horizontal bars, with an optional vertical target line (``cible_x``)."""

    titre: str
    description: str
    largeur: int
    hauteur: int
    x0: int
    barres: tuple[Barre, ...]
    cible_x: float | None = None
    cible_texte: str = ""

    @property
    def cible_svg(self) -> str:
        return f"{self.cible_x:.1f}" if self.cible_x is not None else ""

    @property
    def bas_ligne(self) -> int:
        return self.hauteur - 16

    @property
    def bas_texte(self) -> int:
        return self.hauteur - 4


def _hauteur(n: int) -> int:
    return HAUT * 2 + max(n, 1) * (HAUTEUR_BARRE + ECART) + 20


def parts(
    titre: str,
    description: str,
    lignes: Sequence[tuple[str, Fraction | None, bool | None]],
    cible: Fraction | None = None,
) -> Graphique:
    """Bars of shares (0 to 100 %), ``lignes``: (label, share or ``None``, met)."""
    zone = LARGEUR - MARGE_GAUCHE - MARGE_DROITE
    barres = tuple(
        Barre(
            libelle=libelle,
            valeur_texte=pourcentage(part) if part is not None else "aucune attribution",
            y=HAUT + i * (HAUTEUR_BARRE + ECART),
            largeur=float(part or 0) * zone,
            atteint=atteint,
        )
        for i, (libelle, part, atteint) in enumerate(lignes)
    )
    return Graphique(
        titre=titre,
        description=description,
        largeur=LARGEUR,
        hauteur=_hauteur(len(barres)),
        x0=MARGE_GAUCHE,
        barres=barres,
        cible_x=MARGE_GAUCHE + float(cible) * zone if cible is not None else None,
        cible_texte=f"objectif {pourcentage(cible)}" if cible is not None else "",
    )


def effectifs(titre: str, description: str, lignes: Sequence[tuple[str, int]]) -> Graphique:
    """Bars of counts, scaled on the largest."""
    zone = LARGEUR - MARGE_GAUCHE - MARGE_DROITE
    maximum = max([1, *(n for _, n in lignes)])
    barres = tuple(
        Barre(
            libelle=libelle,
            valeur_texte=str(n),
            y=HAUT + i * (HAUTEUR_BARRE + ECART),
            largeur=n / maximum * zone,
            atteint=None,
        )
        for i, (libelle, n) in enumerate(lignes)
    )
    return Graphique(
        titre=titre,
        description=description,
        largeur=LARGEUR,
        hauteur=_hauteur(len(barres)),
        x0=MARGE_GAUCHE,
        barres=barres,
    )
