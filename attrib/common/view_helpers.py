"""Small helpers shared by the server-rendered views of every domain."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse


def exiger(condition: bool) -> None:
    """An action the user may not take looks exactly like a page that does not exist (404)."""
    if not condition:
        raise Http404("Page introuvable.")


def donnees_postees(request: HttpRequest) -> Any:
    """The posted data (possibly empty, so that an empty submission shows its errors), or ``None`` on GET."""
    return request.POST if request.method == "POST" else None


def placer_erreurs(exc: ValidationError, form: Any) -> None:
    """Service errors on the form's fields when the key names one, else on the form."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for cle, erreurs in exc.message_dict.items():
        for message in erreurs:
            form.add_error(cle if cle in form.fields else None, message)


def reponse_fichier(contenu: bytes, nom: str, type_: str) -> HttpResponse:
    """A file to download."""
    reponse = HttpResponse(contenu, content_type=type_)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse
