"""Journey of the batch proposals: a bailleur computes the proposals of the month for its freed dwellings (a
job: its page, then the batch's page), sees the certificate (value, bound, gap), the independent verification
and the objectives before and after, then puts the proposals on its CALEOL's agenda. Axe checks on each page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from attrib.commissions.models import Examen
from attrib.rapprochement.moteur import vider_cache
from tests.browser.conftest import connecter, menu, resume_violations, violations_axe
from tests.rapprochement.conftest import monde_rapprochement, seuil_connu
from tests.rapprochement.test_lot import _bailleur_sans_convention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def test_un_bailleur_calcule_le_lot_du_mois_et_l_inscrit_a_l_ordre_du_jour(
    page: Page, live_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    vider_cache()
    seuil_connu(monkeypatch)
    monde = monde_rapprochement()
    bailleur, liberes, gestionnaire = _bailleur_sans_convention(monde)
    gestionnaire.set_password("motdepasse-test")
    gestionnaire.save()

    connecter(page, live_server.url, gestionnaire.username, "motdepasse-test")
    menu(page, "Attributions", "Rapprochement")
    expect(page.get_by_role("heading", level=1)).to_have_text("Propositions par lot")
    _sans_violation(page)
    page.get_by_label("Pour le compte de").select_option(str(bailleur.pk))
    page.get_by_label("Début de la période").fill(monde.jour.isoformat())
    page.get_by_label("Fin de la période").fill((monde.jour + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Calculer les propositions").click()

    # The computation is a job (run at once in the tests): its page, then the batch's page.
    expect(page.get_by_role("heading", name="Travail terminé")).to_be_visible(timeout=60_000)
    _sans_violation(page)
    page.get_by_role("link", name="Voir le lot de propositions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Propositions du")
    expect(page.locator("#certificat")).to_be_visible()
    expect(page.locator("#verification")).to_contain_text("aucune anomalie")
    expect(page.get_by_role("heading", name="Logement CHENES-1 — T3, Narbonne")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Attributions hors QPV aux ménages du 1er quartile")
    _sans_violation(page)

    page.get_by_role("button", name="Inscrire à l'ordre du jour les logements cochés").click()
    expect(page.get_by_text("Inscrits à l'ordre du jour : ")).to_contain_text("CHENES-1")
    expect(page.get_by_text("Inscrits à l'ordre du jour : ")).to_contain_text("CHENES-2")
    _sans_violation(page)
    rangs = {
        ll.logement.identifiant: list(
            Examen.objects.filter(logement=ll.logement).order_by("rang_propose").values_list("rang_propose", flat=True)
        )
        for ll in liberes
    }
    assert rangs == {"CHENES-1": [1, 2, 3], "CHENES-2": [1, 2, 3]}
