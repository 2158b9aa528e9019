"""Nightly: ``python manage.py suivre_positions [--date AAAA-MM-JJ]`` (after ``recoter``).

Compares the position shown to each demand with the last snapshot, sends ``positions_bougees`` with the demands
whose band of places moved (the notices are sent by the app that listens), then records the new snapshot. A grid
version whose positions cannot be read is named and skipped; the others are followed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attrib.information.selectors import positions_changees
from attrib.information.services import instantane_enregistrer
from attrib.information.signals import positions_bougees
from attrib.organisations.acteurs import acteur_systeme


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"Date « {texte} » invalide : attendu AAAA-MM-JJ.") from None


class Command(BaseCommand):
    help = "Repère les demandes dont la position a bougé depuis la dernière nuit et enregistre les positions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, default=None, help="date AAAA-MM-JJ (défaut : aujourd'hui)")

    def handle(self, *args: Any, **options: Any) -> None:
        jour: date = options["date"] or timezone.localdate()
        changees = positions_changees(jour=jour)
        positions_bougees.send(sender=self.__class__, positions=changees)
        gardees = instantane_enregistrer(auteur=acteur_systeme("commande suivre_positions"), jour=jour)
        self.stdout.write(
            f"{len(changees)} demande(s) dont la position a bougé ; {gardees} position(s) enregistrée(s) au "
            f"{jour:%d/%m/%Y}."
        )
