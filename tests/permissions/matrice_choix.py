"""Choix des candidats par le réservataire (decision 0037): the page of contributing companies is read by the
members of a réservataire (the EPCI and the commune hold reservation rights too) and its import is sent by their
managers; the « Proposer des candidats » address of the flux leads the oriented réservataire to the shortlist."""

from __future__ import annotations

from typing import Any

from attrib.organisations.models import Organisation
from tests.permissions.outils import R

RESERVATAIRES = {"epci", "commune", "etat", "action_logement"}

LIGNES = [
    R("rapprochement:cotisantes", RESERVATAIRES),
    R("rapprochement:cotisantes", RESERVATAIRES, methode="post", donnees={}),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    return {}
