"""The stock is browsable in the Django admin."""

from __future__ import annotations

import pytest
from django.test import Client

from attrib.organisations.acteurs import acteur_systeme
from attrib.patrimoine.models import Residence
from attrib.patrimoine.services import patrimoine_reconstituer
from tests.patrimoine.conftest import FICHIER_COMPTAGES

pytestmark = pytest.mark.django_db


def test_listes_et_fiche_d_une_residence(grand_narbonne: None, admin_client: Client) -> None:
    patrimoine_reconstituer(chemin=FICHIER_COMPTAGES, graine=2026, auteur=acteur_systeme("test"))
    residence = Residence.objects.get(identifiant="RPLS2019-11266-1973-C-H-01")

    liste = admin_client.get("/admin/patrimoine/residence/", {"q": "11266-1973", "estimee__exact": "1"})
    fiche = admin_client.get(f"/admin/patrimoine/residence/{residence.pk}/change/")
    logements = admin_client.get("/admin/patrimoine/logement/", {"loyer_estime__exact": "1", "nb_pieces": "4"})

    assert liste.status_code == fiche.status_code == logements.status_code == 200
    assert liste.context["cl"].result_count == 4
    assert "Ensemble collectif achevé en 1973 (1/4)" in fiche.content.decode()
    assert logements.context["cl"].result_count > 0
