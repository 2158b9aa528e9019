"""Pages of the applicant space (``/mon-espace/``): login, account creation, verification, FranceConnect,
« Mon espace », linking a demand, « Ma demande » with its timeline, the accesses the household gives.

Every page but the login ones requires an applicant account; a staff account gets 404 here, as an applicant
gets 404 on every staff page (``attrib.demandeurs.middleware``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from attrib.avis import selectors as avis_selectors
from attrib.avis import services as avis_services
from attrib.common.forms import resume_erreurs
from attrib.common.limites import adresse_client
from attrib.common.view_helpers import donnees_postees, placer_erreurs
from attrib.demandes.enums import StatutDemande
from attrib.demandeurs import actes, franceconnect, selectors, services
from attrib.demandeurs.acteur import compte_de
from attrib.demandeurs.forms import AccesForm, ConnexionDemandeurForm, DemanderCodeForm, InscriptionForm, LierForm
from attrib.demandeurs.labels import contexte_labels
from attrib.demandeurs.models import Liaison, Qualite
from attrib.demandeurs.offres import offres_de
from attrib.information import selectors as information_selectors
from attrib.organisations.acteurs import Refus, acteur_de

_R = TypeVar("_R", bound=HttpResponseBase)


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def espace_demandeur(vue: Callable[..., _R]) -> Callable[..., _R | HttpResponse]:
    """A page of a logged-in applicant: the applicant login for nobody, 404 for a staff account."""

    @wraps(vue)
    def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> _R | HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("demandeurs:connexion"))
        if not acteur_de(request.user).est_demandeur:
            raise Http404("Page introuvable.")
        return vue(request, *args, **kwargs)

    return login_not_required(enveloppe)


# --- login, account ------------------------------------------------------------------------------


class Connexion(auth_views.LoginView):
    template_name = "demandeurs/connexion.html"
    authentication_form = ConnexionDemandeurForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("demandeurs:espace")

    def form_invalid(self, form: Any) -> HttpResponse:
        if any(e.code == "non_verifie" for e in form.errors.as_data().get("__all__", [])):
            try:
                services.verification_renvoyer(
                    courriel=self.request.POST.get("username", ""),
                    adresse_site=_site(self.request),
                    auteur=acteur_de(self.request.user),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexte = super().get_context_data(**kwargs)
        contexte["franceconnect"] = franceconnect.actif()
        contexte["echec_franceconnect"] = self.request.GET.get("franceconnect") == "echec"
        return contexte


connexion = login_not_required(Connexion.as_view())


@login_not_required
def inscription(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and acteur_de(request.user).est_demandeur:
        return redirect("demandeurs:espace")
    form = InscriptionForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.compte_inscrire(
                courriel=form.cleaned_data["courriel"],
                mot_de_passe=form.cleaned_data["mot_de_passe"],
                adresse_site=_site(request),
                auteur=request.acteur,  # type: ignore[attr-defined]
            )
        except (ValidationError, Refus) as exc:
            placer_erreurs(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)), form)
        else:
            return render(request, "demandeurs/inscription_envoyee.html", {"courriel": form.cleaned_data["courriel"]})
    return render(request, "demandeurs/inscription.html", {"form": form, "erreurs": resume_erreurs([form])})


@login_not_required
def verifier(request: HttpRequest, jeton: str) -> HttpResponse:
    try:
        services.courriel_verifier(jeton=jeton, auteur=acteur_de(request.user))
    except ValidationError as exc:
        return render(request, "demandeurs/verification.html", {"erreur": exc.messages[0]}, status=400)
    return render(request, "demandeurs/verification.html", {"erreur": ""})


def _si_franceconnect(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(vue)
    def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not franceconnect.actif():
            raise Http404("FranceConnect n'est pas configuré.")
        return vue(request, *args, **kwargs)

    return login_not_required(enveloppe)


franceconnect_debut = _si_franceconnect(franceconnect.DebutFranceConnect.as_view())
franceconnect_retour = _si_franceconnect(franceconnect.RetourFranceConnect.as_view())


# --- « Mon espace » ------------------------------------------------------------------------------


@espace_demandeur
def espace(request: HttpRequest) -> HttpResponse:
    acteur = request.acteur  # type: ignore[attr-defined]
    demandes = list(selectors.demandes_de(acteur))
    return render(
        request,
        "demandeurs/espace.html",
        {"demandes": demandes, "compte": compte_de(acteur), "actives": StatutDemande.ACTIVE},
    )


@espace_demandeur
def lier(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action") if request.method == "POST" else None
    form_code = DemanderCodeForm(request.POST if action == "demander" else None, prefix="demander")
    form_lier = LierForm(request.POST if action == "lier" else None, prefix="lier")
    annonce = ""
    statut = 200
    try:
        if action == "demander" and form_code.is_valid():
            annonce = services.code_demander(
                auteur=request.acteur,  # type: ignore[attr-defined]
                numero_unique=form_code.cleaned_data["numero_unique"],
                adresse=adresse_client(request),
                adresse_site=_site(request),
            )
            form_lier = LierForm(initial={"numero_unique": form_code.cleaned_data["numero_unique"]}, prefix="lier")
        elif action == "lier" and form_lier.is_valid():
            liaison = services.demande_lier(
                auteur=request.acteur,  # type: ignore[attr-defined]
                numero_unique=form_lier.cleaned_data["numero_unique"],
                code=form_lier.cleaned_data["code"],
                adresse=adresse_client(request),
            )
            messages.success(
                request, f"Votre demande {liaison.demande.numero_unique} est maintenant liée à votre compte."
            )
            return redirect("demandeurs:demande", liaison.demande_id)
    except services.LiaisonVerrouillee as exc:
        (form_code if action == "demander" else form_lier).add_error(None, exc.messages[0])
        statut = 429
    except ValidationError as exc:
        placer_erreurs(exc, form_code if action == "demander" else form_lier)
    reponse = render(
        request,
        "demandeurs/lier.html",
        {
            "form_code": form_code,
            "form_lier": form_lier,
            "annonce": annonce,
            "erreurs": resume_erreurs([form_code, form_lier]),
        },
        status=statut,
    )
    return reponse


@espace_demandeur
def demande(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = request.acteur  # type: ignore[attr-defined]
    objet = selectors.demande_de(acteur, pk)
    if objet is None:
        raise Http404("Page introuvable.")
    liaison = selectors.liaison_de(acteur, objet)
    titulaire = liaison is not None and liaison.qualite == Qualite.TITULAIRE
    form = AccesForm(prefix="acces")
    # The explanation of the household's last update (its effect on the score), shown once (decision 0027).
    changement = request.session.pop(actes.cle_changement(objet.pk), None)
    contexte = _contexte_demande(objet, liaison, titulaire, form, changement=changement)
    # What the law says the applicant must know (the score, the position, the waiting range, what would change
    # them: attrib.information) and the notices of the demand (attrib.avis), shown to whoever may follow it;
    # the sensitive situations by name to the household only (decision 0031).
    voit = selectors.voit_sensible(liaison)
    contexte |= {
        "situation": information_selectors.situation_de(demande=objet, voit_sensible=voit),
        "simulations": information_selectors.simulations_de(demande=objet, voit_sensible=voit),
        "avis_liste": avis_selectors.boite_de(demande=objet),
        "offres": offres_de(objet),
    }
    contexte |= contexte_labels(objet, liaison)
    reponse = render(request, "demandeurs/demande.html", contexte)
    if titulaire:  # the household has now seen its new notices: « Nouveau » is shown once
        for avis in contexte["avis_liste"]:
            if not avis.lu:
                avis_services.avis_marquer_lu(avis=avis, auteur=acteur)
    return reponse


def _contexte_demande(
    objet: Any, liaison: Liaison | None, titulaire: bool, form: AccesForm, *, changement: Any = None
) -> dict[str, Any]:
    # The household's own acts (decision 0027): documents per criterion, renewal, updates, withdrawal.
    return actes.contexte_demande(
        demande=objet, qualite=liaison.qualite if liaison is not None else None, changement_brut=changement
    ) | {
        "demande": objet,
        "liaison": liaison,
        "titulaire": titulaire,
        "etapes": selectors.chronologie(demande=objet, voit_sensible=selectors.voit_sensible(liaison)),
        "acces": list(selectors.acces_de(objet)) if titulaire else [],
        "form": form,
        "erreurs": resume_erreurs([form]),
        "actives": StatutDemande.ACTIVE,
    }


@espace_demandeur
@require_POST
def acces_donner(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = request.acteur  # type: ignore[attr-defined]
    objet = selectors.demande_de(acteur, pk)
    if objet is None:
        raise Http404("Page introuvable.")
    liaison = selectors.liaison_de(acteur, objet)
    if liaison is None or liaison.qualite != Qualite.TITULAIRE:
        raise Http404("Page introuvable.")
    form = AccesForm(request.POST, prefix="acces")
    if form.is_valid():
        try:
            services.acces_donner(
                auteur=acteur,
                demande=objet,
                courriel=form.cleaned_data["courriel"],
                qualite=form.cleaned_data["qualite"],
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(request, "L'accès a été donné. Vous pouvez le retirer à tout moment.")
            return redirect("demandeurs:demande", objet.pk)
    return render(request, "demandeurs/demande.html", _contexte_demande(objet, liaison, True, form), status=400)


@espace_demandeur
@require_POST
def acces_retirer(request: HttpRequest, pk: int, liaison_pk: int) -> HttpResponse:
    acteur = request.acteur  # type: ignore[attr-defined]
    objet = selectors.demande_de(acteur, pk)
    if objet is None:
        raise Http404("Page introuvable.")
    cible = get_object_or_404(Liaison, pk=liaison_pk, demande=objet)
    try:
        services.acces_retirer(auteur=acteur, liaison=cible)
    except Refus:
        raise Http404("Page introuvable.") from None
    messages.success(request, "L'accès a été retiré.")
    if cible.compte.utilisateur_id == acteur.user_id:
        return redirect("demandeurs:espace")
    return redirect("demandeurs:demande", objet.pk)
