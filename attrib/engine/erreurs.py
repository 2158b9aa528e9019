"""Errors of the engine. Every message is French and says where the problem is."""

from __future__ import annotations


class ErreurMoteur(Exception):
    """Base of the engine's errors."""


class ParametresInvalides(ErreurMoteur, ValueError):
    """A parameter file under ``data/parametres/`` is malformed (the message names file and line)."""


class ParametreNonRenseigne(ErreurMoteur, LookupError):
    """A dated parameter has no value in force at the requested date."""


#: Ceiling zones as the arrêté du 29 juillet 1987 names them (annexe I).
_ZONES = {
    "paris_communes_limitrophes": "Paris et communes limitrophes",
    "ile_de_france": "Île-de-France hors Paris et communes limitrophes",
    "autres_regions": "autres régions",
}


class PlafondNonRenseigne(ParametreNonRenseigne):
    """No sourced resource ceiling for this financing, year and zone (never guessed from another year)."""

    def __init__(self, *, financement: str, annee: int, zone: str, categorie: str | None = None) -> None:
        self.financement = financement
        self.annee = annee
        self.zone = zone
        self.categorie = categorie
        lieu = _ZONES.get(zone, zone)
        if categorie == "personne_supplementaire":
            lieu += ", personne supplémentaire"
        elif categorie is not None:
            lieu += f", catégorie {categorie}"
        super().__init__(f"Plafond {financement} {annee} non publié à ce jour ({lieu})")


class EntreeInvalide(ErreurMoteur, ValueError):
    """A household given to the engine breaks the input contract (the message names the field, and the line)."""
