"""Issue 12, abuse resistance: wrong API tokens lock an address, searches and exports are limited by named
scope with a French answer (page or JSON), the scope of issue 13 is ready, and passwords are checked."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as reglages
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from attrib.common.limites import CompteurEchecs, cache_limites
from attrib.organisations.models import User
from tests.factories import CARCASSONNE, guichet, membre, territoire_minimal
from tests.interface.test_exploration import texte_visible

pytestmark = pytest.mark.django_db

FAUX = "0000000000000000000000000000000000000000"


@pytest.fixture
def agent(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    territoire_minimal()
    return membre(guichet(), username="agent.narbonne")


@pytest.fixture
def taux(settings):
    """Lower rates for one test (a real installation keeps those of config/settings.py)."""

    def regler(**portees: str) -> None:
        rest = dict(settings.REST_FRAMEWORK)
        rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], **portees}
        settings.REST_FRAMEWORK = rest

    return regler


def _api(jeton: str, adresse: str = "127.0.0.1", client: APIClient | None = None) -> APIClient:
    """A client presenting ``jeton`` from ``adresse`` (reuse ``client``: each new one loads the middleware)."""
    client = client or APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {jeton}", REMOTE_ADDR=adresse)
    return client


def _message(reponse) -> str:
    return reponse.json()["erreurs"][0]["message"]


def test_50_jetons_faux_verrouillent_l_adresse_puis_le_verrou_se_leve(agent, horloge):
    bon = Token.objects.create(user=agent).key
    client = APIClient()
    statuts = [_api(FAUX, client=client).get("/api/v1/demandes/").status_code for _ in range(50)]
    assert statuts[0] == 401 and statuts[-1] == 429
    reponse = _api(bon, client=client).get("/api/v1/demandes/")
    assert reponse.status_code == 429, "le bon jeton est refusé depuis l'adresse bloquée"
    assert "Trop de jetons d'authentification invalides" in _message(reponse)
    assert "15 minute(s)" in _message(reponse)
    assert int(reponse["Retry-After"]) == reglages.DUREE_VERROUILLAGE.total_seconds()
    assert _api(bon, "198.51.100.4", client).get("/api/v1/demandes/").status_code == 200, "autre adresse"

    horloge.shift(reglages.DUREE_VERROUILLAGE - timedelta(seconds=5))
    assert _api(bon, client=client).get("/api/v1/demandes/").status_code == 429
    horloge.shift(timedelta(seconds=6))
    assert _api(bon, client=client).get("/api/v1/demandes/").status_code == 200


def test_lever_verrous_debloque_une_adresse_de_l_api(agent, horloge):
    bon = Token.objects.create(user=agent).key
    client = APIClient()
    for _ in range(50):
        _api(FAUX, "203.0.113.5", client).get("/api/v1/demandes/")
    assert _api(bon, "203.0.113.5", client).get("/api/v1/demandes/").status_code == 429
    call_command("lever_verrous", "--adresse", "203.0.113.5", stdout=io.StringIO())
    assert _api(bon, "203.0.113.5", client).get("/api/v1/demandes/").status_code == 200


def test_recherche_web_au_dela_du_taux_page_429_en_francais(agent, horloge, taux):
    taux(recherche="3/min")
    client = Client()
    client.force_login(agent)
    for i in range(3):
        assert client.post("/demandes/", {"q": f"Martin{i}"}).status_code == 302  # to the list, opaque key
    reponse = client.post("/demandes/", {"q": "Dupont"})
    assert reponse.status_code == 429
    texte = texte_visible(reponse.content.decode())
    assert "Trop de demandes en peu de temps" in texte and "Réessayez dans 1 minute" in texte
    assert int(reponse["Retry-After"]) > 0
    assert client.get("/demandes/").status_code == 200, "la liste sans recherche reste ouverte"
    horloge.shift(timedelta(minutes=1, seconds=1))
    assert client.post("/demandes/", {"q": "Dupont"}).status_code == 302


def test_export_au_dela_du_taux_page_429_et_les_autres_utilisateurs_continuent(agent, horloge, taux):
    taux(export="2/hour")
    client = Client()
    client.force_login(agent)
    assert client.get("/demandes/effectifs.csv").status_code == 200
    assert client.get("/demandes/effectifs.xlsx").status_code == 200
    reponse = client.get("/demandes/effectifs.csv")
    assert reponse.status_code == 429
    assert "Réessayez dans 60 minutes" in texte_visible(reponse.content.decode())
    collegue = Client()
    collegue.force_login(
        membre(guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,)), username="c")
    )
    assert collegue.get("/demandes/effectifs.csv").status_code == 200, "le compteur est propre à chaque utilisateur"


def test_recherche_par_l_api_au_dela_du_taux_json_429_en_francais(agent, horloge, taux):
    taux(recherche="2/min")
    client = _api(Token.objects.create(user=agent).key)
    for _ in range(2):
        assert client.post("/api/v1/demandes/recherche/", {"recherche": "Martin"}, format="json").status_code == 200
    reponse = client.post("/api/v1/demandes/recherche/", {"recherche": "Martin"}, format="json")
    assert reponse.status_code == 429
    assert _message(reponse).startswith("Trop de requêtes en peu de temps : réessayez dans ")
    assert client.get("/api/v1/demandes/").status_code == 200, "la liste sans recherche n'est pas comptée"


def test_portee_liaison_demandeur_prete_pour_le_ticket_13(horloge):
    """The mechanism issue 13 applies to code linking: at the scope's rate the address is locked."""
    nombre = int(reglages.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["liaison_demandeur"].split("/")[0])
    compteur = CompteurEchecs("liaison_demandeur")
    resultats = [compteur.echec("192.0.2.1") for _ in range(nombre)]
    assert resultats[:-1] == [None] * (nombre - 1)
    assert resultats[-1] == reglages.DUREE_VERROUILLAGE.total_seconds()
    assert compteur.verrou("192.0.2.1") is not None and compteur.verrou("192.0.2.2") is None
    horloge.shift(reglages.DUREE_VERROUILLAGE + timedelta(seconds=1))
    assert compteur.verrou("192.0.2.1") is None


