"""The demand import screen: a file over the byte limit is refused at upload, naming the limit; an accepted file
goes to the worker by its stored name (not its content), and is removed once read."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from attrib.demandes.models import Demande
from attrib.taches.models import Travail
from tests.factories import NARBONNE, guichet, membre, territoire_minimal

pytestmark = pytest.mark.django_db

ENTETE = (
    "numero_unique;nom_demandeur;prenoms_demandeur;date_naissance_demandeur;statut_logement_actuel;"
    "typologie_min;typologie_max;communes_souhaitees;revenu_fiscal_reference;annee_revenu_fiscal;motif_principal"
)


@pytest.fixture
def client_agent() -> tuple[Client, object]:
    territoire_minimal()
    narbonne = guichet()
    client = Client()
    client.force_login(membre(narbonne, username="agent-narbonne"))
    return client, narbonne


def _csv(*lignes: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("demandes.csv", ("\n".join([ENTETE, *lignes]) + "\n").encode(), content_type="text/csv")


def test_fichier_trop_volumineux_refuse_au_depot(client_agent, settings, tmp_path):
    client, narbonne = client_agent
    settings.MEDIA_ROOT = tmp_path
    settings.ATTRIB_IMPORT_OCTETS_MAX = 100
    ligne = f";Roux;Nina;12/03/1991;heberge_famille;1;2;{NARBONNE};9000;2024;heberge"
    reponse = client.post(reverse("demandes:import"), {"guichet": narbonne.pk, "fichier": _csv(ligne)})
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "demandes.csv : fichier trop volumineux" in page and "100 au plus" in page
    assert not Travail.objects.exists() and not list(tmp_path.rglob("*.csv"))


def test_fichier_accepte_passe_au_worker_par_son_nom_puis_est_efface(client_agent, settings, tmp_path):
    client, narbonne = client_agent
    settings.MEDIA_ROOT = tmp_path
    ligne = f";Roux;Nina;12/03/1991;heberge_famille;1;2;{NARBONNE};9000;2024;heberge"
    reponse = client.post(reverse("demandes:import"), {"guichet": narbonne.pk, "fichier": _csv(ligne)})
    assert reponse.status_code == 302
    travail = Travail.objects.get()
    assert (travail.statut, travail.resume) == (
        "termine",
        "demandes.csv : 1 ligne importée (1 créée, 0 mise à jour), 0 écartée.",
    )
    assert Demande.objects.count() == 1
    assert not list(tmp_path.rglob("*.csv"))
