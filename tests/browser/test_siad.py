"""Acceptance journey of the territory's public pages (issue 13, points 6 and 7; decision 0030), on the Grand
Narbonne demo: without any account a household opens the territory's home, reads where to be received (a place,
its address, hours and accessibility), how allocation works here (the grid in plain French, the documents to
prepare) and the key figures (small counts shown « — », with their legend); it books a slot with the keyboard
only, receives the confirmation through a real SMTP server started by the test, follows the link of the e-mail and
cancels. The desk's agent then logs in, reads the booking and its cancellation in the place's agenda and opens a
new series of slots, which a household sees at once on the public page.

Every public page visited is checked by axe (no serious or critical violation) at 1366×768 and at 375×812, and at
375 px the page must not scroll sideways."""

from __future__ import annotations

import email
import email.policy
import io
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings

from attrib.demo.chargement import MOT_DE_PASSE_DEMO, charger_demo
from attrib.demo.siad import LIEUX_DEMO
from attrib.siad.enums import AnnulePar, StatutRendezVous
from attrib.siad.models import Creneau, LieuAccueil, RendezVous
from tests.browser.conftest import connecter, menu, resume_violations, violations_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ECRAN, TELEPHONE = (1366, 768), (375, 812)
COURRIEL = "camille.parcours@example.org"


