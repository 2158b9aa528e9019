"""``python manage.py lever_verrous [--adresse IP] [--identifiant NOM]``: end locks before their term.

Without option, every lock and counter: failed logins (django-axes), wrong API tokens, wrong applicant
linking codes, and the request counters of every scope. With ``--adresse`` or ``--identifiant``, the locks of
that address or that user name only (``axes_reset_ip`` / ``axes_reset_username`` for logins alone)."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.core.management.base import BaseCommand, CommandParser

from attrib.common.limites import PORTEES_A_VERROU, CompteurEchecs, cache_limites


class Command(BaseCommand):
    help = (
        "Lève les blocages (connexions, jetons d'API, codes de liaison) avant la fin de leur délai : tous, ou "
        "ceux d'une adresse (--adresse) ou d'un identifiant (--identifiant)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--adresse", help="Adresse IP dont les blocages sont levés.")
        parser.add_argument("--identifiant", help="Identifiant de connexion dont les blocages sont levés.")

    def handle(self, *args: Any, **options: Any) -> None:
        adresse, identifiant = options.get("adresse"), options.get("identifiant")
        if not adresse and not identifiant:
            connexions = AxesProxyHandler.reset_attempts()
            cache_limites().clear()
            self.stdout.write(f"Tous les blocages sont levés ({connexions} suivi(s) de connexion effacé(s)).")
            return
        connexions = 0
        if adresse:
            connexions += AxesProxyHandler.reset_attempts(ip_address=adresse)
            for portee in PORTEES_A_VERROU:
                CompteurEchecs(portee).lever(adresse)
        if identifiant:
            connexions += AxesProxyHandler.reset_attempts(username=identifiant)
        cible = " et ".join(
            t for t in (adresse and f"l'adresse {adresse}", identifiant and f"l'identifiant « {identifiant} »") if t
        )
        self.stdout.write(f"Blocages levés pour {cible} ({connexions} suivi(s) de connexion effacé(s)).")
