"""Fixtures of the housing stock tests: the real referential of the Grand Narbonne, real RPLS lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.territoires.services import DOSSIER_REFERENTIELS, territoires_importer

GRAND_NARBONNE = "241100593"
FICHIER_NARBONNE = DOSSIER_REFERENTIELS / "rpls_narbonne_adresses_bdaniere.csv"
FICHIER_COMPTAGES = DOSSIER_REFERENTIELS / "rpls2019_comptages_grand_narbonne.csv"


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Settings) -> None:
    """Test users get a cheap password hash (PBKDF2 costs ~0.3 s per user on this machine)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def grand_narbonne(db: None) -> None:
    """The 37 real communes of the Grand Narbonne (COG 2026) and its 3 QPV."""
    territoires_importer(epcis=[GRAND_NARBONNE], auteur=acteur_systeme("test"))


def lignes_narbonne() -> list[str]:
    """The real lines of the Narbonne RPLS extract, header first (``lignes_narbonne()[11]`` is line 12)."""
    return FICHIER_NARBONNE.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def fichier_rpls(tmp_path: Path) -> Callable[[Sequence[str]], Path]:
    """Write a ``;`` RPLS file whose first line is the real header, followed by the given lines."""

    def ecrire(lignes: Sequence[str], nom: str = "rpls.csv") -> Path:
        chemin = tmp_path / nom
        chemin.write_text("\n".join([lignes_narbonne()[0], *lignes]) + "\n", encoding="utf-8")
        return chemin

    return ecrire


def bailleur(nom: str = "Alogea") -> Organisation:
    return Organisation.objects.create(nom=nom, type=TypeOrganisation.BAILLEUR)
