"""Login lockout (django-axes): two limits, and the French answer of the login page while locked.

- ``AXES_FAILURE_LIMIT`` failed logins for one user name from one address lock that pair;
- ``AXES_FAILURE_LIMIT_PAR_ADRESSE`` failed logins from one address, all user names together, lock the
  address (one guess per user name does not escape the lock; an office behind one address keeps room).

While locked, the right password is refused too, until ``AXES_COOLOFF_TIME`` after the last failure. The
same applies to the admin's login page. To unlock before the end: ``python manage.py lever_verrous``
(docs/decisions/0015-resistance-aux-abus.md) or delete the attempt in the admin (« Tentatives d'accès »).
"""

from __future__ import annotations

import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from attrib.common.limites import minutes


class GestionnaireVerrouillage(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler (shared by every worker and server) with a second, higher limit per address."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """Failures in the units of ``AXES_FAILURE_LIMIT``: the pair's count, or the address's count scaled so
        that reaching ``AXES_FAILURE_LIMIT_PAR_ADRESSE`` reaches ``AXES_FAILURE_LIMIT`` (axes compares one
        number with one limit)."""

        limite_paire = int(settings.AXES_FAILURE_LIMIT)
        limite_adresse = int(settings.AXES_FAILURE_LIMIT_PAR_ADRESSE)
        comptes = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        paire, adresse = (comptes + [0, 0])[:2]
        return max(int(paire), int(adresse) * limite_paire // limite_adresse)


def _secondes_restantes(request: HttpRequest) -> int:
    """Seconds until the lock of this address ends: the cool-off counts from the last failure (a refused attempt
    during the lock does not prolong it); the whole cool-off when the last failure cannot be found."""
    entiere = int(settings.AXES_COOLOFF_TIME.total_seconds())
    adresse = getattr(request, "axes_ip_address", None)
    derniere = (
        AccessAttempt.objects.filter(ip_address=adresse)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
    ).first()
    if derniere is None:
        return entiere
    reste = math.ceil((derniere + settings.AXES_COOLOFF_TIME - timezone.now()).total_seconds())
    return min(entiere, max(1, reste))


def reponse_verrouillage(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, saying that connections are suspended and for how long is left (HTTP 429)."""
    duree = _secondes_restantes(request)
    # The applicant space has its own login page (attrib.demandeurs), locked the same way.
    espace_demandeur = request.path.startswith("/mon-espace/")
    reponse = render(
        request,
        "demandeurs/connexion.html" if espace_demandeur else "common/connexion.html",
        {"verrouille": True, "minutes": minutes(duree), "next": request.POST.get("next", "")},
        status=429,
    )
    reponse["Retry-After"] = str(duree)
    return reponse
