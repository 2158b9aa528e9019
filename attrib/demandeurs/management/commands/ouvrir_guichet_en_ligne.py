"""``python manage.py ouvrir_guichet_en_ligne --epci SIREN --code CODE [--nom NOM]``: open (or update) the online
desk of an EPCI, the registration point of the demands households file in their space (decision 0029)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.demandeurs.services_depot import guichet_en_ligne_ouvrir
from attrib.organisations.acteurs import acteur_systeme
from attrib.territoires.models import EPCI


class Command(BaseCommand):
    help = (
        "Ouvre le guichet en ligne d'un EPCI : le point d'enregistrement des demandes que les ménages déposent dans "
        "leur espace, avec son propre code guichet. Relancer met à jour le même guichet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epci", required=True, metavar="SIREN", help="SIREN de l'EPCI")
        parser.add_argument("--code", required=True, metavar="CODE", help="code guichet (1 à 5 lettres ou chiffres)")
        parser.add_argument("--nom", default="", help="nom affiché (par défaut « Guichet en ligne — <EPCI> »)")

    def handle(self, *args: Any, **options: Any) -> None:
        epci = EPCI.objects.filter(siren=options["epci"].strip()).first()
        if epci is None:
            raise CommandError(f"Aucun EPCI de SIREN « {options['epci']} » dans le référentiel.")
        try:
            guichet = guichet_en_ligne_ouvrir(
                epci=epci,
                code_guichet=options["code"],
                nom=options["nom"],
                auteur=acteur_systeme("commande ouvrir_guichet_en_ligne"),
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"Guichet en ligne ouvert : « {guichet} » (code guichet {guichet.code_guichet}, "
            f"{guichet.perimetre.count()} communes)."
        )
