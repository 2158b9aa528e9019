"""Journey: a desk agent opens a registered demand, adds a person to the household and changes the applicant's
resources; the demand's page shows the new household and its history says what changed, before and after."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from attrib.demandes.models import Demande
from tests.browser.conftest import connecter, resume_violations, violations_axe
from tests.factories import NARBONNE, creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_un_guichet_ajoute_une_personne_et_change_les_ressources(page: Page, live_server) -> None:
    territoire_minimal()
    org = guichet(nom="Maison de l'habitat", code="MHN01", communes=(NARBONNE,))
    membre(org, username="agent.guichet", password="motdepasse-test")
    demande = creer_demande(guichet_org=org, personnes=[personne(nom="Bénard", prenoms="Élodie", salaires=1450)])
    base = live_server.url

    connecter(page, base, "agent.guichet", "motdepasse-test")
    page.goto(f"{base}/demandes/{demande.pk}/")
    page.get_by_role("link", name="Modifier le ménage").click()
    expect(
        page.get_by_role("heading", name=f"Modifier le ménage de la demande {demande.numero_unique}")
    ).to_be_visible()
    assert violations_axe(page) == [], resume_violations(violations_axe(page))

    # The applicant's salary changes; a child is added (the add button writes nothing by itself).
    page.locator("#personne-1").get_by_label("Salaires").fill("1620")
    page.get_by_role("button", name="Ajouter une personne").click()
    nouvelle = page.locator("#personne-2")
    expect(nouvelle).to_be_visible()
    assert Demande.objects.get().personnes.count() == 1
    # The salary typed before adding the row is kept.
    expect(page.locator("#personne-1").get_by_label("Salaires")).to_have_value("1620")
    nouvelle.get_by_role("combobox", name="Rôle").select_option("personne_a_loger")
    nouvelle.get_by_label("Lien avec le demandeur").select_option("enfant")
    nouvelle.get_by_label("Nom d'usage").fill("Bénard")
    nouvelle.get_by_label("Prénoms").fill("Noé")
    # A date of birth in the future is refused on its field, in French; nothing is written.
    nouvelle.get_by_label("Date de naissance").fill("2999-01-01")
    page.get_by_role("button", name="Enregistrer le ménage").click()
    expect(page.get_by_text("Date de naissance : le 01/01/2999 est dans le futur.").first).to_be_visible()
    assert violations_axe(page) == [], resume_violations(violations_axe(page))
    assert Demande.objects.get().personnes.count() == 1
    page.locator("#personne-2").get_by_label("Date de naissance").fill("2016-06-01")
    page.get_by_role("button", name="Enregistrer le ménage").click()

    expect(page).to_have_url(f"{base}/demandes/{demande.pk}/")
    expect(page.get_by_text("Ménage de la demande")).to_be_visible()
    menage = page.locator("#menage")
    expect(menage.get_by_role("cell", name="Noé Bénard")).to_be_visible()
    historique = page.locator("#historique")
    expect(historique.get_by_text("Ménage modifié : 1 personne ajoutée.")).to_be_visible()
    ligne = historique.get_by_role("row", name="Demandeur — Salaires")
    expect(ligne).to_contain_text("1450,00 €")
    expect(ligne).to_contain_text("1620,00 €")
    assert violations_axe(page) == [], resume_violations(violations_axe(page))
    assert sorted(Demande.objects.get().personnes.values_list("prenoms", flat=True)) == ["Noé", "Élodie"]
