"""Shared fixtures. Domain fixtures live in ``tests/<app>/conftest.py`` or ``tests/factories.py``."""

from collections.abc import Iterator

import pytest
from django.test import override_settings

#: Tests run a long job at once, inside the request that launches it (the job's page then shows its
#: result); the tests of the worker itself (tests/taches/test_worker_reel.py) put the database queue back.
TACHES_IMMEDIATES = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _taches_immediates() -> Iterator[None]:
    with override_settings(TASKS=TACHES_IMMEDIATES):
        yield
