"""Shared fixtures. Domain fixtures live in ``tests/<app>/conftest.py`` or ``tests/factories``.

* ``horloge``: a frozen clock (15 June 2026, 10:00 Europe/Paris) for every test whose expectations depend on
  today. ``ATTRIB_HORLOGE`` (ISO date or date-time) freezes it elsewhere.
* ``ATTRIB_VRAIE_HORLOGE`` (ISO date-time): moves the machine's clock for the whole run (it keeps ticking), to
  show that a test does not depend on the day it runs: ``ATTRIB_VRAIE_HORLOGE=2027-12-31T23:59 pytest …``.
* ``monde_caleol``: the shared CALEOL world (``tests/factories/monde.py``).
* Long jobs run at once, inside the request that launches them (the job's page then shows its result); the
  tests of the worker itself (``tests/cotation/test_worker_reel.py``) put the database queue back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from tests.factories.monde import MondeCaleol, construire_monde_caleol

PARIS = ZoneInfo("Europe/Paris")
#: The day the frozen clock shows: a weekday in the middle of a year, away from every year-end rule.
HORLOGE = datetime(2026, 6, 15, 10, 0, tzinfo=PARIS)


def _instant(texte: str) -> datetime:
    instant = datetime.fromisoformat(texte)
    return instant if instant.tzinfo else instant.replace(tzinfo=PARIS)


def pytest_configure(config: pytest.Config) -> None:
    if vraie := os.environ.get("ATTRIB_VRAIE_HORLOGE"):
        # The machine's clock moved (it keeps ticking); each frozen test still sees its own day.
        config._attrib_vraie_horloge = time_machine.travel(_instant(vraie), tick=True)  # type: ignore[attr-defined]
        config._attrib_vraie_horloge.start()  # type: ignore[attr-defined]


@pytest.fixture
def horloge() -> Iterator[time_machine.Coordinates]:
    """Today is ``HORLOGE`` (or ``ATTRIB_HORLOGE``) for the whole test; ``horloge.shift(...)`` moves it."""
    instant = _instant(os.environ["ATTRIB_HORLOGE"]) if os.environ.get("ATTRIB_HORLOGE") else HORLOGE
    with time_machine.travel(instant, tick=False) as coordonnees:
        yield coordonnees


@pytest.fixture
def monde_caleol(db: None) -> MondeCaleol:
    """The shared CALEOL world: EPCI, bailleur with residence and dwellings, réservataires with agreements,
    a freed dwelling oriented, demands scored, a commission with an opened session."""
    return construire_monde_caleol()


TACHES_IMMEDIATES = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _taches_immediates() -> Iterator[None]:
    with override_settings(TASKS=TACHES_IMMEDIATES):
        yield
