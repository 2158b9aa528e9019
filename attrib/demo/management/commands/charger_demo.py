"""``python manage.py charger_demo [--demandes 5000] [--seed 2026] [--reinitialiser]``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.demo.chargement import URL_DEMO, DemoErreur, charger_demo


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError as exc:
        raise CommandError(f"--date : « {texte} » n'est pas une date AAAA-MM-JJ.") from exc


class Command(BaseCommand):
    help = (
        "Charge le territoire de démonstration (CA Le Grand Narbonne) : organisations, comptes de démonstration "
        "et demandes synthétiques. Sans effet sur une démo déjà chargée, sauf avec --reinitialiser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demandes", type=int, default=5000, help="Nombre de demandes (défaut : 5000).")
        parser.add_argument("--seed", type=int, default=2026, help="Graine du générateur (défaut : 2026).")
        parser.add_argument(
            "--date", type=_date, default=None, help="Date de référence AAAA-MM-JJ (défaut : aujourd'hui)."
        )
        parser.add_argument(
            "--reinitialiser",
            action="store_true",
            help="Supprime d'abord les demandes enregistrées aux guichets de la démo, puis les recrée.",
        )
        parser.add_argument(
            "--sans-parc",
            action="store_true",
            help="Ne charge ni le parc social, ni la campagne de qualification, ni l'année de flux.",
        )
        parser.add_argument(
            "--adresse",
            default=URL_DEMO,
            help=f"Adresse de la démo affichée avec les comptes (défaut : {URL_DEMO}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.INSTALLATION_LOCALE:
            raise CommandError(
                "La démo crée des comptes aux mots de passe publics : elle ne se charge que sur une installation "
                "locale (ALLOWED_HOSTS non défini), jamais sur une installation accessible sous un nom d'hôte."
            )
        if options["demandes"] < 0:
            raise CommandError("--demandes : le nombre de demandes doit être positif ou nul.")
        try:
            charger_demo(
                nb_demandes=options["demandes"],
                seed=options["seed"],
                date_reference=options["date"],
                reinitialiser=options["reinitialiser"],
                avec_parc=not options["sans_parc"],
                adresse=options["adresse"],
                stdout=self.stdout,
            )
        except DemoErreur as exc:
            raise CommandError(str(exc)) from exc
