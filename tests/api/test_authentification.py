"""Who may call the API: token for partner systems, session for browsers, nothing for others."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from attrib.common.models import Evenement
from tests.api.aide import champs

pytestmark = pytest.mark.django_db

ROUTES = [
    "/api/v1/demandes/",
    "/api/v1/demandes/01126030000001NAR01/",
    "/api/v1/demandes/01126030000001NAR01/historique/",
    "/api/v1/communes/",
    "/api/v1/epci/",
    "/api/v1/qpv/",
    "/api/v1/priorites/",
    "/api/v1/organisations/",
    "/api/v1/schema/",
]


@pytest.mark.parametrize("route", ROUTES)
def test_sans_jeton_401_en_json_et_pas_de_redirection_vers_la_connexion(route):
    reponse = APIClient().get(route)
    assert reponse.status_code == 401
    assert reponse["WWW-Authenticate"] == "Token"
    assert "__all__" in champs(reponse)


def test_jeton_inconnu_refuse(territoire):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    reponse = client.get("/api/v1/demandes/")
    assert reponse.status_code == 401
    assert champs(reponse)["__all__"] == "Token non valide."


def _creer_jeton(*args: str) -> str:
    sortie = io.StringIO()
    call_command("creer_jeton", *args, stdout=sortie)
    return sortie.getvalue().strip()


def test_commande_creer_jeton_donne_un_jeton_qui_ouvre_l_api(agent_narbonne):
    jeton = _creer_jeton("agent.narbonne")
    assert jeton == Token.objects.get(user=agent_narbonne).key
    assert _creer_jeton("agent.narbonne") == jeton, "la commande est idempotente"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {jeton}")
    assert client.get("/api/v1/demandes/").status_code == 200
    evenement = Evenement.objects.pour(agent_narbonne).get()
    assert evenement.action == "jeton_api_cree" and jeton not in evenement.resume


def test_renouveler_le_jeton_revoque_l_ancien(agent_narbonne):
    ancien = _creer_jeton("agent.narbonne")
    nouveau = _creer_jeton("agent.narbonne", "--renouveler")
    assert nouveau != ancien
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {ancien}")
    assert client.get("/api/v1/demandes/").status_code == 401


def test_creer_jeton_pour_un_inconnu_ou_un_compte_desactive(agent_narbonne):
    with pytest.raises(CommandError, match="Utilisateur inconnu : « personne »"):
        _creer_jeton("personne")
    agent_narbonne.is_active = False
    agent_narbonne.save()
    with pytest.raises(CommandError, match="désactivé"):
        _creer_jeton("agent.narbonne")


def test_session_du_navigateur_acceptee(agent_narbonne):
    client = APIClient()
    client.force_login(agent_narbonne)
    assert client.get("/api/v1/demandes/").status_code == 200


def test_ecriture_en_session_exige_le_jeton_csrf(agent_narbonne):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(agent_narbonne)
    reponse = client.post("/api/v1/demandes/", {}, format="json")
    assert reponse.status_code == 403
    assert "CSRF" in champs(reponse)["__all__"]


def test_schema_openapi_servi_aux_utilisateurs_authentifies(api_narbonne):
    reponse = api_narbonne.get("/api/v1/schema/")
    assert reponse.status_code == 200
    schema = yaml.safe_load(reponse.content)
    assert schema["info"]["title"] == "API Attrib"
    assert "/api/v1/demandes/{numero_unique}/radier/" in schema["paths"]
    assert api_narbonne.get("/api/v1/schema/?format=json").json()["openapi"].startswith("3.")


def test_schema_genere_sans_avertissement(tmp_path):
    fichier = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(fichier))
    schema = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_documentation_hors_ligne_pour_un_agent_connecte(client, agent_narbonne):
    client.force_login(agent_narbonne)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/demandes/{numero_unique}/renouveler/" in html
    assert "Authorization: Token" in html
    assert 'id="schema-DemandeDetailSortie"' in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_documentation_renvoie_un_visiteur_anonyme_vers_la_connexion(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 302 and page["Location"].startswith("/connexion/")
