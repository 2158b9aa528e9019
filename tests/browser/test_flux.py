"""Journey: a bailleur declares a freed dwelling, sees the réservataire the engine proposes and why,
overrides it with a reason, and the agreement's page shows the updated due vs delivered (axe checks on
every screen)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attrib.flux.models import ConventionReservation, Orientation
from attrib.flux.services import convention_enregistrer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from tests.browser.conftest import connecter, menu, resume_violations, violations_axe
from tests.factories import NARBONNE, membre, territoire_minimal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOT_DE_PASSE = "motdepasse-test"
MOTIF = "Relogement urgent d'une famille reconnue prioritaire DALO"


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def test_un_bailleur_declare_un_logement_libere_et_deroge_avec_un_motif(page: Page, live_server) -> None:
    territoire_minimal()
    alogea = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR)
    prefecture = Organisation.objects.create(
        nom="Préfecture de l'Aude",
        type=TypeOrganisation.RESERVATAIRE,
        categorie_reservataire=CategorieReservataire.ETAT,
    )
    action_logement = Organisation.objects.create(
        nom="Action Logement Services",
        type=TypeOrganisation.RESERVATAIRE,
        categorie_reservataire=CategorieReservataire.ACTION_LOGEMENT,
    )
    membre(alogea, username="agent.alogea", password=MOT_DE_PASSE)
    residence = Residence.objects.create(
        identifiant="RPLS-11262-JEAN-MOULIN",
        nom="Les Floralies",
        commune_id=NARBONNE,
        bailleur=alogea,
        numero_voie="12",
        type_voie="avenue",
        nom_voie="Jean Moulin",
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    for i, pieces in enumerate((2, 3, 4), start=1):
        Logement.objects.create(
            residence=residence, identifiant=f"FLORALIES-{i:03d}", nb_pieces=pieces, surface_habitable=Decimal("65")
        )
    debut = date(timezone.localdate().year, 1, 1)
    etat = convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=alogea,
        reservataire=prefecture,
        categorie="etat",
        part=Decimal("25"),
        debut=debut,
    )
    convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=alogea,
        reservataire=action_logement,
        categorie="action_logement",
        part=Decimal("25"),
        debut=debut,
    )
    base = live_server.url

    connecter(page, base, "agent.alogea", MOT_DE_PASSE)
    menu(page, "Attributions", "Gestion en flux")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestion en flux des réservations")
    _sans_violation(page)

    # Find the dwelling in the stock and declare it freed.
    page.get_by_role("link", name="Déclarer un logement libéré").first.click()
    page.get_by_label("Identifiant, résidence ou voie").fill("jean moulin")
    page.get_by_label("Typologie").select_option("3")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("cell", name="FLORALIES-002", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="FLORALIES-001", exact=True)).to_have_count(0)
    _sans_violation(page)
    page.get_by_role("link", name="Déclarer libéré le logement FLORALIES-002").click()
    page.get_by_label("Date de libération").fill(timezone.localdate().isoformat())
    _sans_violation(page)
    page.get_by_role("button", name="Déclarer et orienter").click()

    # The engine's proposal and its reason: the bailleur's own share (50 %) comes first.
    expect(page.locator("#oriente-vers")).to_have_text("Orienté vers Alogea (part non réservée)")
    expect(page.locator("#raison")).to_contain_text("part 50 %, reçu 0 sur 0")
    expect(page.locator("#raison")).to_contain_text("Règle : échéance la plus proche")
    _sans_violation(page)

    # An override without a reason is refused on the field.
    page.get_by_label("Orienter plutôt vers").select_option(
        label="Préfecture de l'Aude — publics prioritaires (part 25 %)"
    )
    page.get_by_role("button", name="Enregistrer la dérogation").click()
    expect(page.locator("#resume-erreurs")).to_contain_text("Le motif de la dérogation est obligatoire.")
    _sans_violation(page)
    page.get_by_label("Orienter plutôt vers").select_option(
        label="Préfecture de l'Aude — publics prioritaires (part 25 %)"
    )
    page.get_by_label("Motif de la dérogation").fill(MOTIF)
    page.get_by_role("button", name="Enregistrer la dérogation").click()
    expect(page.locator("#oriente-vers")).to_have_text("Orienté vers Préfecture de l'Aude — publics prioritaires")
    expect(page.locator("#raison")).to_contain_text(f"motif : « {MOTIF} »")
    expect(page.get_by_role("heading", name="Historique des orientations")).to_be_visible()
    _sans_violation(page)
    forcee = Orientation.objects.get(actuelle=True)
    assert forcee.regle == "force" and forcee.motif_force == MOTIF and forcee.convention == etat

    # The agreement's page: due 0.25 of one dwelling, delivered 1.
    menu(page, "Attributions", "Gestion en flux")
    page.get_by_role("link", name="Conventions", exact=True).click()
    page.get_by_role("link", name="Préfecture de l'Aude — publics prioritaires").click()
    expect(page.locator("#chiffre-du")).to_have_text("0,25")
    expect(page.locator("#chiffre-livre")).to_have_text("1")
    expect(page.locator("#chiffre-ecart")).to_have_text("+0,75")
    expect(page.get_by_role("table", name="Dû et orienté par typologie")).to_contain_text("T3")
    expect(page.get_by_text("non disponible : aucune attribution enregistrée")).to_be_visible()
    _sans_violation(page)
    assert ConventionReservation.objects.count() == 2
