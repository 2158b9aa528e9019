"""Acceptance journey of the applicant's space on the Grand Narbonne demo (issue 13).

A household creates a local account (the verification e-mail goes through a real SMTP server started by the
test), links its demand with the code it receives by e-mail, reads its score detail, its position and its waiting
range, sends a document, updates its resources and reads the new score explained; its demand is then proposed a
dwelling by the bailleur's commission, the offer e-mail arrives (SMTP again, sent by the notices' run) and the
household refuses online with a reason. The desk that registered the demand reads all of it in its history.
Axe: no serious or critical violation on each applicant page, at 1366 px and at 375 px (no horizontal scroll).
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db.models import Exists, OuterRef
from django.utils import timezone
from playwright.sync_api import Page, expect

from attrib.avis.services import avis_traiter
from attrib.commissions.enums import ModePresence, SensVote, StatutOffre, TypeDecision, Voix
from attrib.commissions.models import Commission, Offre
from attrib.commissions.services import (
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    presences_enregistrer,
    seance_creer,
    seance_ouvrir,
)
from attrib.common.models import Evenement
from attrib.cotation.models import Cotation
from attrib.demandes.enums import RolePersonne, StatutDemande, StatutPiece
from attrib.demandes.models import Demande, Personne, PieceJustificative
from attrib.demandeurs.models import Liaison
from attrib.demo.chargement import COMPTES_DEMO, MOT_DE_PASSE_DEMO, charger_demo
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Logement
from tests.browser.conftest import connecter, resume_violations, violations_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYSTEME = acteur_systeme("test")
MOT_DE_PASSE = "Un-mot-de-passe-solide-2026"
COURRIEL = "famille.journey@example.org"
LARGEURS = ((1366, 768), (375, 812))
# The smallest valid PDF a phone's scanner could send (the type is read from the content).
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class Boite:
    """The messages a real SMTP server (aiosmtpd) received during the test."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    arrive: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's hook)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrive:
            self.messages.append(message)  # type: ignore[arg-type]
            self.arrive.notify_all()
        return "250 Message accepted for delivery"

    def attendre(self, pour: str, objet: str, depuis: int = 0, contenant: str = "") -> str:
        """The text of the first message to ``pour`` whose subject holds ``objet`` and whose text holds
        ``contenant``, received after ``depuis``."""
        with self.arrive:
            for _ in range(100):
                for m in self.messages[depuis:]:
                    corps = m.get_body(preferencelist=("plain",))
                    texte = str(corps.get_content()) if corps is not None else ""
                    if pour in str(m["To"]) and objet in str(m["Subject"]) and contenant in texte:
                        return texte
                self.arrive.wait(0.2)
        raise AssertionError(f"Aucun courriel « {objet} » pour {pour} : {[str(m['Subject']) for m in self.messages]}")


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def boite(settings: Any) -> Iterator[Boite]:
    boite = Boite()
    port = _port_libre()
    serveur = Controller(boite, hostname="127.0.0.1", port=port)
    serveur.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield boite
    finally:
        serveur.stop()


def _sans_violation(page: Page) -> None:
    """Axe at both widths; at 375 px nothing wider than the screen."""
    for largeur, hauteur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": hauteur})
        violations = violations_axe(page)
        assert violations == [], f"{page.url} à {largeur} px :\n{resume_violations(violations)}"
        if largeur == 375:
            debord = page.evaluate("document.documentElement.scrollWidth")
            assert debord <= 375, f"{page.url} : {debord} px de large à 375 px"
    page.set_viewport_size({"width": 1366, "height": 768})


def _demande_du_menage() -> Demande:
    """An active demo demand whose applicant gave an e-mail, no account linked yet, and a reference income well above
    the first quartile: its resources falling raises its score."""
    liee = Liaison.objects.filter(demande=OuterRef("pk"))
    demande = (
        Demande.objects.filter(
            statut=StatutDemande.ACTIVE,
            cotation__isnull=False,
            revenu_fiscal_reference__gte=25000,
            personnes__role=RolePersonne.DEMANDEUR,
            personnes__email__contains="@",
        )
        .exclude(Exists(liee))
        .order_by("pk")
        .first()
    )
    assert demande is not None, "la démonstration doit avoir une demande aux revenus au-dessus du premier quartile"
    return demande


