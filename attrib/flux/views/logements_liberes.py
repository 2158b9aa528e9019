"""Screens of the freed dwellings: search a dwelling to declare, the declaration, the list, a freed dwelling
with its orientation (and the override with its reason), the réservataire's proposal of candidates and the
lapsed deadline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs
from attrib.engine import flux as moteur
from attrib.flux import permissions, selectors, services
from attrib.flux.enums import StatutOrientation
from attrib.flux.forms import DeclarationForm, DerogationForm, EcheanceForm, RechercheLogementForm
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation
from attrib.flux.moteur import contexte_orientation
from attrib.flux.views._commun import _annee, _communes_du_bailleur
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Logement
from attrib.rapprochement.choix import choix_du_logement

PAR_PAGE = 50


@require_GET
def declarer(request: HttpRequest) -> HttpResponse:
    bailleurs = permissions.bailleurs_geres(acteur_de(request.user))
    exiger(bool(bailleurs))
    communes = _communes_du_bailleur(bailleurs)
    form = RechercheLogementForm(request.GET or None, communes=communes, prefix="")
    page = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        logements = selectors.logements_a_declarer(
            bailleurs,
            recherche=d.get("q") or "",
            commune=d.get("commune") or "",
            typologie=int(d["typologie"]) if d.get("typologie") else None,
        )
        page = Paginator(logements, PAR_PAGE).get_page(request.GET.get("page"))
    return render(request, "flux/declarer.html", {"form": form, "page": page})


@require_http_methods(["GET", "POST"])
def declarer_logement(request: HttpRequest, logement_pk: int) -> HttpResponse:
    bailleurs = permissions.bailleurs_geres(acteur_de(request.user))
    exiger(bool(bailleurs))
    logement = get_object_or_404(
        Logement.objects.select_related("residence__commune", "residence__bailleur"),
        pk=logement_pk,
        residence__bailleur__in=bailleurs,
    )
    jour = timezone.localdate()
    form = DeclarationForm(donnees_postees(request), jour=jour, initial={"date_liberation": jour}, prefix="declaration")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ll = services.logement_declarer_libere(
                logement=logement,
                date_liberation=d["date_liberation"],
                nature=d["nature"],
                motif_exclusion=d.get("motif_exclusion") or "",
                motif_exclusion_detail=d.get("motif_exclusion_detail") or "",
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            if ll.exclu:
                messages.success(
                    request, "Logement libéré enregistré, hors de l'assiette du flux : il n'est pas orienté."
                )
            else:
                o = ll.orientation
                messages.success(request, f"Logement libéré enregistré et orienté vers {o.libelle if o else '—'}.")
            return redirect("flux:logement_libere", pk=ll.pk)
    return render(
        request,
        "flux/declarer_logement.html",
        {
            "logement": logement,
            "form": form,
            "erreurs": resume_erreurs([form]),
            "precedentes": LogementLibere.objects.filter(logement=logement).order_by("-date_liberation")[:5],
        },
    )


@require_GET
def logements_liberes(request: HttpRequest) -> HttpResponse:
    exiger(permissions.peut_acceder(acteur_de(request.user)))
    annee = _annee(request, selectors.annees_avec_liberations())
    qs = selectors.logements_liberes_visibles(acteur_de(request.user)).filter(date_liberation__year=annee)
    page = Paginator(qs.order_by("-date_liberation", "-pk"), PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "flux/logements_liberes.html",
        {
            "page": page,
            "annee": annee,
            "annees": selectors.annees_flux(),
            "peut_declarer": bool(permissions.bailleurs_geres(acteur_de(request.user))),
        },
    )


def _choix_derogation(orientation: Orientation) -> list[tuple[str, str]]:
    """The contingents the dwelling may go to instead (agreements applicable and in force), and the bailleur."""
    ll = orientation.logement_libere
    ctx = contexte_orientation(
        orientation.bailleur, commune=ll.commune_id, jour=ll.date_liberation, exclure=orientation.pk
    )
    choix = []
    for part in ctx.periode.parts:
        if part.reservataire == orientation.reservataire_cle:
            continue
        if part.reservataire == moteur.RESERVATAIRE_BAILLEUR:
            choix.append((f"b{orientation.bailleur_id}", part.libelle))
        else:
            convention = ctx.conventions[part.reservataire]
            choix.append(
                (
                    f"c{convention.pk}",
                    f"{part.libelle} (part {services.format_decimal(convention.part) + ' %' if convention.part is not None else str(convention.nombre_logements) + ' logements par an'})",
                )
            )
    return choix


def _cible(valeur: str, orientation: Orientation) -> ConventionReservation | Organisation:
    if valeur.startswith("b"):
        return orientation.bailleur
    return get_object_or_404(ConventionReservation, pk=int(valeur[1:]), bailleur_id=orientation.bailleur_id)


@require_http_methods(["GET", "POST"])
def logement_libere(request: HttpRequest, pk: int) -> HttpResponse:
    ll = selectors.logement_libere_visible(acteur_de(request.user), pk)
    orientation = ll.orientation
    gere = permissions.peut_gerer(acteur_de(request.user), ll.bailleur_id)
    peut_deroger = bool(gere and orientation is not None and orientation.statut == StatutOrientation.A_PROPOSER)
    if request.method == "POST":
        exiger(peut_deroger)
    form = None
    if peut_deroger and orientation is not None:
        form = DerogationForm(donnees_postees(request), choix=_choix_derogation(orientation), prefix="derogation")
        if request.method == "POST" and form.is_valid():
            try:
                nouvelle = services.orientation_forcer(
                    orientation=orientation,
                    reservataire=_cible(form.cleaned_data["reservataire"], orientation),
                    motif=form.cleaned_data["motif"],
                    auteur=acteur_de(request.user),
                )
            except ValidationError as exc:
                placer_erreurs(exc, form)
            else:
                messages.success(request, f"Dérogation enregistrée : logement orienté vers {nouvelle.libelle}.")
                return redirect("flux:logement_libere", pk=ll.pk)
    jour = timezone.localdate()
    return render(
        request,
        "flux/logement_libere.html",
        {
            "ll": ll,
            "orientation": orientation,
            "historique": selectors.historique_orientations(ll),
            "form": form,
            "erreurs": resume_erreurs([form]) if form is not None else [],
            "peut_proposer": orientation is not None
            and permissions.peut_proposer(acteur_de(request.user), orientation),
            "peut_constater": bool(
                gere
                and orientation is not None
                and orientation.statut == StatutOrientation.A_PROPOSER
                and orientation.date_limite_proposition is not None
                and orientation.date_limite_proposition < jour
            ),
            "echeance_depassee": orientation is not None
            and orientation.date_limite_proposition is not None
            and orientation.date_limite_proposition < jour,
            "voit_bailleur": permissions.voit_bailleur(acteur_de(request.user), ll.bailleur_id),
            "choix": choix_du_logement(ll),
        },
    )


@require_http_methods(["GET", "POST"])
def candidats(request: HttpRequest, pk: int) -> HttpResponse:
    """« Proposer des candidats »: the réservataire chooses its households on the dwelling's shortlist (ranks and
    comments, decision 0037); this address, kept for the links already sent, leads there."""
    orientation = selectors.orientation_visible(acteur_de(request.user), pk)
    exiger(permissions.peut_proposer(acteur_de(request.user), orientation))
    return redirect(reverse("rapprochement:preselection", args=[orientation.logement_libere_id]) + "#choix")


@require_http_methods(["GET", "POST"])
def echeance(request: HttpRequest, pk: int) -> HttpResponse:
    orientation = selectors.orientation_visible(acteur_de(request.user), pk)
    jour = timezone.localdate()
    exiger(
        permissions.peut_gerer(acteur_de(request.user), orientation.bailleur_id)
        and orientation.actuelle
        and orientation.statut == StatutOrientation.A_PROPOSER
        and orientation.date_limite_proposition is not None
        and orientation.date_limite_proposition < jour
    )
    form = EcheanceForm(donnees_postees(request), prefix="echeance")
    if request.method == "POST" and form.is_valid():
        try:
            echue = services.orientation_constater_echeance(orientation=orientation, auteur=acteur_de(request.user))
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(request, echue.raison_echec)
            return redirect("flux:logement_libere", pk=orientation.logement_libere_id)
    return render(
        request,
        "flux/echeance.html",
        {
            "orientation": orientation,
            "ll": orientation.logement_libere,
            "form": form,
            "erreurs": resume_erreurs([form]),
        },
    )
