"""The dashboard pages and exports, as an EPCI agent, a commune, a bailleur and a réservataire see them."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from tests.factories import COURSAN, GRUISSAN, NARBONNE, membre
from tests.pilotage.conftest import Monde
from tests.taches.outils import fichier_du_travail

pytestmark = pytest.mark.django_db

ANNEE_2026 = {"debut": "2026-01-01", "fin": "2026-12-31"}


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def agent_epci(monde: Monde) -> Any:
    epci = Organisation.objects.create(
        nom="Grand Narbonne", type=TypeOrganisation.EPCI, categorie_reservataire=CategorieReservataire.EPCI
    )
    epci.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    return membre(epci, username="agent_epci")


def test_le_tableau_montre_chaque_objectif_sa_cible_et_son_etat(agent_epci: Any) -> None:
    r = _client(agent_epci).get(reverse("pilotage:tableau"), ANNEE_2026)
    assert r.status_code == 200
    html = r.content.decode()
    assert "10 attributions</strong> du 01/01/2026 au 31/12/2026" in html
    carte = html[html.index('id="carte-q1_hors_qpv"') :][:2500]
    assert "28,6\u00a0%" in carte and "2 sur 7 attributions" in carte and "Objectif atteint" in carte
    carte = html[html.index('id="carte-non_q1_en_qpv"') :][:2500]
    assert "33,3\u00a0%" in carte and "Objectif non atteint" in carte
    carte = html[html.index('id="carte-travailleurs_essentiels"') :][:2500]
    assert "0 sur 10 attributions" in carte and "objectif de la CIA non renseigné" in carte
    # Charts are SVG with a title and a table alternative.
    assert 'role="img"' in html and 'id="table-reservataires"' in html and 'id="table-mensuelle"' in html
    assert "60\u00a0%" in html  # the State's share
    assert "Taux de refus : <strong>16,7\u00a0%</strong>" in html
    assert "9\u202f000 €" in html  # official threshold of the test file


def test_changer_la_periode_change_les_comptes(agent_epci: Any) -> None:
    r = _client(agent_epci).get(reverse("pilotage:tableau"), {"debut": "2026-03-01", "fin": "2026-04-30"})
    html = r.content.decode()
    # Leases 4, 5, 6, 7 (March–April).
    assert "4 attributions</strong> du 01/03/2026 au 30/04/2026" in html


def test_filtre_invalide_message_clair_sans_resultat(agent_epci: Any) -> None:
    r = _client(agent_epci).get(reverse("pilotage:tableau"), {"debut": "2026-06-01", "fin": "2026-01-01"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "précède son début" in html and 'href="#id_fin"' in html
    r = _client(agent_epci).get(reverse("pilotage:tableau"), {**ANNEE_2026, "commune": "11069"})
    assert "hors de votre périmètre" in r.content.decode()


def test_le_detail_d_un_objectif_dit_pourquoi_chaque_attribution_compte(agent_epci: Any) -> None:
    r = _client(agent_epci).get(reverse("pilotage:attributions"), {**ANNEE_2026, "objectif": "q1_hors_qpv"})
    assert r.status_code == 200
    html = r.content.decode()
    table = html[html.index('id="table-attributions"') :]
    assert table.count("<tr>") == 1 + 7  # header + the 7 leases outside QPV
    assert table.count("<strong>oui</strong>") == 2
    assert "ménage du 1er quartile : 9\u202f000 € par UC ≤ 9\u202f000 € (seuil officiel 2026)" in table
    assert "LGT-07" not in table  # in QPV: outside this objective's field
    r = _client(agent_epci).get(reverse("pilotage:attributions"), {**ANNEE_2026, "objectif": "inconnu"})
    assert r.status_code == 404


def test_export_xlsx_pour_la_cil(agent_epci: Any) -> None:
    r = fichier_du_travail(_client(agent_epci).get(reverse("pilotage:export_xlsx"), ANNEE_2026))
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="pilotage_attributions_20260101_20261231.xlsx"'
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == [
        "Synthèse",
        "Q1 hors QPV",
        "Non-Q1 en QPV",
        "Résidences fragiles",
        "Prioritaires par réservataire",
        "Travailleurs essentiels",
        "Attributions",
        "Délais d'attente",
        "Refus",
        "Location voulue",
        "Paramètres et sources",
    ]
    q1 = wb["Q1 hors QPV"]
    assert [c.value for c in q1[2]][:6] == [
        "Attributions hors QPV aux ménages du 1er quartile",
        7,
        2,
        pytest.approx(2 / 7),
        "≥ 25\u00a0%",
        "atteint",
    ]
    assert wb["Synthèse"]["B4"].value == 10
    reservataires = {
        row[0]: row[1:3] for row in wb["Prioritaires par réservataire"].iter_rows(min_row=2, values_only=True)
    }
    assert reservataires["Attributions du réservataire Préfecture de l'Aude aux ménages DALO ou prioritaires"] == (5, 3)
    attributions = list(wb["Attributions"].iter_rows(values_only=True))
    assert len(attributions) == 11 and attributions[0][0] == "Date du bail"
    essentiels = list(wb["Travailleurs essentiels"].iter_rows(min_row=2, values_only=True))
    assert [r[1:6] for r in essentiels] == [
        (10, 0, 0.0, "objectif de la CIA non renseigné", "objectif de la CIA non renseigné"),
        (10, 0, 0.0, "objectif de la CIA non renseigné", "objectif de la CIA non renseigné"),
    ]
    assert essentiels[1][0] == "Travailleurs essentiels — CA Le Grand Narbonne"
    parametres = {row[0]: row[1] for row in wb["Paramètres et sources"].iter_rows(min_row=2, values_only=True)}
    assert parametres["Taux Q1 hors QPV"] == 0.25
    assert parametres["Seuil du 1er quartile appliqué 2026 (EPCI 241100593)"] == 9000
    refus = {row[0]: row[1] for row in wb["Refus"].iter_rows(values_only=True) if row and row[0]}
    assert refus["Taux de refus"] == pytest.approx(2 / 12)
    assert refus["Loyer ou charges trop élevés"] == 1


def test_export_csv(agent_epci: Any) -> None:
    r = fichier_du_travail(_client(agent_epci).get(reverse("pilotage:export_csv"), ANNEE_2026))
    texte = r.content.decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert len(lignes) == 11
    premiere = dict(zip(lignes[0], lignes[1], strict=True))
    assert premiere["Date du bail"] == "20/01/2026"
    assert premiere["1er quartile"] == "oui" and premiere["DALO"] == "oui" and premiere["En QPV"] == "non"


def test_chacun_ne_voit_que_son_perimetre(monde: Monde) -> None:
    gruissan = Organisation.objects.create(nom="Ville de Gruissan", type=TypeOrganisation.COMMUNE, commune_id=GRUISSAN)
    gruissan.perimetre.set([GRUISSAN])
    agents = {
        "commune": membre(gruissan, username="mairie"),
        "bailleur": monde.gestionnaire,
        "action_logement": membre(monde.action_logement, username="al"),
        "etat": membre(monde.etat, username="prefecture"),
    }
    attendus = {"commune": 4, "bailleur": 10, "action_logement": 4, "etat": 10}
    for profil, user in agents.items():
        r = _client(user).get(reverse("pilotage:tableau"), ANNEE_2026)
        html = r.content.decode()
        n = attendus[profil]
        assert f"{n} attributions</strong>" in html, profil
    # A réservataire cannot widen its scope to another contingent.
    r = _client(agents["action_logement"]).get(
        reverse("pilotage:tableau"), {**ANNEE_2026, "reservataire": str(monde.etat.pk)}
    )
    assert "hors de votre périmètre" in r.content.decode()


def test_le_tableau_est_garde_jusqu_a_ce_que_ses_donnees_changent(agent_epci: Any) -> None:
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from attrib.commissions.models import Bail

    c = _client(agent_epci)

    def page() -> str:
        return c.get(reverse("pilotage:tableau"), ANNEE_2026).content.decode()

    assert "10 attributions</strong>" in page()
    # Read again with nothing changed: the leases are not read again (the dashboard and its filter choices are
    # kept for this state of the data).
    with CaptureQueriesContext(connection) as requetes:
        assert "10 attributions</strong>" in page()
    assert not [r for r in requetes.captured_queries if "commissions_bail" in r["sql"]]
    # A bulk update outside any service (a lease moved to the previous year) moves the state: it is counted again.
    Bail.objects.filter(pk=Bail.objects.order_by("pk").values("pk")[:1]).update(date_signature=date(2025, 12, 1))
    assert "9 attributions</strong>" in page()
