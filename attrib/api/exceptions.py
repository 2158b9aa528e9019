"""One error body for the whole API: ``{"erreurs": [{"champ": "...", "message": "..."}]}``.

``champ`` locates the error in the request body the way a partner reads it:
``"logement_recherche.typologie_max"``, ``"personnes[1].date_naissance"``, ``"communes[0]"``;
``"__all__"`` when the error concerns the request as a whole (authentication, permission, JSON).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

GLOBAL = "__all__"
MESSAGE_ERREUR_INTERNE = (
    "Erreur interne du serveur : la requête n'a pas été traitée et rien n'a été enregistré. "
    "L'incident a été journalisé ; réessayez plus tard ou contactez l'administrateur."
)


def _est_global(cle: str) -> bool:
    return cle in (GLOBAL, api_settings.NON_FIELD_ERRORS_KEY)


def _joindre(prefixe: str, cle: Any) -> str:
    if isinstance(cle, int) or (isinstance(cle, str) and cle.isdigit()):
        return f"{prefixe}[{cle}]"
    cle = str(cle)
    if _est_global(cle):
        return prefixe
    return f"{prefixe}.{cle}" if prefixe else cle


def aplatir(detail: Any, prefixe: str = "") -> list[dict[str, str]]:
    """Nested DRF / Django error details → a flat list of ``{"champ", "message"}``."""
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for cle, valeur in detail.items():
            out += aplatir(valeur, _joindre(prefixe, cle))
        return out
    if isinstance(detail, list):
        if all(isinstance(x, str) for x in detail):
            return [{"champ": prefixe or GLOBAL, "message": str(x)} for x in detail]
        out = []
        for i, valeur in enumerate(detail):
            out += aplatir(valeur, f"{prefixe}[{i}]")
        return out
    return [{"champ": prefixe or GLOBAL, "message": str(detail)}]


def _detail_django(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {GLOBAL: exc.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler: every error, expected or not, answers the same JSON body."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_detail_django(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        vue = context.get("view")
        logger.exception("Erreur inattendue dans l'API (%s)", type(vue).__name__ if vue else "?", exc_info=exc)
        set_rollback()
        return Response(
            {"erreurs": [{"champ": GLOBAL, "message": MESSAGE_ERREUR_INTERNE}]},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"erreurs": aplatir(response.data)}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"erreurs": [{"champ": GLOBAL, "message": str(response.data["detail"])}]}
    return response
