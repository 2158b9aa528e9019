"""``request.acteur``: the actor of the request, built once, lazily (see ``attrib.organisations.acteurs``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from attrib.organisations.acteurs import acteur_de


class ActeurMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acteur = SimpleLazyObject(lambda: acteur_de(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
