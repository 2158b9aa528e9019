"""What each member reads of a case: personal content only with the household's consent in force AND a qualité
that needs it; the redacted view otherwise; 404 for whoever does not sit in the committee."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from attrib.partenariat import services
from tests.partenariat.conftest import Monde

pytestmark = pytest.mark.django_db

EVALUATION = "Hébergée chez sa sœur avec deux enfants, suivi éducatif en cours."


def _page(monde: Monde, nom: str, pk: int) -> tuple[int, str]:
    client = Client()
    client.force_login(monde.users[nom])
    reponse = client.get(reverse("partenariat:dossier", args=[pk]))
    return reponse.status_code, reponse.content.decode()


@pytest.fixture
def dossier(monde: Monde):  # type: ignore[no-untyped-def]
    d = monde.saisir()
    services.evaluation_joindre(
        dossier=d,
        organisation=monde.orgs["service_social"],
        texte=EVALUATION,
        date_evaluation=monde.jour,
        auteur=monde.acteur("service_social"),
    )
    return d


def test_sans_consentement_aucun_membre_ne_voit_de_donnee_personnelle(monde: Monde, dossier) -> None:  # type: ignore[no-untyped-def]
    for nom in ("epci", "etat", "service_social", "bailleur", "commune", "siao"):
        statut, page = _page(monde, nom, dossier.pk)
        assert statut == 200
        assert monde.demande.numero_unique in page and "Narbonne" in page
        assert "Martin" not in page and EVALUATION not in page and "hébergé chez un tiers" not in page
        assert 'id="vue-expurgee"' in page


def test_avec_consentement_chaque_qualite_voit_ce_dont_elle_a_besoin(monde: Monde, dossier) -> None:  # type: ignore[no-untyped-def]
    monde.consentir()
    for nom in ("epci", "etat", "service_social", "siao"):
        _, page = _page(monde, nom, dossier.pk)
        assert "Léa Martin" in page and EVALUATION in page, nom
    for nom in ("bailleur", "action_logement"):
        _, page = _page(monde, nom, dossier.pk)
        assert "Léa Martin" in page and EVALUATION not in page, nom
    _, page = _page(monde, "commune", dossier.pk)
    assert "Martin" not in page and EVALUATION not in page and 'id="vue-expurgee"' in page


def test_un_consentement_retire_rend_la_vue_expurgee(monde: Monde, dossier) -> None:  # type: ignore[no-untyped-def]
    consentement = monde.consentir(retirer=True)
    assert consentement.retire_le == monde.jour
    _, page = _page(monde, "etat", dossier.pk)
    assert "Martin" not in page and EVALUATION not in page


def test_qui_ne_siege_pas_a_la_commission_recoit_une_404(monde: Monde, dossier) -> None:  # type: ignore[no-untyped-def]
    monde.consentir()
    statut, _ = _page(monde, "guichet", dossier.pk)
    assert statut == 404
    client = Client()
    client.force_login(monde.users["guichet"])
    assert client.get(reverse("partenariat:commission", args=[monde.commission.pk])).status_code == 404


def test_les_dossiers_ouverts_sont_classes_par_echeance_et_le_depassement_se_voit(monde: Monde) -> None:
    from attrib.partenariat import selectors
    from attrib.partenariat.models import Dossier
    from tests.factories import creer_demande

    premier = monde.saisir()
    autre = creer_demande(guichet_org=monde.orgs["guichet"], date_depot=monde.jour - timedelta(days=300))
    second = monde.saisir(demande=autre)
    Dossier.objects.filter(pk=premier.pk).update(echeance=monde.jour + timedelta(days=20))
    Dossier.objects.filter(pk=second.pk).update(
        saisi_le=monde.jour - timedelta(days=90), echeance=monde.jour - timedelta(days=5)
    )
    lignes = selectors.dossiers_ouverts(monde.commission, monde.jour)
    assert [ligne.dossier.pk for ligne in lignes] == [second.pk, premier.pk]
    assert lignes[0].depasse and lignes[0].jours_restants == -5
    client = Client()
    client.force_login(monde.users["commune"])
    page = client.get(reverse("partenariat:dossiers_ouverts", args=[monde.commission.pk])).content.decode()
    assert "Dépassée de 5 jours" in page and "Dans 20 jours" in page


def test_la_saisine_depuis_la_page_de_la_demande(monde: Monde) -> None:
    client = Client()
    client.force_login(monde.users["service_social"])
    page = client.get(reverse("demandes:detail", args=[monde.demande.pk])).content.decode()
    url = reverse("partenariat:saisir", args=[monde.commission.pk, monde.demande.pk])
    assert url in page
    vide = client.post(url, {"saisine-organisation": monde.orgs["service_social"].pk, "saisine-motif": ""})
    assert vide.status_code == 400 and "Motif de la saisine" in vide.content.decode()
    reponse = client.post(
        url, {"saisine-organisation": monde.orgs["service_social"].pk, "saisine-motif": "Sans solution depuis 2 ans."}
    )
    assert reponse.status_code == 302
    client.force_login(monde.users["commune"])
    assert url not in client.get(reverse("demandes:detail", args=[monde.demande.pk])).content.decode()
