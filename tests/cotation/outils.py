"""Grids and dates shared by the cotation tests (and the permission matrix)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from tests.factories import personne

#: DALO 1000 (to validate), sans logement (l441_k) 300, 10 points per month of seniority capped at 600.
GRILLE = """\
identifiant: grille_test
libelle: Grille de test
version: "T1"
date_effet: 2020-01-01
sections:
  - id: dalo
    libelle: Ménages reconnus DALO
    criteres:
      - id: dalo
        libelle: Ménage reconnu prioritaire DALO
        base_legale: L441-2-3 CCH
        priorites_legales: [dalo]
        validation: justificatif
        condition: {champ: dalo_reconnu, egal: true}
        points: 1000
  - id: priorites
    libelle: Priorités L441-1
    criteres:
      - id: sans_logement
        libelle: Personne dépourvue de logement
        base_legale: L441-1 k) CCH
        priorites_legales: [l441_k]
        condition: {champ: priorites, contient: l441_k}
        points: 300
      - id: violences
        libelle: Victime de violences au sein du couple
        base_legale: L441-1 g) CCH
        priorites_legales: [l441_g]
        validation: travailleur_social
        condition: {champ: priorites, contient: l441_g}
        points: 500
  - id: anciennete
    libelle: Ancienneté
    criteres:
      - id: anciennete
        libelle: Ancienneté de la demande
        base_legale: PPGD (critère local)
        points: {par_unite: 10, valeur: anciennete_mois, plafond: 600, unite: mois}
"""

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
