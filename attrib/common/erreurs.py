"""Error pages: French, in the DSFR layout, without any technical detail (no exception text, no URL list).

Django's default handlers pass the exception's message to the 403/404 templates and render the 500 page
without a request; these handlers render ``erreurs/<code>.html`` with the request (menu, user) and never
show the exception. The 500 handler falls back to a self-contained page when the layout itself fails
(a database down makes the menu's queries fail too)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

PAGE_500_SECOURS = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Erreur du serveur — Attrib</title></head>
<body><main><h1>Une erreur est survenue</h1>
<p>Le service n'a pas pu traiter votre demande. Aucune modification n'a été enregistrée.
Réessayez dans quelques instants ; si le problème persiste, signalez-le à votre administrateur
en indiquant l'heure et la page demandée.</p>
<p><a href="/">Retour à l'accueil</a></p></main></body></html>"""


def _page(request: HttpRequest, code: int, contexte: dict[str, object] | None = None) -> HttpResponse:
    texte = render_to_string(f"erreurs/{code}.html", contexte or {}, request=request)
    return HttpResponse(texte, status=code)


def requete_invalide(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400)


def acces_refuse(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403)


def page_introuvable(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404)


def trop_de_requetes(request: HttpRequest, *, attente: int) -> HttpResponse:
    """Too many requests of one kind (searches, exports): the wait in minutes, and ``Retry-After``."""
    reponse = _page(request, 429, {"minutes": max(1, -(-attente // 60))})
    reponse["Retry-After"] = str(attente)
    return reponse


def erreur_serveur(request: HttpRequest) -> HttpResponse:
    try:
        return _page(request, 500)
    except Exception:  # the layout itself failed: the page must still answer, in French
        logger.exception("La page d'erreur 500 n'a pas pu être rendue avec la mise en page.")
        return HttpResponse(PAGE_500_SECOURS, status=500)


def csrf_refuse(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its anti-forgery token (page left open too long, cookies refused)."""
    return _page(request, 403, {"csrf": True})
