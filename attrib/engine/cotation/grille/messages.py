"""Located messages of a grid (:class:`MessageGrille`) and the errors the grid engine raises."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from attrib.engine.cotation.conditions import Probleme
from attrib.engine.erreurs import ErreurMoteur

Niveau = Literal["erreur", "avertissement"]


@dataclass(frozen=True)
class MessageGrille:
    """A located problem of a grid: ``origine`` (file), ``ligne`` (1-based, when known), ``chemin`` (path)."""

    origine: str
    ligne: int | None
    chemin: str
    message: str
    niveau: Niveau = "erreur"

    def __str__(self) -> str:
        lieu = self.origine
        if self.ligne is not None:
            lieu += f", ligne {self.ligne}"
        if self.chemin:
            lieu += f" ({self.chemin})"
        return f"{lieu} : {self.message}"


Avertissement = MessageGrille


class DonneesInvalides(ErreurMoteur, ValueError):
    """Demands that a grid cannot score (missing column, column of the wrong type); the message is French."""


class GrilleInvalide(ErreurMoteur, ValueError):
    """A grid that cannot be used; ``messages`` lists every located error."""

    def __init__(self, messages: Sequence[MessageGrille]) -> None:
        self.messages = list(messages)
        detail = "\n".join(f"- {m}" for m in self.messages)
        super().__init__(f"Grille de cotation invalide ({len(self.messages)} erreur(s)) :\n{detail}")


def _ligne(lignes: Mapping[str, int], chemin: str) -> int | None:
    while True:
        if chemin in lignes:
            return lignes[chemin]
        if not chemin:
            return None
        coupe = max(chemin.rfind("."), chemin.rfind("["))
        chemin = chemin[: max(coupe, 0)]


def _localiser(
    origine: str, lignes: Mapping[str, int], problemes: Sequence[Probleme], niveau: Niveau
) -> list[MessageGrille]:
    return [MessageGrille(origine, _ligne(lignes, p.chemin), p.chemin, p.message, niveau) for p in problemes]
