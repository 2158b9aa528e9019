"""Every night (cron): offers left unanswered after their deadline count as refused (R441-10 CCH).

15 2 * * *  cd /srv/attrib && .venv/bin/python manage.py expirer_offres
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from attrib.commissions.services import offres_expirer
from attrib.common.commandes import CommandeDuJour
from attrib.common.lots import Bilan
from attrib.organisations.acteurs import acteur_systeme


class Command(CommandeDuJour):
    help = "Constate les offres restées sans réponse après leur date limite : elles valent refus (R441-10 CCH)."

    def handle(self, *args: Any, **options: Any) -> None:
        jour = self.jour(options)
        bilan = Bilan()
        nombre = offres_expirer(auteur=acteur_systeme("commande expirer_offres"), aujourd_hui=jour, bilan=bilan)
        constat = jour or timezone.localdate()
        if nombre == 0:
            self.stdout.write(f"Au {constat:%d/%m/%Y} : aucune offre échue sans réponse.")
        else:
            self.stdout.write(
                f"Au {constat:%d/%m/%Y} : {nombre} offre(s) sans réponse dans le délai, réputée(s) refusée(s) ; "
                "les logements peuvent être offerts au candidat suivant."
            )
        self.signaler_echecs(bilan, "offre(s) non traitée(s)")
