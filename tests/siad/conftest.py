"""The reception service's world: the Grand Narbonne of the tests (three communes, Carcassonne outside), its EPCI
organisation (the territory has public pages), a desk with a manager and a read-only member, a place of the desk
with its hours, and slots opened through the series service. The clock is frozen (``horloge``: Monday 15 June
2026, 10:00)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

import pytest

from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, Role, TypeOrganisation, User
from attrib.siad.models import Creneau, LieuAccueil
from attrib.siad.services import creneaux_creer_serie, horaires_enregistrer, lieu_enregistrer
from attrib.territoires.models import EPCI, Commune
from tests.factories import NARBONNE, guichet, membre, territoire_minimal

SYSTEME = acteur_systeme("test")
SIREN = "241100593"


@dataclass
class MondeSiad:
    epci: EPCI
    guichet: Organisation
    agent: User
    lecteur: User
    autre_agent: User
    lieu: LieuAccueil

    def ouvrir(self, jour: date, debut: time, fin: time, *, duree: int = 20, capacite: int = 1) -> list[Creneau]:
        return creneaux_creer_serie(
            lieu=self.lieu,
            premier_jour=jour,
            dernier_jour=jour,
            jours=[jour.weekday()],
            heure_debut=debut,
            heure_fin=fin,
            duree_minutes=duree,
            capacite=capacite,
            auteur=SYSTEME,
        ).creneaux


def donnees_lieu(organisation: Organisation, **surcharges: Any) -> dict[str, Any]:
    donnees: dict[str, Any] = {
        "organisation": organisation,
        "nom": "Maison de l'habitat",
        "adresse": "10 avenue de l'Essai",
        "complement": "Rez-de-chaussée",
        "code_postal": "11100",
        "commune": Commune.objects.get(pk=NARBONNE),
        "telephone": "04 68 00 00 00",
        "courriel": "accueil@example.org",
        "services": ["enregistrement", "information", "accompagnement"],
        "accessibilite": ["fauteuil", "boucle_magnetique"],
        "informations": "Entrée par la cour.",
        "rendez_vous_en_ligne": True,
        "actif": True,
    }
    donnees.update(surcharges)
    return donnees


@pytest.fixture
def monde(db: None, horloge: Any, settings: Any) -> MondeSiad:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    epci = territoire_minimal()
    Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci=epci)
    g = guichet(nom="Maison de l'habitat", code="MHN01")
    autre = guichet(nom="Guichet de Carcassonne", code="CAR01", communes=("11069",))
    lieu = lieu_enregistrer(lieu=None, donnees=donnees_lieu(g), auteur=SYSTEME)
    horaires_enregistrer(
        lieu=lieu,
        plages={j: [(time(9), time(12)), (time(13, 30), time(17))] for j in range(5)},
        exceptions=[],
        auteur=SYSTEME,
    )
    return MondeSiad(
        epci=epci,
        guichet=g,
        agent=membre(g, username="agent"),
        lecteur=membre(g, role=Role.CONSULTATION, username="lecteur"),
        autre_agent=membre(autre, username="autre"),
        lieu=lieu,
    )


def demain() -> date:
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=1)
