"""``python manage.py generer_patrimoine_grand_narbonne [--seed 2026] [--bailleur NOM_OU_ID …]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.demo.patrimoine import FICHIER_COMPTAGES
from attrib.organisations.acteurs import acteur_systeme
from attrib.patrimoine.management.commands._options import bailleur_depuis_option
from attrib.patrimoine.services import patrimoine_reconstituer


class Command(BaseCommand):
    help = (
        "Reconstitue les résidences et logements des communes du Grand Narbonne décrites seulement par les "
        "comptages RPLS 2019 (toutes sauf Narbonne, importée au logement par importer_rpls), par une règle "
        "documentée et une graine. Surfaces, loyers et bailleurs y sont estimés et marqués comme tels."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, dest="graine", help="graine (par défaut celle de estimations_patrimoine.yaml)"
        )
        parser.add_argument(
            "--bailleur",
            action="append",
            default=[],
            dest="bailleurs",
            help="bailleur parmi lesquels tirer ceux des résidences reconstituées (répétable : nom exact ou numéro)",
        )
        parser.add_argument(
            "--fichier", type=Path, help="fichier des comptages (par défaut ceux du Grand Narbonne, data/referentiels/)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bailleurs = [bailleur_depuis_option(b) for b in options["bailleurs"]]
        try:
            resume = patrimoine_reconstituer(
                graine=options["graine"],
                bailleurs=bailleurs,
                chemin=options["fichier"] or FICHIER_COMPTAGES,
                auteur=acteur_systeme("commande generer_patrimoine_grand_narbonne"),
            )
        except ValidationError as exc:
            raise CommandError("reconstitution annulée, rien n'a été enregistré.\n" + "\n".join(exc.messages)) from None
        if resume.territoires is not None:
            self.stdout.write(f"référentiel chargé pour les communes du fichier — {resume.territoires}")
        if options["verbosity"] > 1:
            for code, nombre in resume.par_commune.items():
                self.stdout.write(f"  {code} : {nombre} logements")
        self.stdout.write(str(resume.ecritures))
        if bailleurs:
            self.stdout.write(f"bailleurs estimés : {resume.bailleurs_attribues} résidences modifiées")
        self.stdout.write(str(resume))
