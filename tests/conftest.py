"""Shared fixtures. Domain fixtures live in ``tests/<app>/conftest.py`` or ``tests/factories.py``."""
