"""Screens of the DALO follow-up as the State, the EPCI and a bailleur use them: the board by deadline with its
statuses and filters, the export, a household's page and the designation form, the demand page's section, the
existing decision page (now with the réorientation), and the pilotage's DALO block."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attrib.dalo.enums import EtatDecision, SensDecision
from attrib.dalo.models import DecisionDalo, DesignationPrefet
from tests.dalo.conftest import MondeDalo

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_le_tableau_de_l_etat_avant_et_apres_l_echeance(monde_dalo: MondeDalo) -> None:
    page = _client(monde_dalo.agent_etat).get(reverse("dalo:tableau"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Échéance proche : 1" in html and "Délai dépassé : 1" in html and "Dans le délai : 1" in html
    assert "Relogé : 2" in html  # leases 1 and 9
    # ranked by deadline: the one past first, then the near one, then the one within its deadline
    positions = [html.index(d.numero_unique) for d in (monde_dalo.depasse, monde_dalo.proche, monde_dalo.dans_le_delai)]
    assert positions == sorted(positions)
    assert "Dépassée de" in html and "jours restants" in html
    filtre = _client(monde_dalo.agent_etat).get(reverse("dalo:tableau"), {"statut": "delai_depasse"}).content.decode()
    assert monde_dalo.depasse.numero_unique in filtre and monde_dalo.proche.numero_unique not in filtre


def test_l_export_reprend_le_tableau(monde_dalo: MondeDalo) -> None:
    reponse = _client(monde_dalo.agent_epci).get(reverse("dalo:export_xlsx"), {"statut": "echeance_proche"})
    assert reponse.status_code == 200
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][0] == "Demande" and len(lignes) == 2
    assert lignes[1][0] == monde_dalo.proche.numero_unique and lignes[1][8] == "Échéance proche"


def test_designation_depuis_la_page_du_menage(monde_dalo: MondeDalo) -> None:
    d = DecisionDalo.objects.get(demande=monde_dalo.depasse, etat=EtatDecision.EN_VIGUEUR)
    url = reverse("dalo:designer", args=[d.pk])
    client = _client(monde_dalo.agent_etat)
    erreur = client.post(
        url,
        {
            "designation-bailleur": monde_dalo.base.bailleur.pk,
            "designation-date_designation": (d.date_decision - timedelta(days=3)).isoformat(),
            "designation-contingent": "etat_prioritaires",
        },
    )
    assert erreur.status_code == 400 and "ne peut pas précéder la décision" in erreur.content.decode()
    ok = client.post(
        url,
        {
            "designation-bailleur": monde_dalo.base.bailleur.pk,
            "designation-date_designation": timezone.localdate().isoformat(),
            "designation-contingent": "etat_prioritaires",
            "designation-logement": "LGT-01",
        },
    )
    assert ok.status_code == 302
    x = DesignationPrefet.objects.get(decision=d)
    assert x.logement is not None and x.logement.identifiant == "LGT-01"
    page = _client(monde_dalo.agent_bailleur).get(reverse("dalo:decision", args=[d.pk])).content.decode()
    assert "Alogea" in page and "État (publics prioritaires)" in page
    assert reverse("dalo:designer", args=[d.pk]) not in page  # the bailleur reads, it does not designate
    assert _client(monde_dalo.agent_bailleur).get(url).status_code == 404


def test_la_page_de_la_demande_montre_le_suivi(monde_dalo: MondeDalo) -> None:
    page = _client(monde_dalo.agent_etat).get(reverse("demandes:detail", args=[monde_dalo.proche.pk])).content.decode()
    assert "Suivi DALO" in page and "Échéance proche" in page and "Offre de logement due au plus tard le" in page


def test_la_page_de_decision_existante_enregistre_une_reorientation(monde_dalo: MondeDalo) -> None:
    jour = timezone.localdate()
    reponse = _client(monde_dalo.agent_etat).post(
        reverse("demandes:decision_dalo", args=[monde_dalo.dans_le_delai.pk]),
        {"dalo-decision": "reorientation", "dalo-date_decision": jour.isoformat(), "dalo-commission": "COMED"},
    )
    assert reponse.status_code == 302
    d = DecisionDalo.objects.get(demande=monde_dalo.dans_le_delai, etat=EtatDecision.EN_VIGUEUR)
    assert d.sens == SensDecision.REORIENTATION and d.date_decision == jour


def test_le_bloc_dalo_du_pilotage(monde_dalo: MondeDalo) -> None:
    page = _client(monde_dalo.agent_etat).get(
        reverse("pilotage:tableau"), {"debut": date(2024, 1, 1).isoformat(), "fin": timezone.localdate().isoformat()}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="table-dalo-pilotage"' in html
    assert "<td>5</td><td>0</td><td>2</td><td>0</td><td>3</td><td>1</td>" in html
