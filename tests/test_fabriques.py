"""Every concrete model of ``attrib/*`` has a factory that builds a valid saved row (``tests/factories``)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from tests.factories import FABRIQUES


def _modeles_attrib() -> list[type[models.Model]]:
    return sorted(
        (m for m in apps.get_models() if m.__module__.startswith("attrib.") and not m._meta.abstract),
        key=lambda m: m._meta.label,
    )


def test_chaque_modele_a_sa_fabrique() -> None:
    manquants = {m._meta.label for m in _modeles_attrib()} - {m._meta.label for m in FABRIQUES}
    assert manquants == set()


@pytest.mark.django_db
@pytest.mark.parametrize("modele", _modeles_attrib(), ids=lambda m: m._meta.label)
def test_la_fabrique_cree_une_ligne_valide(modele: type[models.Model]) -> None:
    instance = FABRIQUES[modele]()
    assert isinstance(instance, modele)
    assert instance.pk is not None and modele._default_manager.filter(pk=instance.pk).exists()
    instance.full_clean()
    # Twice: the factory's sequences and shared rows (territory, desk) allow a second row.
    autre = FABRIQUES[modele]()
    assert autre.pk != instance.pk
    autre.full_clean()
