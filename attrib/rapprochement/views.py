"""Screens of the rapprochement: the shortlist of a freed dwelling (with the designation of its candidates)
and the batch proposals of a period (run with progress, certificate, proposals, agenda)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs
from attrib.demandes.models import Demande
from attrib.engine.erreurs import ErreurMoteur
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation
from attrib.rapprochement import permissions, selectors, services, travaux
from attrib.rapprochement.forms import DesignationForm, FiltresForm, LotForm
from attrib.rapprochement.models import LotPropositions
from attrib.territoires.models import EPCI


def _veut_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


# --- shortlist ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def preselection(request: HttpRequest, pk: int) -> HttpResponse:
    ll = selectors.logement_libere_visible(acteur_de(request.user), pk)
    designe = permissions.peut_designer(acteur_de(request.user), ll)
    if request.method == "POST":
        exiger(designe)
    filtres = FiltresForm(request.GET or None, prefix="f")
    public, nombre = "tous", 10
    if filtres.is_valid():
        public = filtres.cleaned_data.get("public") or "tous"
        nombre = int(filtres.cleaned_data.get("nombre") or 10)
    form = None
    coches: list[str] = []
    if designe:
        form = DesignationForm(
            donnees_postees(request), seances=selectors.seances_prevues(ll.bailleur_id), prefix="designation"
        )
        coches = request.POST.getlist("candidats") if request.method == "POST" else []
        if request.method == "POST" and form.is_valid():
            demandes = {d.numero_unique: d for d in Demande.objects.filter(numero_unique__in=coches)}
            try:
                examens = services.candidats_designer(
                    logement_libere=ll,
                    seance=form.cleaned_data["seance"],
                    demandes=[demandes[n] for n in coches if n in demandes],
                    exception=form.cleaned_data.get("exception") or "",
                    derogation_offre=form.cleaned_data.get("derogation_offre") or "",
                    auteur=acteur_de(request.user),
                )
            except ValidationError as exc:
                placer_erreurs(exc, form)
            except PermissionDenied:
                exiger(False)
            else:
                seance = form.cleaned_data["seance"]
                messages.success(
                    request,
                    f"{len(examens)} candidat{'s' if len(examens) > 1 else ''} inscrit{'s' if len(examens) > 1 else ''} "
                    f"à l'ordre du jour de la séance du {seance.date:%d/%m/%Y} ({seance.commission.nom}).",
                )
                return redirect("rapprochement:preselection", pk=ll.pk)
    contexte: dict[str, Any] = {
        "ll": ll,
        "orientation": ll.orientation,
        "filtres": filtres,
        "form": form,
        "peut_designer": designe,
        "coches": coches,
        "erreurs": resume_erreurs([form]) if form is not None else [],
        "inscrits": selectors.examens_du_logement(ll),
    }
    try:
        vue = selectors.preselection_logement(ll, acteur=acteur_de(request.user), nombre=nombre, public=public)
    except (selectors.moteur.LogementNonEvaluable, ErreurMoteur) as exc:
        contexte["erreur_moteur"] = str(exc)
    else:
        contexte["vue"] = vue
        if not coches and request.method != "POST":
            # Households holding an offer are flagged, not ticked: designating them is an explicit choice.
            contexte["coches"] = [c.numero for c in vue.candidats if not c.offre_en_cours][:3]
    return render(request, "rapprochement/preselection.html", contexte)


# --- batch proposals -----------------------------------------------------------------------------------------


def etat_lot(lot: LotPropositions | None) -> dict[str, Any]:
    if lot is None:
        return {"id": 0}
    return {
        "id": lot.pk,
        "statut": lot.statut,
        "statut_libelle": lot.get_statut_display(),
        "etape": lot.etape,
        "etapes": LotPropositions.ETAPES,
        "libelle_etape": lot.libelle_etape,
        "faites": lot.faites,
        "total": lot.total,
        "pourcentage": lot.pourcentage,
        "message": lot.message,
        "url": reverse("rapprochement:lot", args=[lot.pk]),
    }


@require_http_methods(["GET", "POST"])
def propositions(request: HttpRequest) -> HttpResponse:
    exiger(permissions.peut_acceder(acteur_de(request.user)))
    organisations = (
        list(Organisation.objects.order_by("nom"))
        if acteur_de(request.user).voit_tout
        else permissions.organisations_de(acteur_de(request.user))
    )
    epcis = EPCI.objects.filter(pk__in={e.pk for o in organisations for e in selectors.epcis_possibles(o)}).order_by(
        "nom"
    )
    form = LotForm(donnees_postees(request), organisations=organisations, epcis=epcis, prefix="lot")
    if request.method == "POST" and form.is_valid():
        # The worker computes; the job's page shows the progress, then links to the batch.
        travail = travaux.lot_lancer(
            organisation=form.cleaned_data["organisation"],
            epci=form.cleaned_data["epci"],
            debut=form.cleaned_data["debut"],
            fin=form.cleaned_data["fin"],
            user=request.user,
        )
        return redirect("taches:travail", pk=travail.pk)
    lots = selectors.lots_visibles(acteur_de(request.user))[:10]
    dernier = lots[0].pk if lots else 0
    return render(
        request,
        "rapprochement/propositions.html",
        {"form": form, "erreurs": resume_erreurs([form]), "lots": lots, "dernier": dernier},
    )


@require_GET
def progression(request: HttpRequest) -> JsonResponse:
    """The latest run visible to the user (the batch page polls it while its form is sent)."""
    exiger(permissions.peut_acceder(acteur_de(request.user)))
    return JsonResponse(etat_lot(selectors.lots_visibles(acteur_de(request.user)).first()))


@require_GET
def lot(request: HttpRequest, pk: int) -> HttpResponse:
    l_ = selectors.lot_visible(acteur_de(request.user), pk)
    lignes = l_.resultat.get("logements", []) if l_.resultat else []
    inscriptibles = set()
    from attrib.flux.models import LogementLibere

    for ll in LogementLibere.objects.filter(pk__in=[x["logement_libere"] for x in lignes]).prefetch_related(
        "orientations"
    ):
        if permissions.peut_designer(acteur_de(request.user), ll):
            inscriptibles.add(ll.pk)
    return render(
        request,
        "rapprochement/lot.html",
        {
            "lot": l_,
            "etat": etat_lot(l_),
            "r": l_.resultat,
            "inscriptibles": inscriptibles,
            "jour": timezone.localdate(),
        },
    )


@require_GET
def lot_etat(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(etat_lot(selectors.lot_visible(acteur_de(request.user), pk)))


@require_POST
def lot_inscrire(request: HttpRequest, pk: int) -> HttpResponse:
    l_ = selectors.lot_visible(acteur_de(request.user), pk)
    choisis = []
    for valeur in request.POST.getlist("logements"):
        if valeur.isdigit():
            choisis.append(int(valeur))
    try:
        inscrits, erreurs = services.lot_inscrire(lot=l_, logements=choisis, auteur=acteur_de(request.user))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rapprochement:lot", pk=l_.pk)
    if inscrits:
        messages.success(request, f"Inscrits à l'ordre du jour : {', '.join(inscrits)}.")
    for nom, motifs in erreurs.items():
        messages.error(request, f"Logement {nom} non inscrit : {' '.join(motifs)}")
    return redirect("rapprochement:lot", pk=l_.pk)
