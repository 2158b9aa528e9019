"""``python manage.py importer_indicateurs FICHIER [--tout-ou-rien]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.organisations.acteurs import acteur_systeme
from attrib.patrimoine.indicateurs import indicateurs_importer_fichier


class Command(BaseCommand):
    help = (
        "Importe les indicateurs d'occupation des résidences (format docs/formats/indicateurs_occupation.md : "
        "séparateur point-virgule, une ligne par résidence et par année). Les lignes en erreur sont signalées "
        "(ligne et raison) et ignorées ; relancer l'import ne change rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier", type=Path, help="fichier des indicateurs (.csv, séparateur ;)")
        parser.add_argument(
            "--tout-ou-rien",
            action="store_true",
            dest="tout_ou_rien",
            help="n'importe rien si une seule ligne est en erreur",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chemin: Path = options["fichier"]
        try:
            resume = indicateurs_importer_fichier(
                chemin=chemin,
                auteur=acteur_systeme("commande importer_indicateurs"),
                tout_ou_rien=options["tout_ou_rien"],
            )
        except ValidationError as exc:
            raise CommandError("import annulé, rien n'a été enregistré.\n" + "\n".join(exc.messages)) from None
        for erreur in resume.erreurs:
            self.stderr.write(f"{chemin.name}, {erreur}")
        self.stdout.write(str(resume))
