"""The pages of location voulue in a real browser (Playwright driving Debian's chromium): axe finds no serious or
critical violation on any of them, at 1366 px and at 375 px, and nothing is wider than a phone's screen (the draw's
long codes break, the tables scroll by keyboard). Staff, household and public pages, each in a state that shows
its richest content: a draft with a photo, an open advert applied to, a closed one with its ranking."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from attrib.annonces import services
from attrib.flux.services import logement_declarer_libere, orientation_forcer
from attrib.patrimoine.models import Logement
from attrib.rapprochement.moteur import vider_cache
from tests.annonces.test_vues import SYSTEME, construire, png
from tests.browser.conftest import resume_violations, violations_axe
from tests.rapprochement.conftest import seuil_connu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LARGEURS = ((1366, 768), (375, 812))


def _connecter(page: Page, base: str, user: Any) -> None:
    """The browser takes the session of a logged-in test client (the login pages have their own tests)."""
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    valeur = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": valeur, "url": base}])


def _sans_violation(page: Page, adresse: str) -> None:
    page.goto(adresse)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for largeur, hauteur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": hauteur})
        violations = violations_axe(page)
        assert violations == [], f"{page.url} à {largeur} px :\n{resume_violations(violations)}"
        if largeur == 375:
            debord = page.evaluate("document.documentElement.scrollWidth")
            assert debord <= 375, f"{page.url} : {debord} px de large à 375 px"
    page.set_viewport_size({"width": 1366, "height": 768})


def test_les_pages_de_la_location_voulue_n_ont_aucune_violation_grave(
    page: Page, live_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(settings, "MEDIA_ROOT", tmp_path)
    vider_cache()
    seuil_connu(monkeypatch)
    m = construire()
    r = m.r
    services.regle_enregistrer(bailleur=r.bailleur, reservataire=r.etat, debut=r.jour, part=30, auteur=SYSTEME)
    avant = timezone.now() - timedelta(days=10)
    # Closed: Alogea's own dwelling, published ten days ago, three applications, ranked.
    orientation = r.ll_propre.orientation
    assert orientation is not None
    close = services.annonce_creer(orientation=orientation, auteur=SYSTEME, maintenant=avant)
    close = services.annonce_publier(annonce=close, auteur=SYSTEME, maintenant=avant)
    for nom in ("couple", "dalo", "famille"):
        services.candidature_deposer(
            annonce=close, demande=m.demandes[nom], auteur=m.acteur(nom), maintenant=avant + timedelta(hours=1)
        )
    services.annonce_clore(annonce=close, auteur=SYSTEME)
    # Open: the State's dwelling with a photo, one application.
    orientation = r.ll_etat.orientation
    assert orientation is not None
    ouverte = services.annonce_creer(orientation=orientation, auteur=SYSTEME, quartier="Écoles à cinq minutes.")
    services.photo_ajouter(annonce=ouverte, image=png("grey"), texte_alternatif="Séjour lumineux", auteur=SYSTEME)
    ouverte = services.annonce_publier(annonce=ouverte, auteur=SYSTEME)
    services.candidature_deposer(annonce=ouverte, demande=m.demandes["dalo"], auteur=m.acteur("dalo"))
    # A draft with a photo: a third T3 freed today, brought to Alogea's share.
    logement = Logement.objects.create(
        residence=r.residence,
        identifiant="PINS-3",
        nb_pieces=3,
        surface_habitable=62,
        financement="PLUS",
        loyer_principal=430,
        charges=70,
    )
    ll = logement_declarer_libere(
        auteur=SYSTEME, logement=logement, date_liberation=r.jour, nature="relocation", aujourd_hui=r.jour
    )
    assert ll.orientation is not None
    orientation = ll.orientation
    if orientation.reservataire_id is not None:
        orientation = orientation_forcer(
            orientation=orientation, reservataire=r.bailleur, motif="Essai", auteur=SYSTEME
        )
    brouillon = services.annonce_creer(orientation=orientation, auteur=SYSTEME)
    services.photo_ajouter(annonce=brouillon, image=png(), texte_alternatif="Cuisine équipée", auteur=SYSTEME)

    base = live_server.url
    _connecter(page, base, r.gestionnaire_bailleur)
    for nom, args in (
        ("annonces:liste", ()),
        ("annonces:regles", ()),
        ("annonces:regle_nouvelle", ()),
        ("annonces:a_publier", ()),
        ("annonces:modifier", (brouillon.pk,)),
        ("annonces:publier", (brouillon.pk,)),
        ("annonces:retirer", (brouillon.pk,)),
        ("annonces:apercu", (ouverte.pk,)),
        ("annonces:annonce", (ouverte.pk,)),
        ("annonces:annonce", (close.pk,)),
    ):
        _sans_violation(page, base + reverse(nom, args=args))
    # Alogea presents the first of its own share's advert.
    page.goto(base + reverse("annonces:annonce", args=[close.pk]))
    expect(page.get_by_role("button", name="Présenter les 3 premiers à cette séance")).to_be_visible()

    _connecter(page, base, m.comptes["famille"].utilisateur)
    for nom, args in (
        ("annonces_demandeur:logements", ()),
        ("annonces_demandeur:annonce", (ouverte.pk,)),
        ("annonces_demandeur:candidater", (ouverte.pk,)),
        ("annonces_demandeur:candidatures", ()),
        ("annonces_demandeur:annonce", (close.pk,)),
    ):
        _sans_violation(page, base + reverse(nom, args=args))
    # The photo is shown with its alternative text.
    page.goto(base + reverse("annonces_demandeur:annonce", args=[ouverte.pk]))
    expect(page.get_by_role("img", name="Séjour lumineux")).to_be_visible()

    page.context.clear_cookies()
    siren = r.epci.epci_id
    for nom, args in (
        ("annonces_publiques:territoires", ()),
        ("annonces_publiques:resultats", (siren,)),
        ("annonces_publiques:verifier", (siren,)),
    ):
        _sans_violation(page, base + reverse(nom, args=args))
