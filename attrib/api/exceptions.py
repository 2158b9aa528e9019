"""One error body for the whole API: ``{"erreurs": [{"champ": "...", "message": "..."}]}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _aplatir(detail: Any, prefixe: str = "") -> list[dict[str, str]]:
    if isinstance(detail, dict):
        out = []
        for k, v in detail.items():
            cle = f"{prefixe}.{k}" if prefixe else str(k)
            if isinstance(k, int) or (isinstance(k, str) and k.isdigit()):
                cle = f"{prefixe}[{k}]"
            out += _aplatir(v, cle)
        return out
    if isinstance(detail, list):
        if all(isinstance(x, (str, exceptions.ErrorDetail)) for x in detail):
            return [{"champ": prefixe or "__all__", "message": str(x)} for x in detail]
        out = []
        for i, v in enumerate(detail):
            out += _aplatir(v, f"{prefixe}[{i}]")
        return out
    return [{"champ": prefixe or "__all__", "message": str(detail)}]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = {"erreurs": _aplatir(response.data)}
    elif response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"erreurs": [{"champ": "__all__", "message": str(response.data["detail"])}]}
    return response
