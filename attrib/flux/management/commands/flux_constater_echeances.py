"""Every day: the dwellings whose réservataire proposed nobody before the deadline come back to their bailleur."""

from __future__ import annotations

from typing import Any

from attrib.common.commandes import CommandeDuJour
from attrib.common.lots import Bilan
from attrib.flux.services import orientations_constater_echeances
from attrib.organisations.acteurs import acteur_systeme


class Command(CommandeDuJour):
    help = "Constate les délais de proposition dépassés : les logements reviennent au bailleur pour ce tour."

    def handle(self, *args: Any, **options: Any) -> None:
        bilan = Bilan()
        nombre = orientations_constater_echeances(
            auteur=acteur_systeme("commande flux_constater_echeances"), aujourd_hui=self.jour(options), bilan=bilan
        )
        self.stdout.write(f"{nombre} délai(s) de proposition dépassé(s) constaté(s).")
        self.signaler_echecs(bilan, "délai(s) non constaté(s)")
