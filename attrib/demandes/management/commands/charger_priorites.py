"""``python manage.py charger_priorites [--fichier CHEMIN]``: L441-1 priorities from the dated data file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.demandes.services import priorites_charger
from attrib.organisations.acteurs import acteur_systeme


class Command(BaseCommand):
    help = (
        "Charge ou met à jour les priorités légales (L441-1 CCH et DALO) depuis "
        "data/parametres/priorites_l441_1.yaml. Relancer le chargement ne change rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fichier", type=Path, help="fichier YAML (par défaut data/parametres/priorites_l441_1.yaml)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rapport = priorites_charger(chemin=options["fichier"], auteur=acteur_systeme("commande charger_priorites"))
        except ValidationError as exc:
            raise CommandError("chargement annulé, rien n'a été enregistré.\n" + "\n".join(exc.messages)) from None
        self.stdout.write(
            f"Priorités légales : {len(rapport.creees)} créée(s), {len(rapport.modifiees)} mise(s) à jour, "
            f"{len(rapport.inchangees)} inchangée(s)."
        )
        for code in rapport.creees:
            self.stdout.write(f"  créée : {code}")
        for code in rapport.modifiees:
            self.stdout.write(f"  mise à jour : {code}")
        if rapport.absentes_du_fichier:
            self.stdout.write(
                "Absentes du fichier (conservées, à clore par une date de fin) : "
                + ", ".join(rapport.absentes_du_fichier)
            )
