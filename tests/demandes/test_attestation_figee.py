"""The registration attestation is fixed at its event (issue 10, rule 4): its content is established at the
registration (then at each renewal, a new version beside the first), its PDF is stored with its SHA-256 at the
first download and served as stored, whatever the day and whatever changed in the demand since."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.demandes import enums
from attrib.demandes.services import demande_modifier, demande_renouveler
from attrib.documents.models import Document, Instantane, NatureDocument
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Role
from tests.factories import GRUISSAN, NARBONNE, creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demande():
    territoire_minimal()
    return creer_demande(
        guichet_org=guichet(),
        communes=(GRUISSAN, NARBONNE),
        personnes=[personne(nom="Martin", prenoms="Léa")],
        date_depot=date(2026, 3, 15),
        aujourd_hui=date(2026, 3, 20),
    )


def _le(jour: date) -> mock._patch:  # type: ignore[type-arg]
    return mock.patch(
        "django.utils.timezone.now", return_value=timezone.make_aware(datetime(jour.year, jour.month, jour.day, 10))
    )


def test_l_attestation_est_etablie_a_l_enregistrement_et_servie_telle_quelle(demande):
    (etablie,) = Instantane.objects.filter(nature=NatureDocument.ATTESTATION)
    assert etablie.cible_id == demande.pk and etablie.date_evenement.astimezone(
        timezone.get_current_timezone()
    ).date() == date(2026, 3, 20)
    assert "Attestation éditée le 20/03/2026" in etablie.html
    client = Client()
    client.force_login(membre(demande.guichet, role=Role.GESTIONNAIRE))
    url = reverse("demandes:attestation", args=[demande.pk])
    with _le(date(2026, 4, 2)):
        premier = client.get(url)
    # The household changes its name afterwards: the attestation of the registration does not.
    demande_modifier(demande=demande, auteur=acteur_systeme("test"), personnes=[personne(nom="Durand", prenoms="Léa")])
    with _le(date(2026, 11, 30)):
        second = client.get(url)
    assert premier.status_code == second.status_code == 200
    assert premier.content == second.content and premier.content.startswith(b"%PDF")
    document = Document.objects.get(nature=NatureDocument.ATTESTATION)
    assert document.instantane_id == etablie.pk and document.sha256 == hashlib.sha256(second.content).hexdigest()
    assert "MARTIN" in etablie.html and "DURAND" not in etablie.html


def test_le_renouvellement_etablit_une_nouvelle_version_a_cote_de_la_premiere(demande):
    demande_renouveler(demande=demande, auteur=acteur_systeme("test"), aujourd_hui=date(2027, 2, 1))
    versions = list(Instantane.objects.filter(nature=NatureDocument.ATTESTATION).order_by("version"))
    assert [(v.version, v.date_evenement.astimezone(timezone.get_current_timezone()).date()) for v in versions] == [
        (1, date(2026, 3, 20)),
        (2, date(2027, 2, 1)),
    ]
    assert versions[1].motif == "Renouvellement du 01/02/2027."
    assert (
        "Date du dernier renouvellement" in versions[1].html
        and "Date du dernier renouvellement" not in versions[0].html
    )
    client = Client()
    client.force_login(membre(demande.guichet, role=Role.GESTIONNAIRE))
    url = reverse("demandes:attestation", args=[demande.pk])
    derniere = client.get(url)
    premiere = client.get(url, {"version": 1})
    assert derniere.content != premiere.content
    assert f"attestation-{demande.numero_unique}-v2.pdf" in derniere["Content-Disposition"]
    assert client.get(url, {"version": 3}).status_code == 404
    assert client.get(url, {"version": "x"}).status_code == 404
    page = client.get(reverse("demandes:detail", args=[demande.pk])).content.decode()
    assert "Attestation du 20/03/2026 — enregistrement (PDF)" in page
    assert "Attestation du 01/02/2027 — Renouvellement du 01/02/2027. (PDF)" in page


def test_une_demande_enregistree_avant_est_attestee_a_sa_date_d_enregistrement(demande):
    # A demand of the stock (before attestations were fixed): established at the first download, dated by its
    # registration, not by the day of the download.
    Instantane.objects.filter(pk__in=Instantane.objects.values("pk"))._raw_delete(Instantane.objects.db)
    client = Client()
    client.force_login(membre(demande.guichet, role=Role.GESTIONNAIRE))
    with _le(date(2026, 9, 9)):
        reponse = client.get(reverse("demandes:attestation", args=[demande.pk]))
    assert reponse.status_code == 200
    (etablie,) = Instantane.objects.all()
    assert (
        etablie.date_evenement.astimezone(timezone.get_current_timezone()).date() == date(2026, 3, 20)
        and "Attestation éditée le 20/03/2026" in etablie.html
    )
    assert demande.statut == enums.StatutDemande.ACTIVE
