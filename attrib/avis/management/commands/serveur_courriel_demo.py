"""``python manage.py serveur_courriel_demo [--port 1025]``: the demo's local mail server. An SMTP server
(aiosmtpd) on the loopback that keeps every message it receives in a Maildir under ``ATTRIB_VAR_DIR/courriels``,
read by the page ``/avis/demo/boite/``. Start Attrib with ``EMAIL_PORT`` set to the same port. Stops on Ctrl-C or
SIGTERM. For the demo only: it delivers nothing to anyone."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.avis import boite_demo


class Command(BaseCommand):
    help = (
        "Démonstration : serveur SMTP local qui range chaque courriel reçu dans une boîte lisible depuis la "
        "démonstration (/avis/demo/boite/)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=1025)
        parser.add_argument("--adresse", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from aiosmtpd.controller import Controller
            from aiosmtpd.handlers import Mailbox
        except ImportError:
            raise CommandError(
                "Le serveur de courriel de démonstration demande le paquet aiosmtpd (dépendances de test)."
            ) from None
        dossier = boite_demo.dossier()
        dossier.parent.mkdir(parents=True, exist_ok=True)
        controleur = Controller(Mailbox(dossier), hostname=options["adresse"], port=options["port"])
        try:
            controleur.start()
        except OSError as exc:
            raise CommandError(f"Port {options['port']} indisponible : {exc}") from None
        self.stdout.write(
            f"Boîte de démonstration : SMTP sur {options['adresse']}:{options['port']}, courriels rangés dans {dossier}."
        )
        arret = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: arret.set())
        try:
            arret.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controleur.stop()
