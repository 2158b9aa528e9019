"""A small Grand Narbonne for the cotation: its EPCI organisation, a guichet of three communes, an agent of
each; Carcassonne is outside. The grids are in ``tests/cotation/outils.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from attrib.cotation.enums import TypeGrille
from attrib.cotation.models import VersionGrille
from attrib.cotation.services import grille_importer_yaml
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, Role, TypeOrganisation, User
from tests.cotation.outils import GRILLE, GRILLE_MUTATION, mois_avant, un_adulte
from tests.factories import (
    CARCASSONNE,
    COURSAN,
    GRUISSAN,
    NARBONNE,
    creer_demande,
    guichet,
    membre,
    territoire_minimal,
)

__all__ = ["GRILLE", "GRILLE_MUTATION", "Territoire", "importer", "mois_avant", "un_adulte"]


@dataclass
class Territoire:
    epci: Organisation
    guichet: Organisation
    guichet_carcassonne: Organisation
    gestionnaire: User
    consultation: User
    agent_guichet: User

    def demande(self, *, mois: int = 0, **kwargs: Any) -> Demande:
        """A demand of the Grand Narbonne (Narbonne by default) filed exactly ``mois`` months ago."""
        kwargs.setdefault("communes", (NARBONNE,))
        return creer_demande(guichet_org=self.guichet, date_depot=mois_avant(timezone.localdate(), mois), **kwargs)


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def territoire(db: Any, horloge: time_machine.Coordinates) -> Territoire:
    """Scoring reads the resource ceilings of the current year, published one year at a time: the territory's
    tests run on the frozen day (``horloge``), where every table they use is published."""
    gn = territoire_minimal()
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci=gn)
    epci.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    g = guichet(nom="Maison de l'habitat", code="MHN01", communes=(NARBONNE, GRUISSAN, COURSAN))
    car = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    return Territoire(
        epci=epci,
        guichet=g,
        guichet_carcassonne=car,
        gestionnaire=membre(epci, username="gestionnaire.epci"),
        consultation=membre(epci, role=Role.CONSULTATION, username="consultation.epci"),
        agent_guichet=membre(g, username="agent.guichet"),
    )


def importer(territoire: Territoire, texte: str = GRILLE, type_grille: str = TypeGrille.GENERALE) -> VersionGrille:
    return grille_importer_yaml(
        organisation=territoire.epci,
        type_grille=type_grille,
        contenu=texte,
        nom_fichier="grille.yaml",
        auteur=acteur_systeme("test"),
    )
