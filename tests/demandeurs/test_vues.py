"""Pages of the applicant space as a household uses them, and the separation from the staff's pages."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_radier, demande_renouveler
from attrib.demandeurs.models import CanalCode, CodeLiaison, CompteDemandeur, Liaison
from attrib.documents.models import Document, NatureDocument
from attrib.organisations.acteurs import acteur_de
from tests.demandeurs.outils import MOT_DE_PASSE, client_de, code_du_courriel, compte_verifie, lien_du_courriel
from tests.factories import creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rapide(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demande() -> Demande:
    territoire_minimal()
    return creer_demande(guichet_org=guichet(), personnes=[personne(email="lea.martin@example.org")])


def _texte(reponse: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())))


def test_parcours_du_menage_inscription_confirmation_connexion_liaison(demande: Demande) -> None:
    client = Client()
    assert client.get(reverse("demandeurs:inscription")).status_code == 200
    reponse = client.post(
        reverse("demandeurs:inscription"), {"courriel": "lea.martin@example.org", "mot_de_passe": MOT_DE_PASSE}
    )
    assert "Confirmez votre adresse" in _texte(reponse)
    # Not yet confirmed: the login refuses, says why, and sends the link again.
    reponse = client.post(
        reverse("demandeurs:connexion"), {"username": "lea.martin@example.org", "password": MOT_DE_PASSE}
    )
    assert "pas encore confirmé votre adresse" in _texte(reponse) and len(mail.outbox) == 2
    assert client.get(lien_du_courriel(mail.outbox[-1])).status_code == 200
    reponse = client.post(
        reverse("demandeurs:connexion"), {"username": "Lea.Martin@example.org", "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302 and reponse["Location"] == reverse("demandeurs:espace")
    assert "Aucune demande n'est encore liée" in _texte(client.get(reverse("demandeurs:espace")))

    reponse = client.post(
        reverse("demandeurs:lier"), {"action": "demander", "demander-numero_unique": demande.numero_unique}
    )
    assert "Si ce numéro est celui d'une demande en cours" in _texte(reponse)
    code = code_du_courriel(mail.outbox[-1])
    reponse = client.post(
        reverse("demandeurs:lier"),
        {"action": "lier", "lier-numero_unique": demande.numero_unique, "lier-code": "ZZZZZZZZ"},
    )
    assert "ne correspondent pas à un code en cours" in _texte(reponse)
    reponse = client.post(
        reverse("demandeurs:lier"), {"action": "lier", "lier-numero_unique": demande.numero_unique, "lier-code": code}
    )
    assert reponse["Location"] == reverse("demandeurs:demande", args=[demande.pk])
    page = _texte(client.get(reponse["Location"]))
    assert f"Ma demande n° {demande.numero_unique}" in page
    assert "Demande enregistrée" in page and "Demande liée à un compte en ligne" in page
    assert "Code d'accès envoyé" in page
    assert client.get(reverse("demandeurs:espace")).context["demandes"] == [demande]


def test_la_chronologie_parle_francais_sans_champ_technique_ni_note_interne(demande: Demande) -> None:
    compte = compte_verifie()
    Liaison.objects.create(compte=compte, demande=demande, qualite="titulaire")
    agent = membre(demande.guichet, username="agent")
    demande_renouveler(demande=demande, auteur=acteur_de(agent), donnees={"revenu_fiscal_reference": 17000})
    demande_radier(
        demande=demande,
        auteur=acteur_de(agent),
        motif=enums.MotifRadiation.RENONCIATION,
        commentaire="Note interne : appel du 3 mars, ménage injoignable",
    )
    page = _texte(client_de(compte).get(reverse("demandeurs:demande", args=[demande.pk])))
    assert "Demande renouvelée" in page and "Demande radiée" in page and "renonciation du demandeur" in page
    assert "Informations de la demande mises à jour" in page
    assert "Note interne" not in page and "injoignable" not in page
    for technique in (
        "revenu_fiscal_reference",
        "date_echeance",
        "commentaire_radiation",
        "motif_radiation",
        "demandes.",
    ):
        assert technique not in page


def test_le_menage_donne_et_retire_l_acces_depuis_sa_page(demande: Demande) -> None:
    menage = compte_verifie()
    Liaison.objects.create(compte=menage, demande=demande, qualite="titulaire")
    social = compte_verifie("as@example.org")
    client = client_de(menage)
    url = reverse("demandeurs:acces_donner", args=[demande.pk])
    reponse = client.post(url, {"acces-courriel": "inconnu@example.org", "acces-qualite": "travailleur_social"})
    assert reponse.status_code == 400 and "Aucun compte confirmé" in _texte(reponse)
    client.post(url, {"acces-courriel": "as@example.org", "acces-qualite": "travailleur_social"})
    acces = Liaison.objects.get(compte=social)
    assert client_de(social).get(reverse("demandeurs:demande", args=[demande.pk])).status_code == 200
    # The social worker has no consent form; the household's page lists the access.
    assert "Donner l'accès" not in _texte(client_de(social).get(reverse("demandeurs:demande", args=[demande.pk])))
    client.post(reverse("demandeurs:acces_retirer", args=[demande.pk, acces.pk]))
    assert client_de(social).get(reverse("demandeurs:demande", args=[demande.pk])).status_code == 404


def test_connexions_separees(demande: Demande) -> None:
    compte = compte_verifie()
    agent = membre(demande.guichet, username="agent")
    agent.set_password(MOT_DE_PASSE)
    agent.save()
    # The staff login refuses an applicant account (even with its internal name and right password) ...
    reponse = Client().post(reverse("login"), {"username": compte.utilisateur.username, "password": MOT_DE_PASSE})
    assert reponse.status_code == 200 and "Identifiant ou mot de passe incorrect" in _texte(reponse)
    # ... and the applicant login refuses a staff account.
    reponse = Client().post(reverse("demandeurs:connexion"), {"username": "agent", "password": MOT_DE_PASSE})
    assert reponse.status_code == 200 and "Adresse de courriel ou mot de passe incorrect" in _texte(reponse)
    staff = Client()
    staff.force_login(agent)
    assert staff.get(reverse("demandeurs:espace")).status_code == 404
    assert staff.get(reverse("demandeurs:demande", args=[demande.pk])).status_code == 404


def test_un_demandeur_n_atteint_aucune_page_du_personnel_ni_l_api(demande: Demande) -> None:
    compte = compte_verifie()
    Liaison.objects.create(compte=compte, demande=demande, qualite="titulaire")
    client = client_de(compte)
    for url in (
        "/",
        reverse("demandes:liste"),
        reverse("demandes:detail", args=[demande.pk]),
        "/admin/",
        "/api/v1/demandes/",
    ):
        reponse = client.get(url)
        assert reponse.status_code == 404, url
        assert "Mes travaux" not in _texte(reponse)  # no staff menu on the applicant's 404 page
    jeton = Token.objects.create(user=compte.utilisateur)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {jeton.key}")
    assert api.get(f"/api/v1/demandes/{demande.numero_unique}/").status_code == 404


def test_verrouillage_de_la_liaison_a_l_ecran(demande: Demande, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "liaison_demandeur": "2/hour"},
    }
    client = client_de(compte_verifie())
    donnees = {"action": "lier", "lier-numero_unique": demande.numero_unique, "lier-code": "ZZZZZZZZ"}
    assert client.post(reverse("demandeurs:lier"), donnees).status_code == 200
    reponse = client.post(reverse("demandeurs:lier"), donnees)
    assert reponse.status_code == 429 and "la liaison d'une demande est suspendue" in _texte(reponse)


def test_le_guichet_emet_et_imprime_le_courrier_fige(demande: Demande) -> None:
    agent = membre(demande.guichet, username="agent")
    client = Client()
    client.force_login(agent)
    fiche = _texte(client.get(reverse("demandes:detail", args=[demande.pk])))
    assert "Suivi en ligne par le ménage" in fiche and "Émettre un courrier de code d'accès" in fiche
    reponse = client.post(reverse("demandeurs_guichet:courrier_emettre", args=[demande.pk]))
    code = CodeLiaison.objects.get(demande=demande, canal=CanalCode.COURRIER)
    assert reponse["Location"] == reverse("demandeurs_guichet:courrier", args=[code.pk])
    pdf = client.get(reponse["Location"])
    document = Document.objects.get(nature=NatureDocument.COURRIER_CODE_LIAISON)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == document.octets
    assert client.get(reponse["Location"]).content == pdf.content  # the same bytes at every print
    assert "Courrier du" in _texte(client.get(reverse("demandes:detail", args=[demande.pk])))
    assert not CompteDemandeur.objects.exists()


def test_connexion_demandeur_bloquee_apres_trop_d_echecs_sur_sa_propre_page(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    compte_verifie()
    client = Client()
    for _ in range(2):
        client.post(reverse("demandeurs:connexion"), {"username": "lea.martin@example.org", "password": "faux"})
    reponse = client.post(
        reverse("demandeurs:connexion"), {"username": "lea.martin@example.org", "password": MOT_DE_PASSE}
    )
    texte = _texte(reponse)
    assert reponse.status_code == 429 and "Connexion suspendue" in texte
    assert "Suivre ma demande de logement social" in texte  # the applicant's page, not the staff's


def test_ma_demande_montre_le_score_la_position_et_les_avis_marques_lus(demande: Demande) -> None:
    from django.utils import timezone

    from attrib.avis.models import Avis, Source

    compte = compte_verifie()
    Liaison.objects.create(compte=compte, demande=demande, qualite="titulaire")
    avis = Avis.objects.create(
        demande=demande,
        source=Source.EVENEMENT,
        source_id=1,
        nature="renouvellement",
        titre="Votre demande a été renouvelée",
        texte="Elle est valable un an de plus.",
        date_evenement=timezone.now(),
    )
    client = client_de(compte)
    page = _texte(client.get(reverse("demandeurs:demande", args=[demande.pk])))
    assert "Votre score et votre position" in page
    assert "Mes avis" in page and "Nouveau Votre demande a été renouvelée" in page
    avis.refresh_from_db()
    assert avis.lu
    page = _texte(client.get(reverse("demandeurs:demande", args=[demande.pk])))
    assert "Votre demande a été renouvelée" in page and "Nouveau" not in page
