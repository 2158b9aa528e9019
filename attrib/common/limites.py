"""Rate limits by named scope and locks after repeated failures, shared by every worker process.

One mechanism for the web pages and the API (docs/decisions/0015-resistance-aux-abus.md):

- :class:`Limite` counts the requests of one *scope* (``"recherche"``, ``"export"``…) per user, or per address
  without a logged-in user, over a sliding window; the rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``
  (``"300/min"``). It is a DRF throttle (``LimiteAnonyme``, ``LimiteUtilisateur`` for every API request) and
  the web decorator :func:`limite_debit` uses the same class, so that a search counts the same on a page and
  through the API.
- :class:`CompteurEchecs` counts *failures* (a wrong API token, a wrong applicant linking code) per address at
  the rate of its scope; when the rate is reached the address is locked for ``DUREE_VERROUILLAGE``, and even a
  right answer is refused until the lock ends.

The counters live in the cache ``settings.CACHE_LIMITES``, a table of the database: every gunicorn worker and
every server sees the same counts. The address is :func:`adresse_client` (``REVERSE_PROXY_COUNT``).
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from attrib.common.erreurs import trop_de_requetes


def adresse_client(request: Any) -> str:
    """The client's address: the TCP peer, or behind ``REVERSE_PROXY_COUNT`` proxies the address the outermost
    proxy saw (the N-th entry from the right of X-Forwarded-For, the part a client cannot forge)."""
    nombre = int(getattr(settings, "REVERSE_PROXY_COUNT", 0))
    pair = str(request.META.get("REMOTE_ADDR") or "inconnue")
    if nombre <= 0:
        return pair
    adresses = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if a.strip()]
    if len(adresses) < nombre:
        return pair
    return adresses[-nombre]


def cache_limites() -> BaseCache:
    return caches[settings.CACHE_LIMITES]


def taux(portee: str) -> tuple[int, int]:
    """``(number, seconds)`` of a scope's rate in settings (``"20/min"`` → ``(20, 60)``)."""
    texte = api_settings.DEFAULT_THROTTLE_RATES[portee]
    nombre, periode = texte.split("/")
    return int(nombre), {"s": 1, "m": 60, "h": 3600, "d": 86400}[periode.strip()[0]]


class Limite(SimpleRateThrottle):
    """Requests of one scope per user (per address without a logged-in user), at the scope's rate."""

    par_utilisateur = True

    def __init__(self, portee: str | None = None) -> None:
        if portee is not None:
            self.scope = portee
        self.num_requests, self.duration = taux(self.scope or "")
        self.rate = f"{self.num_requests}/{self.duration}"

    @property  # type: ignore[override]
    def cache(self) -> BaseCache:
        return cache_limites()

    def get_ident(self, request: Any) -> str:
        return adresse_client(request)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if not self.par_utilisateur:
                return None
            ident = f"u{user.pk}"
        else:
            ident = f"a{self.get_ident(request)}"
        return f"limite:{self.scope}:{ident}"

    def attente(self) -> int:
        """Whole seconds before the next request of this scope is allowed again."""
        return max(1, math.ceil(self.wait() or 1))


class LimiteAnonyme(Limite):
    """Every API request without a valid user, per address (scope ``anon``)."""

    scope = "anon"
    par_utilisateur = False


class LimiteUtilisateur(Limite):
    """Every API request of a user (scope ``user``); requests without a user are counted by ``anon``."""

    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


def limite_debit(
    portee: str, *, si: Callable[[HttpRequest], bool] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator of a web view: beyond the rate of ``portee``, the French 429 page (with ``Retry-After``).
    ``si``: count only the requests it accepts (a list counts as a search only when a search term is given)."""

    def decorateur(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(vue)
        def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if si is None or si(request):
                limite = Limite(portee)
                if not limite.allow_request(request, None):
                    return trop_de_requetes(request, attente=limite.attente())
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur


class CompteurEchecs:
    """Failures of one scope per address; at the scope's rate the address is locked for ``DUREE_VERROUILLAGE``.

    Use: ``if (attente := compteur.verrou(adresse)) is not None: refuse(attente)`` before checking the secret,
    then ``compteur.echec(adresse)`` on a wrong one (it returns the lock's length when this failure locks)."""

    def __init__(self, portee: str) -> None:
        self.portee = portee
        self.nombre, self.fenetre = taux(portee)
        self.duree = int(settings.DUREE_VERROUILLAGE.total_seconds())

    def _cles(self, ident: str) -> tuple[str, str]:
        return f"echecs:{self.portee}:{ident}", f"verrou:{self.portee}:{ident}"

    def verrou(self, ident: str) -> int | None:
        """Seconds left on the lock of ``ident``, ``None`` when it is not locked."""
        fin = cache_limites().get(self._cles(ident)[1])
        if fin is None:
            return None
        reste = math.ceil(float(fin) - time.time())
        return reste if reste > 0 else None

    def echec(self, ident: str) -> int | None:
        """Count one failure; when the rate is reached, lock ``ident`` and return the lock's length in seconds."""
        cle_echecs, cle_verrou = self._cles(ident)
        cache = cache_limites()
        maintenant = time.time()
        echecs = [t for t in cache.get(cle_echecs, []) if t > maintenant - self.fenetre]
        echecs.append(maintenant)
        if len(echecs) >= self.nombre:
            cache.set(cle_verrou, maintenant + self.duree, self.duree)
            cache.delete(cle_echecs)
            return self.duree
        cache.set(cle_echecs, echecs, self.fenetre)
        return None

    def lever(self, ident: str) -> None:
        """End the lock of ``ident`` and forget its failures (the command ``lever_verrous``)."""
        cache_limites().delete_many(list(self._cles(ident)))


def minutes(secondes: int) -> int:
    """A wait in whole minutes for a French message (at least 1)."""
    return max(1, math.ceil(secondes / 60))


#: The scopes counted by :class:`CompteurEchecs` (locks an operator may lift: ``lever_verrous``).
PORTEES_A_VERROU = ("api_jeton", "liaison_demandeur")
