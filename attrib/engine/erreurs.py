"""Errors of the engine. Every message is French and says where the problem is."""

from __future__ import annotations


class ErreurMoteur(Exception):
    """Base of the engine's errors."""


class ParametresInvalides(ErreurMoteur, ValueError):
    """A parameter file under ``data/parametres/`` is malformed (the message names file and line)."""


class ParametreNonRenseigne(ErreurMoteur, LookupError):
    """A dated parameter has no value in force at the requested date."""


class PlafondNonRenseigne(ParametreNonRenseigne):
    """No sourced resource ceiling for this financing, year and zone (never guessed from another year)."""

    def __init__(self, *, financement: str, annee: int, zone: str, categorie: str | None = None) -> None:
        self.financement = financement
        self.annee = annee
        self.zone = zone
        self.categorie = categorie
        lieu = f"zone {zone}"
        if categorie == "personne_supplementaire":
            lieu += ", personne supplémentaire"
        elif categorie is not None:
            lieu += f", catégorie {categorie}"
        super().__init__(f"Plafond {financement} non renseigné pour {annee} ({lieu})")


class EntreeInvalide(ErreurMoteur, ValueError):
    """A household given to the engine breaks the input contract (the message names the field, and the line)."""
