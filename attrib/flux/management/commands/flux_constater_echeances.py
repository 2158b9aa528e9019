"""Every day: the dwellings whose réservataire proposed nobody before the deadline come back to their bailleur."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from attrib.common.lots import Bilan
from attrib.flux.services import orientations_constater_echeances
from attrib.organisations.acteurs import acteur_systeme


class Command(BaseCommand):
    help = "Constate les délais de proposition dépassés : les logements reviennent au bailleur pour ce tour."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Jour du constat (AAAA-MM-JJ), par défaut aujourd'hui.")

    def handle(self, *args: Any, **options: Any) -> None:
        jour = None
        if options.get("date"):
            try:
                jour = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"Date « {options['date']} » invalide : format AAAA-MM-JJ attendu.") from None
        bilan = Bilan()
        nombre = orientations_constater_echeances(
            auteur=acteur_systeme("commande flux_constater_echeances"), aujourd_hui=jour, bilan=bilan
        )
        self.stdout.write(f"{nombre} délai(s) de proposition dépassé(s) constaté(s).")
        if bilan.echecs:
            self.stdout.write(
                self.style.WARNING(f"{len(bilan.echecs)} délai(s) non constaté(s), à reprendre à la main :")
            )
            for ligne in bilan.lignes():
                self.stdout.write(self.style.WARNING(f"  {ligne}"))
