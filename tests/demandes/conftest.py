"""Fixtures of the demand tests."""

import pytest


@pytest.fixture(autouse=True)
def _hachage_rapide(settings):
    """Test users get a cheap password hash (PBKDF2 costs ~0.3 s per user on this machine)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
