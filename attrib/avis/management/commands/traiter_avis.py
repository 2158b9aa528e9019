"""``python manage.py traiter_avis``: put a run of the notices' outbox in the worker's queue (cron, every minute or
so). ``--a-partir-de-maintenant`` jumps over every event already written (after loading the demo, restoring a
backup). ``--toutes-les N`` keeps doing it every N seconds (the demo, without cron); ``--maintenant`` runs it here and
prints its report (operator's check)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from attrib.avis.services import avis_traiter, filigranes_a_partir_de_maintenant
from attrib.avis.taches import traiter_avis
from attrib.organisations.acteurs import acteur_systeme


class Command(BaseCommand):
    help = (
        "Avis aux demandeurs : met en file du worker l'écriture des nouveaux avis (événements de la demande, "
        "changements de score, avis de renouvellement) et l'envoi des courriels. À lancer régulièrement ; "
        "relancer ne crée aucun avis en double."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--maintenant", action="store_true", help="traiter ici, sans passer par le worker")
        parser.add_argument(
            "--a-partir-de-maintenant",
            action="store_true",
            help="ne donner aucun avis pour les événements déjà enregistrés (après le chargement de la démo, "
            "la restauration d'une sauvegarde), puis s'arrêter",
        )
        parser.add_argument(
            "--toutes-les", type=int, default=0, metavar="SECONDES", help="recommencer toutes les SECONDES secondes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["a_partir_de_maintenant"]:
            filigranes_a_partir_de_maintenant(auteur=acteur_systeme("commande traiter_avis"))
            self.stdout.write("Avis : les événements déjà enregistrés ne donneront pas d'avis.")
            return
        while True:
            if options["maintenant"]:
                rapport = avis_traiter(auteur=acteur_systeme("commande traiter_avis"))
                self.stdout.write(rapport.resume)
                for ligne in [*rapport.sautes, *rapport.courriels_en_echec]:
                    self.stdout.write(self.style.WARNING(f"  {ligne}"))
            else:
                resultat = traiter_avis.enqueue()
                if options["verbosity"] > 1:
                    self.stdout.write(f"Traitement des avis mis en file ({resultat.id}).")
            if options["toutes_les"] <= 0:
                return
            time.sleep(options["toutes_les"])
