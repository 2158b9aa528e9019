"""Login through FranceConnect's protocol (OpenID Connect, authorisation code flow) against a real provider:
django-oauth-toolkit in OIDC mode with an RSA key generated here, served by a separate small Django project
(``tests/fournisseur_oidc``) in a subprocess on a free loopback port. Attrib's client (mozilla-django-oidc)
exchanges the code at the provider's token endpoint, checks the ID token's RS256 signature against the
provider's JWKS and its nonce, reads the userinfo endpoint, and finds or creates the account by its ``sub``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.urls import reverse

from attrib.demandeurs.models import CompteDemandeur
from attrib.organisations.acteurs import Nature, acteur_de

pytestmark = pytest.mark.django_db

RACINE = Path(__file__).resolve().parents[2]
CLIENT_ID = "attrib-test"
CLIENT_SECRET = "secret-du-client-attrib-pour-le-test"
IDENTIFIANT, MOT_DE_PASSE = "lea", "mot-de-passe-du-fournisseur"
RETOUR = "http://testserver/mon-espace/franceconnect/retour/"
RETOUR_DECONNEXION = "http://testserver/mon-espace/franceconnect/deconnexion/"


@pytest.fixture(scope="module")
def fournisseur(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider's base URL, its process stopped after the module."""
    cle = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = cle.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    env = {
        **os.environ,
        "FOURNISSEUR_BASE": str(tmp_path_factory.mktemp("fournisseur") / "fournisseur.sqlite3"),
        "FOURNISSEUR_CLE_RSA": pem,
        "FOURNISSEUR_CLIENT_ID": CLIENT_ID,
        "FOURNISSEUR_CLIENT_SECRET": CLIENT_SECRET,
        "FOURNISSEUR_REDIRECTION": RETOUR,
        "FOURNISSEUR_DECONNEXION": RETOUR_DECONNEXION,
        "FOURNISSEUR_IDENTIFIANT": IDENTIFIANT,
        "FOURNISSEUR_MOT_DE_PASSE": MOT_DE_PASSE,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    processus = subprocess.Popen(
        [sys.executable, "-m", "tests.fournisseur_oidc.serveur"],
        cwd=RACINE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert processus.stdout is not None
        ligne = processus.stdout.readline()
        if not ligne.startswith("PORT "):
            processus.kill()
            raise AssertionError(
                f"Le fournisseur OpenID Connect n'a pas démarré : {processus.stderr.read() if processus.stderr else ''}"
            )
        yield f"http://127.0.0.1:{int(ligne.split()[1])}"
    finally:
        processus.terminate()
        processus.wait(timeout=10)


@pytest.fixture
def reglages(settings: Any, fournisseur: str) -> str:
    settings.FRANCECONNECT_ACTIF = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{fournisseur}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{fournisseur}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{fournisseur}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{fournisseur}/o/.well-known/jwks.json"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{fournisseur}/o/logout/"
    settings.OIDC_TIMEOUT = 10
    return fournisseur


def _navigateur_connecte(fournisseur: str) -> requests.Session:
    """The person's browser at the provider, logged in there (the provider's own login form)."""
    navigateur = requests.Session()
    navigateur.get(f"{fournisseur}/connexion/", timeout=10).raise_for_status()
    reponse = navigateur.post(
        f"{fournisseur}/connexion/",
        data={
            "username": IDENTIFIANT,
            "password": MOT_DE_PASSE,
            "csrfmiddlewaretoken": navigateur.cookies["csrftoken"],
            "next": "/",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert reponse.status_code == 302, reponse.text[:500]
    return navigateur


def _connexion_franceconnect(client: Client, fournisseur: str, navigateur: requests.Session | None = None) -> Any:
    """One whole authorisation code flow (in ``navigateur``, the person's browser at the provider, logged in there);
    returns Attrib's answer to the provider's redirection."""
    depart = client.get(reverse("demandeurs:franceconnect"))
    assert depart.status_code == 302
    autorisation = depart["Location"]
    assert autorisation.startswith(f"{fournisseur}/o/authorize/")
    demande = parse_qs(urlsplit(autorisation).query)
    assert demande["client_id"] == [CLIENT_ID] and demande["acr_values"] == ["eidas1"] and demande["nonce"][0]
    navigateur = navigateur or _navigateur_connecte(fournisseur)
    retour = navigateur.get(autorisation, allow_redirects=False, timeout=10)
    assert retour.status_code == 302, retour.text[:500]
    vers = urlsplit(retour.headers["Location"])
    assert f"{vers.scheme}://{vers.netloc}{vers.path}" == RETOUR
    assert "code" in parse_qs(vers.query)
    return client.get(f"{vers.path}?{vers.query}")


def test_connexion_franceconnect_contre_un_vrai_fournisseur(reglages: str) -> None:
    client = Client()
    arrivee = _connexion_franceconnect(client, reglages)
    assert arrivee.status_code == 302 and arrivee["Location"] == reverse("demandeurs:espace")
    compte = CompteDemandeur.objects.get()
    assert compte.franceconnect_sub and compte.courriel is None
    user = compte.utilisateur
    assert (user.first_name, user.last_name, user.email) == ("Léa", "Martin", "lea.martin@example.org")
    assert acteur_de(user).nature is Nature.DEMANDEUR
    page = client.get(reverse("demandeurs:espace"))
    assert page.status_code == 200 and "Mon espace" in page.content.decode()
    assert client.get(reverse("demandes:liste")).status_code == 404  # an applicant still, no staff page
    # A second login finds the same account by its sub.
    autre = Client()
    assert _connexion_franceconnect(autre, reglages)["Location"] == reverse("demandeurs:espace")
    assert CompteDemandeur.objects.count() == 1


def test_un_retour_falsifie_ne_connecte_personne(reglages: str) -> None:
    client = Client()
    depart = client.get(reverse("demandeurs:franceconnect"))
    etat = parse_qs(urlsplit(depart["Location"]).query)["state"][0]
    # A made-up code: the provider's token endpoint refuses it, nobody is logged in, the page says so in French.
    reponse = client.get(reverse("demandeurs:franceconnect_retour"), {"code": "invente", "state": etat})
    assert reponse.status_code == 302
    assert "n'a pas abouti" in client.get(reponse["Location"]).content.decode().replace("&#x27;", "'")
    assert not CompteDemandeur.objects.exists()
    assert client.get(reverse("demandeurs:espace"))["Location"].startswith(reverse("demandeurs:connexion"))


def test_sans_configuration_franceconnect_est_absent(settings: Any) -> None:
    settings.FRANCECONNECT_ACTIF = False
    assert Client().get(reverse("demandeurs:franceconnect")).status_code == 404
    assert "FranceConnect" not in Client().get(reverse("demandeurs:connexion")).content.decode()


def test_la_deconnexion_ferme_aussi_la_session_franceconnect(reglages: str) -> None:
    client = Client()
    navigateur = _navigateur_connecte(reglages)
    assert _connexion_franceconnect(client, reglages, navigateur)["Location"] == reverse("demandeurs:espace")
    id_token = client.session["oidc_id_token"]  # kept at login for the logout
    assert id_token.count(".") == 2

    sortie = client.post(reverse("demandeurs:deconnexion"))
    assert sortie.status_code == 302 and sortie["Location"].startswith(f"{reglages}/o/logout/?")
    demande = parse_qs(urlsplit(sortie["Location"]).query)
    assert demande["id_token_hint"] == [id_token] and demande["post_logout_redirect_uri"] == [RETOUR_DECONNEXION]
    etat = demande["state"][0]
    assert len(etat) >= 32
    # Logged out of Attrib at once.
    assert client.get(reverse("demandeurs:espace"))["Location"].startswith(reverse("demandeurs:connexion"))

    # The browser goes to the provider: it checks the ID token and the return address, ends its own session and
    # sends the browser back with the same state.
    retour = navigateur.get(sortie["Location"], allow_redirects=False, timeout=10)
    assert retour.status_code == 302, retour.text[:500]
    vers = urlsplit(retour.headers["Location"])
    assert f"{vers.scheme}://{vers.netloc}{vers.path}" == RETOUR_DECONNEXION
    assert parse_qs(vers.query)["state"] == [etat]
    fin = client.get(f"{vers.path}?{vers.query}")
    assert fin.status_code == 302 and fin["Location"] == reverse("demandeurs:connexion")
    page = client.get(fin["Location"]).content.decode()
    assert "Vous êtes déconnecté de votre espace demandeur et de FranceConnect." in page

    # The provider's session is over: a new authorisation asks the person to log in at the provider again.
    depart = Client().get(reverse("demandeurs:franceconnect"))
    autorisation = navigateur.get(depart["Location"], allow_redirects=False, timeout=10)
    assert autorisation.status_code == 302 and urlsplit(autorisation.headers["Location"]).path == "/connexion/"


def test_un_retour_de_deconnexion_sans_le_bon_etat_ne_confirme_rien(reglages: str) -> None:
    client = Client()
    assert _connexion_franceconnect(client, reglages)["Location"] == reverse("demandeurs:espace")
    client.post(reverse("demandeurs:deconnexion"))
    fin = client.get(reverse("demandeurs:franceconnect_deconnexion"), {"state": "invente"})
    assert fin["Location"] == reverse("demandeurs:connexion")
    page = client.get(fin["Location"]).content.decode().replace("&#x27;", "'")
    assert "FranceConnect n'a pas confirmé la fin de votre session" in page


def test_un_compte_local_se_deconnecte_sans_passer_par_franceconnect(reglages: str) -> None:
    from tests.demandeurs.outils import client_de, compte_verifie

    client = client_de(compte_verifie())
    sortie = client.post(reverse("demandeurs:deconnexion"))
    assert sortie.status_code == 302 and sortie["Location"] == reverse("demandeurs:connexion")
    assert client.get(reverse("demandeurs:espace"))["Location"].startswith(reverse("demandeurs:connexion"))
