"""No copy of a page or a file holding personal data is kept by a browser or a proxy (issue 12).

``PasDeCacheMiddleware`` adds ``Cache-Control: no-store`` (and ``Pragma: no-cache`` for HTTP/1.0 caches)
to every answer given to a signed-in user (screens, JSON, the API with a token) and to every file sent as
an attachment (exports, attestations, documents), unless the view chose its own cache headers. The static
files keep the long cache whitenoise gives them; the login page carries Django's own ``never_cache``.
docs/decisions/0014-csp-no-store-recherches.md.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

PAS_DE_CACHE = "no-store"


def _piece_jointe(reponse: HttpResponseBase) -> bool:
    return reponse.get("Content-Disposition", "").lower().startswith("attachment")


def _utilisateur_connecte(request: HttpRequest) -> bool:
    # ``request.user`` is missing on the answers given before AuthenticationMiddleware (static files); the
    # API's token authentication sets it on the Django request too (DRF's Request.user setter).
    utilisateur = getattr(request, "user", None)
    return bool(utilisateur is not None and utilisateur.is_authenticated)


class PasDeCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        reponse = self.get_response(request)
        if "Cache-Control" in reponse:
            return reponse  # the view (or whitenoise for a static file) decided
        if _piece_jointe(reponse) or _utilisateur_connecte(request):
            reponse["Cache-Control"] = PAS_DE_CACHE
            reponse["Pragma"] = "no-cache"
        return reponse
