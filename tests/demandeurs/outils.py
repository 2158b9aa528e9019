"""Applicant accounts for the tests, created through the real services (and the real e-mail link)."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client

from attrib.demandeurs.models import CompteDemandeur
from attrib.demandeurs.services import compte_inscrire, courriel_verifier
from attrib.organisations.acteurs import ANONYME, acteur_de

MOT_DE_PASSE = "Un-mot-de-passe-solide-42"
SITE = "http://testserver"


def lien_du_courriel(message: Any) -> str:
    trouve = re.search(r"http://testserver(/\S+)", message.body)
    assert trouve, message.body
    return trouve.group(1)


def code_du_courriel(message: Any) -> str:
    trouve = re.search(r"^([A-Z2-9]{8})$", message.body, re.MULTILINE)
    assert trouve, message.body
    return trouve.group(1)


def compte_verifie(courriel: str = "lea.martin@example.org") -> CompteDemandeur:
    """A local applicant account whose address was confirmed by the link of its verification e-mail."""
    avant = len(mail.outbox)
    compte = compte_inscrire(courriel=courriel, mot_de_passe=MOT_DE_PASSE, adresse_site=SITE, auteur=ANONYME)
    assert compte is not None
    jeton = lien_du_courriel(mail.outbox[avant]).rstrip("/").rsplit("/", 1)[-1]
    return courriel_verifier(jeton=jeton, auteur=ANONYME)


def client_de(compte: CompteDemandeur) -> Client:
    client = Client()
    client.force_login(compte.utilisateur)
    return client


def acteur(compte: CompteDemandeur) -> Any:
    compte.utilisateur.refresh_from_db()
    for attribut in ("_attrib_acteur",):
        if hasattr(compte.utilisateur, attribut):
            delattr(compte.utilisateur, attribut)
    return acteur_de(compte.utilisateur)
