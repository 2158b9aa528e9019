"""Suivi DALO (issue 15). The board, its export and a household's page: the State and the EPCI (every recognised
household of their perimeter), the bailleur (the households designated to it; here « dans » was designated to
it). Designating, lifting the obligation and dating a litigation: the State's managers only. A decision outside
everyone's perimeter (« hors », Carcassonne) answers 404 to every profile. The applicant never reaches these
pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from attrib.dalo.enums import SensDecision
from attrib.dalo.services import decision_dalo_enregistrer, designation_enregistrer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from tests.permissions.outils import R

SUIVI = {"etat", "epci", "bailleur"}
ETAT = {"etat"}

LIGNES = [
    R("dalo:tableau", SUIVI),
    R("dalo:export_xlsx", SUIVI),
    R("dalo:decision", SUIVI, args=("dalo_decision",)),
    R("dalo:decision", set(), args=("dalo_hors",)),
    R("dalo:designer", ETAT, args=("dalo_decision",)),
    R("dalo:designer", ETAT, methode="post", args=("dalo_decision",), donnees={}),
    R("dalo:designer", set(), args=("dalo_hors",)),
    R("dalo:lever", ETAT, args=("dalo_decision",)),
    R("dalo:lever", ETAT, methode="post", args=("dalo_decision",), donnees={}),
    R("dalo:recours", ETAT, args=("dalo_decision",)),
    R("dalo:recours", ETAT, methode="post", args=("dalo_decision",), donnees={}),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    systeme = acteur_systeme("test")
    jour = timezone.localdate()

    def reconnaitre(cle: str, anciennete: int) -> Any:
        return decision_dalo_enregistrer(
            demande=ids[cle],
            auteur=systeme,
            sens=SensDecision.FAVORABLE,
            date_decision=jour - timedelta(days=anciennete),
            commission="COMED de l'Aude",
        )

    decision = reconnaitre("dans", 120)
    designation_enregistrer(decision=decision, auteur=systeme, bailleur=orgs["bailleur"], date_designation=jour)
    return {"dalo_decision": decision, "dalo_hors": reconnaitre("hors", 30)}
