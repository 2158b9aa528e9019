"""``python manage.py creer_jeton USERNAME [--renouveler]``: print the API token of a user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.api.services import jeton_creer
from attrib.organisations.acteurs import acteur_systeme


class Command(BaseCommand):
    help = (
        "Affiche le jeton d'accès à l'API d'un utilisateur (en-tête « Authorization: Token … »), "
        "en le créant s'il n'existe pas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Identifiant de connexion de l'utilisateur.")
        parser.add_argument(
            "--renouveler",
            action="store_true",
            help="Révoquer le jeton existant et en créer un nouveau (en cas de fuite, de départ d'un prestataire…).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        username = options["username"]
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"Utilisateur inconnu : « {username} ».") from exc
        if not user.is_active:
            raise CommandError(f"L'utilisateur « {username} » est désactivé : aucun jeton ne lui est délivré.")
        jeton, _ = jeton_creer(
            user=user, auteur=acteur_systeme("commande creer_jeton"), renouveler=options["renouveler"]
        )
        self.stdout.write(jeton.key)
