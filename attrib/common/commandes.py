"""The base of the daily commands that record what a day brings (cron): the ``--date`` option (today by
default) and the report of the rows a batch could not handle (``attrib.common.lots.Bilan``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from attrib.common.lots import Bilan


class CommandeDuJour(BaseCommand):
    """A command run every day for a day: ``--date`` (AAAA-MM-JJ) or today."""

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Jour du constat (AAAA-MM-JJ), par défaut aujourd'hui.")

    def jour(self, options: dict[str, Any]) -> date | None:
        """The day given by ``--date``, ``None`` for today (a French message when it is not a date)."""
        if not options.get("date"):
            return None
        try:
            return date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"Date « {options['date']} » invalide : format AAAA-MM-JJ attendu.") from None

    def signaler_echecs(self, bilan: Bilan, non_traites: str) -> None:
        """Warn of the rows the batch could not handle (``non_traites``: « offre(s) non traitée(s) »), one a line."""
        if bilan.echecs:
            self.stdout.write(self.style.WARNING(f"{len(bilan.echecs)} {non_traites}, à reprendre à la main :"))
            for ligne in bilan.lignes():
                self.stdout.write(self.style.WARNING(f"  {ligne}"))
