"""Rule 8 of issue 10: error pages in French, in the DSFR layout, without technical detail.

DEBUG is off by default (docs/decisions/0005-demo-sans-debug.md): a refused, missing or failing page never
shows Django's English debug page, its URL list or the exception's message."""

from __future__ import annotations

import pytest
from django.test import Client

from config import settings as config_settings
from tests.factories import membre, territoire_minimal
from tests.interface.test_exploration import problemes_du_texte, texte_visible

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.interface.urls_erreurs")]

TECHNIQUE = ("urlpatterns", "Traceback", "RuntimeError", "attrib/", "secret", "No Demande", "Invalid HTTP_HOST")


@pytest.fixture
def connecte(settings) -> Client:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from attrib.organisations.models import Organisation, TypeOrganisation

    territoire_minimal()
    org = Organisation.objects.create(nom="Ville", type=TypeOrganisation.COMMUNE)
    client = Client(raise_request_exception=False)
    client.force_login(membre(org))
    return client


def _verifier(reponse, statut: int, titre: str) -> str:
    assert reponse.status_code == statut
    contenu = reponse.content.decode()
    texte = texte_visible(contenu)
    assert titre in texte
    assert 'class="fr-header"' in contenu and 'class="fr-footer"' in contenu, "mise en page DSFR"
    assert "Retour à l'accueil" in texte
    for mot in TECHNIQUE:
        assert mot not in contenu, f"détail technique « {mot} » dans la page {statut}"
    assert problemes_du_texte(texte) == []
    return texte


def test_le_debogage_est_coupe_par_defaut():
    assert config_settings.DEBUG is False


def test_page_absente(connecte):
    _verifier(connecte.get("/cette-page-n-existe-pas/"), 404, "Page introuvable")
    _verifier(connecte.get("/essai/absent/"), 404, "Page introuvable")


def test_page_absente_sans_etre_connecte():
    texte = _verifier(Client().get("/cette-page-n-existe-pas/"), 404, "Page introuvable")
    assert "Se connecter" in texte


def test_acces_refuse(connecte):
    _verifier(connecte.get("/essai/refus/"), 403, "Accès refusé")


def test_erreur_du_serveur(connecte):
    texte = _verifier(connecte.get("/essai/panne/"), 500, "Une erreur est survenue")
    assert "Aucune modification n'a été enregistrée" in texte


def test_erreur_du_serveur_quand_la_mise_en_page_echoue(connecte, monkeypatch):
    """The 500 page must answer in French even when the layout itself fails (database down…)."""
    import attrib.common.erreurs as erreurs

    def casse(*args, **kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(erreurs, "render_to_string", casse)
    reponse = connecte.get("/essai/panne/")
    assert reponse.status_code == 500
    assert "Une erreur est survenue" in reponse.content.decode() and "base indisponible" not in reponse.content.decode()


def test_requete_incorrecte(connecte):
    _verifier(connecte.get("/essai/suspect/"), 400, "Requête incorrecte")


def test_formulaire_sans_jeton_csrf():
    client = Client(enforce_csrf_checks=True)
    reponse = client.post("/connexion/", {"username": "x", "password": "y"})
    texte = _verifier(reponse, 403, "Formulaire expiré")
    assert "CSRF" not in texte
