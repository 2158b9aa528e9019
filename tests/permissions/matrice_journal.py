"""Rows of the change journal: each object's journal page opens for exactly those who see the object (404
otherwise, drafts of grids included); the export of a period is for the EPCI's staff (and the data-protection
officer, a permission no profile of the matrix holds)."""

from __future__ import annotations

from typing import Any

from attrib.organisations.models import Organisation
from tests.permissions.matrice_commissions import SIEGENT
from tests.permissions.outils import AUTHENTIFIES, TERRITOIRE_GN, VOIENT_DEMANDE, R, Route

LIGNES: list[Route] = [
    R("journal:demande", VOIENT_DEMANDE, args=("dans",)),
    R("journal:demande", set(), args=("hors",)),
    R("journal:version", AUTHENTIFIES, args=("cot_publiee",)),
    R("journal:version", {"epci"}, args=("cot_brouillon",)),
    R("journal:version", set(), args=("cot_hors",)),
    R("journal:campagne", TERRITOIRE_GN, args=("campagne_close",)),
    R("journal:campagne", set(), args=("campagne_hors",)),
    R("journal:convention", {"bailleur", "etat"}, args=("flux_convention",)),
    R("journal:convention", set(), args=("flux_convention_hors",)),
    R("journal:seance", SIEGENT, args=("caleol_seance",)),
    R("journal:export", {"epci"}),
    R("journal:export", {"epci"}, suffixe="?debut=2026-01-01&fin=2026-06-30&format=csv"),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    """Every object is already in the world (demands, grids, campaigns, agreements, the CALEOL session)."""
    return {}
