"""The yearly reports a bailleur owes each réservataire: list, page, PDF and Excel (each export audited)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attrib.common import tableurs
from attrib.common.services import export_journaliser
from attrib.common.view_helpers import exiger, reponse_fichier
from attrib.flux import bilan as exports_bilan
from attrib.flux import permissions, selectors
from attrib.flux.moteur import parametres_flux
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation


@require_GET
def bilans(request: HttpRequest) -> HttpResponse:
    exiger(permissions.peut_acceder(acteur_de(request.user)))
    parametres = parametres_flux()
    return render(
        request,
        "flux/bilans.html",
        {
            "paires": selectors.bilans_visibles(acteur_de(request.user)),
            "date_limite": parametres.date_limite_bilan(timezone.localdate().year - 1),
        },
    )


def _bilan(request: HttpRequest, bailleur_pk: int, reservataire_pk: int, annee: int) -> selectors.Bilan:
    exiger(permissions.peut_voir_bilan(acteur_de(request.user), bailleur_pk, reservataire_pk))
    bailleur = get_object_or_404(Organisation, pk=bailleur_pk)
    reservataire = get_object_or_404(Organisation, pk=reservataire_pk)
    exiger(2000 <= annee <= date.max.year)
    return selectors.bilan(bailleur, reservataire, annee)


@require_GET
def bilan(request: HttpRequest, bailleur_pk: int, reservataire_pk: int, annee: int) -> HttpResponse:
    b = _bilan(request, bailleur_pk, reservataire_pk, annee)
    return render(request, "flux/bilan.html", {"bilan": b, "mention_attributions": exports_bilan.MENTION_ATTRIBUTIONS})


def _journaliser_bilan(request: HttpRequest, b: selectors.Bilan, format_fichier: str) -> None:
    export_journaliser(
        objet=b.bailleur,
        export=f"du bilan annuel {b.annee} de la gestion en flux",
        format_fichier=format_fichier,
        lignes=len(b.orientations),
        auteur=request.user,
        perimetre=f"{b.bailleur} à {b.reservataire}, année {b.annee}",
    )


@require_GET
def bilan_pdf(request: HttpRequest, bailleur_pk: int, reservataire_pk: int, annee: int) -> HttpResponse:
    b = _bilan(request, bailleur_pk, reservataire_pk, annee)
    contenu = exports_bilan.bilan_pdf(b)
    _journaliser_bilan(request, b, "pdf")
    return reponse_fichier(contenu, exports_bilan.nom_fichier(b, "pdf"), "application/pdf")


@require_GET
def bilan_xlsx(request: HttpRequest, bailleur_pk: int, reservataire_pk: int, annee: int) -> HttpResponse:
    b = _bilan(request, bailleur_pk, reservataire_pk, annee)
    contenu = exports_bilan.bilan_excel(b)
    _journaliser_bilan(request, b, "xlsx")
    return reponse_fichier(contenu, exports_bilan.nom_fichier(b, "xlsx"), tableurs.TYPE_XLSX)
