"""The household's pages of location voulue (``/mon-espace/annonces/``): the dwellings proposed in adverts that
match its wishes (or all of the territory), an advert with the pre-check of its application (eligibility, effort
rate, its place among the applications received so far, applications left, suspension), applying with a
confirmation, withdrawing before the closing, and « Mes candidatures » with the rank and what separated it once the
advert is closed.

The pages read the demand of the account chosen with ``?demande=<pk>`` among its demands in course (by default the
household's own). Every account linked to the demand reads them; only the household itself (its own link) applies
or withdraws: a co-applicant or a social worker given access reads only (decision 0026). Staff accounts get 404
here, as everywhere in the applicant space."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.annonces import permissions, selectors, selectors_ecrans, services
from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature, PhotoAnnonce
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.demandeurs import selectors as demandeurs_selectors
from attrib.demandeurs.views import espace_demandeur
from attrib.organisations.acteurs import Acteur


def _acteur(request: HttpRequest) -> Acteur:
    return request.acteur  # type: ignore[attr-defined,no-any-return]


def _demandes_liees(acteur: Acteur) -> list[Demande]:
    return list(demandeurs_selectors.demandes_de(acteur))


def _demande(request: HttpRequest, acteur: Acteur) -> tuple[Demande | None, list[Demande]]:
    """The demand the page is about (``?demande=<pk>`` among the account's demands; by default the household's own
    demand in course, else any demand in course, else the household's own), and all of them (a choice is offered
    when there are several). A demand that ended (attributed, struck off) still shows its applications."""
    demandes = _demandes_liees(acteur)
    brut = request.POST.get("demande") if request.method == "POST" else request.GET.get("demande")
    if brut and brut.isascii() and brut.isdigit():
        choisie = next((d for d in demandes if d.pk == int(brut)), None)
        if choisie is None:
            raise Http404("Page introuvable.")
        return choisie, demandes

    def preference(d: Demande) -> tuple[bool, bool]:
        return (d.statut != StatutDemande.ACTIVE, d.pk not in acteur.demandes_titulaire)

    return (min(demandes, key=preference) if demandes else None), demandes


def _suffixe(demande: Demande | None, demandes: list[Demande]) -> str:
    """The query string that keeps the chosen demand across pages (only when the account has several)."""
    return f"?demande={demande.pk}" if demande is not None and len(demandes) > 1 else ""


def _contexte(acteur: Acteur, demande: Demande | None, demandes: list[Demande], **autres: Any) -> dict[str, Any]:
    return {
        "demande": demande,
        "demandes": demandes,
        "suffixe": _suffixe(demande, demandes),
        "titulaire": demande is not None and demande.pk in acteur.demandes_titulaire,
        **autres,
    }


# --- 6. « Logements proposés » --------------------------------------------------------------------------------------


@espace_demandeur
@require_GET
def logements(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    demande, demandes = _demande(request, acteur)
    tout = request.GET.get("tout") == "1"
    annonces: list[Annonce] = []
    if demande is not None and demande.statut == StatutDemande.ACTIVE:
        annonces = selectors.annonces_ouvertes_pour(demande, seulement_souhaits=not tout)
    return render(
        request,
        "annonces/demandeur/logements.html",
        _contexte(
            acteur,
            demande,
            demandes,
            cartes=[
                {
                    "annonce": a,
                    "photo": selectors_ecrans.premiere_photo(a, "annonces_demandeur:photo"),
                    "public": selectors_ecrans.public_en_clair(a),
                }
                for a in annonces
            ],
            tout=tout,
            active=demande is not None and demande.statut == StatutDemande.ACTIVE,
            deja=selectors_ecrans.annonces_candidatees(demande) if demande is not None else set(),
        ),
    )


# --- 7. an advert, and applying ----------------------------------------------------------------------------------


def _annonce(acteur: Acteur, demande: Demande | None, pk: int) -> Annonce:
    """A published advert (open, closed, with its outcome), or one the demand applied to (even withdrawn)."""
    annonce = selectors_ecrans.annonce_pour_demandeur(pk, demande)
    if annonce is None:
        raise Http404("Page introuvable.")
    return annonce


def _textes(precontrole: Any, deposee: bool) -> dict[str, str]:
    """The sentences of the pre-check the templates cannot build: the place (before or after applying) and the
    applications left."""
    if precontrole is None:
        return {"position": "", "restantes": ""}
    return {
        "position": precontrole.position.texte(deposee=deposee) if precontrole.position is not None else "",
        "restantes": selectors_ecrans.texte_restantes(restantes=precontrole.restantes, maximum=precontrole.maximum),
    }


def _contexte_annonce(acteur: Acteur, annonce: Annonce, demande: Demande | None, demandes: list[Demande]) -> Any:
    candidature = selectors_ecrans.candidature_en_cours(annonce, demande) if demande is not None else None
    ouverte = annonce.statut == StatutAnnonce.PUBLIEE
    precontrole = selectors.precontrole(annonce=annonce, demande=demande) if demande is not None and ouverte else None
    textes = _textes(precontrole, deposee=candidature is not None)
    # The eligibility rules not met are read in the list of conditions: the alert says the other reasons.
    regles = {f"{ligne.regle} : {ligne.message}" for ligne in precontrole.eligibilite} if precontrole else set()
    return _contexte(
        acteur,
        demande,
        demandes,
        annonce=annonce,
        photos=selectors_ecrans.photos_avec_adresse(annonce, "annonces_demandeur:photo"),
        public=selectors_ecrans.public_en_clair(annonce),
        precontrole=precontrole,
        position=textes["position"],
        autres_motifs=[m for m in precontrole.motifs if m not in regles] if precontrole else [],
        conditions_non_remplies=sum(
            1
            for ligne in (precontrole.eligibilite if precontrole else [])
            if ligne.bloquante and ligne.respectee is False
        ),
        restantes=textes["restantes"],
        peut_candidater=demande is not None and permissions.peut_candidater(acteur, demande),
        candidature=candidature,
        ouverte=ouverte,
        rang=selectors_ecrans.rang_de(candidature) if candidature is not None else None,
        statuts=StatutAnnonce,
        statuts_candidature=StatutCandidature,
        nb_recues=selectors_ecrans.candidatures_recues(annonce),
    )


@espace_demandeur
@require_GET
def annonce(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    demande, demandes = _demande(request, acteur)
    objet = _annonce(acteur, demande, pk)
    return render(request, "annonces/demandeur/annonce.html", _contexte_annonce(acteur, objet, demande, demandes))


@espace_demandeur
@require_http_methods(["GET", "POST"])
def candidater(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation of an application: what applying means, then « Je confirme ma candidature »."""
    acteur = _acteur(request)
    demande, demandes = _demande(request, acteur)
    objet = _annonce(acteur, demande, pk)
    # Only the household itself applies, to an open advert, once: anything else is not offered (404).
    if demande is None or not permissions.peut_candidater(acteur, demande) or objet.statut != StatutAnnonce.PUBLIEE:
        raise Http404("Page introuvable.")
    if selectors_ecrans.candidature_en_cours(objet, demande) is not None:
        return redirect(reverse("annonces_demandeur:annonce", args=[objet.pk]) + _suffixe(demande, demandes))
    precontrole = selectors.precontrole(annonce=objet, demande=demande)
    if request.method == "GET" and not precontrole.peut_candidater:
        # The advert's page says why.
        return redirect(reverse("annonces_demandeur:annonce", args=[objet.pk]) + _suffixe(demande, demandes))
    erreurs: list[str] = []
    if request.method == "POST":
        try:
            services.candidature_deposer(annonce=objet, demande=demande, auteur=acteur)
        except PermissionDenied:
            raise Http404("Page introuvable.") from None
        except ValidationError as exc:
            erreurs = exc.messages
        else:
            messages.success(
                request,
                "Votre candidature est enregistrée. Vous pouvez la retirer jusqu'à la clôture de l'annonce.",
            )
            return redirect(reverse("annonces_demandeur:annonce", args=[objet.pk]) + _suffixe(demande, demandes))
    return render(
        request,
        "annonces/demandeur/candidater.html",
        _contexte(
            acteur,
            demande,
            demandes,
            annonce=objet,
            precontrole=precontrole,
            erreurs_service=erreurs,
            public=selectors_ecrans.public_en_clair(objet),
            **_textes(precontrole, deposee=False),
        ),
        status=400 if erreurs else 200,
    )


