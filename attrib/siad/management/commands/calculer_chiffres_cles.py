"""``python manage.py calculer_chiffres_cles``: put the computation of the territories' published key figures in
the worker's queue (cron, nightly after ``recoter``); ``--maintenant`` computes them here and says so."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from attrib.organisations.acteurs import acteur_systeme
from attrib.siad.chiffres import chiffres_cles_calculer, territoires_a_calculer
from attrib.siad.taches import calculer_chiffres_cles


class Command(BaseCommand):
    help = (
        "Chiffres clés des pages publiques des territoires (logements, demandes, attributions, délais d'attente par "
        "commune et typologie, petits effectifs masqués) : met leur calcul en file du worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--maintenant", action="store_true", help="calculer ici, sans passer par le worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["maintenant"]:
            resultat = calculer_chiffres_cles.enqueue()
            self.stdout.write(f"Calcul des chiffres clés mis en file ({resultat.id}).")
            return
        auteur = acteur_systeme("commande calculer_chiffres_cles")
        for epci in territoires_a_calculer():
            chiffres = chiffres_cles_calculer(epci=epci, auteur=auteur)
            self.stdout.write(f"{epci.nom} : chiffres clés au {chiffres.jour:%d/%m/%Y}.")