def _messages(mot_de_passe: str, user: User) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        validate_password(mot_de_passe, user=user)
    return exc.value.messages


def test_mots_de_passe_refuses_avec_un_message_francais():
    user = User(username="attrib", first_name="Camille", last_name="Durand", email="camille.durand@exemple.fr")
    messages = _messages("attrib2026", user)
    assert any("trop semblable" in m for m in messages), messages
    assert any("au minimum 12 caractères" in m for m in messages), messages
    assert any("entièrement numérique" in m for m in _messages("202620262026", user))
    assert any("trop semblable" in m for m in _messages("camille.durand", user))
    validate_password("Pont-du-Gard-sous-la-pluie", user=user)


@pytest.mark.django_db(transaction=True)
def test_un_verrou_pose_par_un_processus_est_vu_par_un_autre():
    """Several gunicorn workers share the counters: a lock written here is seen by another process."""
    from tests.cotation.test_worker_reel import _url_base

    compteur = CompteurEchecs("api_jeton")
    try:
        while compteur.echec("192.0.2.9") is None:
            pass
        code = (
            "from attrib.common.limites import CompteurEchecs as C; "
            "print('verrou', C('api_jeton').verrou('192.0.2.9'), C('api_jeton').verrou('192.0.2.10'))"
        )
        sortie = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=Path(reglages.BASE_DIR),
            env={**os.environ, "DATABASE_URL": _url_base()},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        ligne = next(ligne for ligne in sortie.splitlines() if ligne.startswith("verrou "))
        _, restant, autre = ligne.split()
        assert 0 < int(restant) <= reglages.DUREE_VERROUILLAGE.total_seconds() and autre == "None"
    finally:
        cache_limites().clear()
