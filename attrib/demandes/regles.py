"""Dated lifecycle parameters of a demand, read from ``data/parametres/cycle_demande.yaml``."""

from __future__ import annotations

import calendar
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

FICHIER = Path(__file__).resolve().parents[2] / "data" / "parametres" / "cycle_demande.yaml"


class ParametreManquant(LookupError):
    pass


@cache
def _donnees() -> dict[str, list[dict[str, Any]]]:
    with FICHIER.open(encoding="utf-8") as f:
        return yaml.safe_load(f)  # type: ignore[no-any-return]


def _en_vigueur(nom: str, jour: date) -> dict[str, Any]:
    valeurs = [v for v in _donnees().get(nom, []) if v["date_effet"] <= jour]
    if not valeurs:
        raise ParametreManquant(f"Paramètre « {nom} » non renseigné au {jour:%d/%m/%Y}.")
    return max(valeurs, key=lambda v: v["date_effet"])


def parametre(nom: str, jour: date) -> int:
    """The duration in months in force on ``jour`` (the latest ``date_effet`` not after it)."""
    return int(_en_vigueur(nom, jour)["mois"])


def valeur(nom: str, jour: date) -> Any:
    """A non-duration parameter (key ``valeur``) in force on ``jour``."""
    return _en_vigueur(nom, jour)["valeur"]


def parametre_max(nom: str) -> int:
    """The largest duration in months the parameter ever had (bounds a batch search window)."""
    return max(int(v["mois"]) for v in _donnees()[nom])


def ajouter_mois(jour: date, mois: int) -> date:
    m = jour.month - 1 + mois
    annee, m = jour.year + m // 12, m % 12 + 1
    return date(annee, m, min(jour.day, calendar.monthrange(annee, m)[1]))


def echeance(depart: date) -> date:
    """Last day of validity of a demand filed or renewed on ``depart``."""
    return ajouter_mois(depart, parametre("validite", depart))


def date_avis(echeance_: date) -> date:
    """Day from which the renewal notice is due."""
    return ajouter_mois(echeance_, -parametre("preavis_renouvellement", echeance_))
