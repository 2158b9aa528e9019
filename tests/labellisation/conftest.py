"""The rapprochement's territory (Grand Narbonne, its desk, the State, the EPCI, the test grid published, scored
demands) with a social service and its worker, and the labelling helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from attrib.organisations.acteurs import Acteur, acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.rapprochement.moteur import vider_cache
from tests.factories import NARBONNE, membre
from tests.rapprochement.conftest import Monde, monde_rapprochement, seuil_connu

SYSTEME = acteur_systeme("test")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    vider_cache()
    yield
    vider_cache()


class MondeLabels:
    def __init__(self, monde: Monde) -> None:
        self.monde = monde
        self.service = Organisation.objects.create(nom="CCAS de Narbonne", type=TypeOrganisation.SERVICE_SOCIAL)
        self.service.perimetre.set([NARBONNE])
        self.ts = membre(self.service, username="assistante")
        self.desk = Organisation.objects.get(code_guichet="NAR01")
        self.agent_guichet = membre(self.desk, username="guichetier")

    @property
    def d(self) -> dict[str, Any]:
        return self.monde.demandes

    @property
    def jour(self) -> Any:
        return self.monde.jour

    @property
    def etat(self) -> Acteur:
        return acteur_de(self.monde.gestionnaire_etat)

    @property
    def epci(self) -> Acteur:
        return acteur_de(self.monde.agent_epci)

    @property
    def guichet(self) -> Acteur:
        return acteur_de(self.agent_guichet)

    @property
    def social(self) -> Acteur:
        return acteur_de(self.ts)

    @property
    def bailleur(self) -> Acteur:
        return acteur_de(self.monde.gestionnaire_bailleur)


@pytest.fixture
def ml(db: None, monkeypatch: pytest.MonkeyPatch, horloge: time_machine.Coordinates) -> MondeLabels:
    seuil_connu(monkeypatch)
    return MondeLabels(monde_rapprochement())
