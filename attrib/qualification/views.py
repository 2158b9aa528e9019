"""Screens of the rating campaigns: list, dashboard, rater page (bulk notes, Excel round-trip), close,
harmonisation agenda and agreed notes, results exports, a residence's ratings across campaigns and its
flag "à enjeux prioritaires de mixité sociale".

Views translate HTTP into calls: reads through ``selectors``, writes through ``services``. A campaign,
residence or action outside the user's rights answers 404, like a missing page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from attrib.common.forms import resume_erreurs
from attrib.common.limites import limite_debit
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs, reponse_fichier
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Residence
from attrib.patrimoine.selectors import residence_visible
from attrib.qualification import permissions, resultats, selectors, services, travaux
from attrib.qualification.enums import Partie
from attrib.qualification.forms import (
    CampagneForm,
    ClotureForm,
    EnjeuMixiteForm,
    HarmonisationForm,
    ImportNotationsForm,
    NotationsForm,
)
from attrib.qualification.models import Campagne, Notation, NoteHarmonisee, ResultatResidence
from attrib.qualification.parametres import parametres

PAR_PAGE_NOTATION = 50
PAR_PAGE_AGENDA = 100


# --- campaigns ----------------------------------------------------------------------------------


@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "qualification/liste.html",
        {
            "campagnes": selectors.campagnes_visibles(request.user),
            "peut_ouvrir": permissions.peut_ouvrir_campagne(acteur_de(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
def ouvrir(request: HttpRequest) -> HttpResponse:
    epcis = permissions.epcis_pilotables(acteur_de(request.user))
    exiger(bool(epcis))
    communes: dict[str, Any] = {}
    for epci in epcis:
        communes.update({c.code_insee: c for c in permissions.communes_du_territoire_epci(epci)})
    form = CampagneForm(
        donnees_postees(request),
        epcis=epcis,
        communes=sorted(communes.values(), key=lambda c: c.nom),
        prefix="campagne",
    )
    if request.method == "POST" and form.is_valid():
        try:
            campagne = services.campagne_ouvrir(
                organisation=form.cleaned_data["organisation"],
                annee=form.cleaned_data["annee"],
                date_limite=form.cleaned_data["date_limite"],
                communes=form.cleaned_data["communes"],
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(
                request, f"Campagne {campagne.annee} ouverte : les communes et les bailleurs peuvent noter."
            )
            return redirect("qualification:campagne", pk=campagne.pk)
    return render(request, "qualification/ouvrir.html", {"form": form, "erreurs": resume_erreurs([form])})


@require_GET
def campagne(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.campagne_visible(request.user, pk)
    contexte: dict[str, Any] = {
        "campagne": c,
        "avancement": selectors.avancement(c),
        "mes_organisations": selectors.organisations_notatrices(acteur_de(request.user), c),
        "peut_piloter": permissions.peut_piloter(acteur_de(request.user), c),
        "communes": c.communes.order_by("nom"),
    }
    if c.est_close:
        par_statut = selectors.comptes_par_statut(c)
        contexte.update(
            {
                "indicateurs": selectors.indicateurs(c),
                "par_statut": par_statut,
                "nb_harmonisees": selectors.nb_harmonisees(c),
                "nb_divergentes": par_statut["divergent"],
            }
        )
    return render(request, "qualification/campagne.html", contexte)


@require_http_methods(["GET", "POST"])
def cloturer(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.campagne_visible(request.user, pk)
    exiger(c.est_ouverte and permissions.peut_piloter(acteur_de(request.user), c))
    form = ClotureForm(donnees_postees(request), prefix="cloture")
    if request.method == "POST" and form.is_valid():
        try:
            resume = services.campagne_cloturer(campagne=c, auteur=acteur_de(request.user))
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(request, f"Campagne {c.annee} close. {resume}")
            return redirect("qualification:campagne", pk=c.pk)
    return render(
        request,
        "qualification/cloturer.html",
        {
            "campagne": c,
            "form": form,
            "erreurs": resume_erreurs([form]),
            "avancement": selectors.avancement(c),
            "avant_date_limite": c.date_limite > timezone.localdate(),
        },
    )


# --- rater page ---------------------------------------------------------------------------------


def _notateur(request: HttpRequest, pk: int, organisation_pk: int) -> tuple[Campagne, Organisation]:
    c = selectors.campagne_visible(request.user, pk)
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    exiger(
        permissions.partie_de(organisation) is not None
        and permissions.peut_voir_notation(acteur_de(request.user), organisation)
    )
    return c, organisation


@require_http_methods(["GET", "POST"])
def notation(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    c, organisation = _notateur(request, pk, organisation_pk)
    peut_noter = permissions.peut_noter(acteur_de(request.user), c, organisation)
    non_notees = request.GET.get("non_notees") == "oui"
    recherche = request.GET.get("q", "").strip()
    toutes = selectors.lignes_notation(c, organisation)
    lignes = selectors.lignes_notation(c, organisation, non_notees=non_notees, recherche=recherche)
    if request.method == "POST":
        exiger(peut_noter)
        # An identifier holds in a 64-bit column: longer digit strings (typed or forged) name no residence.
        ids = [int(v) for v in request.POST.getlist("residences") if v.isascii() and v.isdigit() and len(v) <= 18]
        residences = list(toutes.filter(pk__in=ids))
        page = None
    else:
        page = Paginator(lignes, PAR_PAGE_NOTATION).get_page(request.GET.get("page"))
        residences = list(page.object_list)
    form = NotationsForm(donnees_postees(request), residences=residences, prefix="notation")
    if request.method == "POST" and form.is_valid():
        try:
            comptes = services.notations_enregistrer(
                campagne=c, organisation=organisation, saisies=form.saisies_modifiees(), auteur=acteur_de(request.user)
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            changees = comptes["creee"] + comptes["modifiee"] + comptes["retiree"]
            messages.success(
                request,
                f"{changees} note{'s' if changees > 1 else ''} enregistrée{'s' if changees > 1 else ''} "
                f"({comptes['creee']} nouvelle{'s' if comptes['creee'] > 1 else ''}, {comptes['modifiee']} modifiée{'s' if comptes['modifiee'] > 1 else ''}, "
                f"{comptes['retiree']} retirée{'s' if comptes['retiree'] > 1 else ''}).",
            )
            return redirect(request.get_full_path())
    if page is None:
        page = Paginator(residences, max(len(residences), 1)).get_page(1)
    autres: dict[int, int | None] = {}
    if c.est_close:
        champ = "note_bailleur" if permissions.partie_de(organisation) == Partie.COMMUNE else "note_commune"
        autres = dict(
            ResultatResidence.objects.filter(campagne=c, residence__in=[r.pk for r in residences]).values_list(
                "residence_id", champ
            )
        )
    total = toutes.count()
    notees = toutes.filter(ma_note__isnull=False).count()  # type: ignore[misc]
    return render(
        request,
        "qualification/notation.html",
        {
            "campagne": c,
            "organisation": organisation,
            "partie": permissions.partie_de(organisation),
            "form": form,
            "lignes": [(r, note, com, autres.get(r.pk)) for r, note, com in form.lignes()],
            "page": page,
            "peut_noter": peut_noter,
            "non_notees": non_notees,
            "recherche": recherche,
            "total": total,
            "notees": notees,
            "erreurs": resume_erreurs([form]),
            "libelles_notes": parametres().choix_notes(),
        },
    )


@require_GET
@limite_debit("export")
def notation_export(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    c, organisation = _notateur(request, pk, organisation_pk)
    contenu = services.notations_exporter_excel(campagne=c, organisation=organisation, auteur=acteur_de(request.user))
    return reponse_fichier(contenu, f"notation-{c.annee}-{organisation.pk}.xlsx", services.TYPE_XLSX)


@require_http_methods(["GET", "POST"])
def notation_import(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    c, organisation = _notateur(request, pk, organisation_pk)
    exiger(permissions.peut_noter(acteur_de(request.user), c, organisation))
    form = ImportNotationsForm(
        donnees_postees(request), request.FILES if request.method == "POST" else None, prefix="import"
    )
    if request.method == "POST" and form.is_valid():
        # The worker imports; the job's page shows the progress, then the report line by line.
        fichier = form.cleaned_data["fichier"]
        fichier.seek(0)
        travail = travaux.import_lancer(
            user=request.user,
            campagne=c,
            organisation=organisation,
            nom_fichier=fichier.name,
            contenu=fichier,
            tout_ou_rien=form.cleaned_data["tout_ou_rien"],
        )
        return redirect("taches:travail", pk=travail.pk)
    return render(
        request,
        "qualification/notation_import.html",
        {"campagne": c, "organisation": organisation, "form": form, "erreurs": resume_erreurs([form])},
    )


# --- after the close ----------------------------------------------------------------------------


def _campagne_close(request: HttpRequest, pk: int) -> Campagne:
    c = selectors.campagne_visible(request.user, pk)
    exiger(c.est_close)
    return c


@require_GET
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campagne_close(request, pk)
    page = Paginator(selectors.agenda(c), PAR_PAGE_AGENDA).get_page(request.GET.get("page"))
    return render(
        request,
        "qualification/agenda.html",
        {
            "campagne": c,
            "page": page,
            "peut_piloter": permissions.peut_piloter(acteur_de(request.user), c),
            "nb_harmonisees": selectors.nb_harmonisees(c),
        },
    )


@require_http_methods(["GET", "POST"])
def harmoniser(request: HttpRequest, pk: int, residence_pk: int) -> HttpResponse:
    c = _campagne_close(request, pk)
    exiger(permissions.peut_piloter(acteur_de(request.user), c))
    resultat = selectors.resultat_agenda(c, residence_pk)
    residence = resultat.residence
    notations = list(Notation.objects.filter(campagne=c, residence=residence).select_related("organisation"))
    organisations = [n.organisation for n in notations]
    if residence.bailleur is not None and residence.bailleur not in organisations:
        organisations.append(residence.bailleur)
    organisations.append(c.organisation)
    existante = NoteHarmonisee.objects.filter(campagne=c, residence=residence).first()
    initial: dict[str, Any] = {"organisations": [n.organisation_id for n in notations]}
    if existante is not None:
        initial = {
            "note": str(existante.note),
            "organisations": list(existante.organisations.values_list("pk", flat=True)),
            "participants": existante.participants,
            "motif": existante.motif,
        }
    form = HarmonisationForm(
        donnees_postees(request), organisations=organisations, initial=initial, prefix="harmonisation"
    )
    if request.method == "POST" and form.is_valid():
        try:
            harmonisee = services.note_harmonisee_enregistrer(
                campagne=c,
                residence=residence,
                note=int(form.cleaned_data["note"]),
                participants=form.cleaned_data["participants"],
                motif=form.cleaned_data["motif"],
                organisations=form.cleaned_data["organisations"],
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(request, f"Note harmonisée {harmonisee.note} enregistrée pour {residence}.")
            return redirect("qualification:agenda", pk=c.pk)
    return render(
        request,
        "qualification/harmoniser.html",
        {
            "campagne": c,
            "resultat": resultat,
            "residence": residence,
            "notations": sorted(notations, key=lambda n: n.partie != Partie.COMMUNE),
            "existante": existante,
            "historique": [h for h in selectors.historique_residence(request.user, residence) if h.campagne.pk != c.pk],
            "form": form,
            "erreurs": resume_erreurs([form]),
            "peut_marquer": permissions.peut_marquer_enjeu(acteur_de(request.user), residence),
        },
    )


@require_GET
def resultats_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campagne_close(request, pk)
    return reponse_fichier(resultats.resultats_pdf(campagne=c), f"qualification-{c.annee}.pdf", "application/pdf")


@require_GET
def resultats_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campagne_close(request, pk)
    return reponse_fichier(
        resultats.resultats_exporter_excel(campagne=c, auteur=acteur_de(request.user)),
        f"qualification-{c.annee}.xlsx",
        services.TYPE_XLSX,
    )


# --- one residence ------------------------------------------------------------------------------


@require_GET
def residence(request: HttpRequest, residence_pk: int) -> HttpResponse:
    r = residence_visible(request.user, residence_pk)
    return render(
        request,
        "qualification/residence.html",
        {
            "residence": r,
            "historique": selectors.historique_residence(request.user, r),
            "enjeux": selectors.enjeux_de(r),
            "peut_marquer": permissions.peut_marquer_enjeu(acteur_de(request.user), r),
        },
    )


def _epci_agissant(user: Any, residence: Residence) -> Organisation | None:
    for org in permissions.epcis_pilotables(user):
        if permissions.communes_du_territoire_epci(org).filter(pk=residence.commune_id).exists():
            return org
    return None


@require_http_methods(["GET", "POST"])
def enjeu_mixite(request: HttpRequest, residence_pk: int) -> HttpResponse:
    r = residence_visible(request.user, residence_pk)
    exiger(permissions.peut_marquer_enjeu(acteur_de(request.user), r))
    campagne_pk = request.POST.get("campagne") or request.GET.get("campagne") or ""
    campagne_liee = (
        selectors.campagnes_visibles(request.user).filter(pk=int(campagne_pk)).first()
        if campagne_pk.isdigit()
        else None
    )
    form = EnjeuMixiteForm(donnees_postees(request), marquee=r.enjeu_mixite, prefix="enjeu")
    if request.method == "POST" and form.is_valid():
        try:
            services.enjeu_mixite_marquer(
                residence=r,
                marquee=form.cleaned_data["decision"] == "marquer",
                motif=form.cleaned_data["motif"],
                auteur=acteur_de(request.user),
                organisation=_epci_agissant(request.user, r),
                campagne=campagne_liee,
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            texte = (
                "marquée à enjeux prioritaires de mixité sociale"
                if form.cleaned_data["decision"] == "marquer"
                else "n'est plus marquée à enjeux"
            )
            messages.success(request, f"La résidence {r} est {texte}.")
            return redirect("qualification:residence", residence_pk=r.pk)
    return render(
        request,
        "qualification/enjeu_mixite.html",
        {"residence": r, "form": form, "erreurs": resume_erreurs([form]), "campagne_liee": campagne_liee},
    )
