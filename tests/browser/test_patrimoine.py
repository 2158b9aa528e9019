"""Journey: an EPCI agent opens the map of the territory (QPV contours, residences grouped per commune,
text alternative), goes from the table to the filtered list, then to a residence page with estimated
values and occupancy indicators (axe checks on every screen)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import IndicateursOccupation, Logement, Residence
from attrib.territoires.services import territoires_importer
from tests.browser.conftest import connecter, menu, resume_violations, violations_axe
from tests.factories import GRUISSAN, NARBONNE, membre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOT_DE_PASSE = "motdepasse-test"
GRAND_NARBONNE = "241100593"


def _residence(identifiant: str, nom: str, commune: str, logements: int, **champs: object) -> Residence:
    residence = Residence.objects.create(
        identifiant=identifiant,
        nom=nom,
        commune_id=commune,
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
        **champs,
    )
    Logement.objects.bulk_create(
        Logement(
            residence=residence,
            identifiant=f"{identifiant}-{i:03d}",
            nb_pieces=3,
            surface_habitable=Decimal("62.32"),
            surface_estimee=True,
            loyer_principal=Decimal("333.16"),
            loyer_estime=True,
        )
        for i in range(1, logements + 1)
    )
    return residence


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def test_la_carte_puis_une_residence(page: Page, live_server) -> None:
    territoires_importer(epcis=[GRAND_NARBONNE], auteur=acteur_systeme("test"))
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci_id=GRAND_NARBONNE)
    alogea = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR)
    membre(epci, username="agent.epci", password=MOT_DE_PASSE)
    provence = _residence(
        "RPLS-11262-45-AVENUE-DE-PROVENCE",
        "Les Estudiantines",
        NARBONNE,
        12,
        numero_voie="45",
        type_voie="AVENUE",
        nom_voie="DE PROVENCE",
        en_qpv=True,
        bailleur=alogea,
        bailleur_estime=True,
    )
    _residence("RPLS-11170-AYGUADES", "Les Ayguades", GRUISSAN, 4)
    IndicateursOccupation.objects.create(
        residence=provence, annee=2024, source="OPS 2024, bailleur", part_menages_q1=Decimal("41.5")
    )
    base = live_server.url

    connecter(page, base, "agent.epci", MOT_DE_PASSE)
    menu(page, "Parc social", "Patrimoine")
    page.get_by_role("link", name="Carte du territoire").click()

    expect(page.get_by_role("heading", name="Carte du parc social du territoire")).to_be_visible()
    carte = page.get_by_role("img", name="Carte du parc social : logements sociaux par commune et contours des QPV")
    expect(carte).to_be_visible()
    expect(page.locator("#carte-territoire path[data-qpv]")).to_have_count(3)
    expect(page.locator("#carte-territoire circle[data-commune]")).to_have_count(2)
    expect(page.locator("#carte-territoire text", has_text="aucune adresse n'est géocodée")).to_be_visible()
    expect(page.get_by_role("table", name="Parc social par commune (mêmes chiffres que la carte)")).to_be_visible()
    _sans_violation(page)

    # From the text alternative to the list of the commune, then to the residence.
    page.get_by_role("link", name="Narbonne", exact=True).click()
    expect(page.get_by_role("heading", name="1 résidence trouvée")).to_be_visible()
    expect(page.get_by_label("Commune")).to_have_value(NARBONNE)
    _sans_violation(page)
    page.get_by_role("link", name="Les Estudiantines").click()

    expect(page.get_by_role("heading", name="Les Estudiantines", level=1)).to_be_visible()
    expect(page.get_by_text("Ménages du premier quartile : 41,5 %")).to_be_visible()
    expect(page.get_by_text("oui — QPV non précisé par la source")).to_be_visible()
    bouton = page.get_by_role("button", name="Règle d'estimation du loyer").first
    expect(bouton).to_be_visible()
    bouton.hover()
    expect(page.locator("#regle-loyer-synthese")).to_contain_text("€ par m² et par mois")
    expect(
        page.get_by_role("table", name="Logements de la résidence (12)").get_by_text("estimé", exact=True)
    ).to_have_count(24)
    _sans_violation(page)
