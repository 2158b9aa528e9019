"""Potential duplicates: the list to examine and the decision on a pair."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from attrib.common.view_helpers import exiger
from attrib.demandes import doublons as doublons_services
from attrib.demandes import enums, selectors
from attrib.demandes.forms import (
    DoublonDecisionForm,
)
from attrib.demandes.models import Demande, DoublonPotentiel
from attrib.demandes.views.commun import _organisation_agissante
from attrib.demandes.views.consultation import _ORDRE_ROLES
from attrib.organisations import permissions
from attrib.organisations.acteurs import acteur_de


def _fiche_doublon(demande: Demande) -> dict[str, Any]:
    personnes = sorted(demande.personnes.all(), key=lambda p: (_ORDRE_ROLES[p.role], p.pk))
    return {
        "demande": demande,
        "personnes": personnes,
        "communes": [c.commune for c in sorted(demande.communes_souhaitees.all(), key=lambda c: c.rang)],
    }


def doublons(request: HttpRequest) -> HttpResponse:
    exiger(permissions.peut_traiter_doublons(acteur_de(request.user)))
    qs = selectors.doublons_liste(user=request.user, les_deux_visibles=True).prefetch_related(
        "demande_a__personnes",
        "demande_b__personnes",
        "demande_a__communes_souhaitees__commune",
        "demande_b__communes_souhaitees__commune",
        "demande_a__guichet",
        "demande_b__guichet",
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    paires = [{"doublon": d, "a": _fiche_doublon(d.demande_a), "b": _fiche_doublon(d.demande_b)} for d in page]
    return render(request, "demandes/doublons.html", {"page": page, "paires": paires})


@require_POST
def doublon_decider(request: HttpRequest, doublon_pk: int) -> HttpResponse:
    exiger(permissions.peut_traiter_doublons(acteur_de(request.user)))
    visibles = Demande.objects.visible_to(acteur_de(request.user)).values("pk")
    doublon = get_object_or_404(
        DoublonPotentiel.objects.filter(demande_a__in=visibles, demande_b__in=visibles), pk=doublon_pk
    )
    form = DoublonDecisionForm(request.POST, prefix=f"doublon-{doublon.pk}")
    if form.is_valid():
        try:
            doublons_services.doublon_decider(
                doublon=doublon,
                auteur=acteur_de(request.user),
                statut=form.cleaned_data["statut"],
                commentaire=form.cleaned_data["commentaire"],
                organisation=_organisation_agissante(request.user),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                f"Demandes {doublon.demande_a.numero_unique} et {doublon.demande_b.numero_unique} : "
                f"{enums.StatutDoublon(form.cleaned_data['statut']).label.lower()}.",
            )
    else:
        messages.error(request, "Choisissez « Même personne » ou « Personnes différentes ».")
    retour = request.POST.get("retour", "")
    if retour.startswith("/") and url_has_allowed_host_and_scheme(retour, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(retour)
    return redirect("demandes:doublons")


# --- Import and export ----------------------------------------------------------------------
