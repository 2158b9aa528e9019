"""Grids and dates shared by the cotation tests (and the permission matrix)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from tests.factories import GRILLE_SIMPLE, personne

#: The test grid of every package (``tests/factories/grille_simple.yaml``): DALO 1000 (to validate), sans
#: logement (l441_k) 300, violences (l441_g) 500, 10 points per month of seniority capped at 600.
GRILLE = GRILLE_SIMPLE

GRILLE_MUTATION = (
    GRILLE.replace("identifiant: grille_test", "identifiant: grille_mutation")
    .replace("libelle: Grille de test", "libelle: Grille des mutations de test\npublic: mutations")
    .replace("par_unite: 10", "par_unite: 1")
)


def mois_avant(jour: date, mois: int) -> date:
    """The day ``mois`` whole months before ``jour`` (day clamped to the month's end)."""
    annee, rang = divmod(jour.year * 12 + jour.month - 1 - mois, 12)
    return date(annee, rang + 1, min(jour.day, calendar.monthrange(annee, rang + 1)[1]))


def un_adulte(salaires: int = 1500, **surcharges: Any) -> list[dict[str, Any]]:
    """A household of one adult born on 1 January 1985 (one consumption unit)."""
    return [personne(salaires=salaires, date_naissance=date(1985, 1, 1), **surcharges)]
