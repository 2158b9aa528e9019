"""Priority labels in the demo (issue 15): the local rules, labelled households in every state (proposed,
validated, refused, expired, one near its expiry), and the social service's follow-ups with consent, one criterion
validated by its worker; the « social » account sees the households it follows."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.demo.chargement import charger_demo
from attrib.labellisation.enums import ObjetConsentement, StatutLabel
from attrib.labellisation.models import Accompagnement, Label, RegleLabellisation, ValidationCritere
from attrib.organisations.models import User

pytestmark = pytest.mark.django_db


def test_la_demo_montre_les_labels_et_le_travail_social(grand_narbonne, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    sortie = io.StringIO()
    charger_demo(nb_demandes=250, seed=5, stdout=sortie, avec_parc=False)
    ligne = next(x for x in sortie.getvalue().splitlines() if x.startswith("Labels de priorité :"))
    assert "5 règles locales" in ligne, ligne
    assert RegleLabellisation.objects.count() == 5

    jour = timezone.localdate()
    statuts = set(Label.objects.values_list("statut", flat=True))
    assert {StatutLabel.PROPOSE, StatutLabel.VALIDE, StatutLabel.REFUSE, StatutLabel.EXPIRE} <= statuts
    assert Label.objects.en_vigueur(jour).filter(valide_jusqu_au__lte=jour + timedelta(days=31)).exists()
    assert Label.objects.en_vigueur(jour).filter(valide_jusqu_au__gt=jour + timedelta(days=200)).exists()
    assert Label.objects.filter(statut=StatutLabel.REFUSE).exclude(motif_refus="").exists()

    social = User.objects.get(username="social")
    suivis = list(Accompagnement.objects.en_cours(jour).filter(referent=social).select_related("demande"))
    assert len(suivis) == 3
    assert all(a.consentement.objet == ObjetConsentement.ACCOMPAGNEMENT_SOCIAL for a in suivis)
    assert ValidationCritere.objects.filter(validee_par=social, demande__in=[a.demande for a in suivis]).exists()

    client = Client()
    client.force_login(social)
    page = client.get(reverse("labellisation:accompagnes")).content.decode()
    for a in suivis:
        assert a.demande.numero_unique in page
    assert "Valider ce critère" in page  # a second household's criterion still waits for the assessment
