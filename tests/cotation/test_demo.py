"""The demo's active grids: socle and mutation imported, published, and every demo demand scored."""

from __future__ import annotations

import io

import pytest

from attrib.cotation.enums import StatutTache, StatutVersion, TypeGrille
from attrib.cotation.models import Cotation, VersionGrille
from attrib.demandes import enums
from attrib.demo.cotation import cotation_demo_installer
from attrib.organisations.acteurs import acteur_systeme
from tests.cotation.conftest import Territoire

pytestmark = pytest.mark.django_db


def test_installation_idempotente_des_grilles_de_la_demo(territoire: Territoire) -> None:
    locataire = territoire.demande(mois=30, statut_logement_actuel=enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL)
    autre = territoire.demande(mois=30, priorites=("l441_k",))
    sortie = io.StringIO()
    tache = cotation_demo_installer(epci_org=territoire.epci, stdout=sortie, auteur=acteur_systeme("test"))
    assert tache.statut == StatutTache.TERMINEE
    assert sortie.getvalue().startswith("Cotation : 2 demandes cotées au ")
    publiees = {v.grille.type: v for v in VersionGrille.objects.filter(statut=StatutVersion.PUBLIEE)}
    assert publiees[TypeGrille.GENERALE].libelle.startswith("Grille socle de cotation")
    assert publiees[TypeGrille.MUTATION].libelle.startswith("Grille de cotation des mutations")
    assert Cotation.objects.get(demande=locataire).version == publiees[TypeGrille.MUTATION]
    cotation = Cotation.objects.get(demande=autre)
    assert cotation.version == publiees[TypeGrille.GENERALE]
    assert cotation.detail["provisoire"]["l441_k_sans_logement"] == 450
    assert cotation.detail["provisoire"]["anciennete"] == 300

    again = cotation_demo_installer(epci_org=territoire.epci, auteur=acteur_systeme("test"))
    assert again.statut == StatutTache.TERMINEE and VersionGrille.objects.count() == 2
