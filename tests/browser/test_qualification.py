"""Journey: a commune rates its residences without ever seeing the bailleur's notes; the EPCI closes the
campaign, opens the harmonisation agenda and records the agreed note (axe checks on every screen)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from attrib.qualification.models import Notation, NoteHarmonisee
from attrib.qualification.services import campagne_ouvrir, notation_enregistrer
from tests.browser.conftest import connecter, menu, resume_violations, violations_axe
from tests.factories import GRUISSAN, membre, territoire_minimal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET_BAILLEUR = "Gardiennage renforcé cet hiver"
MOT_DE_PASSE = "motdepasse-test"


def _residence(nom: str, bailleur: Organisation, logements: int) -> Residence:
    residence = Residence.objects.create(
        identifiant=f"RPLS-{GRUISSAN}-{nom.upper().replace(' ', '-')}",
        nom=nom,
        commune_id=GRUISSAN,
        bailleur=bailleur,
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    for i in range(logements):
        Logement.objects.create(
            residence=residence,
            identifiant=f"{residence.identifiant}-{i:03d}",
            nb_pieces=3,
            surface_habitable=Decimal("62"),
            loyer_principal=Decimal("331.46"),
            loyer_estime=True,
        )
    return residence


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def test_une_commune_note_sans_voir_le_bailleur_puis_l_epci_harmonise(page: Page, live_server) -> None:
    gn = territoire_minimal()
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci=gn)
    ville = Organisation.objects.create(nom="Ville de Gruissan", type=TypeOrganisation.COMMUNE, commune_id=GRUISSAN)
    alogea = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR)
    membre(ville, username="agent.gruissan", password=MOT_DE_PASSE)
    membre(epci, username="agent.epci", password=MOT_DE_PASSE)
    ayguades = _residence("Les Ayguades", alogea, 12)
    port = _residence("Le Port", alogea, 20)
    jour = timezone.localdate()
    campagne = campagne_ouvrir(
        organisation=epci, annee=jour.year, date_limite=jour + timedelta(days=45), auteur=acteur_systeme("test")
    )
    notation_enregistrer(
        campagne=campagne,
        organisation=alogea,
        residence=ayguades,
        note=4,
        commentaire=SECRET_BAILLEUR,
        auteur=acteur_systeme("test"),
    )
    notation_enregistrer(campagne=campagne, organisation=alogea, residence=port, note=2, auteur=acteur_systeme("test"))
    base = live_server.url

    # The commune rates its two residences on one page.
    connecter(page, base, "agent.gruissan", MOT_DE_PASSE)
    menu(page, "Parc social", "Qualification du parc")
    page.get_by_role("link", name=f"Campagne {jour.year}").click()
    expect(page.get_by_role("heading", name="Notes confidentielles jusqu'à la clôture")).to_be_visible()
    _sans_violation(page)
    page.get_by_role("link", name="Noter les résidences — Ville de Gruissan").click()
    expect(page.get_by_text("0 résidence notée sur 2")).to_be_visible()
    _sans_violation(page)
    page.get_by_label("Note de la résidence Les Ayguades").select_option("1")
    page.get_by_label("Commentaire sur la résidence Les Ayguades").fill("Occupation du hall, plaintes répétées")
    page.get_by_label("Note de la résidence Le Port").select_option("2")
    page.get_by_role("button", name="Enregistrer les notes de la page").click()
    expect(page.get_by_text("2 notes enregistrées")).to_be_visible()
    expect(page.get_by_text("2 résidences notées sur 2")).to_be_visible()
    assert dict(Notation.objects.filter(organisation=ville).values_list("residence__nom", "note")) == {
        "Les Ayguades": 1,
        "Le Port": 2,
    }

    # Nowhere does the commune see the bailleur's notes before the close.
    assert SECRET_BAILLEUR not in page.content()
    expect(page.get_by_role("columnheader", name="Note du bailleur")).to_have_count(0)
    page.get_by_role("link", name="Les Ayguades").click()
    expect(page.get_by_role("heading", name="Qualification — Les Ayguades")).to_be_visible()
    assert SECRET_BAILLEUR not in page.content()
    expect(page.get_by_role("cell", name="4", exact=True)).to_have_count(0)
    _sans_violation(page)
    assert page.goto(f"{base}/qualification/campagnes/{campagne.pk}/notation/{alogea.pk}/").status == 404
    assert page.goto(f"{base}/qualification/campagnes/{campagne.pk}/agenda/").status == 404
    page.goto(f"{base}/")
    page.get_by_role("button", name="Se déconnecter").click()

    # The EPCI closes the campaign.
    connecter(page, base, "agent.epci", MOT_DE_PASSE)
    page.goto(f"{base}/qualification/campagnes/{campagne.pk}/")
    page.get_by_role("link", name="Clôturer la campagne").click()
    _sans_violation(page)
    page.get_by_text("Je confirme la clôture de la campagne").click()
    page.get_by_role("button", name="Clôturer la campagne").click()
    expect(page.get_by_text("des logements sont dans une résidence notée par les deux parties")).to_be_visible()
    expect(page.get_by_text("2 résidences classées : 1 concordante, 1 divergente")).to_be_visible()
    _sans_violation(page)

    # Harmonisation agenda, then the agreed note of the divergent residence.
    page.get_by_role("link", name="Agenda d'harmonisation").click()
    expect(page.get_by_role("heading", name=f"Agenda d'harmonisation — campagne {jour.year}")).to_be_visible()
    _sans_violation(page)
    page.get_by_role("link", name="Les Ayguades").click()
    expect(page.get_by_text(SECRET_BAILLEUR)).to_be_visible()
    page.get_by_label("Note convenue").select_option("2")
    page.get_by_label("Participants").fill("Mme Vidal (Ville de Gruissan), M. Marty (Alogea)")
    page.get_by_label("Motif").fill("Plaintes confirmées par le bailleur ; gardiennage renforcé depuis.")
    page.get_by_role("button", name="Enregistrer la note harmonisée").click()
    expect(page.get_by_text("Note harmonisée 2 enregistrée pour Les Ayguades.")).to_be_visible()
    expect(page.get_by_role("cell", name="2", exact=True).last).to_be_visible()
    _sans_violation(page)
    harmonisee = NoteHarmonisee.objects.get()
    assert (harmonisee.residence, harmonisee.note) == (ayguades, 2)
    assert "Alogea" in harmonisee.participants
