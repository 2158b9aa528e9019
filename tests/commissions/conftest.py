"""The commissions tests' world: ``caleol``, the CALEOL world without flux nor scores of
``tests/factories/monde.py`` (the tests set the agreements and the freed dwellings they need)."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from tests.factories import Caleol, construire_caleol


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def caleol(db: None) -> Caleol:
    return construire_caleol()
