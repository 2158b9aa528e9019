"""``python manage.py purger_rendez_vous``: erase the name and contact of the bookings whose appointment is older
than the retention of ``data/parametres/siad.yaml`` (cron, daily), in the bookings and in their journal entries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from attrib.organisations.acteurs import acteur_systeme
from attrib.siad.services import rendez_vous_purger


class Command(BaseCommand):
    help = "Efface le nom et les coordonnées des ménages des rendez-vous passés depuis la durée de conservation."

    def handle(self, *args: Any, **options: Any) -> None:
        n = rendez_vous_purger(auteur=acteur_systeme("commande purger_rendez_vous"))
        self.stdout.write(f"{n} rendez-vous passé(s) : nom et coordonnées effacés.")
