"""The demo's CALEOL: a commission per bailleur with its members, a past year of attributions made through the
services (sessions with attendance and votes, offers refused with reasons or left without answer, leases that
strike the demands off), next month's sessions and freed dwellings waiting for candidates."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import timezone

from attrib.commissions.enums import QualiteMembre, StatutOffre, StatutSeance, Voix
from attrib.commissions.models import Bail, Commission, Decision, MembreCommission, Offre, Presence, Seance
from attrib.demandes.enums import MotifRadiation, StatutDemande
from attrib.demo.chargement import charger_demo
from attrib.documents.models import Document, NatureDocument
from attrib.flux.models import LogementLibere
from attrib.organisations.models import TypeOrganisation

pytestmark = pytest.mark.django_db

REFERENCE = date(2026, 3, 15)


def test_sans_parc_les_commissions_sans_historique(grand_narbonne):
    charger_demo(nb_demandes=20, seed=5, date_reference=REFERENCE, stdout=io.StringIO(), avec_parc=False)
    assert Commission.objects.count() == 3
    assert not Seance.objects.exists()


def test_une_annee_de_caleol(grand_narbonne):
    sortie = io.StringIO()
    charger_demo(nb_demandes=1500, seed=5, date_reference=REFERENCE, stdout=sortie, avec_parc=True)
    texte = sortie.getvalue()
    assert "CALEOL : 3 commissions" in texte

    commissions = Commission.objects.select_related("bailleur")
    assert {c.bailleur.type for c in commissions} == {TypeOrganisation.BAILLEUR}
    for commission in commissions:
        membres = {m.qualite: m for m in MembreCommission.objects.filter(commission=commission)}
        assert membres[QualiteMembre.ADMINISTRATEUR].voix == Voix.DELIBERATIVE
        assert (
            MembreCommission.objects.get(commission=commission, president=True).qualite == QualiteMembre.ADMINISTRATEUR
        )
        assert membres[QualiteMembre.MAIRE].utilisateur.username == "narbonne"
        assert membres[QualiteMembre.PRESIDENT_EPCI].utilisateur.username == "epci"
        assert membres[QualiteMembre.RESERVATAIRE].voix == Voix.CONSULTATIVE
        assert QualiteMembre.PREFET in membres and QualiteMembre.REPRESENTANT_LOCATAIRES in membres

    tenues = Seance.objects.filter(statut=StatutSeance.TENUE)
    assert tenues.exists() and Presence.objects.filter(seance__in=tenues).exists()
    # The replayed year records its own dates (issue 10): each session opened and closed on its day, each
    # decision within it; its minutes frozen at the closing, each offer's letter on the day it was sent.
    for seance in tenues.prefetch_related("decisions"):
        ouverte, close = timezone.localtime(seance.ouverte_le), timezone.localtime(seance.close_le)
        assert ouverte.date() == close.date() == seance.date and ouverte < close
        assert all(ouverte <= d.decide_le <= close for d in seance.decisions.all())
    pv = Document.objects.filter(nature=NatureDocument.PROCES_VERBAL)
    assert pv.count() == tenues.count() and all(timezone.localtime(d.date_evenement).date() <= REFERENCE for d in pv)
    # The replayed year is in the past; only the session of location voulue's attributed advert is held on the
    # demo's day (tests/demo/test_location_voulue.py).
    assert all(s.date < REFERENCE for s in tenues.filter(annonces__isnull=True))
    assert Document.objects.filter(nature=NatureDocument.COURRIER_OFFRE).count() == Offre.objects.count()
    # One household, one attribution at a time: no household holds two offers waiting or accepted.
    en_cours = Offre.objects.filter(statut__in=(StatutOffre.EN_ATTENTE, StatutOffre.ACCEPTEE))
    assert en_cours.values("demande").distinct().count() == en_cours.count()
    assert all(d.votes_pour + d.votes_contre > 0 for d in Decision.objects.all())
    baux = Bail.objects.select_related("demande", "offre")
    assert baux.count() >= 20
    for bail in baux:
        assert bail.demande.statut == StatutDemande.RADIEE
        assert bail.demande.motif_radiation == MotifRadiation.ATTRIBUTION
        assert bail.offre.statut == StatutOffre.ACCEPTEE and bail.date_signature <= REFERENCE
        assert bail.demande.date_depot_initiale < bail.date_signature
    refus = Offre.objects.filter(statut=StatutOffre.REFUSEE)
    assert refus.exists() and all(o.motif_refus and o.logement_adapte is not None for o in refus)
    assert Offre.objects.filter(statut=StatutOffre.EXPIREE).exists()
    assert {b.date_signature.year for b in baux} == {REFERENCE.year - 1, REFERENCE.year}

    prevues = Seance.objects.filter(statut=StatutSeance.PREVUE, date__month=REFERENCE.month + 1)
    assert prevues.count() == 6
    en_attente = LogementLibere.objects.filter(date_liberation__gte=date(2026, 3, 1)).exclude(
        logement__examens__isnull=False
    )
    assert en_attente.count() >= 3
