"""Every night (cron): offers left unanswered after their deadline count as refused (R441-10 CCH).

15 2 * * *  cd /srv/attrib && .venv/bin/python manage.py expirer_offres
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attrib.commissions.services import offres_expirer
from attrib.common.lots import Bilan
from attrib.organisations.acteurs import acteur_systeme


class Command(BaseCommand):
    help = "Constate les offres restées sans réponse après leur date limite : elles valent refus (R441-10 CCH)."

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
        nombre = offres_expirer(auteur=acteur_systeme("commande expirer_offres"), aujourd_hui=jour, bilan=bilan)
        constat = jour or timezone.localdate()
        if nombre == 0:
            self.stdout.write(f"Au {constat:%d/%m/%Y} : aucune offre échue sans réponse.")
        else:
            self.stdout.write(
                f"Au {constat:%d/%m/%Y} : {nombre} offre(s) sans réponse dans le délai, réputée(s) refusée(s) ; "
                "les logements peuvent être offerts au candidat suivant."
            )
        if bilan.echecs:
            self.stdout.write(
                self.style.WARNING(f"{len(bilan.echecs)} offre(s) non traitée(s), à reprendre à la main :")
            )
            for ligne in bilan.lignes():
                self.stdout.write(self.style.WARNING(f"  {ligne}"))
