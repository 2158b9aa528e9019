"""Batch work never stops on one bad record (issue 10, rule 3): a legacy row that the engine refuses,
written straight into the database, is left out and named; every other demand is scored."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.cotation import services, simulation
from attrib.cotation.enums import StatutTache
from attrib.cotation.models import Cotation, TacheCotation
from attrib.demandes.models import Demande, Personne
from attrib.organisations.acteurs import acteur_systeme
from tests.cotation.conftest import Territoire, importer
from tests.taches.outils import fichier_du_travail

pytestmark = pytest.mark.django_db


def _texte(reponse: object) -> str:
    return re.sub(r"\s+", " ", reponse.content.decode())  # type: ignore[attr-defined]


@pytest.fixture
def fichier_avec_une_ligne_ancienne(territoire: Territoire) -> dict[str, Demande]:
    """Five demands scored by the published grid; then one of them gets a birth date of 9999-12-31
    written with ``QuerySet.update`` (no validation), as an old import could have left it."""
    demandes = {f"d{i}": territoire.demande(mois=i) for i in range(1, 6)}
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    Personne.objects.filter(demande=demandes["d3"]).update(date_naissance=date(9999, 12, 31))
    return demandes


def test_recoter_toutes_finit_et_nomme_la_ligne_incotable(
    territoire: Territoire, fichier_avec_une_ligne_ancienne: dict[str, Demande]
) -> None:
    mauvaise = fichier_avec_une_ligne_ancienne["d3"]
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("recoter", "--toutes", stdout=sortie, stderr=erreurs)  # no CommandError: exit status 0
    texte = sortie.getvalue()
    assert "4 demandes cotées" in texte and "1 demande non cotée" in texte, texte
    assert f"demande {mauvaise.numero_unique} non cotée : age_demandeur" in texte, texte
    assert "Traceback" not in texte + erreurs.getvalue()
    # Every other demand carries today's score (seniority in months × 10), the bad one none (not stale).
    aujourd_hui = timezone.localdate()
    cotations = {c.demande_id: c for c in Cotation.objects.all()}
    assert mauvaise.pk not in cotations
    for cle, demande in fichier_avec_une_ligne_ancienne.items():
        if demande.pk == mauvaise.pk:
            continue
        assert cotations[demande.pk].date_reference == aujourd_hui
        assert cotations[demande.pk].score == 10 * int(cle[1:])
    # Ranks are those of the four demands scored.
    assert sorted(c.rang_territoire for c in cotations.values()) == [1, 2, 3, 4]
    assert {c.effectif_territoire for c in cotations.values()} == {4}
    # The frozen clock gives the publication's job and this one the same time: the later row decides.
    tache = TacheCotation.objects.latest("creee_le", "pk")
    assert tache.statut == StatutTache.TERMINEE
    assert tache.ecartees == [
        {"demande_id": mauvaise.pk, "numero_unique": mauvaise.numero_unique, "motif": tache.ecartees[0]["motif"]}
    ]
    assert "entre 0 et 130 ans" in tache.ecartees[0]["motif"]


def test_la_page_du_calcul_nomme_les_demandes_ecartees(
    territoire: Territoire, fichier_avec_une_ligne_ancienne: dict[str, Demande]
) -> None:
    mauvaise = fichier_avec_une_ligne_ancienne["d3"]
    tache = services.cotations_recalculer(organisation=territoire.epci, auteur=acteur_systeme("test"))
    client = Client()
    client.force_login(territoire.gestionnaire)
    texte = _texte(client.get(reverse("cotation:tache", args=[tache.pk])))
    assert "Calcul terminé" in texte and "Demandes non cotées" in texte
    assert f'<a href="{reverse("demandes:detail", args=[mauvaise.pk])}">Demande {mauvaise.numero_unique}</a>' in texte


def test_la_simulation_repond_et_dit_quelle_demande_est_laissee_de_cote(
    territoire: Territoire, fichier_avec_une_ligne_ancienne: dict[str, Demande]
) -> None:
    mauvaise = fichier_avec_une_ligne_ancienne["d3"]
    publiee = territoire.epci.grilles_cotation.get().version_publiee
    brouillon = services.version_copier(version=publiee, auteur=acteur_systeme("test"))
    s = simulation.simuler(brouillon, jour=timezone.localdate())
    assert s.effectif == 4 and [e.numero_unique for e in s.ecartees] == [mauvaise.numero_unique]
    assert s.seuil_q1 is not None  # the other demands' resources still give the quartile

    client = Client()
    client.force_login(territoire.consultation)
    lancee = client.post(reverse("cotation:simulation", args=[brouillon.pk]))  # the worker computes it
    page = client.get(lancee["Location"])
    assert page.status_code == 200
    texte = _texte(page)
    assert "1 demande laissée hors de la simulation" in texte
    assert f"Demande {mauvaise.numero_unique}</a> : age_demandeur" in texte
    pdf = fichier_du_travail(client.get(reverse("cotation:simulation_pdf", args=[brouillon.pk])))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_un_depot_dans_le_futur_et_une_naissance_impossible_sont_nommes_tous_les_deux(territoire: Territoire) -> None:
    demandes = [territoire.demande(mois=i) for i in range(1, 5)]
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    Demande.objects.filter(pk=demandes[0].pk).update(date_depot_initiale=date(2099, 1, 1))
    Personne.objects.filter(demande=demandes[2]).update(date_naissance=date(9999, 12, 31))
    tache = services.cotations_recalculer(organisation=territoire.epci, auteur=acteur_systeme("test"))
    assert tache.statut == StatutTache.TERMINEE
    assert {e["numero_unique"] for e in tache.ecartees} == {demandes[0].numero_unique, demandes[2].numero_unique}
    assert set(Cotation.objects.values_list("demande_id", flat=True)) == {demandes[1].pk, demandes[3].pk}
