"""Fixtures of the rapprochement tests (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from attrib.engine.rapprochement.parametres import Regles, charger_regles

JOUR = date(2025, 6, 1)


@pytest.fixture(scope="session")
def regles() -> Regles:
    return charger_regles(JOUR)
