"""Permission rows of the updates of a registered demand (CERFA parts): the household page is the desks'
(registration desks and the bailleur, which is one); the DALO decision is recorded by the desks and by the
State's réservataire. Everyone else who sees the demand gets 404 on the screens, 403 (in French) on the API;
outside the perimeter, 404 like a missing demand."""

from __future__ import annotations

from typing import Any

from attrib.organisations.models import Organisation
from tests.permissions.outils import ENREGISTREURS, R, Route

DALO = ENREGISTREURS | {"etat"}


LIGNES: list[Route] = [
    R("demandes:modifier_menage", ENREGISTREURS, args=("dans",)),
    R("demandes:modifier_menage", set(), args=("hors",)),
    R("demandes:decision_dalo", DALO, args=("dans",)),
    R("demandes:decision_dalo", set(), args=("hors",)),
    R("demandes:decision_dalo", DALO, methode="post", args=("dans",), donnees={}),
    R("api-demande-decision-dalo", DALO, api=True, methode="post", args=("dans.numero",), donnees={}),
    R("api-demande-decision-dalo", set(), api=True, methode="post", args=("hors.numero",), donnees={}),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    return {}
