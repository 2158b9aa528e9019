"""Fixtures of the cotation tests (no database)."""

from __future__ import annotations

import pytest

from attrib.engine.cotation import Grille, charger_grille
from tests.engine.cotation.fabriques import GRILLES


@pytest.fixture(scope="session")
def socle() -> Grille:
    return charger_grille(GRILLES / "socle.yaml")


@pytest.fixture(scope="session")
def mutation() -> Grille:
    return charger_grille(GRILLES / "mutation.yaml")
