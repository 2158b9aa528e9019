"""Shared helpers of the demand screens: perimeter checks, the acting organisation, the communes offered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from attrib.common.view_helpers import exiger
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.organisations import permissions
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation

PAR_PAGE = 50
#: The list counts its demands up to this number (« plus de 10 000 demandes » beyond): 200 pages.
BORNE_LISTE = 10_000


def _demande_visible(request: HttpRequest, pk: int) -> Demande:
    # One demand: its own wished communes are looked up, the perimeter is not hashed (decision 0023).
    qs = Demande.objects.visible_to(acteur_de(request.user), par_ligne=True).select_related("guichet")
    return get_object_or_404(qs, pk=pk)


def _demande_active(request: HttpRequest, pk: int, peut: Callable[[Acteur, Demande], bool]) -> Demande:
    """The visible demand ``pk``, still active, on which the user may act by the predicate ``peut`` (403 else)."""
    demande = _demande_visible(request, pk)
    exiger(demande.statut == StatutDemande.ACTIVE and peut(acteur_de(request.user), demande))
    return demande


def _organisation_agissante(user: Any, demande: Demande | None = None) -> Organisation | None:
    """The organisation on whose behalf the user acts: the demand's desk if they belong to it,
    else their first registration desk, else their first organisation."""
    orgs = acteur_de(user).organisations()
    if demande is not None:
        for org in orgs:
            if org.pk == demande.guichet_id:
                return org
    guichets = permissions.guichets_de(user)
    if guichets:
        return guichets[0]
    return orgs[0] if orgs else None


def _anciennete(depuis: date, jour: date) -> str:
    mois = (jour.year - depuis.year) * 12 + jour.month - depuis.month - (jour.day < depuis.day)
    if mois < 1:
        return "moins d'un mois"
    ans, reste = divmod(mois, 12)
    morceaux = []
    if ans:
        morceaux.append(f"{ans} an{'s' if ans > 1 else ''}")
    if reste:
        morceaux.append(f"{reste} mois")
    return " ".join(morceaux)


# --- List -----------------------------------------------------------------------------------
