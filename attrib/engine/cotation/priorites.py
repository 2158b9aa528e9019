"""Legal priorities a grid must implement (L441-1 CCH letters and DALO), read from
``data/parametres/priorites_l441_1.yaml`` (dated, with sources and reliability)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from attrib.engine.erreurs import ParametresInvalides
from attrib.engine.parametres import DOSSIER_PAR_DEFAUT

FICHIER_PRIORITES = "priorites_l441_1.yaml"
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
    return _charger((dossier or DOSSIER_PAR_DEFAUT).resolve() / FICHIER_PRIORITES)


@lru_cache(maxsize=4)
def _charger(chemin: Path) -> tuple[PrioriteLegale, ...]:
    try:
        with chemin.open(encoding="utf-8") as f:
            contenu = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as exc:
        raise ParametresInvalides(f"{chemin.name} : fichier illisible ({exc}).") from None
    entrees = contenu.get("priorites") if isinstance(contenu, dict) else None
    if not isinstance(entrees, list):
        raise ParametresInvalides(f"{chemin.name} : liste « priorites » attendue.")
    priorites = []
    for i, e in enumerate(entrees, start=1):
        if not isinstance(e, dict) or not isinstance(e.get("date_debut"), date):
            raise ParametresInvalides(f"{chemin.name}, priorites[{i}] : code et date_debut (AAAA-MM-JJ) attendus.")
        priorites.append(
            PrioriteLegale(
                code=str(e["code"]),
                lettre=str(e.get("lettre") or ""),
                libelle=str(e.get("libelle") or ""),
                base_legale=str(e.get("base_legale") or ""),
                date_debut=e["date_debut"],
                date_fin=e.get("date_fin"),
            )
        )
    return tuple(priorites)


def priorites_en_vigueur(jour: date, dossier: Path | None = None) -> tuple[PrioriteLegale, ...]:
    return tuple(p for p in charger_priorites(dossier) if p.en_vigueur(jour))
