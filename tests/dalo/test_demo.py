"""The demo's DALO step on the hand-built world: every situation of the board appears, through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from attrib.dalo import selectors
from attrib.demandes.models import Demande
from attrib.demo.dalo import dalo_demo_creer
from attrib.engine.dalo import StatutDalo
from attrib.organisations.acteurs import acteur_systeme
from tests.dalo.conftest import MondeDalo
from tests.factories import creer_demande, personne

pytestmark = pytest.mark.django_db


def test_la_demo_montre_chaque_situation(monde_dalo: MondeDalo) -> None:
    jour = timezone.localdate()
    for nom in ("Aulne", "Bouleau", "Cedre", "Chene"):
        creer_demande(guichet_org=monde_dalo.base.desk, personnes=[personne(nom=nom)])
    rapport = dalo_demo_creer(demandes=Demande.objects.all(), bailleurs=[monde_dalo.base.bailleur], jour=jour, graine=3)
    assert rapport.levees == 1 and rapport.recours == 1 and rapport.designations == 3, rapport.texte()
    statuts = {r.statut for r in selectors.tableau(acteur_systeme("test"), jour)}
    assert statuts == set(StatutDalo)