def _compte_de(organisation: Organisation) -> str:
    comptes = {c.identifiant for c in COMPTES_DEMO}
    membres = organisation.memberships.filter(user__username__in=comptes).values_list("user__username", flat=True)
    assert membres, f"Aucun compte de démonstration pour {organisation}"
    return sorted(membres)[0]


def _proposer(demande: Demande) -> Offre:
    """The bailleur's commission attributes a free dwelling of its stock to the demand (rank 1 of 3) in today's
    session, and the offer is sent (the CALEOL's own journey is tested elsewhere)."""
    commission = Commission.objects.filter(membres__isnull=False).select_related("bailleur").order_by("pk").first()
    assert commission is not None
    logement = (
        Logement.objects.filter(residence__bailleur=commission.bailleur, loyer_principal__isnull=False)
        .exclude(baux__isnull=False)
        .exclude(examens__isnull=False)
        .order_by("pk")
        .first()
    )
    assert logement is not None
    autres = list(
        Demande.objects.filter(statut=StatutDemande.ACTIVE)
        .exclude(pk=demande.pk)
        .exclude(offres__isnull=False)
        .order_by("-pk")[:2]
    )
    jour = timezone.localdate()
    seance = seance_creer(commission=commission, date_seance=jour, auteur=SYSTEME)
    presences = {m.pk: ModePresence.SEANCE for m in commission.membres.all()}
    presences_enregistrer(seance=seance, presences=presences, auteur=SYSTEME)
    seance = seance_ouvrir(seance=seance, auteur=SYSTEME)
    pour = {m.pk: SensVote.POUR for m in commission.membres.filter(voix=Voix.DELIBERATIVE)}
    examens = examen_inscrire(auteur=SYSTEME, seance=seance, logement=logement, candidats=[demande, *autres])
    decision_enregistrer(
        auteur=SYSTEME, examen=examens[0], type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT, rang=1, votes=pour
    )
    return offre_emettre(auteur=SYSTEME, logement=logement)


def _lien(texte: str, base: str) -> str:
    trouve = re.search(rf"{re.escape(base)}(/\S+)", texte)
    assert trouve, texte
    return trouve.group(0)


