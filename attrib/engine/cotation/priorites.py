"""Legal priorities a grid must implement (L441-1 CCH letters and DALO): a view over the parameter tree
(``data/parametres/priorites_l441_1.yaml``, dated, with sources and reliability)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre

FICHIER_PRIORITES = "priorites_l441_1.yaml"
BRANCHE = "priorites_l441_1.priorites"
CODE_DALO = "dalo"


@dataclass(frozen=True)
class PrioriteLegale:
    code: str
    lettre: str
    libelle: str
    base_legale: str
    date_debut: date
    date_fin: date | None

    def en_vigueur(self, jour: date) -> bool:
        return self.date_debut <= jour and (self.date_fin is None or jour <= self.date_fin)


def charger_priorites(dossier: Path | None = None) -> tuple[PrioriteLegale, ...]:
    return _charger((dossier or DOSSIER_PAR_DEFAUT).resolve())


@lru_cache(maxsize=4)
def _charger(dossier: Path) -> tuple[PrioriteLegale, ...]:
    """One priority per leaf ``priorites_l441_1.priorites.<code>`` of the parameter tree, in the file's order."""
    arbre = charger_arbre(dossier)
    return tuple(
        PrioriteLegale(
            code=str(v.valeur["code"]),
            lettre=str(v.valeur.get("lettre") or ""),
            libelle=str(v.valeur.get("libelle") or ""),
            base_legale=v.article,
            date_debut=v.debut,
            date_fin=v.fin,
        )
        for chemin in arbre.enfants(BRANCHE)
        for v in arbre.serie(chemin)
    )


def priorites_en_vigueur(jour: date, dossier: Path | None = None) -> tuple[PrioriteLegale, ...]:
    return tuple(p for p in charger_priorites(dossier) if p.en_vigueur(jour))
