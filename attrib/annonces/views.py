"""Staff screens of location voulue (``/annonces/``): the rules of each bailleur × réservataire pair with their
progress this year, the freed dwellings waiting to be advertised, the draft advert (text, public, photos, preview),
its publication and withdrawal, the follow-up of an advert (timeline, committed draw, ranking, presentation to a
session of the commission, outcome) and the list of adverts.

Who: the bailleur's managers write; the réservataire whose flux an advert belongs to follows it (and creates it when
the rapprochement lets it designate the dwelling's candidates); the EPCI reads. Anything refused answers 404, like
a missing page; every write goes through ``attrib.annonces.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.annonces import permissions, selectors, selectors_ecrans, services
from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.forms import (
    FLUX_BAILLEUR,
    AnnonceForm,
    FiltresAnnoncesForm,
    PhotoForm,
    PresentationForm,
    RegleForm,
    RetraitAnnonceForm,
)
from attrib.annonces.models import Annonce, PhotoAnnonce, RegleLocationVoulue
from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs
from attrib.flux import permissions as flux_permissions
from attrib.flux import selectors as flux_selectors
from attrib.flux.models import Orientation
from attrib.organisations.acteurs import Acteur, Refus, acteur_de
from attrib.rapprochement import permissions as rapprochement_permissions
from attrib.rapprochement.selectors import seances_prevues

PAR_PAGE = 50


def _acteur(request: HttpRequest) -> Acteur:
    return acteur_de(request.user)


def peut_acceder(acteur: Acteur) -> bool:
    """The section (menu entry, lists): members of a bailleur, of a réservataire or of an EPCI — the rapprochement's
    public. (The menu passes its ``User``: it is read as its actor.)"""
    return rapprochement_permissions.peut_acceder(acteur_de(acteur))


def _annonce(acteur: Acteur, pk: int) -> Annonce:
    """An advert of the section: its own (drafts included) to its bailleur and réservataire, the published ones to
    every member of the section; 404 otherwise."""
    exiger(peut_acceder(acteur))
    return selectors.annonce_visible(acteur, pk)


def _refus_ou_erreur(exc: ValidationError | PermissionDenied, form: Any) -> None:
    """A service's refusal of the actor (``Refus``) answers 404 like the pages do; its ``ValidationError`` goes to
    the form's fields."""
    if isinstance(exc, PermissionDenied):
        raise Http404("Page introuvable.") from exc
    placer_erreurs(exc, form)


# --- 1. rules of the pairs ---------------------------------------------------------------------------------------


