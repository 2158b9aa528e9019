"""Shared vocabulary of the permission matrix: the profiles, the usual sets of allowed profiles and the
``Route`` row. Each domain adds its rows and fixture objects in ``tests/permissions/matrice_<domaine>.py``
(``LIGNES`` and ``donnees(orgs, ids)``), collected by ``test_matrice.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.factories import COURSAN, GRUISSAN, NARBONNE

EPCI_GN = (NARBONNE, GRUISSAN, COURSAN)
PROFILS = (
    "guichet",
    "bailleur",
    "epci",
    "commune",
    "etat",
    "action_logement",
    "service_social",
    "consultation",
    "sans_organisation",
    # An applicant's account (issue 13), linked to the demand « dans »: it reaches the applicant space only; every
    # staff page, its own demand's staff page included, and the API answer 404.
    "demandeur",
    "anonyme",
)
#: Every staff account (the applicant is authenticated too, but allowed nowhere among the staff's pages).
AUTHENTIFIES = set(PROFILS) - {"anonyme", "demandeur"}
ENREGISTREURS = {"guichet", "bailleur"}
# The demand « dans » is registered by the guichet and wishes Narbonne: the commune of Gruissan
# does not see it, nor does a user without organisation.
VOIENT_DEMANDE = {"guichet", "bailleur", "epci", "etat", "action_logement", "service_social", "consultation"}
VALIDEURS = {"guichet", "bailleur", "service_social"}
# Every organisation of the fixture belongs to the Grand Narbonne: all see its rating campaigns.
TERRITOIRE_GN = AUTHENTIFIES - {"sans_organisation"}
# Members of a bailleur or of an organisation holding reservation rights (the EPCI and the commune too).
FLUX = {"bailleur", "epci", "commune", "etat", "action_logement"}
# Managers of a desk, a bailleur or a réservataire (EPCI and commune included): they may export personal data.
EXPORT_NOMINATIF = {"guichet"} | FLUX


@dataclass(frozen=True)
class Route:
    nom: str
    autorises: frozenset[str]
    methode: str = "get"
    args: tuple[str, ...] = ()
    api: bool = False
    donnees: Any = None
    suffixe: str = ""
    #: What an anonymous visitor gets: the login page, or « refus » for a page open without login (404).
    anonyme: str = "connexion"


def R(nom: str, autorises: set[str], **kw: Any) -> Route:
    return Route(nom=nom, autorises=frozenset(autorises), **kw)
