"""Rows of the objectives dashboard (pilotage): EPCI staff, communes, bailleurs and réservataires (the State
included) open it, each on its own perimeter (checked in ``tests/pilotage/test_vues.py``); a registration
desk, a social service, a read-only desk member and a user without organisation get 404."""

from __future__ import annotations

from typing import Any

from attrib.organisations.models import Organisation
from tests.permissions.outils import FLUX, R, Route

PILOTAGE = FLUX

LIGNES: list[Route] = [
    R("pilotage:tableau", PILOTAGE),
    R("pilotage:tableau", PILOTAGE, suffixe="?debut=2026-01-01&fin=2026-06-30"),
    R("pilotage:attributions", PILOTAGE),
    R("pilotage:attributions", PILOTAGE, suffixe="?objectif=q1_hors_qpv"),
    R("pilotage:location_voulue", PILOTAGE),
    R("pilotage:location_voulue", PILOTAGE, suffixe="?debut=2026-01-01&fin=2026-06-30"),
    R("pilotage:export_xlsx", PILOTAGE),
    R("pilotage:export_csv", PILOTAGE),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    """The pages need no object of their own: an empty period still answers (or 404 outside the rights)."""
    return {}
