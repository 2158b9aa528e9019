"""Journey: an EPCI agent opens the objectives dashboard, changes the period, reads the card of the Q1
objective outside QPV and the table of the attributions it counts, then location voulue beside the classic route
(axe checks on every screen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from attrib.demandes import quartile
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from tests.browser.conftest import connecter, resume_violations, violations_axe
from tests.factories import COURSAN, GRUISSAN, NARBONNE, membre
from tests.pilotage.conftest import FICHIER_SEUILS, construire_monde

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOT_DE_PASSE = "motdepasse-test"


@pytest.fixture
def seuils_essai(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test data file of the first-quartile thresholds: 9 000 € per UC in 2026 (official)."""
    chemin = tmp_path / "seuils_q1.yaml"
    chemin.write_text(FICHIER_SEUILS, encoding="utf-8")
    monkeypatch.setattr(quartile, "FICHIER", chemin)
    return chemin


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def test_un_agent_de_l_epci_lit_ses_objectifs(page: Page, live_server, seuils_essai: Path) -> None:
    construire_monde()
    epci = Organisation.objects.create(
        nom="Grand Narbonne", type=TypeOrganisation.EPCI, categorie_reservataire=CategorieReservataire.EPCI
    )
    epci.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    membre(epci, username="agent.epci", password=MOT_DE_PASSE)
    base = live_server.url
    connecter(page, base, "agent.epci", MOT_DE_PASSE)

    page.get_by_role("link", name="Pilotage").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage des objectifs d'attribution")
    page.get_by_label("Du", exact=True).fill("2026-01-01")
    page.get_by_label("Au", exact=True).fill("2026-12-31")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("#resume-periode")).to_contain_text("10 attributions du 01/01/2026 au 31/12/2026")
    _sans_violation(page)

    # Change the period: March and April 2026 (leases 4 to 7).
    page.get_by_label("Du", exact=True).fill("2026-03-01")
    page.get_by_label("Au", exact=True).fill("2026-04-30")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("#resume-periode")).to_contain_text("4 attributions du 01/03/2026 au 30/04/2026")
    carte = page.locator("#carte-q1_hors_qpv")
    # Outside QPV in March–April: leases 4, 5, 6 (Gruissan); Q1: lease 4 → 1/3.
    expect(carte).to_contain_text("33,3")
    expect(carte).to_contain_text("1 sur 3 attributions")
    expect(carte).to_contain_text("Objectif atteint")
    expect(page.locator("#carte-travailleurs_essentiels")).to_contain_text("Non renseigné")

    carte.get_by_role("link", name="Voir les attributions comptées").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attributions hors QPV aux ménages du 1er quartile")
    table = page.locator("#table-attributions")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("ménage du 1er quartile : 9\u202f000 € par UC ≤ 9\u202f000 € (seuil officiel 2026)")
    _sans_violation(page)

    # Location voulue beside the classic route, for the same period: no advert here, every lease is classic.
    page.go_back()
    page.get_by_role("link", name="Location voulue et voie classique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Location voulue et voie classique")
    expect(page.locator("#resume-periode")).to_contain_text("4 attributions du 01/03/2026 au 30/04/2026")
    expect(page.locator("#part-location-voulue")).to_have_text("0\u00a0%")
    expect(page.locator("#table-objectifs")).to_contain_text("Attributions hors QPV aux ménages du 1er quartile")
    page.screenshot(path="/tmp/pilotlv_location_voulue.png", full_page=True)
    _sans_violation(page)
