"""Writes of the API app: the access tokens of partner systems."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from attrib.common.services import evenement_enregistrer


@transaction.atomic
def jeton_creer(*, user: Any, renouveler: bool = False) -> tuple[Token, bool]:
    """The user's API token, created if missing (or replaced when ``renouveler``). Returns ``(jeton, cree)``.

    The audit trail records that a token was issued, never the token itself.
    """
    if renouveler:
        Token.objects.filter(user=user).delete()
    jeton, cree = Token.objects.get_or_create(user=user)
    if cree:
        evenement_enregistrer(
            objet=user,
            action="jeton_api_renouvele" if renouveler else "jeton_api_cree",
            resume=f"Jeton d'accès à l'API {'renouvelé' if renouveler else 'créé'} pour {user.get_username()}.",
        )
    return jeton, cree
