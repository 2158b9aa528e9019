"""A worker killed without warning leaves its job « en cours »: the next worker (or the next job) closes it as
failed, in French, with what was kept; a job whose process still runs, or runs on another host, is left."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from attrib.cotation.enums import NatureTache, StatutTache
from attrib.cotation.models import TacheCotation
from attrib.organisations.models import TypeOrganisation
from attrib.rapprochement.enums import StatutLot
from attrib.rapprochement.models import LotPropositions
from attrib.taches.interruptions import (
    MESSAGE_INTERRUPTION,
    Processus,
    existe,
    interruptions_constater,
    processus_courant,
)
from attrib.taches.models import StatutTravail, Travail
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _processus_mort() -> Processus:
    """A process of this host that has run and exited."""
    fils = subprocess.Popen([sys.executable, "-c", "pass"])
    fils.wait()
    courant = processus_courant()
    return Processus(hote=courant.hote, pid=fils.pid, debut="1")


def _en_cours(processus: Processus | str, **kw: object) -> Travail:
    return Travail.objects.create(
        lance_par=kw.pop("lance_par", None) or UserFactory(),
        nature="test.long",
        libelle="Export des demandes",
        statut=StatutTravail.EN_COURS,
        conserve="Aucun fichier n'a été produit.",
        execute_par=str(processus),
        **kw,  # type: ignore[arg-type]
    )


def test_le_travail_d_un_worker_disparu_est_clos_en_echec_et_le_dit_en_francais() -> None:
    travail = _en_cours(_processus_mort())
    assert interruptions_constater() == [travail.pk]
    travail.refresh_from_db()
    assert travail.statut == StatutTravail.ECHEC and travail.resume == MESSAGE_INTERRUPTION
    assert travail.termine_le is not None
    client = Client()
    client.force_login(travail.lance_par)
    page = client.get(reverse("taches:travail", args=[travail.pk])).content.decode()
    assert "Le travail n&#x27;a pas abouti" in page or "Le travail n'a pas abouti" in page
    assert "le serveur qui l" in page and "Aucun fichier n" in page
    assert interruptions_constater() == []  # closed once


def test_un_travail_dont_le_processus_vit_ou_tourne_ailleurs_n_est_pas_touche() -> None:
    vivant = _en_cours(processus_courant())
    ailleurs = _en_cours(Processus(hote="autre-serveur", pid=1, debut="1"))
    ancien = _en_cours("")  # launched before processes were recorded: nothing to judge it by
    assert interruptions_constater() == []
    for travail in (vivant, ailleurs, ancien):
        travail.refresh_from_db()
        assert travail.statut == StatutTravail.EN_COURS


def test_un_numero_de_processus_repris_par_un_autre_processus_n_est_pas_le_worker() -> None:
    courant = processus_courant()
    if not courant.debut:
        pytest.skip("ce système ne dit pas l'instant de démarrage d'un processus")
    assert existe(courant)
    assert not existe(Processus(hote=courant.hote, pid=courant.pid, debut=str(int(courant.debut) - 1)))


def test_le_rapport_de_calcul_des_cotations_est_clos_avec_son_travail() -> None:
    epci = OrganisationFactory(type=TypeOrganisation.EPCI)
    travail = _en_cours(_processus_mort())
    tache = TacheCotation.objects.create(
        organisation=epci, nature=NatureTache.PUBLICATION, travail=travail, etape=3, libelle_etape="Écriture"
    )
    autre = TacheCotation.objects.create(organisation=epci, nature=NatureTache.RECOTATION)
    interruptions_constater()
    tache.refresh_from_db()
    autre.refresh_from_db()
    assert tache.statut == StatutTache.ECHEC and tache.message == MESSAGE_INTERRUPTION and tache.terminee_le
    assert autre.statut == StatutTache.EN_COURS


def test_le_lot_de_propositions_est_clos_avec_son_travail() -> None:
    from datetime import date

    from tests.factories import territoire_minimal

    epci = territoire_minimal()
    travail = _en_cours(_processus_mort())
    commun = {
        "organisation": OrganisationFactory(type=TypeOrganisation.BAILLEUR),
        "epci": epci,
        "debut": date(2026, 6, 1),
        "fin": date(2026, 6, 30),
    }
    lot = LotPropositions.objects.create(travail=travail, **commun)
    autre = LotPropositions.objects.create(**commun)
    interruptions_constater()
    lot.refresh_from_db()
    autre.refresh_from_db()
    assert lot.statut == StatutLot.ECHEC and lot.message == MESSAGE_INTERRUPTION and lot.termine_le
    assert autre.statut == StatutLot.EN_COURS


def test_le_prochain_travail_execute_clot_d_abord_les_travaux_interrompus() -> None:
    from tests.taches.test_travaux import _lancer

    orphelin = _en_cours(_processus_mort())
    nouveau = _lancer(UserFactory(), "export")  # run at once in tests
    orphelin.refresh_from_db()
    nouveau.refresh_from_db()
    assert orphelin.statut == StatutTravail.ECHEC and nouveau.statut == StatutTravail.TERMINE
    assert Processus.lire(nouveau.execute_par) == processus_courant()
    assert os.getpid() == processus_courant().pid