def test_un_menage_suit_sa_demande_en_ligne_jusqu_au_refus_motive_d_une_offre(
    page: Page, live_server: Any, boite: Boite, settings: Any
) -> None:
    charger_demo(nb_demandes=150, seed=2026, stdout=io.StringIO())
    base = live_server.url
    settings.ATTRIB_URL_PUBLIQUE = base
    settings.ATTRIB_AVIS_GARDE_S = 0
    settings.ATTRIB_AVIS_PAUSE_S = 0
    demande = _demande_du_menage()
    contact = demande.personnes.get(role=RolePersonne.DEMANDEUR).email

    # 1. The account: the verification e-mail arrives through SMTP, its link confirms the address.
    page.goto(f"{base}/mon-espace/inscription/")
    _sans_violation(page)
    page.get_by_label("Adresse de courriel").fill(COURRIEL)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    verification = boite.attendre(COURRIEL, "confirmez votre adresse")
    page.goto(_lien(verification, base))
    page.goto(f"{base}/mon-espace/connexion/")
    page.locator("#id_username").fill(COURRIEL)
    page.locator("#id_password").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/mon-espace/")
    _sans_violation(page)

    # 2. The link: the code goes to the address the demand holds (the household's own, on its CERFA).
    page.goto(f"{base}/mon-espace/lier/")
    _sans_violation(page)
    depuis = len(boite.messages)
    etape1 = page.locator("section[aria-labelledby='etape1']")
    etape1.get_by_label("Numéro unique de votre demande").fill(demande.numero_unique)
    etape1.get_by_role("button", name="Recevoir un code").click()
    courriel_code = boite.attendre(contact.lower(), "", depuis)
    code = re.search(r"^([A-Z2-9]{8})\s*$", courriel_code, re.MULTILINE)
    assert code, courriel_code
    etape2 = page.locator("section[aria-labelledby='etape2']")
    etape2.get_by_label("Numéro unique de votre demande").fill(demande.numero_unique)
    etape2.get_by_label(re.compile("^Code reçu")).fill(code.group(1))
    etape2.get_by_role("button", name="Lier ma demande").click()
    page.wait_for_url(re.compile(rf"/mon-espace/demandes/{demande.pk}/$"))

    # 3. Its score point by point, its position and its waiting range, in plain French.
    score = page.locator("#ma-situation")
    expect(score).to_contain_text(re.compile(r"Votre score : [\d\s]+ points"))
    expect(score.locator("table")).to_be_visible()
    expect(score.get_by_role("heading", name="Votre position", exact=True)).to_be_visible()
    expect(score.locator("[data-position]")).to_be_visible()
    expect(score.get_by_role("heading", name="Le délai d'attente constaté")).to_be_visible()
    expect(score.locator("[data-fourchette]")).to_be_visible()
    _sans_violation(page)
    avant = Cotation.objects.get(demande=demande).score_provisoire

    # 4. Its resources fall: the new score is computed at once and explained.
    page.locator("#modifier-ressources").click()
    formulaire = page.locator("#form-ressources")
    _sans_violation(page)
    formulaire.locator("[name='ressources-revenu_fiscal_reference']").fill("2000")
    for i in range(demande.personnes.count()):
        for champ in Personne.RESSOURCES:
            saisie = formulaire.locator(f"[name='ressources-personne-{i}-{champ}']")
            if saisie.count():
                saisie.fill("150" if (i, champ) == (0, "salaires") else "0")
    formulaire.locator("#enregistrer-ressources").click()
    page.wait_for_url(re.compile(rf"/mon-espace/demandes/{demande.pk}/"))
    changement = page.locator("#changement-score")
    expect(changement).to_contain_text("Votre score est passé de")
    expect(changement).to_contain_text("Pourquoi")
    _sans_violation(page)
    assert Cotation.objects.get(demande=demande).score_provisoire > avant

    # 5. A document awaited since the update (the proof of resources, of identity…), sent from the page.
    piece = PieceJustificative.objects.filter(demande=demande, statut=StatutPiece.MANQUANTE).order_by("pk").first()
    assert piece is not None
    page.locator(f"#fichier-{piece.pk}").set_input_files(
        {"name": "avis-imposition.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator(f"#envoyer-{piece.pk}").click()
    expect(page.locator(f"#piece-{piece.pk} [data-etat]")).to_have_attribute("data-etat", "fournie")
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.FOURNIE

    # 6. The commission proposes a dwelling; the notices' run sends the offer by e-mail with its answer link.
    offre = _proposer(demande)
    depuis = len(boite.messages)
    avis_traiter(auteur=SYSTEME)
    courriel_offre = boite.attendre(contact.lower(), "", depuis, contenant=f"/offres/{offre.pk}/")
    lien = _lien(courriel_offre, base)
    assert f"/offres/{offre.pk}/" in lien, courriel_offre

    # 7. It refuses online, with its reason.
    page.goto(lien)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _sans_violation(page)
    refus = page.locator("#form-refus")
    refus.locator("label[for='id_refus-motif_refus_1']").click()  # « Localisation »
    refus.locator("#id_refus-motif_refus_detail").fill("Trop loin de l'école des enfants")
    refus.locator("label[for='id_refus-logement_adapte_0']").click()  # « Oui, il correspondait »
    refus.locator("label[for='id_refus-confirmation']").click()
    refus.locator("#refuser").click()
    expect(page.get_by_text("Votre refus est enregistré").first).to_be_visible()
    _sans_violation(page)
    offre.refresh_from_db()
    assert (offre.statut, offre.motif_refus) == (StatutOffre.REFUSEE, "localisation")
    page.context.clear_cookies()

    # 8. The desk that registered the demand reads all of it in its history.
    connecter(page, base, _compte_de(demande.guichet), MOT_DE_PASSE_DEMO)
    page.goto(f"{base}/demandes/{demande.pk}/")
    historique = page.locator("body")
    expect(historique).to_contain_text("Par l'espace demandeur en ligne (compte famille.journey@example.org)")
    for action in ("piece_deposee", "modification", "offre_refusee"):
        evenement = Evenement.objects.pour(demande).filter(action=action).latest("pk")
        expect(historique).to_contain_text(evenement.resume)
    assert Liaison.objects.filter(demande=demande, compte__courriel=COURRIEL, retiree_le__isnull=True).exists()
