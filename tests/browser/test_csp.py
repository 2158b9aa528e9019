"""Issue 12: the Content-Security-Policy (no inline script, no style attribute, nothing from elsewhere) breaks
no screen. A real browser walks the main pages and reports every violation; the scripts still work: the DSFR's
menus open, the progress pages of a job, a scoring run and a batch of proposals follow the work by polling and
reload when it is over, and a search by name leaves the name out of the address bar."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from attrib.cotation.enums import NatureTache, StatutTache
from attrib.cotation.models import TacheCotation
from attrib.rapprochement.enums import StatutLot
from attrib.rapprochement.models import LotPropositions
from attrib.rapprochement.moteur import vider_cache
from attrib.taches.models import StatutTravail, Travail
from tests.browser.conftest import connecter, menu
from tests.factories import UserFactory
from tests.rapprochement.conftest import monde_rapprochement, seuil_connu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Registered before any page script: the browser's own report of each blocked resource or inline code.
ECOUTE_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


class Violations:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._console)
        page.add_init_script(ECOUTE_VIOLATIONS)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def aucune(self, ou: str) -> None:
        rapportees = self.page.evaluate("window.__violations || []")
        assert (self.console, rapportees) == ([], []), f"{ou} : {self.console} {rapportees}"


def test_les_ecrans_tournent_sous_la_csp_sans_aucune_violation(
    page: Page, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    vider_cache()
    seuil_connu(monkeypatch)
    monde = monde_rapprochement()
    admin = UserFactory(username="admin-csp", is_superuser=True, is_staff=True)
    violations = Violations(page)
    url = live_server.url

    connecter(page, url, admin.username, "motdepasse-test")
    violations.aucune("accueil")

    # The DSFR's script opens the navigation menus (a blocked script would leave them shut).
    menu(page, "Demandes", "Liste des demandes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes de logement social")
    violations.aucune("liste des demandes")

    # A search by name: found, and the name is in no address the browser keeps.
    demande = monde.demandes["dalo"]
    nom = demande.personnes.get(role="demandeur").nom
    page.get_by_label("Numéro unique ou nom").fill(nom)
    page.get_by_label("Numéro unique ou nom").press("Enter")
    expect(page.get_by_role("link", name=demande.numero_unique)).to_be_visible()
    assert nom.lower() not in page.url.lower() and "?r=" in page.url
    page.get_by_role("link", name=demande.numero_unique).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(demande.numero_unique)
    violations.aucune("page d'une demande")

    for nom_url, args in (
        ("flux:accueil", ()),
        ("flux:logements_liberes", ()),
        ("rapprochement:preselection", (monde.ll_etat.pk,)),
        ("rapprochement:propositions", ()),
        ("cotation:grilles", ()),
        ("pilotage:tableau", ()),
        ("patrimoine:carte", ()),
        ("api-docs", ()),
    ):
        page.goto(url + reverse(nom_url, args=args))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        violations.aucune(nom_url)

    # A job followed by polling: the step line moves, then the page reloads on the result.
    travail = Travail.objects.create(
        lance_par=admin,
        nature="test",
        libelle="Export de test",
        statut=StatutTravail.EN_COURS,
        etapes=2,
        etape=1,
        libelle_etape="Lecture",
        faites=2,
        total=10,
        unite="lignes",
    )
    page.goto(url + reverse("taches:travail", args=[travail.pk]))
    Travail.objects.filter(pk=travail.pk).update(etape=2, libelle_etape="Écriture", faites=7)
    expect(page.locator("[data-etape]")).to_have_text("Étape 2 sur 2 : Écriture — 7 / 10 lignes")
    Travail.objects.filter(pk=travail.pk).update(statut=StatutTravail.TERMINE, resume="10 lignes exportées.")
    expect(page.get_by_role("heading", name="Travail terminé")).to_be_visible()
    violations.aucune("page d'un travail")

    # A scoring run and a batch of proposals use the same script.
    tache = TacheCotation.objects.create(
        organisation=monde.epci, nature=NatureTache.RECOTATION, statut=StatutTache.EN_COURS, lancee_par=admin
    )
    page.goto(url + reverse("cotation:tache", args=[tache.pk]))
    TacheCotation.objects.filter(pk=tache.pk).update(etape=1, libelle_etape="Lecture des demandes", faites=3, total=9)
    expect(page.locator("[data-etape]")).to_contain_text("Lecture des demandes — 3 / 9 demandes")
    TacheCotation.objects.filter(pk=tache.pk).update(statut=StatutTache.ECHEC, message="Arrêt de test.")
    expect(page.get_by_role("heading", name="Calcul impossible")).to_be_visible()
    violations.aucune("calcul des cotations")

    lot = LotPropositions.objects.create(
        organisation=monde.bailleur,
        epci=monde.epci.epci,
        debut=monde.jour,
        fin=monde.jour,
        statut=StatutLot.EN_COURS,
        lance_par=admin,
    )
    page.goto(url + reverse("rapprochement:lot", args=[lot.pk]))
    LotPropositions.objects.filter(pk=lot.pk).update(etape=2, libelle_etape="Classement", faites=4, total=5)
    expect(page.locator("[data-etape]")).to_contain_text("Classement — 4 / 5")
    LotPropositions.objects.filter(pk=lot.pk).update(statut=StatutLot.ECHEC, message="Arrêt de test.")
    expect(page.get_by_role("heading", name="Calcul impossible")).to_be_visible()
    violations.aucune("lot de propositions")