@espace_demandeur
@require_POST
def retirer(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an application before the closing (from the advert's page or « Mes candidatures »)."""
    acteur = _acteur(request)
    objet = get_object_or_404(
        Candidature.objects.select_related("annonce"), pk=pk, demande_id__in=acteur.demandes_titulaire
    )
    suffixe = _suffixe(objet.demande, _demandes_liees(acteur))
    retour = request.POST.get("retour") == "candidatures"
    try:
        services.candidature_retirer(candidature=objet, auteur=acteur)
    except PermissionDenied:
        raise Http404("Page introuvable.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Votre candidature à l'annonce {objet.annonce.reference} est retirée.")
    if retour:
        return redirect(reverse("annonces_demandeur:candidatures") + suffixe)
    return redirect(reverse("annonces_demandeur:annonce", args=[objet.annonce_id]) + suffixe)


@espace_demandeur
@require_GET
def photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    acteur = _acteur(request)
    demande, _ = _demande(request, acteur)
    objet = _annonce(acteur, demande, pk)
    return selectors_ecrans.servir_photo(get_object_or_404(PhotoAnnonce, pk=photo_pk, annonce=objet))


# --- 8. « Mes candidatures » -------------------------------------------------------------------------------------


@espace_demandeur
@require_GET
def candidatures(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    demande, demandes = _demande(request, acteur)
    lignes: list[dict[str, Any]] = []
    suspension = None
    limite = None
    if demande is not None:
        for c in selectors.candidatures_de(demande):
            lignes.append(
                {
                    "candidature": c,
                    "annonce": c.annonce,
                    "rang": selectors_ecrans.rang_de(c),
                    "retirable": c.statut == StatutCandidature.DEPOSEE and c.annonce.statut == StatutAnnonce.PUBLIEE,
                }
            )
        suspension = selectors.suspension_de(demande)
        limite = selectors_ecrans.limite_de(demande)
    return render(
        request,
        "annonces/demandeur/candidatures.html",
        _contexte(
            acteur,
            demande,
            demandes,
            lignes=lignes,
            suspension=suspension,
            limite=limite,
            statuts=StatutAnnonce,
            statuts_candidature=StatutCandidature,
        ),
    )
