"""The forecast of a bailleur's flux for a coming year."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attrib.common.view_helpers import exiger
from attrib.flux import permissions, selectors
from attrib.flux.views._commun import _annee
from attrib.organisations.acteurs import acteur_de


@require_GET
def previsions(request: HttpRequest) -> HttpResponse:
    bailleurs = permissions.bailleurs_visibles(acteur_de(request.user))
    exiger(bool(bailleurs))
    choisi = request.GET.get("bailleur", "")
    bailleur = next((b for b in bailleurs if str(b.pk) == choisi), bailleurs[0])
    annee = _annee(request) if request.GET.get("annee") else timezone.localdate().year + 1
    return render(
        request,
        "flux/previsions.html",
        {
            "prevision": selectors.prevision_bailleur(bailleur, annee),
            "bailleurs": bailleurs,
            "bailleur": bailleur,
            "annee": annee,
            "annees": list(range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1)),
        },
    )
