"""The Grand Narbonne of the tests: a few real communes of EPCI 241100593 (COG codes), not the
whole referential (``importer_territoires`` is tested by its own package)."""

from __future__ import annotations

import pytest

from attrib.territoires.models import EPCI, Commune
from tests.factories import territoire_minimal

PORT_LA_NOUVELLE, LEUCATE = "11266", "11202"


@pytest.fixture
def grand_narbonne(db: None) -> EPCI:
    epci = territoire_minimal()
    for code, nom, population in [(PORT_LA_NOUVELLE, "Port-la-Nouvelle", 5852), (LEUCATE, "Leucate", 4562)]:
        Commune.objects.get_or_create(
            code_insee=code,
            defaults={"nom": nom, "departement": "11", "region": "76", "epci": epci, "population": population},
        )
    return epci


@pytest.fixture(autouse=True)
def hachage_rapide(settings) -> None:
    """The demo accounts' password hash uses Django's slow default hasher: not what is tested here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
