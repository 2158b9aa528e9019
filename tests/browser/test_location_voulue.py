"""Acceptance journey of location voulue on the Grand Narbonne demo (issue 14).

The bailleur publishes an advert from a freed dwelling oriented to the State's flux; three households apply from
their space and a fourth, ineligible, is told why before it can apply; the advert closes (the worker's hourly
command, once its closing time has passed); anyone replays the ranking with the documented command from the data the
public page publishes and finds the same order; the bailleur presents the first three to a session of its commission;
the first is chosen, accepts online, signs the lease; the advert publishes its outcome and each household reads its
rank. Axe: no serious or critical violation on every page of the journey, at 1366 and 375 px.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature, RegleLocationVoulue
from attrib.annonces.selectors import logements_a_publier
from attrib.annonces.services import regle_enregistrer
from attrib.commissions.enums import ModePresence, SensVote, StatutOffre, TypeDecision, Voix
from attrib.commissions.models import Commission, Offre
from attrib.commissions.services import (
    bail_signer,
    decision_enregistrer,
    offre_emettre,
    presences_enregistrer,
    seance_creer,
    seance_ouvrir,
)
from attrib.demandes.models import Demande
from attrib.demandeurs.models import CompteDemandeur, Liaison, Qualite
from attrib.demo.chargement import MOT_DE_PASSE_DEMO, charger_demo
from attrib.flux.models import Orientation
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, User
from attrib.rapprochement.selectors import preselection_logement
from tests.browser.conftest import connecter, resume_violations, violations_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYSTEME = acteur_systeme("test")
LARGEURS = ((1366, 768), (375, 812))
RACINE = Path(__file__).resolve().parents[2]


def _png() -> bytes:
    """A small PNG, what a phone would send of a living room for the test."""
    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 150)).save(tampon, format="PNG")
    return tampon.getvalue()


def _sans_violation(page: Page, *, telephone: bool = True) -> None:
    """Axe at both widths (the staff's pages at the desk's width only); at 375 px nothing wider than the screen: the
    households' and the public's pages are read on a phone."""
    for largeur, hauteur in LARGEURS if telephone else LARGEURS[:1]:
        page.set_viewport_size({"width": largeur, "height": hauteur})
        violations = violations_axe(page)
        assert violations == [], f"{page.url} à {largeur} px :\n{resume_violations(violations)}"
        if largeur == 375:
            debord = page.evaluate("document.documentElement.scrollWidth")
            assert debord <= 375, f"{page.url} : {debord} px de large à 375 px"
    page.set_viewport_size({"width": 1366, "height": 768})


@dataclass(frozen=True)
class Menage:
    demande: Demande
    courriel: str


def _menage(demande: Demande, n: int) -> Menage:
    """An applicant account with a verified address, linked to the demand as its household (the link by code is the
    applicant space's own journey)."""
    courriel = f"menage.lv{n}@example.org"
    user = User.objects.create(username=f"demandeur-lv{n}", email=courriel, password=make_password(MOT_DE_PASSE_DEMO))
    compte = CompteDemandeur.objects.create(utilisateur=user, courriel=courriel, courriel_verifie_le=timezone.now())
    Liaison.objects.create(compte=compte, demande=demande, qualite=Qualite.TITULAIRE)
    return Menage(demande, courriel)


def _connecter_menage(page: Page, base: str, menage: Menage) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/mon-espace/connexion/")
    page.locator("#id_username").fill(menage.courriel)
    page.locator("#id_password").fill(MOT_DE_PASSE_DEMO)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/mon-espace/")


def _logement_a_publier(bailleur: Organisation) -> tuple[Orientation, list[int], int]:
    """A dwelling of the bailleur oriented to a réservataire and waiting, that at least three demo households can
    apply for and one wishes without being eligible: its orientation, three eligible demands (rank order) and an
    ineligible one."""
    for ligne in logements_a_publier(SYSTEME):
        o = ligne.orientation
        if o.bailleur_id != bailleur.pk or o.reservataire_id is None:
            continue
        # Its closing (7 days of publication, ``location_voulue.yaml``) must leave time to present the candidates
        # before the réservataire's proposal deadline: the service refuses otherwise (the demo's deadlines depend
        # on the day it is loaded).
        limite = o.date_limite_proposition
        if limite is not None and limite <= timezone.localdate() + timedelta(days=10):
            continue
        pre = preselection_logement(o.logement_libere, acteur=SYSTEME, nombre=10)
        eligibles = [c.demande_pk for c in pre.candidats if not c.offre_en_cours]
        if len(eligibles) >= 3 and pre.ecartees:
            return o, eligibles[:3], pre.ecartees[0].demande_pk
    raise AssertionError(f"Aucun logement de {bailleur} à publier avec trois ménages éligibles et un non éligible")


def test_une_annonce_publiee_classee_rejouee_presentee_attribuee_et_son_resultat(
    page: Page, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    charger_demo(nb_demandes=150, seed=2026, stdout=io.StringIO())
    base = live_server.url
    settings.ATTRIB_URL_PUBLIQUE = base
    bailleur = Organisation.objects.get(memberships__user__username="domitia")
    etat = Organisation.objects.get(memberships__user__username="etat")
    jour = timezone.localdate()
    if not RegleLocationVoulue.objects.en_vigueur(jour).filter(bailleur=bailleur, reservataire=etat).exists():
        regle_enregistrer(bailleur=bailleur, reservataire=etat, debut=jour, part=25, auteur=SYSTEME)
    orientation, eligibles, ineligible = _logement_a_publier(bailleur)
    menages = [_menage(Demande.objects.get(pk=pk), i) for i, pk in enumerate(eligibles, start=1)]
    exclu = _menage(Demande.objects.get(pk=ineligible), 4)

    # 1. The bailleur creates the advert from the freed dwelling, adds a photo with its alternative text, publishes.
    connecter(page, base, "domitia", MOT_DE_PASSE_DEMO)
    page.goto(f"{base}/annonces/a-publier/")
    _sans_violation(page, telephone=False)
    ligne = page.locator("tr", has=page.locator(f"form[action$='/a-publier/{orientation.pk}/creer/']"))
    ligne.get_by_role("button", name=re.compile("^Créer l'annonce")).click()
    page.wait_for_url(re.compile(r"/annonces/\d+/modifier/$"))
    annonce = Annonce.objects.get(orientation=orientation)
    _sans_violation(page, telephone=False)
    page.get_by_label("Titre de l'annonce").fill("Trois pièces lumineux proche des commerces")
    page.get_by_label("Description du logement").fill("Séjour traversant, deux chambres, cuisine séparée.")
    page.get_by_label("La résidence et son quartier").fill("Résidence calme, école et arrêt de bus à 200 m.")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator("#id_photo-image").set_input_files({"name": "sejour.png", "mimeType": "image/png", "buffer": _png()})
    page.get_by_label("Texte alternatif").fill("Le séjour, deux fenêtres donnant sur un jardin")
    page.get_by_role("button", name="Ajouter la photo").click()
    expect(page.locator("#photos")).to_contain_text("Le séjour, deux fenêtres donnant sur un jardin")
    page.get_by_role("link", name="Publier", exact=True).click()
    _sans_violation(page, telephone=False)
    page.locator("#bouton-publier").click()
    page.wait_for_url(re.compile(rf"/annonces/{annonce.pk}/$"))
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.PUBLIEE
    expect(page.locator("#annonce-tirage")).to_contain_text(annonce.empreinte)
    assert annonce.graine not in page.content()
    _sans_violation(page, telephone=False)

    # 2. Three households apply from their space; each sees its position among the applications received so far.
    for i, menage in enumerate(menages, start=1):
        _connecter_menage(page, base, menage)
        page.goto(f"{base}/mon-espace/annonces/")
        _sans_violation(page)
        page.get_by_role("link", name=annonce.titre).click()
        expect(page.locator("#precontrole")).to_be_visible()
        attendu = "aucune autre candidature reçue à ce jour" if i == 1 else f"sur {i} candidatures reçues à ce jour"
        expect(page.locator("#ma-position")).to_contain_text(attendu)
        _sans_violation(page)
        page.locator("#lien-candidater").click()
        _sans_violation(page)
        page.locator("#confirmer-candidature").click()
        expect(page.locator("#ma-candidature")).to_be_visible()
        assert Candidature.objects.filter(
            annonce=annonce, demande=menage.demande, statut=StatutCandidature.DEPOSEE
        ).exists()

    # 3. The fourth household wishes the dwelling but is not eligible: it reads why and cannot apply.
    _connecter_menage(page, base, exclu)
    page.goto(f"{base}/mon-espace/annonces/{annonce.pk}/")
    motifs = page.locator("#precontrole-motifs")
    expect(motifs).to_be_visible()
    expect(motifs).to_contain_text(re.compile(r"\w+"))
    expect(page.locator("#lien-candidater")).to_have_count(0)
    _sans_violation(page)
    page.goto(f"{base}/mon-espace/annonces/{annonce.pk}/candidater/")
    expect(page.locator("#confirmer-candidature")).to_have_count(0)
    assert not Candidature.objects.filter(annonce=annonce, demande=exclu.demande).exists()

    # 4. The closing time passes; the worker's hourly command closes and ranks the advert.
    Annonce.objects.filter(pk=annonce.pk).update(
        publiee_le=annonce.publiee_le - timedelta(days=8), cloture_le=annonce.cloture_le - timedelta(days=8)
    )
    call_command("clore_annonces", stdout=io.StringIO())
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.CLOSE
    classees = list(annonce.candidatures.filter(statut=StatutCandidature.CLASSEE).order_by("rang"))
    assert len(classees) == 3

    # 5. Anyone downloads the published data and replays the ranking with the documented command: same order.
    page.context.clear_cookies()
    siren = orientation.logement_libere.commune.epci_id
    page.goto(f"{base}/territoire/annonces/{siren}/")
    _sans_violation(page)
    donnees = page.request.get(f"{base}/territoire/annonces/{siren}/{annonce.reference}/classement.json")
    assert donnees.ok
    publie = json.loads(donnees.body())
    assert publie["graine"] == annonce.graine
    fichier = tmp_path / "classement.json"
    fichier.write_bytes(donnees.body())
    rejeu = subprocess.run(
        [sys.executable, "-m", "attrib.engine", "annonce-rejouer", str(fichier)],
        capture_output=True,
        text=True,
        cwd=RACINE,
        check=False,
    )
    assert rejeu.returncode == 0, rejeu.stdout + rejeu.stderr
    assert "Classement identique au classement publié." in rejeu.stdout
    ordre_rejoue = [j for j in re.findall(r"\b([A-Z2-7]{12})\b", rejeu.stdout)]
    assert ordre_rejoue[:3] == [c.jeton for c in classees], rejeu.stdout
    page.goto(f"{base}/territoire/annonces/{siren}/verifier-un-classement/")
    _sans_violation(page)

    # 6. The réservataire presents the first three to a planned session of its commission.
    commission = Commission.objects.filter(bailleur=bailleur, membres__isnull=False).distinct().first()
    assert commission is not None
    seance = seance_creer(commission=commission, date_seance=jour, auteur=SYSTEME)
    # The dwelling is in the State's flux: the réservataire presents its candidates (the bailleur may not).
    connecter(page, base, "etat", MOT_DE_PASSE_DEMO)
    page.goto(f"{base}/annonces/{annonce.pk}/")
    _sans_violation(page, telephone=False)
    page.get_by_label("Séance de la commission d'attribution").select_option(str(seance.pk))
    page.locator("#bouton-presenter").click()
    page.wait_for_url(re.compile(rf"/annonces/{annonce.pk}/$"))
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.EN_COMMISSION
    examens = list(seance.examens.order_by("rang_propose", "pk"))
    assert [e.demande_id for e in examens] == [c.demande_id for c in classees]

    # 7. The commission attributes the dwelling to the first (the CALEOL's own journey is tested elsewhere); the
    # offer is sent; the household accepts online; the lease is signed.
    presences_enregistrer(
        seance=seance, presences={m.pk: ModePresence.SEANCE for m in commission.membres.all()}, auteur=SYSTEME
    )
    seance = seance_ouvrir(seance=seance, auteur=SYSTEME)
    pour = {m.pk: SensVote.POUR for m in commission.membres.filter(voix=Voix.DELIBERATIVE)}
    decision_enregistrer(
        auteur=SYSTEME, examen=examens[0], type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT, rang=1, votes=pour
    )
    offre = offre_emettre(auteur=SYSTEME, logement=annonce.logement)
    premier = next(m for m in menages if m.demande.pk == classees[0].demande_id)
    _connecter_menage(page, base, premier)
    page.goto(f"{base}/mon-espace/demandes/{premier.demande.pk}/offres/{offre.pk}/")
    _sans_violation(page)
    page.locator("#form-acceptation label[for$='confirmation']").click()
    page.locator("#accepter").click()
    expect(page.locator("#offre-reponse")).to_contain_text("Acceptée")
    offre = Offre.objects.get(pk=offre.pk)
    assert offre.statut == StatutOffre.ACCEPTEE
    bail_signer(
        offre=offre,
        date_signature=jour,
        accord_collectif=False,
        deja_locataire=False,
        auteur=acteur_de(User.objects.get(username="domitia")),
    )

    # 8. The advert shows its outcome, nothing that identifies the household; each household reads its rank.
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.ATTRIBUEE
    # A new visitor (the public pages may be kept a while by the browser that read them before the lease).
    assert page.context.browser is not None
    visiteur = page.context.browser.new_context(locale="fr-FR")
    public = visiteur.new_page()
    public.goto(f"{base}/territoire/annonces/{siren}/")
    resultat = public.locator("tr", has_text=annonce.reference)
    expect(resultat).to_contain_text(annonce.resultat_tranche_score)
    expect(resultat).to_contain_text(annonce.resultat_anciennete)
    assert premier.demande.numero_unique not in public.content()
    _sans_violation(public)
    visiteur.close()
    for c in classees:
        menage = next(m for m in menages if m.demande.pk == c.demande_id)
        _connecter_menage(page, base, menage)
        page.goto(f"{base}/mon-espace/annonces/{annonce.pk}/")
        rang = "1re" if c.rang == 1 else f"{c.rang}e"
        expect(page.locator("#mon-rang")).to_contain_text(f"Votre demande est classée {rang}")
        expect(page.locator("#annonce-resultat")).to_be_visible()
        _sans_violation(page)
        page.goto(f"{base}/mon-espace/annonces/candidatures/")
        expect(page.locator("#liste-candidatures")).to_contain_text(rang)
        _sans_violation(page)
