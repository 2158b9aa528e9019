"""``python manage.py importer_territoires [--departements 11 34] [--epci SIREN …] [--dossier DIR]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.organisations.acteurs import acteur_systeme
from attrib.territoires.services import territoires_importer


class Command(BaseCommand):
    help = (
        "Importe les EPCI, les communes (avec leur EPCI et leur zone de plafonds de ressources) et les QPV "
        "depuis data/referentiels/. Sans option : toute la France. Relancer l'import ne change rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--departements", nargs="+", metavar="CODE", help="codes de départements, ex. 11 34 2A")
        parser.add_argument(
            "--epci", nargs="+", dest="epcis", metavar="SIREN", help="SIREN d'EPCI (9 chiffres), un ou plusieurs"
        )
        parser.add_argument("--dossier", type=Path, help="dossier des fichiers (par défaut data/referentiels/)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            resume = territoires_importer(
                departements=options["departements"],
                epcis=options["epcis"],
                dossier=options["dossier"],
                auteur=acteur_systeme("commande importer_territoires"),
            )
        except ValidationError as exc:
            raise CommandError("import annulé, rien n'a été enregistré.\n" + "\n".join(exc.messages)) from None
        self.stdout.write(str(resume))
        if options["verbosity"] > 1:
            self.stdout.write(f"{resume.crees} lignes créées, {resume.modifies} mises à jour.")
