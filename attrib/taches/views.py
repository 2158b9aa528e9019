"""« Mes travaux »: the long jobs a user launched, each job's live progress, then its result or its failure."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from attrib.taches import selectors
from attrib.taches.models import Travail

PAR_PAGE = 30


def etat(travail: Travail) -> dict[str, Any]:
    """What the job's page polls (JSON)."""
    return {
        "id": travail.pk,
        "statut": travail.statut,
        "statut_libelle": travail.get_statut_display(),
        "fini": travail.fini,
        "etape": travail.etape,
        "etapes": travail.etapes,
        "libelle_etape": travail.libelle_etape,
        "faites": travail.faites,
        "total": travail.total,
        "unite": travail.unite,
        "pourcentage": travail.pourcentage,
        "url": reverse("taches:travail", args=[travail.pk]),
    }


@require_GET
def mes_travaux(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.travaux_de(request.user), PAR_PAGE).get_page(request.GET.get("page"))
    return render(request, "taches/mes_travaux.html", {"page": page})


@require_GET
def travail(request: HttpRequest, pk: int) -> HttpResponse:
    t = selectors.travail_visible(request.user, pk)
    return render(
        request,
        "taches/travail.html",
        {"travail": t, "etat": etat(t), "peut_telecharger": t.a_un_fichier and t.lance_par_id == request.user.pk},
    )


@require_GET
def travail_etat(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(etat(selectors.travail_visible(request.user, pk)))


@require_GET
def travail_fichier(request: HttpRequest, pk: int) -> HttpResponse:
    t = selectors.fichier_du_travail(request.user, pk)
    reponse = HttpResponse(bytes(t.fichier or b""), content_type=t.type_fichier or "application/octet-stream")
    reponse["Content-Disposition"] = f'attachment; filename="{t.nom_fichier}"'
    return reponse
