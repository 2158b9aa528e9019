"""Issue 12: what the browser is allowed to run (CSP), what it may keep (no-store), and what a URL may say
(no name in a search's address). docs/decisions/0014-csp-no-store-recherches.md."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

import pytest
from django.test import Client
from django.urls import reverse

from attrib.taches.models import Travail
from tests.api.aide import client_jeton
from tests.factories import creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def narbonne() -> Any:
    territoire_minimal()
    return guichet()


@pytest.fixture
def agent(narbonne: Any) -> Any:
    return membre(narbonne, username="agent-narbonne")


@pytest.fixture
def client_agent(agent: Any) -> Client:
    client = Client()
    client.force_login(agent)
    return client


def _directives(reponse: Any) -> dict[str, str]:
    entete = reponse["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in entete.split("; ")}


def _sans_cache(reponse: Any) -> bool:
    return "no-store" in reponse.get("Cache-Control", "") and reponse.get("Pragma") == "no-cache"


# --- Content-Security-Policy -----------------------------------------------------------------------------


def test_chaque_ecran_interdit_les_scripts_en_ligne_les_cadres_et_les_sources_externes(client_agent: Any) -> None:
    for url in (reverse("accueil"), reverse("demandes:liste"), reverse("login")):
        directives = _directives(client_agent.get(url))
        assert directives["default-src"] == directives["script-src"] == directives["style-src"] == "'self'", url
        assert directives["object-src"] == directives["frame-ancestors"] == "'none'"
        assert directives["base-uri"] == directives["form-action"] == "'self'"
        assert directives["img-src"] == "'self' data:"
        assert "unsafe" not in client_agent.get(url)["Content-Security-Policy"]


def test_aucun_ecran_ne_porte_de_script_en_ligne_ni_d_attribut_style(client_agent: Any, narbonne: Any) -> None:
    demande = creer_demande(guichet_org=narbonne)
    for url in (reverse("accueil"), reverse("demandes:liste"), reverse("demandes:detail", args=[demande.pk])):
        page = client_agent.get(url).content.decode()
        scripts = page.split("<script")[1:]
        assert scripts and all(s.split(">", 1)[0].count(" src=") == 1 for s in scripts), url
        assert " style=" not in page and " onclick=" not in page, url


# --- Cache-Control: no-store ------------------------------------------------------------------------------


def test_les_ecrans_et_fichiers_personnels_ne_sont_pas_gardes_par_le_navigateur(
    client_agent: Any, narbonne: Any, agent: Any
) -> None:
    demande = creer_demande(guichet_org=narbonne, personnes=[personne(nom="Durand")])
    assert _sans_cache(client_agent.get(reverse("demandes:detail", args=[demande.pk])))
    assert _sans_cache(client_agent.get(reverse("accueil")))

    attestation = client_agent.get(reverse("demandes:attestation", args=[demande.pk]))
    assert attestation["Content-Type"] == "application/pdf" and _sans_cache(attestation)

    # The nominative CSV export: written by the job, downloaded from its page.
    client_agent.get(reverse("demandes:export_csv"))
    fichier = client_agent.get(reverse("taches:travail_fichier", args=[Travail.objects.get().pk]))
    assert fichier.status_code == 200 and b"Durand" in fichier.content
    assert _sans_cache(fichier)
    effectifs = client_agent.get(reverse("demandes:export_effectifs_xlsx"))
    assert "attachment" in effectifs["Content-Disposition"] and _sans_cache(effectifs)

    api = client_jeton(agent).get(f"/api/v1/demandes/{demande.numero_unique}/")
    assert api.status_code == 200 and _sans_cache(api)


def test_les_fichiers_statiques_gardent_leur_cache(client_agent: Any) -> None:
    statique = client_agent.get("/static/common/attrib.css")
    assert statique.status_code == 200
    assert "max-age" in statique["Cache-Control"] and "no-store" not in statique["Cache-Control"]
    # Signed out, nothing personal: the redirection to the login page needs no rule of its own.
    assert "Cache-Control" not in Client().get(reverse("demandes:liste"))


# --- Searches without names in URLs -----------------------------------------------------------------------


def test_une_recherche_par_nom_ne_laisse_le_nom_dans_aucune_adresse(client_agent: Any, narbonne: Any) -> None:
    elodie = creer_demande(guichet_org=narbonne, personnes=[personne(nom="Bénard", prenoms="Élodie")])
    autre = creer_demande(guichet_org=narbonne, personnes=[personne(nom="Martin", prenoms="Léa")])

    envoi = client_agent.post(reverse("demandes:liste"), {"q": "Élodie Bénard", "statut": "active"}, follow=True)

    adresses = [url for url, _ in envoi.redirect_chain] + [
        envoi.request["PATH_INFO"] + "?" + envoi.request["QUERY_STRING"]
    ]
    for adresse in adresses:
        lisible = unquote_plus(adresse).lower()
        assert not any(mot in lisible for mot in ("élodie", "elodie", "bénard", "benard")), adresse
        assert "statut=active" in lisible, "les filtres non personnels restent lisibles"
    page = envoi.content.decode()
    assert elodie.numero_unique in page and autre.numero_unique not in page
    assert 'value="Élodie Bénard"' in page, "le champ garde le texte saisi"

    # The same address reopened in the session gives the same result; in another session it says so.
    adresse = envoi.redirect_chain[-1][0]
    assert elodie.numero_unique in client_agent.get(adresse).content.decode()
    ailleurs = Client()
    ailleurs.force_login(membre(narbonne, username="collegue"))
    perdue = ailleurs.get(adresse).content.decode()
    assert "plus disponible" in perdue and elodie.numero_unique in perdue and autre.numero_unique in perdue


def test_un_nom_ecrit_dans_l_adresse_n_est_pas_cherche(client_agent: Any, narbonne: Any) -> None:
    creer_demande(guichet_org=narbonne, personnes=[personne(nom="Bénard", prenoms="Élodie")])
    autre = creer_demande(guichet_org=narbonne, personnes=[personne(nom="Martin", prenoms="Léa")])
    page = client_agent.get(reverse("demandes:liste"), {"q": "benard"}).content.decode()
    assert autre.numero_unique in page and "Élodie" in page  # the whole list: the name was not used
