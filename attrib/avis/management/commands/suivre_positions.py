"""Nightly, after ``recoter``: ``python manage.py suivre_positions [--date AAAA-MM-JJ] [--maintenant]``.

Puts the follow-up of the positions in the worker's queue (``attrib.avis.taches.suivre_positions``): the
demands whose band of places moved since the last snapshot get their notice (``attrib.avis.positions``), then the
new snapshot is recorded. ``--maintenant`` runs it here and prints its report (operator's check). Running it twice
writes no notice twice (one per demand and snapshot)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.avis.positions import positions_suivre
from attrib.avis.taches import suivre_positions
from attrib.organisations.acteurs import acteur_systeme


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"Date « {texte} » invalide : attendu AAAA-MM-JJ.") from None


class Command(BaseCommand):
    help = (
        "Prévient les ménages dont la position parmi les demandes similaires a changé depuis la dernière nuit, "
        "puis enregistre les positions. À lancer chaque nuit après recoter ; mis en file du worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, default=None, help="date AAAA-MM-JJ (défaut : aujourd'hui)")
        parser.add_argument("--maintenant", action="store_true", help="traiter ici, sans passer par le worker")

    def handle(self, *args: Any, **options: Any) -> None:
        jour: date | None = options["date"]
        if options["maintenant"]:
            suivi = positions_suivre(auteur=acteur_systeme("commande suivre_positions"), jour=jour)
            self.stdout.write(suivi.resume)
            for ligne in suivi.rapport.sautes:
                self.stdout.write(self.style.WARNING(f"  {ligne}"))
            return
        resultat = suivre_positions.enqueue(jour.isoformat() if jour else None)
        self.stdout.write(f"Suivi des positions mis en file du worker ({resultat.id}).")
