"""Journal pages: each tracked object's changes, for those who may see the object (404 otherwise), and the
export of a period for the EPCI and the data-protection officer."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from attrib.common.limites import limite_debit
from attrib.common.services import export_journaliser
from attrib.common.view_helpers import exiger
from attrib.journal import export as export_journal
from attrib.journal import selectors
from attrib.journal.forms import PeriodeForm
from attrib.journal.lisible import lignes_lisibles
from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.permissions import peut_voir_situations_sensibles

PAR_PAGE = 50


def _voit_sensible(user: Any) -> bool:
    return peut_voir_situations_sensibles(user) or selectors.est_delegue_protection_donnees(user)


def _page(
    request: HttpRequest, *, entrees: QuerySet[EntreeJournal], titre: str, objet: str, retour: str
) -> HttpResponse:
    page = Paginator(entrees.select_related("organisation").order_by("-horodatage", "-id"), PAR_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "journal/objet.html",
        {
            "titre": titre,
            "objet": objet,
            "retour": retour,
            "page": page,
            "lignes": lignes_lisibles(list(page.object_list), voit_sensible=_voit_sensible(request.user)),
        },
    )


@require_GET
def demande(request: HttpRequest, pk: int) -> HttpResponse:
    from attrib.demandes.models import Demande

    d = Demande.objects.visible_to(acteur_de(request.user)).filter(pk=pk).first()
    exiger(d is not None)
    assert d is not None
    return _page(
        request,
        entrees=selectors.entrees_demande(d),
        titre=f"Journal des modifications de la demande {d.numero_unique}",
        objet=f"la demande {d.numero_unique}",
        retour=reverse("demandes:detail", args=[d.pk]),
    )


@require_GET
def version(request: HttpRequest, pk: int) -> HttpResponse:
    from attrib.cotation.selectors import version_visible

    v = version_visible(request.user, pk)
    return _page(
        request,
        entrees=selectors.entrees_version(v),
        titre=f"Journal des modifications : {v}",
        objet=str(v),
        retour=reverse("cotation:version", args=[v.pk]),
    )


@require_GET
def campagne(request: HttpRequest, pk: int) -> HttpResponse:
    from attrib.qualification.selectors import campagne_visible

    c = campagne_visible(request.user, pk)
    return _page(
        request,
        entrees=selectors.entrees_campagne(c, request.user),
        titre=f"Journal des modifications : {c}",
        objet=str(c),
        retour=reverse("qualification:campagne", args=[c.pk]),
    )


@require_GET
def convention(request: HttpRequest, pk: int) -> HttpResponse:
    from attrib.flux.selectors import convention_visible

    c = convention_visible(acteur_de(request.user), pk)
    return _page(
        request,
        entrees=selectors.entrees_convention(c),
        titre=f"Journal des modifications : {c}",
        objet=str(c),
        retour=reverse("flux:convention", args=[c.pk]),
    )


@require_GET
def seance(request: HttpRequest, pk: int) -> HttpResponse:
    from attrib.commissions.selectors import seance_visible

    s = seance_visible(acteur_de(request.user), pk)
    return _page(
        request,
        entrees=selectors.entrees_seance(s),
        titre=f"Journal des modifications : {s}",
        objet=str(s),
        retour=reverse("commissions:seance", args=[s.pk]),
    )


@require_GET
@limite_debit("export", si=lambda request: "debut" in request.GET)
def export(request: HttpRequest) -> HttpResponse:
    """The journal of a period, CSV or XLSX (the form first; the file once the period is given)."""
    exiger(selectors.peut_exporter_journal(request.user))
    form = PeriodeForm(request.GET if "debut" in request.GET else None)
    if form.is_bound and form.is_valid():
        debut, fin = form.cleaned_data["debut"], form.cleaned_data["fin"]
        entrees = selectors.entrees_periode(user=request.user, debut=debut, fin=fin)
        voit = _voit_sensible(request.user)
        nom = f"journal-modifications-{debut:%Y%m%d}-{fin:%Y%m%d}"
        if form.cleaned_data["format"] == "csv":
            contenu, n = export_journal.ecrire_csv(entrees.iterator(chunk_size=2000), voit_sensible=voit)
            reponse = HttpResponse(contenu, content_type="text/csv; charset=utf-8")
            reponse["Content-Disposition"] = f'attachment; filename="{nom}.csv"'
        else:
            contenu, n = export_journal.ecrire_xlsx(entrees.iterator(chunk_size=2000), voit_sensible=voit)
            reponse = HttpResponse(
                contenu, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            reponse["Content-Disposition"] = f'attachment; filename="{nom}.xlsx"'
        perimetre = "toute l'instance" if selectors.est_delegue_protection_donnees(request.user) else "son périmètre"
        export_journaliser(
            objet=EntreeJournal,
            export=f"journal des modifications du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}",
            format_fichier=form.cleaned_data["format"],
            lignes=n,
            auteur=request.user,
            perimetre=perimetre,
            donnees_personnelles=True,
            details={"debut": debut.isoformat(), "fin": fin.isoformat()},
        )
        return reponse
    return render(
        request,
        "journal/export.html",
        {"form": form, "dpo": selectors.est_delegue_protection_donnees(request.user)},
    )
