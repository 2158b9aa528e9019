"""The referentials are browsable in the Django admin."""

from __future__ import annotations

import pytest
from django.test import Client

from attrib.organisations.acteurs import acteur_systeme
from attrib.territoires.services import territoires_importer
from tests.territoires.conftest import GRAND_NARBONNE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def narbonne() -> None:
    territoires_importer(epcis=[GRAND_NARBONNE], auteur=acteur_systeme("test"))


def test_recherche_de_commune_par_nom_et_filtre_par_zone(admin_client: Client) -> None:
    reponse = admin_client.get(
        "/admin/territoires/commune/", {"q": "narbonne", "zone_plafond__exact": "autres_regions"}
    )

    assert reponse.status_code == 200
    assert reponse.context["cl"].result_count == 1
    assert "Narbonne" in reponse.content.decode()


def test_recherche_de_commune_par_code_et_filtre_par_departement(admin_client: Client) -> None:
    reponse = admin_client.get("/admin/territoires/commune/", {"q": "11170", "departement": "11"})

    assert reponse.status_code == 200
    assert [c.nom for c in reponse.context["cl"].result_list] == ["Gruissan"]


def test_liste_des_epci_et_des_qpv(admin_client: Client) -> None:
    epci = admin_client.get("/admin/territoires/epci/")
    qpv = admin_client.get("/admin/territoires/qpv/", {"q": "QP011008"})

    assert epci.status_code == qpv.status_code == 200
    assert "CA Le Grand Narbonne" in epci.content.decode()
    assert [q.code for q in qpv.context["cl"].result_list] == ["QP011008"]
