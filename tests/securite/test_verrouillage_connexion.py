"""Issue 12, abuse resistance: 50 wrong passwords lock the login (web page and admin) with a French message,
the right password is refused until the lock ends, then accepted; the address is read behind a proxy."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.conf import settings as reglages
from django.core.management import call_command
from django.test import Client, RequestFactory

from attrib.common.limites import adresse_client
from attrib.organisations.models import Organisation, TypeOrganisation
from tests.factories import membre, territoire_minimal
from tests.interface.test_exploration import texte_visible

pytestmark = pytest.mark.django_db

BON = "motdepasse-test"


@pytest.fixture
def camille(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    territoire_minimal()
    org = Organisation.objects.create(nom="Ville", type=TypeOrganisation.COMMUNE)
    return membre(org, username="camille")


def _connexion(client: Client, username: str, password: str, url: str = "/connexion/"):
    return client.post(url, {"username": username, "password": password})


def _connecte(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _apres_le_verrou(horloge) -> None:
    horloge.shift(reglages.DUREE_VERROUILLAGE + timedelta(seconds=1))


def test_50_mauvais_mots_de_passe_verrouillent_puis_le_verrou_se_leve(camille, horloge):
    client = Client()
    statuts = [_connexion(client, "camille", f"essai-{i}").status_code for i in range(50)]
    assert statuts[0] == 200, "les premiers échecs sont de simples erreurs de saisie"
    assert statuts[-1] == 429
    reponse = _connexion(client, "camille", BON)
    assert reponse.status_code == 429, "le bon mot de passe est refusé tant que dure le blocage"
    assert not _connecte(client)
    texte = texte_visible(reponse.content.decode())
    assert "Connexion suspendue" in texte
    assert "même avec le bon mot de passe" in texte
    assert "15 minutes" in texte
    assert int(reponse["Retry-After"]) == reglages.DUREE_VERROUILLAGE.total_seconds()

    horloge.shift(reglages.DUREE_VERROUILLAGE - timedelta(seconds=5))
    reponse = _connexion(client, "camille", BON)
    assert reponse.status_code == 429, "toujours bloqué juste avant la fin"
    assert int(reponse["Retry-After"]) == 5, "le temps restant, pas toute la durée"
    assert "1 minute" in texte_visible(reponse.content.decode())
    assert not _connecte(client)

    _apres_le_verrou(horloge)
    reponse = _connexion(client, "camille", BON)
    assert reponse.status_code == 302 and _connecte(client)


def test_quelques_erreurs_de_saisie_ne_bloquent_pas(camille, horloge):
    client = Client()
    for i in range(reglages.AXES_FAILURE_LIMIT - 1):
        reponse = _connexion(client, "camille", f"faute-{i}")
        assert reponse.status_code == 200
        assert "Identifiant ou mot de passe incorrect." in texte_visible(reponse.content.decode())
    assert _connexion(client, "camille", BON).status_code == 302


def test_un_essai_par_identifiant_depuis_une_adresse_bloque_l_adresse(camille, horloge):
    """50 user names tried once each from one address: the address is locked, for every account."""
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(reglages.AXES_FAILURE_LIMIT_PAR_ADRESSE):
        _connexion(client, f"inconnu{i}", "devine")
    assert _connexion(client, "camille", BON).status_code == 429
    assert not _connecte(client)
    ailleurs = Client(REMOTE_ADDR="198.51.100.4")
    assert _connexion(ailleurs, "camille", BON).status_code == 302, "une autre adresse n'est pas bloquée"


def test_la_connexion_de_l_administration_est_verrouillee_aussi(camille, horloge):
    camille.is_staff = camille.is_superuser = True
    camille.save()
    client = Client()
    for i in range(reglages.AXES_FAILURE_LIMIT):
        _connexion(client, "camille", f"essai-{i}", url="/admin/login/")
    reponse = _connexion(client, "camille", BON, url="/admin/login/")
    assert reponse.status_code == 429
    assert "Connexion suspendue" in texte_visible(reponse.content.decode())
    assert not _connecte(client)
    _apres_le_verrou(horloge)
    assert _connexion(client, "camille", BON, url="/admin/login/").status_code == 302
    assert _connecte(client)


def test_la_commande_lever_verrous_debloque_avant_la_fin(camille, horloge):
    client = Client()
    for i in range(reglages.AXES_FAILURE_LIMIT):
        _connexion(client, "camille", f"essai-{i}")
    assert _connexion(client, "camille", BON).status_code == 429
    sortie = io.StringIO()
    call_command("lever_verrous", "--identifiant", "camille", stdout=sortie)
    assert "Blocages levés pour l'identifiant « camille »" in sortie.getvalue()
    assert _connexion(client, "camille", BON).status_code == 302


def test_derriere_un_proxy_l_adresse_comptee_est_celle_que_le_proxy_a_vue(settings):
    requete = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.REVERSE_PROXY_COUNT = 0
    assert adresse_client(requete) == "10.0.0.2", "sans proxy déclaré, l'en-tête du client est ignoré"
    settings.REVERSE_PROXY_COUNT = 1
    assert adresse_client(requete) == "203.0.113.9", "l'entrée ajoutée par le proxy, pas celle du client"
