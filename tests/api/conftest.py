"""Fixtures of the API tests: two desks, a commune, and clients authenticated by token."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from attrib.organisations.models import Organisation, Role, TypeOrganisation
from tests.api.aide import client_jeton
from tests.factories import CARCASSONNE, NARBONNE, guichet, membre, territoire_minimal


@pytest.fixture
def territoire(db: Any) -> None:
    territoire_minimal()


@pytest.fixture
def guichet_narbonne(territoire: None) -> Organisation:
    return guichet()


@pytest.fixture
def guichet_carcassonne(territoire: None) -> Organisation:
    return guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))


@pytest.fixture
def ville_narbonne(territoire: None) -> Organisation:
    org = Organisation.objects.create(nom="Ville de Narbonne", type=TypeOrganisation.COMMUNE, commune_id=NARBONNE)
    org.perimetre.set([NARBONNE])
    return org


@pytest.fixture
def agent_narbonne(guichet_narbonne: Organisation) -> Any:
    return membre(guichet_narbonne, username="agent.narbonne")


@pytest.fixture
def agent_carcassonne(guichet_carcassonne: Organisation) -> Any:
    return membre(guichet_carcassonne, username="agent.carcassonne")


@pytest.fixture
def agent_ville(ville_narbonne: Organisation) -> Any:
    return membre(ville_narbonne, username="agent.ville")


@pytest.fixture
def api_narbonne(agent_narbonne: Any) -> APIClient:
    return client_jeton(agent_narbonne)


@pytest.fixture
def api_carcassonne(agent_carcassonne: Any) -> APIClient:
    return client_jeton(agent_carcassonne)


@pytest.fixture
def api_ville(agent_ville: Any) -> APIClient:
    return client_jeton(agent_ville)


@pytest.fixture
def api_consultation(guichet_narbonne: Organisation) -> APIClient:
    return client_jeton(membre(guichet_narbonne, role=Role.CONSULTATION, username="lecteur.narbonne"))