@dataclass
class Boite:
    """What the test's SMTP server accepted."""

    recus: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, _class=EmailMessage, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.recus.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def boite(settings: Settings) -> Iterator[Boite]:
    """A real SMTP server (aiosmtpd) on a free port of the loopback; Attrib's mail settings point to it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    recue = Boite()
    controleur = Controller(recue, hostname="127.0.0.1", port=port)
    controleur.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield recue
    finally:
        controleur.stop()


def _controler(page: Page, ou: str) -> None:
    """No serious or critical axe violation at 1366×768 and at 375×812, and no sideways scroll at 375 px; the page
    is left at the size it had."""
    avant = page.viewport_size
    cibles = page.evaluate("[...document.querySelectorAll('.fr-skiplinks a')].map(a => a.getAttribute('href'))")
    assert cibles and all(page.locator(c).count() == 1 for c in cibles), f"{ou} : lien d'évitement sans cible {cibles}"
    for largeur, hauteur in (ECRAN, TELEPHONE):
        page.set_viewport_size({"width": largeur, "height": hauteur})
        violations = violations_axe(page)
        assert violations == [], f"{ou}, {largeur} px :\n{resume_violations(violations)}"
        if largeur == TELEPHONE[0]:
            largeur_page = page.evaluate("document.documentElement.scrollWidth")
            assert largeur_page <= largeur, f"{ou} : la page défile de côté à {largeur} px ({largeur_page} px)"
    if avant is not None:
        page.set_viewport_size(avant)


def _focus(page: Page) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def _tabuler_jusqu_a(page: Page, identifiant: str, maximum: int = 60) -> None:
    """Press Tab until the element ``identifiant`` has the focus (the keyboard reaches it)."""
    for _ in range(maximum):
        page.keyboard.press("Tab")
        if _focus(page) == identifiant:
            return
    raise AssertionError(f"#{identifiant} n'est pas atteint au clavier en {maximum} tabulations")


def _tab(page: Page, attendu: str) -> None:
    page.keyboard.press("Tab")
    assert _focus(page) == attendu, f"Tab mène à #{_focus(page)}, pas à #{attendu}"


def _nombres(cellules: list[str]) -> list[int]:
    return [int(c.replace("\u202f", "").replace(" ", "")) for c in cellules if c.strip() not in {"—", ""}]


def test_un_menage_s_informe_reserve_et_annule_sans_compte_puis_le_guichet_ouvre_des_creneaux(
    page: Page, navigateur: Browser, live_server: Any, boite: Boite, settings: Settings
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # 60 demands: the fewest for which the demo's last 12 months hold enough leases (13) for the territory's waiting
    # range to be published (25 or 40 give none); the stock, flux and CALEOL replays cost the same whatever the count.
    charger_demo(nb_demandes=60, seed=2026, stdout=io.StringIO())
    maison = LieuAccueil.objects.select_related("commune", "organisation").get(nom=LIEUX_DEMO[0].nom)
    base, siren = live_server.url, maison.epci_id
    page.set_viewport_size({"width": ECRAN[0], "height": ECRAN[1]})

    # 1. The territory's public home, without login.
    page.goto(f"{base}/territoire/")
    page.get_by_role("link", name="CA Le Grand Narbonne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demander un logement social : CA Le Grand Narbonne")
    expect(page.locator("#lien-espace-demandeur")).to_be_visible()
    _controler(page, "accueil du territoire")

    # 2. Where to be received: the places, then one place's address, hours and accessibility.
    page.get_by_role("link", name="Où être reçu").first.click()
    expect(page.locator("#lieux-accueil > li")).to_have_count(len(LIEUX_DEMO))
    expect(page.locator(f"#lieu-{maison.pk}")).to_contain_text("Accessible en fauteuil roulant")
    _controler(page, "lieux d'accueil")
    page.locator(f"#lieu-{maison.pk}").get_by_role("link", name=maison.nom).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(maison.nom)
    expect(page.locator("address")).to_contain_text(f"{maison.adresse}")
    expect(page.locator("address")).to_contain_text(f"11100 {maison.commune.nom}")
    expect(page.locator("#horaires")).to_contain_text("Lundi")
    expect(page.locator("#horaires")).to_contain_text("9h-12h")
    expect(page.get_by_text("Boucle magnétique pour les personnes malentendantes")).to_be_visible()
    expect(page.get_by_text("Adresse et coordonnées fictives")).to_be_visible()
    _controler(page, "page du lieu")

    # 3. How allocation works here: the grid in plain French, then the documents to prepare.
    navigation = page.get_by_role("navigation", name="Menu du territoire")
    navigation.get_by_role("link", name="Comment ça marche ici").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comment les logements sociaux sont attribués ici")
    grille = page.locator("#grille-1")
    expect(grille.locator("table").first).to_be_visible()
    expect(grille.locator("thead").first).to_contain_text("Situation")
    expect(grille.locator("tbody tr").first.locator("td").nth(1)).to_contain_text("point")
    expect(page.locator("#pieces")).to_have_text("Les pièces à préparer")
    expect(page.get_by_role("heading", name="Pour toute demande")).to_be_visible()
    expect(page.get_by_text("Pièce d'identité du demandeur", exact=False).first).to_be_visible()
    texte = page.locator("#content").inner_text()
    assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", texte), "un identifiant interne est affiché"
    _controler(page, "comment ça marche ici")

    # 4. The key figures: small counts never shown, « — » explained by the legend.
    page.get_by_role("navigation", name="Menu du territoire").get_by_role("link", name="Chiffres clés").click()
    tableau = page.locator("#chiffres-cles table").first
    expect(tableau).to_be_visible()
    expect(page.locator("#legende-chiffres")).to_be_visible()
    expect(page.locator("#legende-chiffres")).to_contain_text("chiffre non publié")
    for colonne in (2, 3, 4):  # dwellings, demands, attributions: 0, or at least the minimum count, or « — »
        cellules = page.locator(f"#chiffres-cles tbody td:nth-child({colonne})").all_inner_texts()
        assert all(n == 0 or n >= 11 for n in _nombres(cellules)), cellules
    assert "—" in page.locator("#chiffres-cles").inner_text(), "un chiffre au moins est masqué dans la démo"
    territoire = tableau.locator("tbody tr", has_text="Toutes tailles")
    assert _nombres([territoire.locator("td").first.inner_text()])[0] > 1000, "le parc du territoire est publié"
    expect(territoire.locator("td").nth(3)).to_contain_text(re.compile(r"\d+ mois\s*de \d+ à \d+ mois"))
    _controler(page, "chiffres clés")
    page.get_by_label("Commune").select_option(label="Narbonne")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chiffres clés : Narbonne")
    _controler(page, "chiffres clés de Narbonne")

    # 5. On a phone, the household books the first free slot of the place, with the keyboard only.
    page.set_viewport_size({"width": TELEPHONE[0], "height": TELEPHONE[1]})
    page.goto(f"{base}/territoire/{siren}/lieux/{maison.pk}/")
    premier = page.locator("a[id^='reserver-']").first
    creneau = Creneau.objects.get(pk=int(str(premier.get_attribute("id")).removeprefix("reserver-")))
    places_avant = creneau.reserves
    premier.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver un rendez-vous")
    _controler(page, "réservation")
    _tabuler_jusqu_a(page, "id_nom")
    page.keyboard.type("Camille Parcours")
    _tab(page, "id_email")
    page.keyboard.type("camille.parcours@")  # a typo the page must name
    _tab(page, "id_telephone")
    _tab(page, "id_motif")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Motif du rendez-vous")).to_have_value(maison.services[0])
    _tab(page, "confirmer-reservation")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Erreur — "))
    expect(page.locator("#resume-erreurs")).to_contain_text("Adresse de courriel")
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email_error")).to_be_visible()
    assert not RendezVous.objects.filter(nom="Camille Parcours").exists()
    _controler(page, "réservation avec une erreur")
    # The summary's link leads the keyboard to the field in error; the household corrects it and books.
    lien_erreur = page.locator("#resume-erreurs a").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.getAttribute('href')") == (
            lien_erreur.get_attribute("href")
        ):
            break
    else:
        raise AssertionError("le lien du résumé des erreurs n'est pas atteint au clavier")
    page.keyboard.press("Enter")
    assert _focus(page) == "id_email", f"le lien d'erreur mène à #{_focus(page)}"
    page.keyboard.press("Control+A")
    page.keyboard.type(COURRIEL)
    _tab(page, "id_telephone")
    _tab(page, "id_motif")
    _tab(page, "confirmer-reservation")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre rendez-vous")
    expect(page.get_by_role("status")).to_contain_text("Un courriel de confirmation vous a été envoyé")
    expect(page.locator("#rendez-vous-detail")).to_contain_text("Réservé")
    expect(page.locator("#rendez-vous-detail")).to_contain_text(maison.nom)
    _controler(page, "rendez-vous réservé")
    rendez_vous = RendezVous.objects.get(email=COURRIEL)
    assert (rendez_vous.creneau_id, rendez_vous.nom) == (creneau.pk, "Camille Parcours")
    creneau.refresh_from_db()
    assert creneau.reserves == places_avant + 1

    # 6. The confirmation received by the SMTP server; its link cancels the booking.
    (confirmation,) = [m for m in boite.recus if COURRIEL in str(m["To"])]
    assert str(confirmation["Subject"]).startswith("Votre rendez-vous du ")
    corps = confirmation.get_body(preferencelist=("plain",))
    assert corps is not None
    texte = str(corps.get_content())
    assert maison.nom in texte and maison.adresse in texte
    (lien,) = re.findall(rf"{re.escape(base)}/territoire/{siren}/rendez-vous/\S+", texte)
    page.context.clear_cookies()
    page.goto(lien)
    expect(page.locator("#rendez-vous-detail")).to_contain_text("Réservé")
    page.locator("#annuler-rendez-vous").click()
    expect(page.get_by_role("status")).to_contain_text("Votre rendez-vous est annulé")
    expect(page.locator("#rendez-vous-detail")).to_contain_text("Annulé")
    expect(page.locator("#annuler-rendez-vous")).to_have_count(0)
    _controler(page, "rendez-vous annulé")
    rendez_vous.refresh_from_db()
    creneau.refresh_from_db()
    assert (rendez_vous.statut, rendez_vous.annule_par) == (StatutRendezVous.ANNULE, AnnulePar.MENAGE)
    assert creneau.reserves == places_avant

    # 7. The desk's agent reads the booking and its cancellation in the place's agenda.
    page.set_viewport_size({"width": ECRAN[0], "height": ECRAN[1]})
    assert maison.organisation.memberships.filter(user__username="guichet").exists()
    connecter(page, base, "guichet", MOT_DE_PASSE_DEMO)
    menu(page, "Demandes", "Lieux d'accueil")
    page.get_by_role("link", name=maison.nom).click()
    ligne = page.locator(f"#rendez-vous-{rendez_vous.pk}")
    expect(ligne).to_contain_text("Camille Parcours")
    expect(ligne).to_contain_text(COURRIEL)
    expect(ligne).to_contain_text("Annulé")
    expect(page.locator(f"#creneau-{creneau.pk}")).to_contain_text(f"{places_avant} / {creneau.capacite}")
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)

    # 8. It opens a new series: Friday mornings of the next two weeks, 30-minute slots.
    demain = timezone.localdate() + timedelta(days=1)
    dernier = demain + timedelta(days=13)
    vendredis = [demain + timedelta(days=k) for k in range(14) if (demain + timedelta(days=k)).weekday() == 4]
    page.get_by_label("Premier jour").fill(demain.isoformat())
    page.get_by_label("Dernier jour").fill(dernier.isoformat())
    page.get_by_text("Vendredi", exact=True).click()
    page.get_by_label("Heure du premier rendez-vous").fill("09:00")
    page.get_by_label("Heure de fin des rendez-vous").fill("11:00")
    page.get_by_label("Durée d'un rendez-vous (minutes)").fill("30")
    page.get_by_label("Ménages reçus en même temps").fill("1")
    page.get_by_role("button", name="Ouvrir ces créneaux").click()
    expect(page.get_by_text(f"{4 * len(vendredis)} créneau(x) ouvert(s).")).to_be_visible()
    nouveaux = list(
        Creneau.objects.filter(lieu=maison, debut__date__in=vendredis, debut__gt=timezone.now()).order_by("debut")
    )
    assert [timezone.localtime(c.debut).strftime("%H:%M") for c in nouveaux[:4]] == ["09:00", "09:30", "10:00", "10:30"]
    expect(page.locator(f"#creneau-{nouveaux[0].pk}")).to_contain_text("0 / 1")
    violations = violations_axe(page)
    assert violations == [], resume_violations(violations)

    # A household sees the new slots on the public page at once (a fresh browser, nothing kept).
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": TELEPHONE[0], "height": TELEPHONE[1]})
    try:
        autre = contexte.new_page()
        autre.goto(f"{base}/territoire/{siren}/lieux/{maison.pk}/")
        expect(autre.locator(f"#reserver-{nouveaux[0].pk}")).to_be_visible()
    finally:
        contexte.close()
