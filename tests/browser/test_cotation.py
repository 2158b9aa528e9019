"""Journey: the EPCI drafts a new version of its active grid (the demo's socle grid), doubles the points of
seniority in the form-based editor, publishes it (a job: its page, then the run's page), and the demand page then shows
the new detail and version (axe checks on every screen)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attrib.cotation.enums import StatutVersion
from attrib.cotation.models import Cotation, VersionGrille
from attrib.demo.cotation import cotation_demo_installer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from tests.browser.conftest import connecter, resume_violations, violations_axe
from tests.cotation.outils import mois_avant
from tests.factories import COURSAN, GRUISSAN, NARBONNE, creer_demande, guichet, membre, territoire_minimal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MOT_DE_PASSE = "motdepasse-test"


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def test_publier_une_nouvelle_version_recote_et_la_demande_montre_le_nouveau_detail(page: Page, live_server) -> None:
    gn = territoire_minimal()
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci=gn)
    epci.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    org = guichet(nom="Maison de l'habitat", code="MHN01", communes=(NARBONNE, GRUISSAN, COURSAN))
    membre(epci, username="agent.epci", password=MOT_DE_PASSE)
    membre(org, username="agent.guichet", password=MOT_DE_PASSE)
    jour = timezone.localdate()
    demandes = [
        creer_demande(guichet_org=org, communes=(NARBONNE,), date_depot=mois_avant(jour, 7)),
        creer_demande(guichet_org=org, communes=(GRUISSAN,), date_depot=mois_avant(jour, 15)),
        creer_demande(guichet_org=org, communes=(NARBONNE,), date_depot=mois_avant(jour, 2), priorites=("l441_k",)),
    ]
    cotation_demo_installer(epci_org=epci, auteur=acteur_systeme("test"))
    assert Cotation.objects.get(demande=demandes[0]).detail["provisoire"]["anciennete"] == 70
    base = live_server.url

    connecter(page, base, "agent.epci", MOT_DE_PASSE)
    page.get_by_role("link", name="Cotation", exact=True).click()
    expect(page.get_by_role("heading", name="Cotation des demandes", level=1)).to_be_visible()
    _sans_violation(page)
    page.get_by_role("link", name="Version 1 de la grille générale").click()
    expect(page.get_by_role("heading", name="Grille générale — version 1")).to_be_visible()
    _sans_violation(page)

    # A new draft, edited in the form: 20 points a month instead of 10, capped at 1 200.
    page.get_by_role("button", name="Créer un brouillon à partir de cette version").click()
    expect(page.get_by_role("heading", name="Modifier le brouillon 2 — grille générale")).to_be_visible()
    _sans_violation(page)
    page.get_by_role("link", name="Modifier le critère « Ancienneté de la demande »").click()
    expect(page.get_by_label("Points par unité")).to_have_value("10")
    _sans_violation(page)
    page.get_by_label("Points par unité").fill("20")
    page.get_by_label("Plafond des points du critère").fill("1200")
    page.get_by_role("button", name="Enregistrer le critère").click()
    expect(page.get_by_text("Critère « Ancienneté de la demande » enregistré.")).to_be_visible()
    expect(page.get_by_text("plus que le critère DALO").first).to_be_visible()  # the engine's warning
    expect(page.get_by_role("cell", name="20 par mois (anciennete_mois), plafonné à 1 200")).to_be_visible()

    # Simulation on the demand file beside the published version, then publication.
    page.get_by_role("link", name="Simuler sur le fichier des demandes").click()
    expect(page.get_by_role("heading", name="Simulation de la version 2 — grille générale")).to_be_visible()
    page.get_by_role("button", name="Calculer la simulation").click()  # the worker computes it (at once in tests)
    expect(page.get_by_role("heading", name="Travail terminé")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Distribution des scores"))).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("Ancienneté de la demande"))).to_be_visible()
    _sans_violation(page)
    page.go_back()
    page.go_back()

    # Publication: the POST answers with the job's page (the tests run the job at once; the real worker's
    # journey is tests/cotation/test_worker_reel.py), then the run's detailed page.
    page.get_by_role("link", name="Publier cette version").click()
    expect(page.get_by_text("Toutes les demandes actives du territoire (3) seront recotées")).to_be_visible()
    _sans_violation(page)
    page.get_by_role("button", name="Publier et recalculer les cotations").click()
    expect(page.get_by_role("heading", name="Travail terminé")).to_be_visible(timeout=60_000)
    expect(
        page.get_by_text(re.compile(r"3 demandes cotées au .* avec la grille générale \(version 2\)"))
    ).to_be_visible()
    _sans_violation(page)
    page.get_by_role("link", name="Voir le détail du calcul").click()
    expect(page.get_by_role("heading", name="Calcul terminé")).to_be_visible()
    _sans_violation(page)
    brouillon = VersionGrille.objects.get(numero=2, grille__type="generale")
    assert brouillon.statut == StatutVersion.PUBLIEE
    assert Cotation.objects.get(demande=demandes[0]).version == brouillon
    page.get_by_role("button", name="Se déconnecter").click()

    # The demand page shows the new detail and version.
    connecter(page, base, "agent.guichet", MOT_DE_PASSE)
    page.goto(f"{base}/demandes/{demandes[0].pk}/")
    section = page.locator("#cotation")
    expect(section.get_by_role("link", name="Grille générale, version 2")).to_be_visible()
    expect(section.get_by_role("row", name=re.compile(r"Ancienneté de la demande .* \+140 \+140"))).to_be_visible()
    section.get_by_text("Explication en phrases").click()
    expect(section.get_by_text("Ancienneté de la demande : 7 mois × 20 points : +140 points")).to_be_visible()
    _sans_violation(page)
