"""Writes of the API app: the access tokens of partner systems."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from attrib.common.services import evenement_enregistrer
from attrib.organisations.acteurs import Acteur

REFUS_JETON = "Seul l'utilisateur lui-même, ou un administrateur de l'installation, obtient son jeton d'accès à l'API."


@transaction.atomic
def jeton_creer(*, user: Any, auteur: Acteur, renouveler: bool = False) -> tuple[Token, bool]:
    """The user's API token, created if missing (or replaced when ``renouveler``). Returns ``(jeton, cree)``.
    Issued to the user themself, or by the system (command ``creer_jeton``) or a superuser.

    The audit trail records that a token was issued, never the token itself.
    """
    auteur.exiger(auteur.voit_tout or (auteur.user_id is not None and auteur.user_id == user.pk), REFUS_JETON)
    if renouveler:
        Token.objects.filter(user=user).delete()
    jeton, cree = Token.objects.get_or_create(user=user)
    if cree:
        evenement_enregistrer(
            objet=user,
            action="jeton_api_renouvele" if renouveler else "jeton_api_cree",
            auteur=auteur.utilisateur,
            resume=f"Jeton d'accès à l'API {'renouvelé' if renouveler else 'créé'} pour {user.get_username()}.",
        )
    return jeton, cree
