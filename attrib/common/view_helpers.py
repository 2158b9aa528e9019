"""Small helpers shared by the server-rendered views of every domain."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse


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


def servir_fichier(fichier: FieldFile, nom: str) -> FileResponse:
    """A stored file (``MEDIA_ROOT``, which no URL serves) handed out by a view that checked who may read it:
    always downloaded, never shown inline nor sniffed by the browser (a file that is not what its name says
    cannot run in the site's origin), under ``nom`` rather than its storage name."""
    type_ = mimetypes.guess_type(nom)[0] or "application/octet-stream"
    reponse = FileResponse(fichier.open("rb"), as_attachment=True, filename=nom, content_type=type_)
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse
