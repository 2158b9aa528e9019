"""Every night (cron): the validated priority labels whose validity has ended expire; the situations they proved
lapse and the demands are re-scored.

25 2 * * *  cd /srv/attrib && .venv/bin/python manage.py expirer_labels
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from attrib.common.commandes import CommandeDuJour
from attrib.labellisation.services import labels_expirer
from attrib.organisations.acteurs import acteur_systeme


class Command(CommandeDuJour):
    help = "Constate l'échéance des labels de priorité arrivés en fin de validité."

    def handle(self, *args: Any, **options: Any) -> None:
        jour = self.jour(options) or timezone.localdate()
        rapport = labels_expirer(aujourd_hui=jour, auteur=acteur_systeme("commande expirer_labels"))
        self.stdout.write(f"Au {jour:%d/%m/%Y} : {rapport.resume}")
        if rapport.sautes:
            self.stdout.write(self.style.WARNING(f"{len(rapport.sautes)} label(s) à reprendre à la main :"))
            for ligne in rapport.sautes:
                self.stdout.write(self.style.WARNING(f"  {ligne}"))
