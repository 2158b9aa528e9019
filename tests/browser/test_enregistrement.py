"""Journey: a guichet agent registers a demand through the form, finds it in the list, opens its attestation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from attrib.demandes.models import Demande
from tests.browser.conftest import connecter, menu, resume_violations, violations_axe
from tests.factories import GRUISSAN, NARBONNE, guichet, membre, territoire_minimal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_un_guichet_enregistre_une_demande_et_voit_son_attestation(page: Page, live_server) -> None:
    territoire_minimal()
    org = guichet(nom="Maison de l'habitat", code="MHN01", communes=(NARBONNE, GRUISSAN))
    membre(org, username="agent.guichet", password="motdepasse-test")
    base = live_server.url

    connecter(page, base, "agent.guichet", "motdepasse-test")
    menu(page, "Demandes", "Enregistrer une demande")

    # Étape 1 : demandeur. Une date impossible est signalée sur le champ, rien n'est enregistré.
    page.get_by_label("Civilité").select_option("mme")
    page.get_by_label("Nom d'usage").fill("Bénard")
    page.get_by_label("Prénoms").fill("Élodie")
    page.get_by_label("Date de naissance").fill("1988-04-12")
    page.get_by_label("Date de naissance").fill("2999-01-01")
    page.get_by_role("button", name="Suivant").click()
    expect(page.locator(".fr-error-text").first).to_be_visible()
    assert violations_axe(page) == [], resume_violations(violations_axe(page))
    page.get_by_label("Date de naissance").fill("1988-04-12")
    page.get_by_role("button", name="Suivant").click()

    # Étape 2 : personnes à loger (aucune autre), étape 3 : ressources.
    expect(page).to_have_url(f"{base}/demandes/nouvelle/etape-2/")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Salaires").first.fill("1450")
    page.get_by_role("spinbutton", name="Revenu fiscal de référence N-2").fill("16500")
    page.get_by_role("button", name="Suivant").click()

    # Étape 4 : logement actuel et motifs.
    page.get_by_label("Situation de logement actuelle").select_option("locataire_parc_prive")
    page.get_by_label("Motif principal").select_option("trop_cher")
    page.get_by_role("button", name="Suivant").click()

    # Étape 5 : logement recherché.
    page.get_by_label("Typologie minimale").select_option("2")
    page.get_by_label("Typologie maximale").select_option("3")
    page.get_by_label("Commune souhaitée n° 1").select_option(NARBONNE)
    page.get_by_role("button", name="Suivant").click()

    # Étape 6 : récapitulatif puis enregistrement.
    expect(page.get_by_text("Bénard").first).to_be_visible()
    assert violations_axe(page) == [], resume_violations(violations_axe(page))
    page.get_by_role("button", name="Enregistrer la demande").click()

    demande = Demande.objects.get()
    expect(page.get_by_text(demande.numero_unique).first).to_be_visible()

    # La liste retrouve la demande par le nom, sans accent.
    page.goto(f"{base}/demandes/")
    page.get_by_label("Numéro unique ou nom").fill("benard elodie")
    page.get_by_label("Numéro unique ou nom").press("Enter")
    lien = page.get_by_role("link", name=demande.numero_unique)
    expect(lien).to_be_visible()
    assert violations_axe(page) == [], resume_violations(violations_axe(page))
    lien.click()

    # L'attestation d'enregistrement est un PDF.
    # Sent with Cache-Control: no-store, the browser keeps no copy of its body: the page reads it itself.
    lire = (
        "url => fetch(url).then(r => r.arrayBuffer()).then(b => String.fromCharCode(...new Uint8Array(b.slice(0, 4))))"
    )
    with page.expect_response(lambda r: r.url.endswith("attestation.pdf")) as reponse:
        debut = page.evaluate(lire, f"{base}/demandes/{demande.pk}/attestation.pdf")
    assert reponse.value.status == 200
    assert reponse.value.headers["content-type"] == "application/pdf"
    assert "no-store" in reponse.value.headers["cache-control"]
    assert debut == "%PDF"
    expect(page.get_by_role("link", name="attestation", exact=False).first).to_be_visible()
