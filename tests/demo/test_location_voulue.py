"""Location voulue in the demo (issue 14): the rules of the demo bailleurs and three adverts made through the real
services — one attributed with its published outcome, one closed with its ranking (replayable from the published
data), one open with applications — and the household of a demo applicant account can see the open advert and apply
to it itself."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature, RegleLocationVoulue
from attrib.annonces.selectors import annonces_ouvertes_pour, classement_publie, precontrole
from attrib.annonces.services import candidature_deposer
from attrib.common.models import Evenement
from attrib.demandes.enums import MotifRadiation, StatutDemande
from attrib.demandes.models import Demande
from attrib.demo.chargement import charger_demo
from attrib.engine.annonces import rejouer
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import User
from attrib.pilotage import selectors as pilotage

pytestmark = pytest.mark.django_db


def test_la_demo_montre_la_location_voulue(grand_narbonne):
    sortie = io.StringIO()
    charger_demo(nb_demandes=600, seed=5, stdout=sortie, avec_parc=True)
    texte = sortie.getvalue()
    ligne = next(x for x in texte.splitlines() if x.startswith("Location voulue :"))
    assert "6 règles de bailleur, 3 annonces" in ligne, ligne

    # 25 % of the State's flux and 50 % of its own share, for each demo bailleur.
    assert Counter(RegleLocationVoulue.objects.values_list("reservataire__nom", "part")) == {
        ("Préfecture de l'Aude — DDETS", 25): 3,
        (None, 50): 3,
    }
    annonces = {a.statut: a for a in Annonce.objects.exclude(statut=StatutAnnonce.RETIREE)}
    assert set(annonces) == {StatutAnnonce.ATTRIBUEE, StatutAnnonce.CLOSE, StatutAnnonce.PUBLIEE}
    # Every advert went through the services: its publication is in the trail of its freed dwelling.
    for a in annonces.values():
        assert Evenement.objects.filter(action="annonce_publiee", details__annonce=a.pk).exists()

    attribuee = annonces[StatutAnnonce.ATTRIBUEE]
    assert attribuee.bail is not None and attribuee.resultat_publie_le is not None
    assert attribuee.resultat_candidatures and attribuee.resultat_candidatures >= 3
    assert attribuee.resultat_tranche_score.startswith("entre ") and attribuee.resultat_anciennete
    loge = attribuee.bail.demande
    assert loge.statut == StatutDemande.RADIEE and loge.motif_radiation == MotifRadiation.ATTRIBUTION
    assert Candidature.objects.filter(annonce=attribuee, demande=loge, presentee=True).exists()

    close = annonces[StatutAnnonce.CLOSE]
    rangs = list(Candidature.objects.filter(annonce=close, statut=StatutCandidature.CLASSEE).order_by("rang"))
    assert len(rangs) >= 3 and [c.rang for c in rangs] == list(range(1, len(rangs) + 1))
    donnees = classement_publie(close)
    assert donnees is not None
    rejeu = rejouer(donnees)
    assert rejeu.identique, rejeu

    ouverte = annonces[StatutAnnonce.PUBLIEE]
    assert ouverte.cloture_le is not None and ouverte.cloture_le > timezone.now()
    assert ouverte.publiee_le is not None and ouverte.publiee_le < timezone.now() - timedelta(hours=12)
    assert Candidature.objects.filter(annonce=ouverte, statut=StatutCandidature.DEPOSEE).count() >= 1

    # The household of the demo applicant account named in the output sees the open advert and applies itself.
    trouve = re.search(
        r"Le ménage de la demande (\w+) \(compte (\S+)\) peut candidater à l'annonce ouverte (LV-\d{4}-\d{6})\.", ligne
    )
    assert trouve and trouve.group(3) == ouverte.reference, ligne
    assert trouve.group(2) == "menage1.demo@example.org"
    user = User.objects.get(email=trouve.group(2))
    menage = acteur_de(user)
    (demande,) = Demande.objects.filter(pk__in=menage.demandes_titulaire)
    assert demande.numero_unique == trouve.group(1)
    assert demande.numero_unique in texte.split("Comptes demandeurs de démonstration", 1)[1]  # printed with its login
    assert not Candidature.objects.filter(demande=demande).exists()  # the demo left it free to apply
    assert ouverte in annonces_ouvertes_pour(demande)
    controle = precontrole(annonce=ouverte, demande=demande)
    assert controle.peut_candidater, controle.motifs
    client = Client()
    client.force_login(user)
    logements = client.get(reverse("annonces_demandeur:logements")).content.decode()
    assert reverse("annonces_demandeur:annonce", args=[ouverte.pk]) in logements
    page = client.get(reverse("annonces_demandeur:annonce", args=[ouverte.pk])).content.decode()
    assert 'id="lien-candidater"' in page
    candidature = candidature_deposer(annonce=ouverte, demande=demande, auteur=menage)
    assert candidature.compte is not None and candidature.compte.utilisateur == user

    # The pilotage shows it: one attribution through location voulue among the year's.
    epci = User.objects.get(username="epci")
    depuis = timezone.localdate() - timedelta(days=365)
    lv = pilotage.location_voulue(acteur_de(epci), pilotage.Periode(depuis, timezone.localdate()), pilotage.Perimetre())
    assert lv.attributions_location_voulue == 1 and lv.attributions > 1
    assert lv.annonces.publiees >= 3 and lv.annonces.attribuees == 1

    # Loading again adds nothing.
    sortie = io.StringIO()
    charger_demo(nb_demandes=600, seed=5, stdout=sortie, avec_parc=True)
    assert "Location voulue de démonstration déjà présente" in sortie.getvalue()
    assert Annonce.objects.exclude(statut=StatutAnnonce.RETIREE).count() == 3
