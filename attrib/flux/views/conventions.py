"""Screens of the gestion en flux: overview, agreements (list, form, import / export, due vs delivered),
declaring a freed dwelling and its orientation (with the override), the réservataire's queue, the
forecast, and the yearly reports.

Views translate HTTP into calls: reads through ``selectors``, writes through ``services``. Anything
outside the user's rights answers 404, like a missing page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.common import tableurs
from attrib.common.forms import resume_erreurs
from attrib.common.services import export_journaliser
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs, reponse_fichier
from attrib.engine import flux as moteur
from attrib.flux import bilan as exports_bilan
from attrib.flux import permissions, selectors, services
from attrib.flux.enums import StatutOrientation
from attrib.flux.forms import (
    ArbitrageForm,
    CandidatsForm,
    ConventionForm,
    DeclarationForm,
    DerogationForm,
    EcheanceForm,
    ImportConventionsForm,
    RechercheLogementForm,
)
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation, ReglageFlux
from attrib.flux.moteur import ConventionsBailleur, contexte_orientation, parametres_flux
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.models import Logement
from attrib.territoires.models import Commune

PAR_PAGE = 50


def _annee(request: HttpRequest, annees: list[int] | None = None) -> int:
    """The year asked for; by default the current one, or the latest with freed dwellings when the
    current year has none yet (``annees``: years with data, latest first)."""
    brut = request.GET.get("annee", "")
    if brut.isascii() and brut.isdigit() and len(brut) == 4 and 2000 <= int(brut) <= 2100:
        return int(brut)
    courante = timezone.localdate().year
    if annees and courante not in annees:
        passees = [a for a in annees if a < courante]
        if passees:
            return passees[0]
    return courante


# --- overview -------------------------------------------------------------------------------------


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


# --- agreements -----------------------------------------------------------------------------------


def _communes_du_bailleur(
    bailleurs: list[Organisation], convention: ConventionReservation | None = None
) -> list[Commune]:
    codes: set[str] = set()
    for b in bailleurs:
        codes |= ConventionsBailleur(b, []).communes_du_parc()
        if b.epci_id:
            codes |= set(Commune.objects.filter(epci_id=b.epci_id).values_list("code_insee", flat=True))
    if convention is not None:
        codes |= set(convention.territoire.values_list("code_insee", flat=True))
    return list(Commune.objects.filter(code_insee__in=codes).order_by("nom"))


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
    rapport = None
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        try:
            rapport = services.conventions_importer(
                bailleur=form.cleaned_data["bailleur"],
                fichier=fichier.read(),
                nom_fichier=fichier.name,
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            if not rapport.annule:
                messages.success(request, rapport.resume())
    return render(
        request,
        "flux/conventions_import.html",
        {"form": form, "rapport": rapport, "erreurs": resume_erreurs([form])},
    )


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
def conventions_export_csv(request: HttpRequest) -> HttpResponse:
    conventions, perimetre = _conventions_exportees(request)
    contenu = services.conventions_exporter_csv(conventions=conventions)
    _journaliser_conventions(request, conventions, perimetre, "csv")
    return reponse_fichier(contenu, "conventions-flux.csv", tableurs.TYPE_CSV)


@require_GET
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


# --- freed dwellings ------------------------------------------------------------------------------


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
        },
    )


@require_http_methods(["GET", "POST"])
def candidats(request: HttpRequest, pk: int) -> HttpResponse:
    orientation = selectors.orientation_visible(acteur_de(request.user), pk)
    exiger(permissions.peut_proposer(acteur_de(request.user), orientation))
    form = CandidatsForm(donnees_postees(request), prefix="candidats")
    if request.method == "POST" and form.is_valid():
        try:
            services.orientation_candidats_proposer(
                orientation=orientation,
                nombre_candidats=form.cleaned_data["nombre_candidats"],
                commentaire=form.cleaned_data.get("commentaire") or "",
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(request, "Proposition de candidats enregistrée ; le bailleur en est informé.")
            return redirect("flux:file")
    return render(
        request,
        "flux/candidats.html",
        {
            "orientation": orientation,
            "ll": orientation.logement_libere,
            "form": form,
            "erreurs": resume_erreurs([form]),
        },
    )


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


# --- réservataires --------------------------------------------------------------------------------


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


# --- forecast -------------------------------------------------------------------------------------


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


# --- yearly reports -------------------------------------------------------------------------------


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