@require_GET
def regles(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    exiger(peut_acceder(acteur))
    jour = timezone.localdate()
    liste = list(
        RegleLocationVoulue.objects.visible_to(acteur)
        .select_related("bailleur", "reservataire")
        .order_by("bailleur__nom", "reservataire__nom", "-debut", "-pk")
    )
    return render(
        request,
        "annonces/regles.html",
        {
            "lignes": selectors_ecrans.lignes_regles(liste, jour=jour),
            "annee": jour.year,
            "jour": jour,
            "peut_creer": bool(_bailleurs_regles(acteur)),
        },
    )


def _bailleurs_regles(acteur: Acteur) -> list[Any]:
    return [b for b in flux_permissions.bailleurs_geres(acteur) if permissions.peut_gerer_regles(acteur, b)]


@require_http_methods(["GET", "POST"])
def regle_nouvelle(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    bailleurs = _bailleurs_regles(acteur)
    exiger(bool(bailleurs))
    form = RegleForm(
        donnees_postees(request),
        bailleurs=bailleurs,
        reservataires=selectors_ecrans.reservataires_des_bailleurs(bailleurs),
        prefix="regle",
    )
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                regle = services.regle_enregistrer(
                    bailleur=d["bailleur"],
                    reservataire=d.get("reservataire"),
                    debut=d["debut"],
                    fin=d.get("fin"),
                    part=d["part"],
                    typologie_min=d.get("typologie_min"),
                    typologie_max=d.get("typologie_max"),
                    hors_qpv_seulement=bool(d.get("hors_qpv_seulement")),
                    financements=tuple(d.get("financements") or ()),
                    duree_publication_jours=d.get("duree_publication_jours"),
                    auteur=acteur,
                )
            except (ValidationError, PermissionDenied) as exc:
                _refus_ou_erreur(exc, form)
            else:
                pour = regle.reservataire.nom if regle.reservataire else "la part du bailleur"
                messages.success(request, f"Règle enregistrée : {regle.part} % du flux de {pour} en location voulue.")
                return redirect("annonces:regles")
        statut = 400
    return render(
        request,
        "annonces/regle_form.html",
        {"form": form, "erreurs": resume_erreurs([form])},
        status=statut,
    )


# --- 2. dwellings to advertise --------------------------------------------------------------------------------------


@require_GET
def a_publier(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    exiger(peut_acceder(acteur))
    jour = timezone.localdate()
    lignes = [
        {"ligne": ligne, "peut_creer": permissions.peut_creer_annonce(acteur, ligne.logement_libere)}
        for ligne in selectors.logements_a_publier(acteur, jour=jour)
    ]
    return render(request, "annonces/a_publier.html", {"lignes": lignes, "jour": jour})


@require_POST
def creer(request: HttpRequest, orientation_pk: int) -> HttpResponse:
    acteur = _acteur(request)
    orientation = get_object_or_404(
        Orientation.objects.visible_to(acteur).select_related("logement_libere"), pk=orientation_pk, actuelle=True
    )
    exiger(permissions.peut_creer_annonce(acteur, orientation.logement_libere))
    try:
        annonce = services.annonce_creer(orientation=orientation, auteur=acteur)
    except Refus:
        raise Http404("Page introuvable.") from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("annonces:a_publier")
    messages.success(
        request, f"Annonce {annonce.reference} créée en préparation : complétez son texte et ajoutez des photos."
    )
    return redirect("annonces:modifier", pk=annonce.pk)


# --- 3. the draft: text, public, photos, preview, publication, withdrawal --------------------------------------------


def _brouillon(request: HttpRequest, pk: int) -> tuple[Acteur, Annonce]:
    acteur = _acteur(request)
    annonce = _annonce(acteur, pk)
    exiger(annonce.statut == StatutAnnonce.BROUILLON and permissions.peut_gerer_annonce(acteur, annonce))
    return acteur, annonce


def _initial(annonce: Annonce) -> dict[str, Any]:
    return {
        "titre_annonce": annonce.titre,
        "description": annonce.description,
        "quartier": annonce.quartier,
        "public": annonce.public,
        "motif_public": annonce.motif_public,
    }


def _page_brouillon(
    request: HttpRequest, annonce: Annonce, form: AnnonceForm, photo: PhotoForm, statut: int = 200
) -> HttpResponse:
    return render(
        request,
        "annonces/modifier.html",
        {
            "annonce": annonce,
            "form": form,
            "photo_form": photo,
            "photos": list(annonce.photos.all()),
            "voit_logement_libere": _voit_logement_libere(acteur_de(request.user), annonce),
            "erreurs": resume_erreurs([form, photo]),
            "cloture_prevue": selectors_ecrans.cloture_si_publiee(annonce),
        },
        status=statut,
    )


@require_http_methods(["GET", "POST"])
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    acteur, annonce = _brouillon(request, pk)
    form = AnnonceForm(donnees_postees(request), initial=_initial(annonce), prefix="annonce")
    photo = PhotoForm(prefix="photo")
    if request.method == "POST":
        if form.is_valid():
            try:
                services.annonce_modifier(annonce=annonce, auteur=acteur, **form.champs_service())
            except (ValidationError, PermissionDenied) as exc:
                _refus_ou_erreur(exc, form)
            else:
                messages.success(request, "Annonce enregistrée.")
                return redirect("annonces:modifier", pk=annonce.pk)
        annonce.refresh_from_db()
        return _page_brouillon(request, annonce, form, photo, statut=400)
    return _page_brouillon(request, annonce, form, photo)


@require_POST
def photo_ajouter(request: HttpRequest, pk: int) -> HttpResponse:
    acteur, annonce = _brouillon(request, pk)
    photo = PhotoForm(request.POST, request.FILES, prefix="photo")
    if photo.is_valid():
        try:
            services.photo_ajouter(
                annonce=annonce,
                image=photo.cleaned_data["image"],
                texte_alternatif=photo.cleaned_data["texte_alternatif"],
                auteur=acteur,
            )
        except (ValidationError, PermissionDenied) as exc:
            _refus_ou_erreur(exc, photo)
        else:
            messages.success(request, "Photo ajoutée.")
            return redirect(reverse("annonces:modifier", args=[annonce.pk]) + "#photos")
    form = AnnonceForm(initial=_initial(annonce), prefix="annonce")
    return _page_brouillon(request, annonce, form, photo, statut=400)


@require_POST
def photo_retirer(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    acteur, annonce = _brouillon(request, pk)
    objet = get_object_or_404(PhotoAnnonce, pk=photo_pk, annonce=annonce)
    try:
        services.photo_retirer(photo=objet, auteur=acteur)
    except PermissionDenied:
        raise Http404("Page introuvable.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Photo retirée.")
    return redirect(reverse("annonces:modifier", args=[annonce.pk]) + "#photos")


@require_GET
def photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    """A photo of an advert the actor may see (``MEDIA_ROOT`` is served by no route)."""
    annonce = _annonce(_acteur(request), pk)
    return selectors_ecrans.servir_photo(get_object_or_404(PhotoAnnonce, pk=photo_pk, annonce=annonce))


@require_GET
def apercu(request: HttpRequest, pk: int) -> HttpResponse:
    """The advert as a household will read it (photos, dwelling, public, draw)."""
    acteur = _acteur(request)
    annonce = _annonce(acteur, pk)
    return render(
        request,
        "annonces/apercu.html",
        {
            "annonce": annonce,
            "photos": selectors_ecrans.photos_avec_adresse(annonce, "annonces:photo"),
            "public": selectors_ecrans.public_en_clair(annonce),
            "cloture_prevue": selectors_ecrans.cloture_si_publiee(annonce),
        },
    )


@require_http_methods(["GET", "POST"])
def publier(request: HttpRequest, pk: int) -> HttpResponse:
    acteur, annonce = _brouillon(request, pk)
    erreurs: list[str] = []
    if request.method == "POST":
        try:
            annonce = services.annonce_publier(annonce=annonce, auteur=acteur)
        except PermissionDenied:
            raise Http404("Page introuvable.") from None
        except ValidationError as exc:
            erreurs = exc.messages
        else:
            assert annonce.cloture_le is not None
            messages.success(
                request,
                f"Annonce {annonce.reference} publiée : candidatures ouvertes jusqu'au "
                f"{timezone.localtime(annonce.cloture_le):%d/%m/%Y à %H h %M}.",
            )
            return redirect("annonces:annonce", pk=annonce.pk)
    return render(
        request,
        "annonces/publier.html",
        {
            "annonce": annonce,
            "voit_logement_libere": _voit_logement_libere(acteur, annonce),
            "cloture_prevue": selectors_ecrans.cloture_si_publiee(annonce),
            "nb_photos": annonce.photos.count(),
            "erreurs_service": erreurs,
        },
        status=400 if erreurs else 200,
    )


@require_http_methods(["GET", "POST"])
def retirer(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    annonce = _annonce(acteur, pk)
    exiger(selectors_ecrans.peut_retirer(acteur, annonce))
    form = RetraitAnnonceForm(donnees_postees(request), prefix="retrait")
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.annonce_retirer(annonce=annonce, motif=form.cleaned_data["motif"], auteur=acteur)
            except (ValidationError, PermissionDenied) as exc:
                _refus_ou_erreur(exc, form)
            else:
                messages.success(
                    request, f"Annonce {annonce.reference} retirée ; les ménages candidats en sont informés."
                )
                return redirect("annonces:annonce", pk=annonce.pk)
        statut = 400
    return render(
        request,
        "annonces/retirer.html",
        {
            "annonce": annonce,
            "form": form,
            "erreurs": resume_erreurs([form]),
            "nb_ouvertes": annonce.candidatures.filter(statut=StatutCandidature.DEPOSEE).count(),
        },
        status=statut,
    )


# --- 4. follow-up of an advert ---------------------------------------------------------------------------------------


def _voit_logement_libere(acteur: Acteur, annonce: Annonce) -> bool:
    """Whether the advert's page may link to its freed dwelling: a commune réservataire follows the advert made
    from its flux without seeing the bailleur's freed-dwelling page."""
    return flux_selectors.logements_liberes_visibles(acteur).filter(pk=annonce.logement_libere_id).exists()


def _contexte_suivi(acteur: Acteur, annonce: Annonce, presentation: PresentationForm | None) -> dict[str, Any]:
    return {
        "annonce": annonce,
        "etapes": selectors_ecrans.chronologie(annonce),
        "statuts": StatutAnnonce,
        "nb_candidatures": selectors_ecrans.candidatures_recues(annonce),
        "classement": selectors_ecrans.lignes_classement(annonce),
        "voit_gestion": permissions.peut_voir_annonce_gestion(acteur, annonce),
        "presentation": presentation,
        "nb_a_presenter": selectors_ecrans.nombre_a_presenter(annonce) if presentation is not None else 0,
        "peut_rediger": annonce.statut == StatutAnnonce.BROUILLON and permissions.peut_gerer_annonce(acteur, annonce),
        "peut_retirer": selectors_ecrans.peut_retirer(acteur, annonce),
        "peut_clore": annonce.statut == StatutAnnonce.PUBLIEE
        and annonce.cloture_le is not None
        and annonce.cloture_le <= timezone.now()
        and permissions.peut_gerer_annonce(acteur, annonce),
        "voit_liste_courte": rapprochement_permissions.peut_voir(acteur, annonce.logement_libere),
        "voit_logement_libere": _voit_logement_libere(acteur, annonce),
        "erreurs": resume_erreurs([presentation]) if presentation is not None else [],
    }


def _presentation(acteur: Acteur, annonce: Annonce, donnees: Any) -> PresentationForm | None:
    if annonce.statut != StatutAnnonce.CLOSE or not permissions.peut_presenter(acteur, annonce):
        return None
    return PresentationForm(donnees, seances=seances_prevues(annonce.bailleur_id), prefix="presentation")


@require_GET
def annonce(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = _annonce(acteur, pk)
    return render(request, "annonces/annonce.html", _contexte_suivi(acteur, objet, _presentation(acteur, objet, None)))


@require_POST
def clore(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an advert whose applications are over, without waiting for the worker's periodic run: the ranking is
    established and published at once."""
    acteur = _acteur(request)
    objet = _annonce(acteur, pk)
    exiger(permissions.peut_gerer_annonce(acteur, objet) and objet.statut == StatutAnnonce.PUBLIEE)
    try:
        classement = services.annonce_clore(annonce=objet, auteur=acteur)
    except PermissionDenied:
        raise Http404("Page introuvable.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        n = len(classement.rangs)
        messages.success(
            request,
            f"Annonce {objet.reference} close : {n} candidature{'s' if n > 1 else ''} classée{'s' if n > 1 else ''}."
            if n
            else f"Annonce {objet.reference} close sans candidature classée.",
        )
    return redirect("annonces:annonce", pk=objet.pk)


@require_POST
def presenter(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = _annonce(acteur, pk)
    form = _presentation(acteur, objet, request.POST)
    exiger(form is not None)
    assert form is not None
    if form.is_valid():
        seance = form.cleaned_data["seance"]
        try:
            examens = services.annonce_presenter(annonce=objet, seance=seance, auteur=acteur)
        except (ValidationError, PermissionDenied) as exc:
            _refus_ou_erreur(exc, form)
        else:
            n = len(examens)
            messages.success(
                request,
                f"{n} candidat{'s' if n > 1 else ''} inscrit{'s' if n > 1 else ''} à l'ordre du jour de la séance du "
                f"{seance.date:%d/%m/%Y} ({seance.commission.nom}), dans l'ordre du classement.",
            )
            return redirect("annonces:annonce", pk=objet.pk)
    objet.refresh_from_db()
    return render(request, "annonces/annonce.html", _contexte_suivi(acteur, objet, form), status=400)


# --- 5. list of adverts ----------------------------------------------------------------------------------------------


@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    exiger(peut_acceder(acteur))
    visibles = selectors.annonces_visibles(acteur)
    filtres = FiltresAnnoncesForm(
        request.GET or None,
        communes=selectors_ecrans.communes_des_annonces(visibles),
        reservataires=selectors_ecrans.reservataires_filtrables(acteur, visibles),
        prefix="f",
    )
    qs = visibles
    if filtres.is_valid():
        d = filtres.cleaned_data
        if d.get("statut"):
            qs = qs.filter(statut=d["statut"])
        if d.get("commune"):
            qs = qs.filter(commune=d["commune"])
        if d.get("flux") == FLUX_BAILLEUR:
            qs = qs.filter(reservataire__isnull=True)
        elif d.get("flux"):
            qs = qs.filter(reservataire_id=int(d["flux"]))
    comptes = dict(qs.order_by().values_list("statut").annotate(n=Count("pk")))
    qs = (
        qs.select_related("commune", "bailleur", "reservataire")
        .annotate(nb_candidatures=Count("candidatures", filter=~Q(candidatures__statut=StatutCandidature.RETIREE)))
        .order_by("-cree_le", "-pk")
    )
    page = Paginator(qs, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "annonces/liste.html",
        {
            "filtres": filtres,
            "page": page,
            "comptes": [(libelle, comptes.get(valeur, 0)) for valeur, libelle in StatutAnnonce.choices],
            "total": sum(comptes.values()),
            "parametres": selectors_ecrans.parametres_sans_page(request.GET),
            "peut_publier": bool(flux_permissions.bailleurs_geres(acteur)),
        },
    )
