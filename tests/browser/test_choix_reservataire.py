"""Journey: Action Logement filters the shortlist of a dwelling oriented to it on the employees of its contributing
companies, chooses three households in its own order with a comment each, and the bailleur reads that ordered list
on the dwelling's page and on its session's agenda (axe checks on every screen)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from attrib.commissions.models import Examen
from attrib.rapprochement.moteur import vider_cache
from tests.browser.conftest import connecter, resume_violations, violations_axe
from tests.choix.conftest import monde_choix
from tests.rapprochement.conftest import seuil_connu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def test_action_logement_choisit_trois_menages_dans_son_ordre_et_le_bailleur_les_lit(
    page: Page, live_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    vider_cache()
    seuil_connu(monkeypatch)
    mc = monde_choix()
    d = mc.monde.demandes
    connecter(page, live_server.url, "al-gestion", "motdepasse-test")
    page.goto(f"{live_server.url}/flux/logements-liberes/{mc.ll.pk}/")
    page.get_by_role("link", name="Choisir les candidats à proposer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Présélection des candidats")
    _sans_violation(page)

    # Only the employees of a contributing company.
    page.get_by_label("Seulement les salariés d'une entreprise cotisante").check(force=True)
    page.get_by_role("button", name="Filtrer").click()
    cartes = page.locator("section.rapprochement-candidat")
    expect(cartes).to_have_count(1)
    expect(cartes.first).to_contain_text(d["famille"].numero_unique)
    expect(cartes.first).to_contain_text("Conserverie fictive du Golfe")
    _sans_violation(page)

    # Back to every eligible household: three chosen, in Action Logement's order, by keyboard-typed ranks.
    page.get_by_label("Seulement les salariés d'une entreprise cotisante").uncheck(force=True)
    page.get_by_role("button", name="Filtrer").click()
    ordre = (("famille", "Salariée, travaille à Narbonne."), ("modeste", "Premier quartile."), ("dalo", "DALO."))
    for rang, (n, commentaire) in enumerate(ordre, start=1):
        page.get_by_label(f"Rang proposé pour la demande {d[n].numero_unique}").fill(str(rang))
        page.get_by_label(f"Commentaire pour le bailleur sur la demande {d[n].numero_unique}").fill(commentaire)
    page.get_by_label("Séance de la commission d'attribution").select_option(str(mc.monde.seance.pk))
    page.get_by_role("button", name="Transmettre le choix au bailleur").click()
    expect(page.locator(".fr-alert--success, .fr-notice, [role=status], .messages").first).to_contain_text(
        "3 candidats dans l'ordre de vos rangs"
    )
    _sans_violation(page)
    assert list(
        Examen.objects.filter(logement=mc.ll.logement).order_by("rang_propose").values_list("demande_id", flat=True)
    ) == [d["famille"].pk, d["modeste"].pk, d["dalo"].pk]

    # The bailleur reads the ordered list with the comments.
    page.context.clear_cookies()
    connecter(page, live_server.url, "alogea", "motdepasse-test")
    page.goto(f"{live_server.url}/flux/logements-liberes/{mc.ll.pk}/")
    liste = page.locator("ol.choix-lignes").first
    expect(liste.locator("li").nth(0)).to_contain_text(d["famille"].numero_unique)
    expect(liste.locator("li").nth(1)).to_contain_text(d["modeste"].numero_unique)
    expect(liste.locator("li").nth(2)).to_contain_text("Commentaire du réservataire : DALO.")
    expect(page.get_by_text("entreprise cotisante")).to_have_count(0)
    _sans_violation(page)
    page.goto(f"{live_server.url}/commissions/seances/{mc.monde.seance.pk}/")
    expect(page.get_by_text("Commentaire du réservataire : Premier quartile.")).to_be_visible()
    _sans_violation(page)
    vider_cache()
