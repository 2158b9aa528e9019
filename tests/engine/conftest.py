"""Fixtures of the engine tests (no database)."""

from __future__ import annotations

import pytest

from attrib.engine.parametres import Parametres, charger_parametres


@pytest.fixture(scope="session")
def parametres() -> Parametres:
    return charger_parametres()
