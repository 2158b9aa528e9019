"""The local rules of the applicant's information (``data/parametres/information_demandeur.yaml``), in force on a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from attrib.engine.erreurs import ParametresInvalides
from attrib.engine.parametres.arbre import valeur

#: What a territory may count as "similar" (the grid that scored the demand is always one more dimension).
DIMENSIONS = ("territoire", "typologie", "secteur")
FICHIER = "information_demandeur"


@dataclass(frozen=True, slots=True)
class ReglesInformation:
    """``dimensions``: what similar demands share (besides the grid); ``libelle`` / ``libelle_attente``: the
    applicant's words for the similar demands and for the satisfied ones; ``fenetre_mois``: months of leases
    whose waiting time is shown; ``minimum_attente`` / ``minimum_position``: no waiting range, no position
    below these counts; ``pas``: the position is a band of this many places; ``source``: the local rule."""

    dimensions: tuple[str, ...]
    libelle: str
    libelle_attente: str
    fenetre_mois: int
    minimum_attente: int
    minimum_position: int
    pas: int
    source: str
    date_effet: date

    def __post_init__(self) -> None:
        inconnues = [d for d in self.dimensions if d not in DIMENSIONS]
        if inconnues or not self.dimensions or len(set(self.dimensions)) != len(self.dimensions):
            raise ParametresInvalides(
                f"{FICHIER}.similarite : dimensions attendues parmi {', '.join(DIMENSIONS)}, sans doublon ; "
                f"reçu {', '.join(self.dimensions) or 'aucune'}."
            )
        if self.minimum_position < self.pas:
            raise ParametresInvalides(
                f"{FICHIER} : l'effectif minimal de la position ({self.minimum_position}) doit être au moins "
                f"le pas des tranches ({self.pas}), sinon une tranche pourrait isoler un ménage."
            )


def charger_regles_information(jour: date, *, dossier: Path | str | None = None) -> ReglesInformation:
    """The rules in force on ``jour`` (:class:`ParametreNonRenseigne` before the first one)."""
    similarite = valeur(f"{FICHIER}.similarite", jour, dossier=dossier)
    return ReglesInformation(
        dimensions=tuple(similarite.valeur["dimensions"]),
        libelle=similarite.valeur["libelle"],
        libelle_attente=similarite.valeur["libelle_attente"],
        fenetre_mois=valeur(f"{FICHIER}.fenetre_attente", jour, dossier=dossier).valeur,
        minimum_attente=valeur(f"{FICHIER}.effectif_minimal_attente", jour, dossier=dossier).valeur,
        minimum_position=valeur(f"{FICHIER}.effectif_minimal_position", jour, dossier=dossier).valeur,
        pas=valeur(f"{FICHIER}.pas_position", jour, dossier=dossier).valeur,
        source=similarite.source_lisible,
        date_effet=similarite.debut,
    )
