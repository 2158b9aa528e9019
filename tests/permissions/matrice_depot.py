"""Online filing (issue 13, point 3; decision 0029): the filing pages belong to an applicant's account (staff get
404, nobody the applicant login); the attestation of a demand to the accounts linked to it. The matrix's applicant
already holds the demand « dans »: its filing pages tell it so (one demand per household), and still answer 200."""

from __future__ import annotations

from typing import Any

from attrib.demandeurs.views_depot import ETAPES
from attrib.organisations.models import Organisation
from tests.permissions.outils import R

LIGNES = [
    R("demandeurs:deposer", {"demandeur"}),
    R("demandeurs:deposer", {"demandeur"}, methode="post", donnees={"action": "abandonner"}),
    *(R("demandeurs:deposer_etape", {"demandeur"}, args=(etape,)) for etape in ETAPES),
    R("demandeurs:deposer_etape", {"demandeur"}, methode="post", args=("menage",), donnees={"action": "suivant"}),
    R("demandeurs:deposer_etape", {"demandeur"}, methode="post", args=("recapitulatif",), donnees={}),
    R("demandeurs:attestation", {"demandeur"}, args=("dans",)),
    R("demandeurs:attestation", set(), args=("hors",)),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    return {}
