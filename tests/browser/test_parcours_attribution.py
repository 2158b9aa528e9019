"""Acceptance journey of the attribution, on the Grand Narbonne demo (issue 6): a bailleur declares a dwelling
freed and sees its orientation; the réservataire it is oriented to (or the bailleur, for its own share) opens the
shortlist, reads the reasons and designates three candidates onto a session of the bailleur's CALEOL; the
secretary holds the session (attendance, quorum, attribution by rank); the first candidate refuses the offer
with a reason, the second accepts, the lease is signed and the demand struck off; the EPCI's dashboard counts
one more attribution and lists it. Axe checks on every new screen."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone
from playwright.sync_api import Page, expect

from attrib.commissions.enums import StatutOffre
from attrib.commissions.models import Bail, Examen, Offre
from attrib.demandes.enums import MotifRadiation, StatutDemande
from attrib.demo.chargement import COMPTES_DEMO, MOT_DE_PASSE_DEMO, charger_demo
from attrib.flux.models import LogementLibere, Orientation
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation
from attrib.patrimoine.enums import Financement
from attrib.patrimoine.models import Logement
from attrib.rapprochement.selectors import preselection_logement
from tests.browser.conftest import connecter, menu, resume_violations, violations_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARBONNE = "11262"


def _sans_violation(page: Page) -> None:
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)


def _compte_de(organisation: Organisation) -> str:
    """The demo account that works for ``organisation``."""
    comptes = {c.identifiant for c in COMPTES_DEMO}
    membres = organisation.memberships.filter(user__username__in=comptes).values_list("user__username", flat=True)
    assert membres, f"Aucun compte de démonstration pour {organisation}"
    return sorted(membres)[0]


def _logement_a_liberer() -> Logement:
    """A T3 PLUS of the demo stock in Narbonne, neither freed nor let, owned by a demo bailleur with a commission."""
    en_cours = LogementLibere.objects.filter(logement=OuterRef("pk"))
    return (
        Logement.objects.filter(
            residence__commune_id=NARBONNE,
            residence__bailleur__commissions__isnull=False,
            financement=Financement.PLUS,
            nb_pieces=3,
            loyer_principal__isnull=False,
        )
        .exclude(Exists(en_cours))
        .exclude(baux__isnull=False)
        .select_related("residence__bailleur")
        .order_by("residence__en_qpv", "identifiant")
        .first()
    )


def _afficher_periode(page: Page, base: str, annee: int) -> str:
    page.goto(f"{base}/pilotage/")
    page.get_by_label("Du", exact=True).fill(f"{annee}-01-01")
    page.get_by_label("Au", exact=True).fill(f"{annee}-12-31")
    page.get_by_role("button", name="Afficher").click()
    return page.locator("#resume-periode").inner_text()


def test_d_un_logement_libere_au_bail_signe_sur_la_demo(page: Page, live_server) -> None:
    charger_demo(nb_demandes=1500, seed=2026, stdout=io.StringIO())
    jour = timezone.localdate()
    logement = _logement_a_liberer()
    assert logement is not None, "la démonstration doit avoir un T3 PLUS libre à Narbonne"
    bailleur = logement.residence.bailleur
    base = live_server.url

    # The EPCI's dashboard before: the number of attributions of the year.
    connecter(page, base, "epci", MOT_DE_PASSE_DEMO)
    avant = Bail.objects.filter(date_signature__year=jour.year).count()
    assert f"{avant} attribution" in _afficher_periode(page, base, jour.year)
    _sans_violation(page)
    page.context.clear_cookies()

    # 1. The bailleur declares the dwelling freed and sees its orientation with the reason.
    secretaire = _compte_de(bailleur)
    connecter(page, base, secretaire, MOT_DE_PASSE_DEMO)
    menu(page, "Attributions", "Gestion en flux")
    page.get_by_role("link", name="Déclarer un logement libéré").first.click()
    page.get_by_label("Identifiant, résidence ou voie").fill(logement.identifiant)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=f"Déclarer libéré le logement {logement.identifiant}").click()
    page.get_by_label("Date de libération").fill(jour.isoformat())
    page.get_by_role("button", name="Déclarer et orienter").click()
    expect(page.locator("#oriente-vers")).to_contain_text("Orienté vers")
    expect(page.locator("#raison")).to_contain_text("Règle")
    _sans_violation(page)
    libere = LogementLibere.objects.get(logement=logement)
    orientation = Orientation.objects.get(logement_libere=libere, actuelle=True)

    # The bailleur schedules today's session of its CALEOL.
    menu(page, "Attributions", "CALEOL")
    commission = bailleur.commissions.first()
    page.get_by_role("link", name=commission.nom).click()
    page.get_by_label("Date de la séance").fill(jour.isoformat())
    page.get_by_role("button", name="Programmer la séance").click()
    seance = commission.seances.get(date=jour, statut="prevue")
    page.context.clear_cookies()

    # 2. Whoever designates (the réservataire, or the bailleur for its own share) reads the shortlist.
    designe_par = bailleur if orientation.part_bailleur else orientation.reservataire
    connecter(page, base, _compte_de(designe_par), MOT_DE_PASSE_DEMO)
    page.goto(f"{base}/flux/logements-liberes/{libere.pk}/")
    page.get_by_role("link", name="Présélection des candidats (rapprochement)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Présélection des candidats")
    expect(page.locator("#explication")).to_contain_text("sont éligibles")
    premier = page.locator("section.rapprochement-candidat").first
    expect(premier).to_contain_text("Plafond de ressources (respectée)")
    _sans_violation(page)
    designateur = get_user_model().objects.get(username=_compte_de(designe_par))
    # The three first households without an offer in progress are ticked (one attribution at a time).
    candidats = preselection_logement(libere, acteur=acteur_de(designateur)).candidats
    attendus = [c.numero for c in candidats if not c.offre_en_cours][:3]
    assert len(attendus) == 3, "au moins trois candidats éligibles"
    page.get_by_label("Séance de la commission d'attribution").select_option(str(seance.pk))
    page.get_by_role("button", name="Désigner et inscrire à l'ordre du jour").click()
    expect(page.get_by_role("heading", name="Déjà à l'ordre du jour")).to_be_visible()
    examens = list(Examen.objects.filter(seance=seance, logement=logement).order_by("rang_propose"))
    assert [e.demande.numero_unique for e in examens] == attendus
    page.context.clear_cookies()

    # 3. The CALEOL: everyone present, quorum, attribution by rank of the three candidates.
    connecter(page, base, secretaire, MOT_DE_PASSE_DEMO)
    page.goto(f"{base}/commissions/seances/{seance.pk}/")
    expect(page.get_by_role("heading", name=f"Logement {logement.identifiant} — T3")).to_be_visible()
    for m in commission.membres.all():
        page.locator(f"label[for='id_presences-membre_{m.pk}_1']").click()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.locator("#etat-quorum")).to_contain_text("Quorum atteint")
    page.get_by_role("button", name="Ouvrir la séance").click()
    for e in examens:
        page.locator(f"#id_examen-{e.pk}-type_decision").select_option("attribution_classement")
        formulaire = page.get_by_role("form", name=re.compile(rf"\(rang proposé {e.rang_propose}\)$"))
        formulaire.get_by_role("button", name=re.compile("^Enregistrer la décision")).click()
        expect(page.locator(f"#examen-{e.pk}")).to_contain_text("Attribution par classement (R441-3 b), rang")
    page.get_by_role("button", name="Clore la séance").click()
    expect(page.locator("#statut-seance")).to_have_text("Tenue")
    _sans_violation(page)

    # 4. The first ranked refuses (reason, adapted dwelling); the second accepts; the lease is signed.
    page.get_by_role("link", name=f"Offres du logement {logement.identifiant}").click()
    expect(page.locator("#prochain-candidat")).to_contain_text(examens[0].demande.numero_unique)
    page.get_by_role("button", name="Émettre l'offre").click()
    page.locator("label[for='id_reponse-reponse_1']").click()
    page.get_by_label("Motif du refus").select_option("localisation")
    page.get_by_label("Précision du motif").fill("Trop loin du lieu de travail")
    page.locator("label[for='id_reponse-logement_adapte_0']").click()
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.locator("#offre-reponse")).to_contain_text("Localisation (quartier, commune, éloignement)")
    page.get_by_role("button", name="Offrir au candidat suivant").click()
    expect(page.locator("#offre-demande")).to_have_text(examens[1].demande.numero_unique)
    page.locator("label[for='id_reponse-reponse_0']").click()
    page.get_by_role("button", name="Enregistrer la réponse").click()
    page.get_by_role("link", name="Enregistrer la signature du bail").click()
    page.get_by_role("button", name="Enregistrer le bail").click()
    expect(page.locator("#offre-demande")).to_contain_text("radiée : attribution")
    _sans_violation(page)

    refus, acceptee = Offre.objects.filter(logement=logement).order_by("pk")
    assert (refus.statut, refus.motif_refus, refus.logement_adapte) == (StatutOffre.REFUSEE, "localisation", True)
    assert acceptee.statut == StatutOffre.ACCEPTEE
    gagnante = examens[1].demande
    gagnante.refresh_from_db()
    assert (gagnante.statut, gagnante.motif_radiation) == (StatutDemande.RADIEE, MotifRadiation.ATTRIBUTION)
    page.context.clear_cookies()

    # 5. The dashboard counts one more attribution and lists it.
    connecter(page, base, "epci", MOT_DE_PASSE_DEMO)
    assert f"{avant + 1} attribution" in _afficher_periode(page, base, jour.year)
    page.locator("#carte-q1_hors_qpv" if not logement.residence.en_qpv else "#carte-non_q1_en_qpv").get_by_role(
        "link"
    ).first.click()
    expect(page.locator("#table-attributions")).to_contain_text(gagnante.numero_unique)
    _sans_violation(page)
