"""Fixtures of the location voulue engine tests (no database)."""

from __future__ import annotations

import pytest

from attrib.engine.rapprochement.parametres import Regles, charger_regles
from tests.engine.rapprochement.fabriques import JOUR


@pytest.fixture(scope="session")
def regles() -> Regles:
    return charger_regles(JOUR)
