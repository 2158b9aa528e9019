"""The rapprochement's world (``tests/rapprochement/conftest.py``) with the State's dwelling oriented to Action
Logement instead, a manager of Action Logement, and Action Logement's list of contributing companies (fictitious
companies whose SIRETs have a right key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine

from attrib.demandes.enums import RolePersonne
from attrib.demandes.models import Personne
from attrib.engine.siret import completer_cle
from attrib.flux.models import LogementLibere
from attrib.flux.services import orientation_forcer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, Role, User
from attrib.rapprochement.models import EntrepriseCotisante
from tests.factories import membre
from tests.rapprochement.conftest import Monde, monde_rapprochement, seuil_connu

#: Fictitious establishments (13 digits, then the Luhn key).
SIRET_COTISANTE = completer_cle("9990000100001")
SIRET_AUTRE_COTISANTE = completer_cle("9990000200001")
SIRET_NON_COTISANTE = completer_cle("9990000300001")


@dataclass
class MondeChoix:
    monde: Monde
    al: Organisation
    ll: LogementLibere
    gestionnaire_al: User
    lecteur_al: User


def monde_choix() -> MondeChoix:
    monde = monde_rapprochement()
    al = Organisation.objects.get(nom="Action Logement")
    al.perimetre.set(monde.bailleur.perimetre.all())
    orientation = monde.ll_etat.orientation
    assert orientation is not None
    orientation_forcer(
        orientation=orientation,
        reservataire=al,
        motif="Test : logement pour Action Logement.",
        auteur=acteur_systeme("test"),
    )
    ll = LogementLibere.objects.get(pk=monde.ll_etat.pk)
    jour = monde.jour
    EntrepriseCotisante.objects.create(
        reservataire=al,
        siret=SIRET_COTISANTE,
        raison_sociale="Conserverie fictive du Golfe",
        debut=jour - timedelta(days=400),
    )
    EntrepriseCotisante.objects.create(
        reservataire=al,
        siret=SIRET_AUTRE_COTISANTE,
        raison_sociale="Ateliers fictifs de la Clape",
        debut=jour - timedelta(days=800),
        fin=jour - timedelta(days=30),  # no longer contributes
    )
    d = monde.demandes
    Personne.objects.filter(demande=d["famille"], role=RolePersonne.CODEMANDEUR).update(employeur_siret=SIRET_COTISANTE)
    Personne.objects.filter(demande=d["couple"], role=RolePersonne.DEMANDEUR).update(
        employeur_siret=SIRET_AUTRE_COTISANTE
    )
    Personne.objects.filter(demande=d["recent"], role=RolePersonne.DEMANDEUR).update(
        employeur_siret=SIRET_NON_COTISANTE
    )
    return MondeChoix(
        monde=monde,
        al=al,
        ll=ll,
        gestionnaire_al=membre(al, username="al-gestion"),
        lecteur_al=membre(al, role=Role.CONSULTATION, username="al-lecture"),
    )


@pytest.fixture
def mc(db: None, monkeypatch: pytest.MonkeyPatch, horloge: time_machine.Coordinates) -> MondeChoix:
    seuil_connu(monkeypatch)
    return monde_choix()
