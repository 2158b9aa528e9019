"""Screens of the cotation: grids and versions, import and YAML download, the form-based editor,
publication with its progress, re-scoring, ranked lists, simulation before adoption and its PDF report.

Views translate HTTP into calls: reads through ``selectors``, writes through ``services``. A grid,
version or action outside the user's rights answers 404, like a missing page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.common.forms import resume_erreurs
from attrib.cotation import controle, permissions, selectors, services, travaux
from attrib.cotation.calcul import demandes_du_territoire
from attrib.cotation.enums import StatutVersion, TypeGrille
from attrib.cotation.forms import (
    CritereForm,
    EnteteForm,
    ImportGrilleForm,
    SectionForm,
    placer_erreurs_grille,
)
from attrib.cotation.models import TacheCotation, VersionGrille
from attrib.demandes.comptes import PaginateurCompte
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation

PAR_PAGE = 50
TOP_N_DEFAUT = 10
TOP_N_MAX = 200


def _exiger(condition: bool) -> None:
    """An action the user may not take looks exactly like a page that does not exist."""
    if not condition:
        raise Http404("Page introuvable.")


def _donnees(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def etat_tache(tache: TacheCotation | None) -> dict[str, Any]:
    """What the progress screens show of a run (JSON)."""
    if tache is None:
        return {"id": 0}
    return {
        "id": tache.pk,
        "statut": tache.statut,
        "statut_libelle": tache.get_statut_display(),
        "etape": tache.etape,
        "etapes": TacheCotation.ETAPES,
        "libelle_etape": tache.libelle_etape,
        "faites": tache.faites,
        "total": tache.total,
        "pourcentage": tache.pourcentage,
        "message": tache.message,
        "url": reverse("cotation:tache", args=[tache.pk]),
    }


def _derniere_tache(organisation_id: int) -> TacheCotation | None:
    return TacheCotation.objects.filter(organisation_id=organisation_id).order_by("-creee_le", "-id").first()


# --- grids -----------------------------------------------------------------------------------------


@require_GET
def grilles(request: HttpRequest) -> HttpResponse:
    user = request.user
    geres = permissions.epcis_geres(acteur_de(user))
    lignes = selectors.grilles_visibles(user)
    suivies = sorted(
        {g.organisation_id for g, _ in lignes if permissions.peut_suivre(acteur_de(user), g.organisation_id)}
    )
    recalculables = [
        (org, _derniere_tache(org.pk))
        for org in geres
        if VersionGrille.objects.filter(grille__organisation=org, statut=StatutVersion.PUBLIEE).exists()
    ]
    return render(
        request,
        "cotation/grilles.html",
        {
            "lignes": lignes,
            "peut_importer": bool(geres),
            "recalculables": recalculables,
            "taches": selectors.taches_recentes(suivies),
        },
    )


@require_http_methods(["GET", "POST"])
def importer(request: HttpRequest) -> HttpResponse:
    epcis = permissions.epcis_geres(acteur_de(request.user))
    _exiger(bool(epcis))
    form = ImportGrilleForm(
        _donnees(request), request.FILES if request.method == "POST" else None, epcis=epcis, prefix="import"
    )
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        try:
            version = services.grille_importer_yaml(
                organisation=form.cleaned_data["organisation"],
                type_grille=form.cleaned_data["type_grille"],
                contenu=fichier.read(),
                nom_fichier=fichier.name,
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            for cle, textes in erreurs.items():
                for texte in textes:
                    form.add_error(cle if cle in form.fields else None, texte)
        else:
            n = len(version.avertissements)
            messages.success(
                request,
                f"Version {version.numero} importée comme brouillon"
                + (f" ; {n} avertissement{'s' if n > 1 else ''} à examiner." if n else "."),
            )
            return redirect("cotation:version", pk=version.pk)
    return render(request, "cotation/importer.html", {"form": form, "erreurs": resume_erreurs([form])})


# --- versions --------------------------------------------------------------------------------------


@require_GET
def version(request: HttpRequest, pk: int) -> HttpResponse:
    v = selectors.version_visible(request.user, pk)
    organisation_id = v.grille.organisation_id
    return render(
        request,
        "cotation/version.html",
        {
            "version": v,
            "sections": selectors.sections_affichees(v),
            "peut_gerer": permissions.peut_gerer(acteur_de(request.user), organisation_id),
            "peut_suivre": permissions.peut_suivre(acteur_de(request.user), organisation_id),
            "autres": v.grille.versions.exclude(pk=v.pk).order_by("-numero"),
            # The calculation's page is for those who follow the grid's organisation (a link others could
            # not open would answer 404).
            "tache": selectors.derniere_tache(v)
            if permissions.peut_suivre(acteur_de(request.user), organisation_id)
            else None,
            "nb_cotations": v.cotations.count(),
        },
    )


@require_GET
def version_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    v = selectors.version_visible(request.user, pk)
    nom, contenu = services.grille_exporter_yaml(version=v)
    reponse = HttpResponse(contenu, content_type="application/yaml; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


def _version_geree(request: HttpRequest, pk: int) -> VersionGrille:
    v = selectors.version_visible(request.user, pk)
    _exiger(permissions.peut_gerer(acteur_de(request.user), v.grille.organisation_id))
    return v


@require_POST
def version_copier(request: HttpRequest, pk: int) -> HttpResponse:
    v = _version_geree(request, pk)
    copie = services.version_copier(version=v, auteur=acteur_de(request.user))
    messages.success(request, f"Brouillon {copie.numero} créé à partir de la version {v.numero}.")
    return redirect("cotation:editeur", pk=copie.pk)


@require_POST
def version_supprimer(request: HttpRequest, pk: int) -> HttpResponse:
    v = _version_geree(request, pk)
    try:
        services.version_supprimer(version=v, auteur=acteur_de(request.user))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cotation:version", pk=v.pk)
    messages.success(request, f"Brouillon {v.numero} supprimé.")
    return redirect("cotation:grilles")


@require_http_methods(["GET", "POST"])
def publier(request: HttpRequest, pk: int) -> HttpResponse:
    v = _version_geree(request, pk)
    _exiger(v.est_brouillon)
    if request.method == "POST":
        # The worker publishes and re-scores; the job's page shows the progress, then the result.
        return redirect("taches:travail", pk=travaux.publication_lancer(version=v, user=request.user).pk)
    return render(
        request,
        "cotation/publier.html",
        {
            "version": v,
            "publiee": v.grille.version_publiee,
            "nb_demandes": demandes_du_territoire(v.grille.organisation).count(),
            "future": v.date_effet > timezone.localdate(),
            "controle": controle.controler(v, jour=timezone.localdate()),
        },
    )


@require_POST
def recalculer(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_pk, type=TypeOrganisation.EPCI)
    _exiger(permissions.peut_gerer(acteur_de(request.user), organisation))
    return redirect("taches:travail", pk=travaux.recotation_lancer(organisation=organisation, user=request.user).pk)


@require_GET
def progression(request: HttpRequest, organisation_pk: int) -> JsonResponse:
    """The latest run of the EPCI (the publication and re-scoring screens poll it)."""
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    _exiger(permissions.peut_suivre(acteur_de(request.user), organisation))
    return JsonResponse(etat_tache(_derniere_tache(organisation.pk)))


@require_GET
def tache(request: HttpRequest, pk: int) -> HttpResponse:
    t = selectors.tache_visible(request.user, pk)
    return render(request, "cotation/tache.html", {"tache": t, "etat": etat_tache(t)})


@require_GET
def tache_etat(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(etat_tache(selectors.tache_visible(request.user, pk)))


# --- editor ----------------------------------------------------------------------------------------


def _brouillon(request: HttpRequest, pk: int) -> VersionGrille:
    v = _version_geree(request, pk)
    _exiger(v.est_brouillon)
    return v


def _contexte_editeur(v: VersionGrille, **autres: Any) -> dict[str, Any]:
    return {"version": v, "sections": selectors.sections_affichees(v), **autres}


@require_http_methods(["GET", "POST"])
def editeur(request: HttpRequest, pk: int) -> HttpResponse:
    v = _brouillon(request, pk)
    doc = services.document(v)
    form = EnteteForm(_donnees(request), initial=EnteteForm.initial_de(doc), prefix="entete")
    if request.method == "POST" and form.is_valid():
        try:
            services.entete_modifier(version=v, donnees=form.cleaned_data, auteur=acteur_de(request.user))
        except ValidationError as exc:
            placer_erreurs_grille(exc, form, "")
        else:
            messages.success(request, "En-tête de la grille enregistré.")
            return redirect("cotation:editeur", pk=v.pk)
    return render(
        request,
        "cotation/editeur.html",
        _contexte_editeur(
            v, form=form, erreurs=resume_erreurs([form]), controle=controle.controler(v, jour=timezone.localdate())
        ),
    )


@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, pk: int, section_id: str) -> HttpResponse:
    v = _brouillon(request, pk)
    doc = services.document(v)
    try:
        i = services.position_section(doc, section_id)
    except ValidationError:
        raise Http404("Section introuvable.") from None
    form = SectionForm(_donnees(request), initial=SectionForm.initial_de(doc["sections"][i]), prefix="section")
    if request.method == "POST" and form.is_valid():
        try:
            services.section_modifier(
                version=v, section_id=section_id, donnees=form.cleaned_data, auteur=acteur_de(request.user)
            )
        except ValidationError as exc:
            placer_erreurs_grille(exc, form, f"sections[{i}]")
        else:
            messages.success(request, f"Section « {form.cleaned_data['libelle']} » enregistrée.")
            return redirect("cotation:editeur", pk=v.pk)
    return render(
        request,
        "cotation/section.html",
        {"version": v, "section": doc["sections"][i], "form": form, "erreurs": resume_erreurs([form])},
    )


def _valeurs_nommees(doc: dict[str, Any]) -> list[str]:
    return [str(val["id"]) for val in doc.get("valeurs") or ()]


def _critere(request: HttpRequest, v: VersionGrille, section_id: str, critere_id: str | None) -> HttpResponse:
    doc = services.document(v)
    try:
        if critere_id is None:
            i = services.position_section(doc, section_id)
            j = len(doc["sections"][i]["criteres"])
            existant = None
        else:
            i, j = services.position_critere(doc, critere_id)
            existant = doc["sections"][i]["criteres"][j]
    except ValidationError:
        raise Http404("Critère introuvable.") from None
    section_doc = doc["sections"][i]
    if request.method == "POST" and request.POST.get("action") == "supprimer" and critere_id is not None:
        try:
            services.critere_supprimer(version=v, critere_id=critere_id, auteur=acteur_de(request.user))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"Suppression refusée : {message}")
            return redirect("cotation:critere", pk=v.pk, critere_id=critere_id)
        messages.success(request, f"Critère « {critere_id} » supprimé.")
        return redirect("cotation:editeur", pk=v.pk)
    form = CritereForm(_donnees(request), existant=existant, valeurs_nommees=_valeurs_nommees(doc), prefix="critere")
    if request.method == "POST" and form.is_valid():
        try:
            services.critere_enregistrer(
                version=v,
                section_id=section_doc["id"],
                critere_id=critere_id,
                donnees=form.critere_donnees,
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            placer_erreurs_grille(exc, form, f"sections[{i}].criteres[{j}]")
        else:
            messages.success(request, f"Critère « {form.critere_donnees['libelle']} » enregistré.")
            return redirect("cotation:editeur", pk=v.pk)
    return render(
        request,
        "cotation/critere.html",
        {
            "version": v,
            "section": section_doc,
            "critere": existant,
            "form": form,
            "erreurs": resume_erreurs([form]),
        },
    )


@require_http_methods(["GET", "POST"])
def critere(request: HttpRequest, pk: int, critere_id: str) -> HttpResponse:
    v = _brouillon(request, pk)
    return _critere(request, v, "", critere_id)


@require_http_methods(["GET", "POST"])
def critere_ajouter(request: HttpRequest, pk: int, section_id: str) -> HttpResponse:
    v = _brouillon(request, pk)
    return _critere(request, v, section_id, None)


# --- ranked lists ----------------------------------------------------------------------------------


def _entier(texte: str | None, defaut: int, minimum: int, maximum: int) -> int:
    try:
        return min(maximum, max(minimum, int(texte or defaut)))
    except ValueError:
        return defaut


@require_GET
def classement(request: HttpRequest) -> HttpResponse:
    versions = list(selectors.versions_classables())
    choisie = None
    if versions:
        pk = request.GET.get("version", "")
        choisie = next((v for v in versions if str(v.pk) == pk), versions[0])
    typologie = _entier(request.GET.get("typologie"), 2, 1, 6)
    secteur = request.GET.get("secteur", "").strip()
    secteurs: list[tuple[str, str]] = []
    page = None
    if choisie is not None:
        secteurs = selectors.secteurs_classes(choisie)
        if secteur not in {s for s, _ in secteurs}:
            secteur = ""
        qs = selectors.classement(request.user, version=choisie, typologie=typologie, secteur=secteur or None)
        # Counted once per state of the demands and of the scores (attrib.demandes.comptes).
        page = PaginateurCompte(qs, PAR_PAGE, fraicheur=selectors.fraicheur_cotations).get_page(request.GET.get("page"))
    return render(
        request,
        "cotation/classement.html",
        {
            "versions": versions,
            "choisie": choisie,
            "typologie": typologie,
            "typologies": [(t, "T6 et plus" if t == 6 else f"T{t}") for t in range(1, 7)],
            "secteur": secteur,
            "secteur_nom": dict(secteurs).get(secteur, ""),
            "secteurs": secteurs,
            "page": page,
            "TypeGrille": TypeGrille,
        },
    )


# --- simulation ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def simuler(request: HttpRequest, pk: int) -> HttpResponse:
    """The simulation's settings; posted, the worker computes it and its job's page shows it (it reads every
    demand of the EPCI: never inside the request)."""
    v = selectors.version_suivie(request.user, pk)
    donnees = request.POST if request.method == "POST" else request.GET
    top_n = _entier(donnees.get("top"), TOP_N_DEFAUT, 1, TOP_N_MAX)
    if request.method == "POST":
        travail = travaux.simulation_lancer(version=v, top_n=top_n, user=request.user)
        return redirect("taches:travail", pk=travail.pk)
    return render(request, "cotation/simulation.html", {"version": v, "top_n": top_n})


@require_GET
def simulation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report for the CIL is written by the worker; its page offers the PDF when it is ready."""
    v = selectors.version_suivie(request.user, pk)
    top_n = _entier(request.GET.get("top"), TOP_N_DEFAUT, 1, TOP_N_MAX)
    travail = travaux.simulation_pdf_lancer(version=v, top_n=top_n, user=request.user)
    return redirect("taches:travail", pk=travail.pk)
