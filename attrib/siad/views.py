"""Public pages of the territory's reception and information service (``/territoire/<SIREN de l'EPCI>/``), open
without login to everybody — an applicant logged in to its space too (``attrib.demandeurs.middleware``).

The information pages render the same for every visitor (no name, no form, no session content) and may be kept
by browsers and proxies for ``SIAD_CACHE_PUBLIC_S`` seconds; the booking pages carry a form or a household's link
and are never kept (decision 0030)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from attrib.common.forms import resume_erreurs
from attrib.common.limites import limite_debit
from attrib.common.view_helpers import donnees_postees, placer_erreurs
from attrib.demandeurs.acteur import compte_de
from attrib.organisations.acteurs import acteur_de
from attrib.siad import selectors, services
from attrib.siad.enums import StatutRendezVous
from attrib.siad.forms import ReservationForm
from attrib.siad.models import Creneau
from attrib.territoires.models import EPCI


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def page_publique(duree: int | None = None) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A GET page open without login, the same for every visitor: kept ``duree`` seconds by caches (default
    ``SIAD_CACHE_PUBLIC_S``)."""

    def decorateur(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(vue)
        def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            reponse = vue(request, *args, **kwargs)
            if reponse.status_code == 200:
                patch_cache_control(
                    reponse, public=True, max_age=settings.SIAD_CACHE_PUBLIC_S if duree is None else duree
                )
            return reponse

        return login_not_required(require_GET(enveloppe))

    return decorateur


def _contexte(epci: EPCI, rubrique: str, **autres: Any) -> dict[str, Any]:
    return {"territoire": epci, "rubrique": rubrique, **autres}


@page_publique()
def territoires(request: HttpRequest) -> HttpResponse:
    # No territory chosen yet, hence no menu: the skip links lead to the content and the footer only.
    evitements = [{"link": "#content", "label": "Contenu"}, {"link": "#footer", "label": "Pied de page"}]
    return render(
        request,
        "siad/territoires.html",
        {"territoires": selectors.territoires(), "rubrique": "", "skiplinks": evitements},
    )


@page_publique()
def accueil(request: HttpRequest, siren: str) -> HttpResponse:
    epci = selectors.territoire(siren)
    return render(request, "siad/accueil.html", _contexte(epci, "accueil", lieux=selectors.lieux_publics(epci)))


@page_publique()
def lieux(request: HttpRequest, siren: str) -> HttpResponse:
    epci = selectors.territoire(siren)
    lieux_ = selectors.lieux_publics(epci)
    fiches = [(lieu, selectors.semaine(lieu)) for lieu in lieux_]
    return render(request, "siad/lieux.html", _contexte(epci, "lieux", fiches=fiches))


@page_publique(duree=60)
def lieu(request: HttpRequest, siren: str, pk: int) -> HttpResponse:
    epci = selectors.territoire(siren)
    lieu_ = selectors.lieu_public(epci, pk)
    jour = timezone.localdate()
    return render(
        request,
        "siad/lieu.html",
        _contexte(
            epci,
            "lieux",
            lieu=lieu_,
            semaine=selectors.semaine(lieu_),
            exceptions=selectors.exceptions_a_venir(lieu_, jour),
            jours=selectors.creneaux_a_venir(lieu_) if lieu_.rendez_vous_en_ligne else [],
            semaines=settings.SIAD_SEMAINES_PUBLIEES,
        ),
    )


def _prerempli(request: HttpRequest) -> dict[str, str]:
    acteur = acteur_de(request.user)
    if not acteur.est_demandeur:
        return {}
    compte = compte_de(acteur)
    return {"email": compte.courriel or ""} if compte is not None else {}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@limite_debit("rendez_vous", si=lambda r: r.method == "POST")
def reserver(request: HttpRequest, siren: str, pk: int) -> HttpResponse:
    epci = selectors.territoire(siren)
    creneau: Creneau = selectors.creneau_ouvert(epci, pk)
    lieu_ = creneau.lieu
    form = ReservationForm(donnees_postees(request), initial=_prerempli(request), services=lieu_.services)
    if request.method == "POST" and form.is_valid():
        try:
            rendez_vous = services.rendez_vous_reserver(
                creneau=creneau,
                nom=form.cleaned_data["nom"],
                email=form.cleaned_data["email"],
                telephone=form.cleaned_data["telephone"],
                motif=form.cleaned_data["motif"],
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
            creneau.refresh_from_db()  # another household may just have taken the last place
        else:
            envoye = services.rendez_vous_confirmer(
                rendez_vous=rendez_vous, adresse_site=_site(request), auteur=acteur_de(request.user)
            )
            adresse = reverse("siad:rendez_vous", args=[epci.siren, services.jeton_de(rendez_vous)])
            return redirect(f"{adresse}?reserve={'courriel' if envoye else 'oui'}")
    complet = creneau.places_restantes == 0 or creneau.debut <= timezone.now() or not lieu_.rendez_vous_en_ligne
    return render(
        request,
        "siad/reserver.html",
        _contexte(
            epci, "lieux", lieu=lieu_, creneau=creneau, form=form, complet=complet, erreurs=resume_erreurs([form])
        ),
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def rendez_vous(request: HttpRequest, siren: str, jeton: str) -> HttpResponse:
    """The household's booking, reached by the link it received: see it, cancel it."""
    epci = selectors.territoire(siren)
    try:
        rdv = services.rendez_vous_du_jeton(jeton)
    except ValidationError as exc:
        return render(request, "siad/rendez_vous.html", _contexte(epci, "lieux", erreur=exc.messages[0]), status=404)
    if rdv.creneau.lieu.epci_id != epci.siren:
        return render(
            request, "siad/rendez_vous.html", _contexte(epci, "lieux", erreur=services.LIEN_INVALIDE), status=404
        )
    erreur, annule = "", False
    if request.method == "POST":
        try:
            rdv = services.rendez_vous_annuler_par_jeton(jeton=jeton, auteur=acteur_de(request.user))
            annule = True
        except ValidationError as exc:
            erreur = exc.messages[0]
    return render(
        request,
        "siad/rendez_vous.html",
        _contexte(
            epci,
            "lieux",
            rdv=rdv,
            lieu=rdv.creneau.lieu,
            reserve=request.GET.get("reserve", ""),
            annule=annule,
            erreur_annulation=erreur,
            annulable=rdv.statut == StatutRendezVous.RESERVE and rdv.creneau.debut > timezone.now(),
        ),
    )


@page_publique()
def fonctionnement(request: HttpRequest, siren: str) -> HttpResponse:
    epci = selectors.territoire(siren)
    return render(
        request, "siad/fonctionnement.html", _contexte(epci, "fonctionnement", f=selectors.fonctionnement(epci))
    )


def _ligne(mesures: dict[str, Any], i: int | None, j: int | None) -> dict[str, Any]:
    """The figures of one position of the tables (``i``: commune row, ``None``: all communes; ``j``: typology,
    ``None``: all typologies)."""

    def lire(bloc: dict[str, Any]) -> Any:
        if i is None and j is None:
            return bloc["total"]
        if i is None:
            return bloc["totaux_colonnes"][j]
        if j is None:
            return bloc["totaux_lignes"][i]
        return bloc["cellules"][i][j]

    return {
        "logements": lire(mesures["logements"]),
        "demandes": lire(mesures["demandes"]),
        "attributions": lire(mesures["attributions"]),
        "attente": lire(mesures["attentes"]),
    }


@page_publique()
def chiffres(request: HttpRequest, siren: str) -> HttpResponse:
    epci = selectors.territoire(siren)
    publies = selectors.chiffres_publies(epci)
    contexte = _contexte(epci, "chiffres", publies=publies)
    if publies is not None:
        d = publies.donnees
        communes = d["communes"]
        code = request.GET.get("commune", "")
        index = next((k for k, c in enumerate(communes) if c["code"] == code), None)
        typologies = list(enumerate(d["typologies"]))
        contexte.update(
            donnees=d,
            communes=communes,
            commune=communes[index] if index is not None else None,
            par_typologie=[(libelle, _ligne(d, index, j)) for j, libelle in typologies],
            total=_ligne(d, index, None),
            par_commune=[(c, _ligne(d, k, None)) for k, c in enumerate(communes)] if index is None else [],
        )
    return render(request, "siad/chiffres.html", contexte)
