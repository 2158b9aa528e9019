"""Every hour (cron): the adverts of location voulue past their closing time are closed and ranked.

5 * * * *  cd /srv/attrib && .venv/bin/python manage.py clore_annonces
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from attrib.annonces.services import annonces_clore_echues
from attrib.common.commandes import CommandeDuJour
from attrib.organisations.acteurs import acteur_systeme


class Command(CommandeDuJour):
    help = (
        "Clôt les annonces de location voulue dont les candidatures sont closes : classement par score, "
        "ancienneté puis tirage publié, ménages informés de leur rang."
    )

    def add_arguments(self, parser: Any) -> None:
        """No ``--date``: an advert closes at its hour, the command closes those due now."""

    def handle(self, *args: Any, **options: Any) -> None:
        rapport = annonces_clore_echues(auteur=acteur_systeme("commande clore_annonces"))
        quand = timezone.localtime()
        if rapport.closes:
            self.stdout.write(
                f"Le {quand:%d/%m/%Y à %H:%M} : {len(rapport.closes)} annonce(s) close(s) et classée(s) : "
                f"{', '.join(rapport.closes)}."
            )
        else:
            self.stdout.write(f"Le {quand:%d/%m/%Y à %H:%M} : aucune annonce à clore.")
        self.signaler_echecs(rapport, "annonce(s) non close(s)")
