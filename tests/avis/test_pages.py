"""The desk's « Courriers à imprimer » and the demo's mailbox, through their pages."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import EmailMessage, get_connection
from django.test import Client
from django.urls import reverse

from attrib.avis import services
from attrib.avis.models import Envoi, StatutEnvoi
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Role
from tests.factories import CARCASSONNE, creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = pytest.mark.django_db
RACINE = Path(__file__).resolve().parents[2]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_le_guichet_telecharge_puis_marque_imprime_ses_courriers() -> None:
    territoire_minimal()
    g = guichet()
    autre = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    demande = creer_demande(guichet_org=g, personnes=[personne(adresse="3 rue des Lilas", ville="Narbonne")])
    ailleurs = creer_demande(guichet_org=autre, communes=(CARCASSONNE,), personnes=[personne(nom="Blanc")])
    services.avis_lire_sources(auteur=acteur_systeme("test"))
    agent = _client(membre(g, username="agent"))

    page = agent.get(reverse("avis:courriers"))
    assert page.status_code == 200
    texte = page.content.decode()
    assert "Courriers à imprimer" in texte and demande.numero_unique in texte
    assert ailleurs.numero_unique not in texte
    envoi = Envoi.objects.filter(avis__demande=demande, avis__nature="enregistrement").get()
    pdf = agent.get(reverse("avis:courrier_pdf", args=[envoi.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(envoi.document.contenu)  # type: ignore[union-attr]
    assert "attachment" in pdf["Content-Disposition"]

    reponse = agent.post(reverse("avis:courrier_imprime", args=[envoi.pk]), follow=True)
    assert "marqué comme imprimé" in reponse.content.decode()
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.IMPRIME and envoi.imprime_par is not None and envoi.imprime_le is not None
    assert reverse("avis:courrier_pdf", args=[envoi.pk]) not in agent.get(reverse("avis:courriers")).content.decode()
    imprimes = agent.get(reverse("avis:courriers") + "?etat=imprimes").content.decode()
    assert reverse("avis:courrier_pdf", args=[envoi.pk]) in imprimes

    # Another desk's letter, and a read-only member: 404, nothing changes.
    hors = Envoi.objects.filter(avis__demande=ailleurs).first()
    assert hors is not None
    assert agent.get(reverse("avis:courrier_pdf", args=[hors.pk])).status_code == 404
    assert agent.post(reverse("avis:courrier_imprime", args=[hors.pk])).status_code == 404
    lecteur = _client(membre(g, role=Role.CONSULTATION, username="lecteur"))
    assert lecteur.get(reverse("avis:courriers")).status_code == 404
    hors.refresh_from_db()
    assert hors.statut == StatutEnvoi.A_IMPRIMER


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _attendre(port: int, processus: subprocess.Popen[bytes]) -> None:
    limite = time.monotonic() + 60
    while time.monotonic() < limite:
        if processus.poll() is not None:
            raise AssertionError(processus.stdout.read().decode() if processus.stdout else "arrêté")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("le serveur de courriel de démonstration n'a pas démarré")


def test_la_demo_envoie_vers_une_boite_locale_lisible_depuis_la_demo(tmp_path: Path, settings: Any) -> None:
    """``serveur_courriel_demo`` (a real process) receives what Attrib sends; the demo page reads it."""
    port = _port_libre()
    environnement = {**os.environ, "ATTRIB_VAR_DIR": str(tmp_path)}
    environnement.pop("DATABASE_URL", None)
    processus = subprocess.Popen(
        [sys.executable, "manage.py", "serveur_courriel_demo", "--port", str(port)],
        cwd=RACINE,
        env=environnement,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _attendre(port, processus)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        EmailMessage(
            subject="Votre demande est renouvelée — demande n° 0112345",
            body="Bonjour,\n\nVotre demande n° 0112345 est renouvelée.",
            to=["lea.martin@example.org"],
            connection=get_connection(),
        ).send()
    finally:
        processus.terminate()
        processus.wait(timeout=30)
    assert processus.returncode == 0

    settings.VAR_DIR = tmp_path
    client = Client()
    settings.ATTRIB_DEMO_BOITE = False
    assert client.get(reverse("avis:demo_boite")).status_code == 404
    settings.ATTRIB_DEMO_BOITE = True
    page = client.get(reverse("avis:demo_boite"))
    assert page.status_code == 200
    texte = page.content.decode()
    assert "Votre demande est renouvelée — demande n° 0112345" in texte and "lea.martin@example.org" in texte
    cle = page.context["messages_recus"][0].cle
    message = client.get(reverse("avis:demo_message", args=[cle])).content.decode()
    assert "Votre demande n° 0112345 est renouvelée." in message
    assert client.get(reverse("avis:demo_message", args=["absent"])).status_code == 404
