"""Journey: a bailleur's CALEOL secretary holds a session (three candidates for one dwelling, with their
scores), records attendance and opens it on quorum, records the decisions by rank with the votes, closes it
and downloads the minutes frozen at the closing (twice: the same bytes); emits the offer, the first candidate refuses (reason), the offer goes to the
second, who accepts; the lease is signed and the demand struck off. Axe checks on the session and offers
pages."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attrib.commissions.enums import StatutOffre
from attrib.commissions.models import Bail, Offre
from attrib.commissions.services import commission_creer, examen_inscrire, seance_creer
from attrib.cotation.enums import TypeGrille
from attrib.cotation.services import grille_importer_yaml, version_publier
from attrib.demandes.enums import MotifRadiation, StatutDemande
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from attrib.patrimoine.enums import Financement, SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from tests.browser.conftest import connecter, menu, resume_violations, violations_axe
from tests.cotation.outils import GRILLE
from tests.factories import NARBONNE, creer_demande, guichet, membre, membres_caleol, personne, territoire_minimal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOT_DE_PASSE = "motdepasse-test"


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def test_une_seance_de_caleol_jusqu_au_bail(page: Page, live_server) -> None:
    territoire_minimal()
    alogea = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR, siren="272500022")
    epci = Organisation.objects.create(
        nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, categorie_reservataire=CategorieReservataire.EPCI
    )
    epci.perimetre.set([NARBONNE])
    membre(alogea, username="secretariat.caleol", password=MOT_DE_PASSE)
    residence = Residence.objects.create(
        identifiant="RPLS-FLORALIES",
        nom="Les Floralies",
        commune_id=NARBONNE,
        bailleur=alogea,
        en_qpv=True,
        numero_voie="12",
        type_voie="avenue",
        nom_voie="Jean Moulin",
        code_postal="11100",
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    logement = Logement.objects.create(
        residence=residence,
        identifiant="FLORALIES-003",
        identifiant_rpls="0001234567",
        nb_pieces=3,
        surface_habitable=Decimal("64"),
        financement=Financement.PLUS,
        loyer_principal=Decimal("398.20"),
    )
    desk = guichet()
    demandes = [creer_demande(guichet_org=desk, personnes=[personne(nom=n)]) for n in ("Martin", "Bernard", "Petit")]
    version = grille_importer_yaml(
        organisation=epci,
        type_grille=TypeGrille.GENERALE,
        contenu=GRILLE,
        nom_fichier="grille.yaml",
        auteur=acteur_systeme("test"),
    )
    version_publier(version=version, auteur=acteur_systeme("test"))
    commission = commission_creer(
        auteur=acteur_systeme("test"),
        bailleur=alogea,
        nom="CALEOL Narbonne",
        membres=membres_caleol(reservataire_consultatif=True),
    )
    seance = seance_creer(auteur=acteur_systeme("test"), commission=commission, date_seance=timezone.localdate())
    examens = examen_inscrire(auteur=acteur_systeme("test"), seance=seance, logement=logement, candidats=demandes)
    membres = {m.nom: m.pk for m in commission.membres.all()}
    base = live_server.url

    connecter(page, base, "secretariat.caleol", MOT_DE_PASSE)
    menu(page, "Attributions", "CALEOL")
    page.get_by_role("link", name="CALEOL Narbonne").click()
    page.get_by_role("link", name=f"Séance du {seance.date:%d/%m/%Y}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Séance du {seance.date:%d/%m/%Y} — CALEOL Narbonne")
    expect(page.get_by_role("heading", name="Logement FLORALIES-003 — T3")).to_be_visible()
    candidats = page.get_by_role("table", name="Candidats pour le logement FLORALIES-003, dans l'ordre proposé")
    expect(candidats).to_contain_text("Léa Martin")
    expect(candidats).to_contain_text("points")
    expect(page.locator("#etat-quorum")).to_contain_text("Quorum non atteint")
    _sans_violation(page)

    # Attendance: the mayor is absent, two deliberative members and the réservataire are in the room.
    for nom in ("Mme Durand", "M. Roux", "Action Logement"):
        page.locator(f"label[for='id_presences-membre_{membres[nom]}_1']").click()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.locator("#etat-quorum")).to_contain_text(
        "Quorum atteint : 2 membres à voix délibérative présents sur 3 ; 2 requis"
    )
    page.get_by_role("button", name="Ouvrir la séance").click()
    expect(page.locator("#statut-seance")).to_have_text("Ouverte (en cours)")

    # Decisions: attribution by rank in the proposed order, votes « pour » by default; one abstention.
    page.locator(f"#id_examen-{examens[0].pk}-type_decision").select_option("non_attribution")
    page.get_by_role("button", name="Enregistrer la décision pour Léa Martin").click()
    expect(page.locator("#resume-erreurs")).to_contain_text(
        "Motif : Non-attribution (R441-3 d) : le motif est obligatoire"
    )
    page.locator(f"#id_examen-{examens[0].pk}-motif").fill("Typologie inadaptée")
    page.get_by_role("button", name="Enregistrer la décision pour Léa Martin").click()
    expect(page.locator("#resume-erreurs")).to_contain_text("La décision ne peut pas être une non-attribution")
    _sans_violation(page)
    for e, nom in zip(examens, ("Léa Martin", "Léa Bernard", "Léa Petit"), strict=True):
        page.locator(f"#id_examen-{e.pk}-type_decision").select_option("attribution_classement")
        if nom == "Léa Petit":
            page.locator(f"#id_examen-{e.pk}-vote_{membres['M. Roux']}").select_option("abstention")
        page.get_by_role("button", name=f"Enregistrer la décision pour {nom}").click()
        expect(page.locator(f"#examen-{e.pk}")).to_contain_text("Attribution par classement (R441-3 b), rang")
    expect(page.locator(f"#examen-{examens[2].pk}")).to_contain_text("1 pour, 0 contre, 1 abstention")
    page.get_by_role("button", name="Clore la séance").click()
    expect(page.locator("#statut-seance")).to_have_text("Tenue")
    _sans_violation(page)

    # The minutes are frozen at the closing: listed as version 1 with their SHA-256, the same bytes each time.
    seance.refresh_from_db()
    lien = page.get_by_role("link", name=f"Version 1 du {timezone.localtime(seance.close_le):%d/%m/%Y} à")
    with page.expect_download() as telechargement:
        lien.click()
    chemin = telechargement.value.path()
    with open(chemin, "rb") as f:
        premier = f.read()
    assert premier.startswith(b"%PDF-")
    assert telechargement.value.suggested_filename == f"proces-verbal-caleol-{commission.pk}-{seance.date:%Y-%m-%d}.pdf"
    expect(page.get_by_text(f"SHA-256 {hashlib.sha256(premier).hexdigest()}")).to_be_visible()
    with page.expect_download() as encore:
        lien.click()
    with open(encore.value.path(), "rb") as f:
        assert f.read() == premier

    # The offer goes to the first ranked; she refuses (reason, adapted dwelling).
    page.get_by_role("link", name="Offres du logement FLORALIES-003").click()
    expect(page.locator("#prochain-candidat")).to_contain_text(demandes[0].numero_unique)
    page.get_by_role("button", name="Émettre l'offre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offre du logement FLORALIES-003")
    page.locator("label[for='id_reponse-reponse_1']").click()
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.locator("#resume-erreurs")).to_contain_text("Indiquez le motif du refus")
    page.locator("label[for='id_reponse-reponse_1']").click()
    page.get_by_label("Motif du refus").select_option("localisation")
    page.get_by_label("Précision du motif").fill("Trop loin de l'école des enfants")
    page.locator("label[for='id_reponse-logement_adapte_0']").click()
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.locator("#offre-reponse")).to_contain_text("Refusée le")
    expect(page.locator("#offre-reponse")).to_contain_text("Localisation (quartier, commune, éloignement)")

    # Offer to the next ranked candidate, who accepts; the lease.
    page.get_by_role("button", name="Offrir au candidat suivant").click()
    expect(page.locator("#offre-demande")).to_have_text(demandes[1].numero_unique)
    page.locator("label[for='id_reponse-reponse_0']").click()
    page.get_by_role("button", name="Enregistrer la réponse").click()
    page.get_by_role("link", name="Enregistrer la signature du bail").click()
    page.get_by_role("button", name="Enregistrer le bail").click()
    expect(page.locator("#offre-bail")).to_contain_text("Signé le")
    expect(page.locator("#offre-demande")).to_contain_text("radiée : attribution")

    page.get_by_role("link", name="Retour aux offres").click()
    expect(page.get_by_role("table")).to_contain_text("Acceptée, bail signé")
    expect(page.get_by_role("table")).to_contain_text("Refusée")
    _sans_violation(page)

    assert [o.statut for o in Offre.objects.order_by("pk")] == [StatutOffre.REFUSEE, StatutOffre.ACCEPTEE]
    bail = Bail.objects.get()
    demandes[1].refresh_from_db()
    assert bail.demande == demandes[1] and bail.en_qpv and bail.siren_bailleur == "272500022"
    assert (demandes[1].statut, demandes[1].motif_radiation) == (StatutDemande.RADIEE, MotifRadiation.ATTRIBUTION)
