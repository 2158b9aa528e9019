"""Agreements and yearly report exports: a label a spreadsheet would evaluate comes out as text, the
interchange file still re-imports unchanged, and each export is journalled with its row count."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attrib.common.models import Evenement
from attrib.flux.models import ConventionReservation
from attrib.flux.services import conventions_importer
from attrib.organisations.acteurs import acteur_systeme
from tests.flux.conftest import Monde

SIGNES = ["=", "+", "-", "@", "\t"]


def _client(monde: Monde, nom: str = "alogea") -> Client:
    client = Client()
    client.force_login(monde.users[nom])
    return client


def _convention_au_libelle(monde: Monde, libelle: str) -> ConventionReservation:
    convention = monde.convention(monde.action_logement, "action_logement", "25")
    # Written straight to the table: whatever the form accepts today, an old row may hold anything.
    ConventionReservation.objects.filter(pk=convention.pk).update(libelle=libelle)
    return convention


@pytest.mark.parametrize("signe", SIGNES)
def test_un_libelle_qui_serait_une_formule_sort_en_texte_en_csv_et_en_excel(monde: Monde, signe: str) -> None:
    libelle = f"{signe}SOMME(1;2)"
    _convention_au_libelle(monde, libelle)
    client = _client(monde)

    texte = client.get(reverse("flux:conventions_export_csv")).content.decode("utf-8-sig")
    entete, ligne = csv.reader(io.StringIO(texte, newline=""), delimiter=";")
    assert dict(zip(entete, ligne, strict=True))["Libellé"] == "'" + libelle

    r = client.get(reverse("flux:conventions_export_xlsx"))
    assert r.status_code == 200
    cellule = load_workbook(io.BytesIO(r.content))["Conventions"]["D2"]
    assert cellule.value == libelle and isinstance(cellule.value, str)
    assert cellule.data_type == "s" and cellule.quotePrefix  # a text, not a formula
    assert load_workbook(io.BytesIO(r.content))["Conventions"]["C2"].value == "Action Logement"  # the label


def test_le_csv_neutralise_se_reimporte_sans_rien_changer(monde: Monde) -> None:
    convention = _convention_au_libelle(monde, "=1+1")
    contenu = _client(monde).get(reverse("flux:conventions_export_csv")).content

    rapport = conventions_importer(
        auteur=acteur_systeme("test"), bailleur=monde.alogea, fichier=contenu, nom_fichier="conventions.csv"
    )

    assert [ligne.resultat for ligne in rapport.lignes] == ["inchangee"], rapport.resume()
    convention.refresh_from_db()
    assert convention.libelle == "=1+1"


def test_chaque_export_des_conventions_et_du_bilan_est_journalise(monde: Monde) -> None:
    monde.conventions_standard()
    for logement in monde.logements("ouest")[:12]:
        monde.declarer(logement)
    client = _client(monde)
    annee = timezone.localdate().year

    client.get(reverse("flux:conventions_export_csv"))
    client.get(reverse("flux:conventions_export_xlsx"), {"bailleur": monde.alogea.pk})
    bilan = reverse("flux:bilan_xlsx", args=(monde.alogea.pk, monde.action_logement.pk, annee))
    assert client.get(bilan).status_code == 200

    csv_, xlsx, bilan_xlsx = Evenement.objects.filter(action="export").order_by("pk")
    assert (csv_.auteur, csv_.organisation, csv_.details["lignes"], csv_.details["format"]) == (
        monde.users["alogea"],
        monde.alogea,
        3,
        "csv",
    )
    assert xlsx.details["lignes"] == 3 and f"bailleur n° {monde.alogea.pk}" in xlsx.details["perimetre"]
    assert bilan_xlsx.details["lignes"] == 3 and bilan_xlsx.cible_id == str(monde.alogea.pk)
    assert f"Alogea à Action Logement Services, année {annee}" in bilan_xlsx.resume
