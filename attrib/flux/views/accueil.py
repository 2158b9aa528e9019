"""Overview of the gestion en flux: for each bailleur the user sees, due vs delivered by réservataire, the
dwellings freed, left out and awaiting a proposal, and the indicator of priority publics; for each réservataire
of the user, its queue and indicator."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attrib.common.view_helpers import exiger
from attrib.flux import permissions, selectors
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import LogementLibere, Orientation
from attrib.flux.views._commun import _annee
from attrib.organisations.acteurs import acteur_de


@require_GET
def accueil(request: HttpRequest) -> HttpResponse:
    acteur = acteur_de(request.user)
    exiger(permissions.peut_acceder(acteur))
    annees = selectors.annees_flux()
    annee = _annee(request, selectors.annees_avec_liberations())
    jour = timezone.localdate()
    bailleurs = []
    for b in permissions.bailleurs_visibles(acteur):
        liberes = LogementLibere.objects.filter(bailleur=b, date_liberation__year=annee)
        lignes = selectors.du_livre_bailleur(b, annee)
        bailleurs.append(
            {
                "organisation": b,
                "lignes": lignes,
                "echelle": max([1.0, *(max(ligne.du_float, ligne.livre) for ligne in lignes)]),
                "liberes": liberes.count(),
                "exclus": liberes.exclude(motif_exclusion="").count(),
                "en_attente": Orientation.objects.filter(
                    bailleur=b, actuelle=True, statut=StatutOrientation.A_PROPOSER, convention__isnull=False
                ).count(),
                "echeances_depassees": Orientation.objects.filter(
                    bailleur=b,
                    actuelle=True,
                    statut=StatutOrientation.A_PROPOSER,
                    date_limite_proposition__lt=jour,
                ).count(),
                "peut_gerer": permissions.peut_gerer(acteur, b.pk),
                "indicateur": selectors.indicateur_publics_prioritaires(annee=annee, bailleur=b, part_bailleur=True),
            }
        )
    reservataires = [
        {
            "organisation": r,
            "en_attente": selectors.file_reservataire([r]).count(),
            "indicateur": selectors.indicateur_publics_prioritaires(annee=annee, reservataire=r),
        }
        for r in acteur.organisations(reservataire=True)
    ]
    return render(
        request,
        "flux/accueil.html",
        {
            "annee": annee,
            "annees": annees,
            "bailleurs": bailleurs,
            "reservataires": reservataires,
            "peut_declarer": bool(permissions.bailleurs_geres(acteur)),
        },
    )
