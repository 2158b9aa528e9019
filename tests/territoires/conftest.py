"""Fixtures of the territorial referential tests: small copies of the real files in a tmp folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from attrib.territoires.services import DOSSIER_REFERENTIELS, FICHIER_COMMUNES, FICHIER_EPCI, FICHIER_QPV

GRAND_NARBONNE = "241100593"


def _lignes_reelles(fichier: str, garder: Callable[[str], bool]) -> list[str]:
    lignes = (DOSSIER_REFERENTIELS / fichier).read_text(encoding="utf-8").splitlines()
    return [lignes[0], *[ligne for ligne in lignes[1:] if garder(ligne)]]


@pytest.fixture
def dossier_narbonne(tmp_path: Path) -> Path:
    """The real lines of the Grand Narbonne (EPCI, its 37 communes) and the real QPV file."""
    (tmp_path / FICHIER_EPCI).write_text(
        "\n".join(_lignes_reelles(FICHIER_EPCI, lambda ligne: ligne.startswith(GRAND_NARBONNE))) + "\n",
        encoding="utf-8",
    )
    (tmp_path / FICHIER_COMMUNES).write_text(
        "\n".join(_lignes_reelles(FICHIER_COMMUNES, lambda ligne: f",{GRAND_NARBONNE}," in ligne)) + "\n",
        encoding="utf-8",
    )
    shutil.copy(DOSSIER_REFERENTIELS / FICHIER_QPV, tmp_path / FICHIER_QPV)
    return tmp_path


def remplacer_ligne(chemin: Path, numero: int, contenu: str) -> None:
    """Replace line ``numero`` (1 = header) of a text file."""
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    lignes[numero - 1] = contenu
    chemin.write_text("\n".join(lignes) + "\n", encoding="utf-8")
