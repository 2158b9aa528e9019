"""The rating exports go through the products' writer and leave a journal entry with their row count."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from attrib.common.models import Evenement
from attrib.organisations.acteurs import acteur_de
from attrib.patrimoine.models import Residence
from attrib.qualification.services import campagne_cloturer
from tests.qualification.conftest import Territoire

pytestmark = pytest.mark.django_db


def _client(t: Territoire, qui: str) -> Client:
    c = Client()
    c.force_login(t.users[qui])
    return c


def test_la_liste_de_notation_et_les_resultats_exportes_sont_journalises(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    Residence.objects.filter(pk=territoire.residences["a"].pk).update(nom="=1+1")
    alogea = _client(territoire, "alogea")

    r = alogea.get(reverse("qualification:notation_export", args=[campagne.pk, territoire.alogea.pk]))

    feuille = load_workbook(io.BytesIO(r.content))["Notation"]
    lignes = feuille.max_row - 1
    cellule = next(c for (c,) in feuille.iter_rows(min_col=3, max_col=3) if c.value == "=1+1")
    assert cellule.data_type == "s"
    [journal] = Evenement.objects.filter(action="export")
    assert (journal.auteur, journal.organisation, journal.details["lignes"]) == (
        territoire.users["alogea"],
        territoire.alogea,
        lignes,
    )
    assert lignes > 0 and journal.cible_id == str(campagne.pk)

    campagne_cloturer(campagne=campagne, auteur=acteur_de(territoire.users["epci"]))
    r = _client(territoire, "gruissan").get(reverse("qualification:resultats_xlsx", args=[campagne.pk]))
    residences = load_workbook(io.BytesIO(r.content))["Résidences"].max_row - 1
    resultats = Evenement.objects.filter(action="export").latest("pk")
    assert resultats.auteur == territoire.users["gruissan"] and resultats.details["lignes"] == residences > 0
