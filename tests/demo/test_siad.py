"""The demo holds reception places of its territory (fictitious addresses, said on their pages), slots for the
coming weeks, two bookings and the key figures, and prints the address of the public pages."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from attrib.demo.chargement import charger_demo
from attrib.demo.siad import FICTIF, LIEUX_DEMO
from attrib.siad.models import ChiffresCles, Creneau, LieuAccueil, RendezVous

pytestmark = pytest.mark.django_db


def test_charger_la_demo_ouvre_les_lieux_d_accueil(grand_narbonne, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sortie = io.StringIO()
    charger_demo(nb_demandes=30, seed=5, date_reference=date(2026, 3, 15), stdout=sortie, avec_parc=False)
    texte = sortie.getvalue()
    assert "/territoire/241100593/" in texte and "lieux d'accueil" in texte
    assert LieuAccueil.objects.count() == len(LIEUX_DEMO)
    assert Creneau.objects.filter(debut__gt=timezone.now()).count() > 50
    assert RendezVous.objects.filter(statut="reserve").count() == 2
    assert ChiffresCles.objects.filter(epci_id="241100593").exists()
    page = Client().get("/territoire/241100593/lieux/").content.decode()
    for spec in LIEUX_DEMO:
        assert spec.nom.replace("'", "&#x27;") in page
    lieu = LieuAccueil.objects.get(nom=LIEUX_DEMO[0].nom)
    detail = Client().get(f"/territoire/241100593/lieux/{lieu.pk}/").content.decode()
    assert FICTIF.replace("'", "&#x27;") in detail and 'id="reserver-' in detail
    # Loading again adds nothing.
    charger_demo(nb_demandes=30, seed=5, date_reference=date(2026, 3, 15), stdout=io.StringIO(), avec_parc=False)
    assert LieuAccueil.objects.count() == len(LIEUX_DEMO) and RendezVous.objects.count() == 2
