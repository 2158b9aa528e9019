"""Screens of the agreements: list, form (new, change), detail with due vs delivered, import and export
(CSV, Excel), and the bailleur's arbitrage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.common import tableurs
from attrib.common.forms import resume_erreurs
from attrib.common.limites import limite_debit
from attrib.common.services import export_journaliser
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs, reponse_fichier
from attrib.flux import permissions, selectors, services, travaux
from attrib.flux.forms import ArbitrageForm, ConventionForm, ImportConventionsForm
from attrib.flux.models import ConventionReservation, Orientation, ReglageFlux
from attrib.flux.moteur import parametres_flux
from attrib.flux.views._commun import _annee, _communes_du_bailleur
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation


@require_GET
def conventions(request: HttpRequest) -> HttpResponse:
    acteur = acteur_de(request.user)
    exiger(permissions.peut_acceder(acteur))
    jour = timezone.localdate()
    par_bailleur: dict[int, dict[str, Any]] = {}
    for c in selectors.conventions_visibles(acteur).order_by("bailleur__nom", "-debut", "categorie"):
        entree = par_bailleur.setdefault(
            c.bailleur_id,
            {
                "bailleur": c.bailleur,
                "conventions": [],
                "total": 0,
                "territoriales": 0,
                "peut_gerer": permissions.peut_gerer(acteur, c.bailleur_id),
            },
        )
        entree["conventions"].append(c)
        if c.en_vigueur_le(jour) and c.part is not None:
            if c.territoire.all():
                entree["territoriales"] += 1
            else:
                entree["total"] += c.part
    geres = permissions.bailleurs_geres(acteur)
    arbitrages = {
        b.pk: ArbitrageForm(
            initial={"arbitrage": getattr(ReglageFlux.objects.filter(bailleur=b).first(), "arbitrage", "strates")},
            prefix=f"arbitrage-{b.pk}",
        )
        for b in geres
    }
    for entree in par_bailleur.values():
        entree["arbitrage"] = arbitrages.get(entree["bailleur"].pk)
    return render(
        request,
        "flux/conventions.html",
        {
            "groupes": list(par_bailleur.values()),
            "peut_creer": bool(geres),
            "jour": jour,
            "sans_convention": [(b, arbitrages[b.pk]) for b in geres if b.pk not in par_bailleur],
        },
    )


def _enregistrer_convention(
    request: HttpRequest, form: ConventionForm, convention: ConventionReservation | None
) -> ConventionReservation | None:
    d = form.cleaned_data
    try:
        return services.convention_enregistrer(
            bailleur=convention.bailleur if convention is not None else d["bailleur"],
            reservataire=d["reservataire"],
            categorie=d["categorie"],
            libelle=d.get("libelle") or "",
            part=d.get("part"),
            nombre_logements=d.get("nombre_logements"),
            communes=d.get("communes") or [],
            mixite=d.get("mixite") or [],
            delai_proposition_jours=d.get("delai_proposition_jours"),
            echec_compte=bool(d.get("echec_compte")),
            debut=d["debut"],
            fin=d.get("fin"),
            convention=convention,
            auteur=acteur_de(request.user),
        )
    except ValidationError as exc:
        placer_erreurs(exc, form)
        return None


@require_http_methods(["GET", "POST"])
def convention_nouvelle(request: HttpRequest) -> HttpResponse:
    bailleurs = permissions.bailleurs_geres(acteur_de(request.user))
    exiger(bool(bailleurs))
    form = ConventionForm(
        donnees_postees(request),
        bailleurs=bailleurs,
        communes=_communes_du_bailleur(bailleurs),
        initial={"echec_compte": True},
        prefix="convention",
    )
    if request.method == "POST" and form.is_valid():
        convention = _enregistrer_convention(request, form, None)
        if convention is not None:
            messages.success(request, f"Convention enregistrée : {convention.libelle_affiche}.")
            return redirect("flux:convention", pk=convention.pk)
    return render(
        request,
        "flux/convention_formulaire.html",
        {"form": form, "erreurs": resume_erreurs([form]), "convention": None},
    )


@require_http_methods(["GET", "POST"])
def convention_modifier(request: HttpRequest, pk: int) -> HttpResponse:
    convention = selectors.convention_visible(acteur_de(request.user), pk)
    exiger(permissions.peut_gerer(acteur_de(request.user), convention.bailleur_id))
    form = ConventionForm(
        donnees_postees(request),
        bailleurs=[convention.bailleur],
        communes=_communes_du_bailleur([convention.bailleur], convention),
        convention=convention,
        prefix="convention",
    )
    if request.method == "POST" and form.is_valid():
        enregistree = _enregistrer_convention(request, form, convention)
        if enregistree is not None:
            messages.success(request, f"Convention modifiée : {enregistree.libelle_affiche}.")
            return redirect("flux:convention", pk=enregistree.pk)
    return render(
        request,
        "flux/convention_formulaire.html",
        {"form": form, "erreurs": resume_erreurs([form]), "convention": convention},
    )


@require_GET
def convention(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.convention_visible(acteur_de(request.user), pk)
    annee = _annee(request, selectors.annees_avec_liberations(c.bailleur_id))
    annees = [
        a for a in selectors.annees_flux(c.bailleur_id) if a >= c.debut.year and (c.fin is None or a <= c.fin.year)
    ]
    if annee not in annees:
        annees = sorted({*annees, annee}, reverse=True)
    return render(
        request,
        "flux/convention.html",
        {
            "convention": c,
            "annee": annee,
            "annees": annees,
            "du_livre": selectors.du_livre(c, annee),
            "communes": list(c.territoire.order_by("nom")),
            "peut_gerer": permissions.peut_gerer(acteur_de(request.user), c.bailleur_id),
            "orientations": list(
                Orientation.objects.filter(
                    actuelle=True,
                    bailleur_id=c.bailleur_id,
                    reservataire_cle=c.cle,
                    logement_libere__date_liberation__year=annee,
                )
                .select_related("logement_libere__logement__residence", "logement_libere__commune")
                .order_by("-logement_libere__date_liberation", "-pk")[:20]
            ),
            "indicateur": selectors.indicateur_publics_prioritaires(
                annee=annee, reservataire=c.reservataire, bailleur=c.bailleur
            ),
            "delai_defaut": parametres_flux().delai_proposition_defaut(c.debut).jours,
        },
    )


@require_http_methods(["GET", "POST"])
def conventions_import(request: HttpRequest) -> HttpResponse:
    bailleurs = permissions.bailleurs_geres(acteur_de(request.user))
    exiger(bool(bailleurs))
    form = ImportConventionsForm(
        donnees_postees(request),
        request.FILES if request.method == "POST" else None,
        bailleurs=bailleurs,
        prefix="import",
    )
    if request.method == "POST" and form.is_valid():
        # The worker imports; the job's page shows the progress, then the report line by line.
        fichier = form.cleaned_data["fichier"]
        fichier.seek(0)
        travail = travaux.import_lancer(
            user=request.user, bailleur=form.cleaned_data["bailleur"], nom_fichier=fichier.name, contenu=fichier
        )
        return redirect("taches:travail", pk=travail.pk)
    return render(request, "flux/conventions_import.html", {"form": form, "erreurs": resume_erreurs([form])})


def _conventions_exportees(request: HttpRequest) -> tuple[list[ConventionReservation], str]:
    exiger(permissions.peut_acceder(acteur_de(request.user)))
    qs = selectors.conventions_visibles(acteur_de(request.user)).order_by("bailleur__nom", "debut", "categorie")
    bailleur = request.GET.get("bailleur", "")
    perimetre = "conventions visibles de l'agent"
    if bailleur.isdigit():
        qs = qs.filter(bailleur_id=int(bailleur))
        perimetre += f", bailleur n° {bailleur}"
    return list(qs.select_related("bailleur", "reservataire").prefetch_related("territoire")), perimetre


def _journaliser_conventions(
    request: HttpRequest, conventions: list[ConventionReservation], perimetre: str, format_fichier: str
) -> None:
    export_journaliser(
        objet=ConventionReservation,
        export="des conventions de réservation",
        format_fichier=format_fichier,
        lignes=len(conventions),
        auteur=request.user,
        perimetre=perimetre,
    )


@require_GET
@limite_debit("export")
def conventions_export_csv(request: HttpRequest) -> HttpResponse:
    conventions, perimetre = _conventions_exportees(request)
    contenu = services.conventions_exporter_csv(conventions=conventions)
    _journaliser_conventions(request, conventions, perimetre, "csv")
    return reponse_fichier(contenu, "conventions-flux.csv", tableurs.TYPE_CSV)


@require_GET
@limite_debit("export")
def conventions_export_xlsx(request: HttpRequest) -> HttpResponse:
    conventions, perimetre = _conventions_exportees(request)
    contenu = services.conventions_exporter_excel(conventions=conventions)
    _journaliser_conventions(request, conventions, perimetre, "xlsx")
    return reponse_fichier(contenu, "conventions-flux.xlsx", tableurs.TYPE_XLSX)


@require_POST
def arbitrage(request: HttpRequest, bailleur_pk: int) -> HttpResponse:
    bailleur = get_object_or_404(Organisation, pk=bailleur_pk, type=TypeOrganisation.BAILLEUR)
    exiger(permissions.peut_gerer(acteur_de(request.user), bailleur.pk))
    form = ArbitrageForm(request.POST, prefix=f"arbitrage-{bailleur.pk}")
    if form.is_valid():
        services.reglage_flux_enregistrer(
            bailleur=bailleur, arbitrage=form.cleaned_data["arbitrage"], auteur=acteur_de(request.user)
        )
        messages.success(request, f"Arbitrage du flux de {bailleur} enregistré.")
    else:
        messages.error(request, "Choisissez ce que le moteur garantit d'abord.")
    return redirect("flux:conventions")
