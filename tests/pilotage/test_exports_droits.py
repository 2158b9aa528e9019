"""The CIL exports: the list of the attributions (demand numbers, resources) only for a role allowed to export
personal data; a read-only commune gets the counts. Every export is journalled."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from attrib.common.models import Evenement
from attrib.organisations.models import CategorieReservataire, Organisation, Role, TypeOrganisation
from attrib.pilotage.export import MENTION_SANS_LISTE
from tests.factories import COURSAN, GRUISSAN, NARBONNE, membre
from tests.pilotage.conftest import Monde
from tests.taches.outils import fichier_du_travail

pytestmark = pytest.mark.django_db

ANNEE_2026 = {"debut": "2026-01-01", "fin": "2026-12-31"}


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _commune(role: str) -> Any:
    ville = Organisation.objects.create(
        nom="Ville de Narbonne",
        type=TypeOrganisation.COMMUNE,
        categorie_reservataire=CategorieReservataire.COMMUNE,
        commune_id=NARBONNE,
    )
    ville.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    return membre(ville, role=role, username=f"ville_{role}")


def test_une_commune_en_consultation_obtient_les_effectifs_sans_la_liste(monde: Monde) -> None:
    elu = _client(_commune(Role.CONSULTATION))

    assert elu.get(reverse("pilotage:export_csv"), ANNEE_2026).status_code == 403
    page = elu.get(reverse("pilotage:tableau"), ANNEE_2026).content.decode()
    assert reverse("pilotage:export_xlsx") in page and reverse("pilotage:export_csv") not in page
    r = fichier_du_travail(elu.get(reverse("pilotage:export_xlsx"), ANNEE_2026))
    wb = load_workbook(io.BytesIO(r.content))
    assert "Attributions" not in wb.sheetnames and "Q1 hors QPV" in wb.sheetnames
    synthese = {ligne[0]: ligne[1] for ligne in wb["Synthèse"].iter_rows(values_only=True)}
    assert synthese["Liste des attributions"] == MENTION_SANS_LISTE
    [journal] = Evenement.objects.filter(action="export")
    assert journal.details["format"] == "xlsx" and not journal.details["donnees_personnelles"]


def test_un_gestionnaire_de_la_commune_exporte_la_liste_et_c_est_journalise(monde: Monde) -> None:
    gestionnaire = _commune(Role.GESTIONNAIRE)
    client = _client(gestionnaire)

    assert reverse("pilotage:export_csv") in client.get(reverse("pilotage:tableau"), ANNEE_2026).content.decode()
    wb = load_workbook(io.BytesIO(fichier_du_travail(client.get(reverse("pilotage:export_xlsx"), ANNEE_2026)).content))
    attributions = wb["Attributions"].max_row - 1
    texte = fichier_du_travail(client.get(reverse("pilotage:export_csv"), ANNEE_2026)).content.decode("utf-8-sig")

    xlsx, csv_ = Evenement.objects.filter(action="export").order_by("pk")
    assert attributions > 0 and len(texte.strip().splitlines()) == attributions + 1
    assert (xlsx.details["lignes"], csv_.details["lignes"]) == (attributions, attributions)
    assert csv_.auteur == gestionnaire and csv_.details["donnees_personnelles"]
    assert "2026" in csv_.details["perimetre"]
