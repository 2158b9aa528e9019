"""An applicant account reaches the applicant space and nothing else (decision 0026).

Every page outside ``/mon-espace/`` (the staff's pages, the admin, the API by session) answers 404 to an
applicant — but the public pages of the territory (``/territoire/``), open to everybody —, exactly like a missing object: nothing tells the applicant that a staff page exists. The API by
token refuses applicant accounts in its own authentication (``attrib.api.authentification``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from attrib.common.erreurs import page_introuvable
from attrib.organisations.acteurs import acteur_de

PREFIXE = "/mon-espace/"
#: Pages open to everybody, an applicant too: the public pages of the territory's reception and information
#: service (issue 13 point 6, decision 0030).
PREFIXES_PUBLICS = ("/territoire/",)


class EspaceDemandeurMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith((PREFIXE, *PREFIXES_PUBLICS))
            and acteur_de(getattr(request, "acteur", user)).est_demandeur
        ):
            return page_introuvable(request)
        return self.get_response(request)
