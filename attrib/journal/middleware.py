"""Attribute the changes of a web request to its user (see ``attrib.journal.contexte``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from attrib.journal.contexte import contexte_journal
from attrib.organisations.acteurs import acteur_de


class JournalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origine = f"{'API' if request.path.startswith('/api/') else 'écran'} {request.method} {request.path}"
        with contexte_journal(origine=origine, auteur=acteur_de(getattr(request, "user", None))):
            return self.get_response(request)
