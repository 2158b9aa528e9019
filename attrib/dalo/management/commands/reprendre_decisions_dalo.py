"""Once, after the installation of the DALO follow-up: ``python manage.py reprendre_decisions_dalo``.

Gives a decision history (``attrib.dalo.models.DecisionDalo``, its deadline frozen from the rule of its date) to
every demand whose DALO fields were recorded before the follow-up existed. A second run finds nothing to do."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from attrib.dalo.services import decisions_reprendre
from attrib.organisations.acteurs import acteur_systeme


class Command(BaseCommand):
    help = "Suivi DALO : reprend les décisions DALO déjà saisies sur les demandes (une fois, à l'installation)."

    def handle(self, *args: Any, **options: Any) -> None:
        rapport = decisions_reprendre(auteur=acteur_systeme("commande reprendre_decisions_dalo"))
        self.stdout.write(rapport.resume)
        for ligne in rapport.sautees:
            self.stdout.write(self.style.WARNING(f"  {ligne}"))
