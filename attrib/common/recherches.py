"""Searches without personal data in URLs (issue 12, docs/decisions/0014-csp-no-store-recherches.md).

A search box can hold a household's name, a birth date or a numéro unique. Sent by GET it would end up in
the access logs, the browser history and the ``Referer`` of the next page. So a list's form is sent by POST;
the server keeps the typed text in the session under a random key and redirects to the list with
``?r=<key>`` and the non-personal filters (status, commune, typology…) as plain GET parameters: pagination,
the back button and the exports work as before during the session, and the URL says nothing about anyone.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest, QueryDict

#: The GET parameter carrying the opaque key of a search kept in the session.
PARAMETRE = "r"
_SESSION = "attrib_recherches"


def memoriser(request: HttpRequest, texte: str) -> str:
    """Keep ``texte`` in the session; return its opaque key (the oldest searches are forgotten first)."""
    texte = texte[: settings.RECHERCHE_TEXTE_MAX]
    recherches: dict[str, str] = dict(request.session.get(_SESSION, {}))
    for cle, ancien in recherches.items():
        if ancien == texte:
            return cle  # the same search keeps its key (one bookmark, one history entry)
    cle = secrets.token_urlsafe(12)
    recherches[cle] = texte
    while len(recherches) > settings.RECHERCHES_EN_SESSION_MAX:
        del recherches[next(iter(recherches))]
    request.session[_SESSION] = recherches
    return cle


def texte_memorise(request: HttpRequest, cle: str) -> str | None:
    texte = request.session.get(_SESSION, {}).get(cle)
    return texte if isinstance(texte, str) else None


def url_de_recherche(request: HttpRequest, *, base: str, champ: str, filtres: Iterable[str]) -> str:
    """The list's URL for the form sent by POST: ``filtres`` as GET parameters, the text of ``champ``
    behind an opaque key."""
    parametres = QueryDict(mutable=True)
    for nom in filtres:
        valeurs = [v for v in request.POST.getlist(nom) if v.strip()]
        if valeurs:
            parametres.setlist(nom, valeurs)
    texte = request.POST.get(champ, "").strip()
    if texte:
        parametres[PARAMETRE] = memoriser(request, texte)
    return f"{base}?{parametres.urlencode()}" if parametres else base


def donnees_de_recherche(request: HttpRequest, *, champ: str) -> tuple[QueryDict, bool]:
    """The GET parameters of a list with the text of ``champ`` taken back from the session, and whether the
    key named in the URL is unknown (another session, or forgotten). A ``champ`` sent in the URL itself is
    ignored: a list never searches on a name read from a URL."""
    donnees = request.GET.copy()
    donnees.pop(champ, None)
    cle = donnees.pop(PARAMETRE, [""])[-1]
    if not cle:
        return donnees, False
    texte = texte_memorise(request, cle)
    if texte is None:
        return donnees, True
    donnees[champ] = texte
    return donnees, False
