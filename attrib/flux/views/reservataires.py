"""The réservataire's queue: the dwellings oriented to it awaiting candidates (days left), the recent ones,
and its indicator of priority publics."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attrib.common.view_helpers import exiger
from attrib.flux import permissions, selectors
from attrib.flux.enums import StatutOrientation
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation


@require_GET
def file(request: HttpRequest) -> HttpResponse:
    acteur = acteur_de(request.user)
    reservataires = acteur.organisations(reservataire=True)
    if acteur.voit_tout and not reservataires:
        reservataires = list(Organisation.objects.exclude(categorie_reservataire="").order_by("nom"))
    exiger(bool(reservataires))
    jour = timezone.localdate()
    en_attente = list(selectors.file_reservataire(reservataires))
    lignes = [
        {
            "orientation": o,
            "jours_restants": (o.date_limite_proposition - jour).days if o.date_limite_proposition else None,
            "peut_proposer": permissions.peut_proposer(acteur, o),
        }
        for o in en_attente
    ]
    recentes = list(
        selectors.file_reservataire(reservataires, en_attente=False).exclude(statut=StatutOrientation.A_PROPOSER)[:30]
    )
    annee = jour.year
    return render(
        request,
        "flux/file.html",
        {
            "lignes": lignes,
            "recentes": recentes,
            "reservataires": reservataires,
            "indicateurs": [
                (r, selectors.indicateur_publics_prioritaires(annee=annee, reservataire=r)) for r in reservataires
            ],
            "annee": annee,
        },
    )
