"""``python manage.py importer_rpls FICHIER [--bailleur NOM_OU_ID] [--tout-ou-rien]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.organisations.acteurs import acteur_systeme
from attrib.patrimoine.management.commands._options import bailleur_depuis_option
from attrib.patrimoine.services import rpls_importer


class Command(BaseCommand):
    help = (
        "Importe un fichier RPLS (séparateur point-virgule, noms de colonnes du fichier détaillé du SDES) : "
        "une résidence par adresse, « nb » logements par ligne (1 sans colonne nb). Les lignes en erreur sont "
        "signalées (ligne et raison) et ignorées ; relancer l'import ne change rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier", type=Path, help="fichier RPLS (.csv, séparateur ;)")
        parser.add_argument("--bailleur", help="bailleur propriétaire de tout le fichier (nom exact ou numéro)")
        parser.add_argument(
            "--tout-ou-rien",
            action="store_true",
            dest="tout_ou_rien",
            help="n'importe rien si une seule ligne est en erreur",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bailleur = bailleur_depuis_option(options["bailleur"]) if options["bailleur"] else None
        try:
            resume = rpls_importer(
                chemin=options["fichier"],
                bailleur=bailleur,
                tout_ou_rien=options["tout_ou_rien"],
                auteur=acteur_systeme("commande importer_rpls"),
            )
        except ValidationError as exc:
            raise CommandError("import annulé, rien n'a été enregistré.\n" + "\n".join(exc.messages)) from None
        for erreur in resume.erreurs:
            self.stderr.write(f"{options['fichier'].name}, {erreur}")
        if resume.territoires is not None:
            self.stdout.write(f"référentiel chargé pour les communes du fichier — {resume.territoires}")
        self.stdout.write(str(resume.ecritures))
        self.stdout.write(str(resume))
