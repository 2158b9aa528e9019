"""``python manage.py exporter_demandes --format csv|xlsx --sortie FICHIER``: export demands in the import format."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.demandes.importexport import exporter_demandes_csv, exporter_demandes_xlsx
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import User
from attrib.organisations.permissions import peut_voir_situations_sensibles


class Command(BaseCommand):
    help = (
        "Exporte les demandes au format d'échange (docs/formats/demandes_csv.md), en CSV ou en Excel. "
        "Avec --utilisateur : seulement les demandes que cet agent voit, situations sensibles selon ses droits. "
        "Sans --utilisateur : toutes les demandes, situations sensibles masquées."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True, dest="format_sortie")
        parser.add_argument("--sortie", required=True, help="fichier à écrire (remplacé s'il existe)")
        parser.add_argument("--utilisateur", help="identifiant de l'agent dont les droits s'appliquent")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        auteur = acteur_systeme("commande exporter_demandes")
        if options["utilisateur"]:
            user = User.objects.filter(username=options["utilisateur"]).first()
            if user is None:
                raise CommandError(f"Utilisateur inconnu : « {options['utilisateur']} ».")
            auteur = acteur_de(user)
        sortie = Path(options["sortie"])
        if not sortie.parent.is_dir():
            raise CommandError(f"Dossier introuvable : {sortie.parent}")
        # Written next to the target then renamed: an interrupted export never leaves a truncated file.
        provisoire = sortie.with_name(f".{sortie.name}.partiel")
        demandes = Demande.objects.order_by("pk")
        perimetre = (
            f"demandes visibles de {user.username} (commande exporter_demandes)"
            if user is not None
            else "toutes les demandes (commande exporter_demandes)"
        )
        try:
            if options["format_sortie"] == "csv":
                with open(provisoire, "w", encoding="utf-8", newline="") as flux:
                    n = exporter_demandes_csv(demandes=demandes, flux=flux, auteur=auteur, perimetre=perimetre)
            else:
                with open(provisoire, "wb") as flux_binaire:
                    n = exporter_demandes_xlsx(demandes=demandes, flux=flux_binaire, auteur=auteur, perimetre=perimetre)
            os.replace(provisoire, sortie)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        finally:
            provisoire.unlink(missing_ok=True)
        masque = (
            "" if user is not None and peut_voir_situations_sensibles(auteur) else " (situations sensibles masquées)"
        )
        self.stdout.write(f"{n} demande(s) exportée(s) dans {sortie}{masque}.")
