"""Journey: a réservataire opens the shortlist of a freed dwelling oriented to it, reads why each demand is
there (or not), chooses the three first candidates (ranks and comments) onto the agenda of the bailleur's planned session
(axe checks on every screen)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from attrib.commissions.models import Examen
from attrib.flux.enums import StatutOrientation
from attrib.rapprochement.moteur import vider_cache
from tests.browser.conftest import connecter, resume_violations, violations_axe
from tests.rapprochement.conftest import monde_rapprochement, seuil_connu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def test_un_reservataire_lit_la_preselection_et_designe_trois_candidats(
    page: Page, live_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    vider_cache()
    seuil_connu(monkeypatch)
    monde = monde_rapprochement()
    d = monde.demandes
    connecter(page, live_server.url, "prefecture", "motdepasse-test")
    page.goto(f"{live_server.url}/flux/logements-liberes/{monde.ll_etat.pk}/")
    page.get_by_role("link", name="Présélection des candidats (rapprochement)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Présélection des candidats")
    expect(page.locator("#explication")).to_contain_text("5 sont éligibles")
    premier = page.locator("section.rapprochement-candidat").first
    expect(premier).to_contain_text(d["dalo"].numero_unique)
    expect(premier).to_contain_text("Reconnu prioritaire DALO.")
    expect(premier).to_contain_text("L'objectif prioritaire du réservataire")
    premier.get_by_text("Règles d'éligibilité").click()
    expect(premier).to_contain_text("Plafond de ressources (respectée)")
    ecartees = page.locator("table", has_text="non éligibles")
    expect(ecartees.get_by_role("row", name=d["aise"].numero_unique)).to_contain_text("Plafond de ressources")
    _sans_violation(page)

    for rang, n in enumerate(("dalo", "famille", "couple"), start=1):
        page.get_by_label(f"Rang proposé pour la demande {d[n].numero_unique}").fill(str(rang))
        page.get_by_label(f"Commentaire pour le bailleur sur la demande {d[n].numero_unique}").fill(f"Choix n° {rang}.")
    page.get_by_label("Séance de la commission d'attribution").select_option(str(monde.seance.pk))
    page.get_by_role("button", name="Transmettre le choix au bailleur").click()
    expect(page.locator(".fr-alert--success, .fr-notice, [role=status], .messages").first).to_contain_text(
        "3 candidats dans l'ordre de vos rangs"
    )
    expect(page.get_by_role("heading", name="Déjà à l'ordre du jour")).to_be_visible()
    _sans_violation(page)
    rangs = list(
        Examen.objects.filter(logement=monde.ll_etat.logement)
        .order_by("rang_propose")
        .values_list("demande_id", flat=True)
    )
    assert rangs == [d["dalo"].pk, d["famille"].pk, d["couple"].pk]
    monde.ll_etat.refresh_from_db()
    assert monde.ll_etat.orientation.statut == StatutOrientation.CANDIDATS_PROPOSES
    vider_cache()
