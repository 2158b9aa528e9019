"""The applicant's own account (decision 0028): logging out (of FranceConnect too when the session came from it),
and « Mot de passe oublié » for local accounts. These pages are used logged out; a staff account gets 404 here,
as on every page of the applicant space."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET, require_POST

from attrib.common.forms import resume_erreurs
from attrib.common.limites import limite_debit
from attrib.common.view_helpers import donnees_postees, placer_erreurs
from attrib.demandeurs import franceconnect, services_compte
from attrib.demandeurs.forms_compte import DemandeReinitialisationForm, NouveauMotDePasseForm
from attrib.demandeurs.models import CompteDemandeur
from attrib.organisations.acteurs import acteur_de


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def hors_personnel(vue: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page of the applicant space open without login: 404 for a logged-in staff account."""

    @wraps(vue)
    def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not acteur_de(request.user).est_demandeur:
            raise Http404("Page introuvable.")
        return vue(request, *args, **kwargs)

    return login_not_required(enveloppe)


# --- logout ---------------------------------------------------------------------------------------------------


@login_not_required
@require_POST
def deconnexion(request: HttpRequest) -> HttpResponse:
    """Log out of the applicant space; a session opened through FranceConnect is then ended at FranceConnect too
    (its ``end_session_endpoint``, with the ID token kept at login, a fresh ``state`` and the return address)."""
    id_token = request.session.get(franceconnect.CLE_ID_TOKEN) if franceconnect.actif() else None
    auth.logout(request)
    if id_token:
        return redirect(franceconnect.url_deconnexion(request, str(id_token)))
    return redirect("demandeurs:connexion")


@hors_personnel
@require_GET
def franceconnect_deconnexion(request: HttpRequest) -> HttpResponse:
    """FranceConnect's return after its logout: the ``state`` must be the one this browser was given."""
    if not franceconnect.actif():
        raise Http404("FranceConnect n'est pas configuré.")
    attendu = str(request.session.pop(franceconnect.CLE_ETAT_DECONNEXION, ""))
    if attendu and constant_time_compare(attendu, request.GET.get("state", "")):
        messages.success(request, "Vous êtes déconnecté de votre espace demandeur et de FranceConnect.")
    else:
        messages.warning(
            request,
            "Vous êtes déconnecté de votre espace demandeur. FranceConnect n'a pas confirmé la fin de votre session : "
            "sur un ordinateur partagé, fermez le navigateur.",
        )
    return redirect("demandeurs:connexion")


# --- « Mot de passe oublié » -----------------------------------------------------------------------------------


@hors_personnel
@limite_debit(services_compte.PORTEE, si=lambda request: request.method == "POST")
def mot_de_passe_oublie(request: HttpRequest) -> HttpResponse:
    form = DemandeReinitialisationForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            services_compte.reinitialisation_demander(
                courriel=form.cleaned_data["courriel"],
                adresse_site=_site(request),
                auteur=request.acteur,  # type: ignore[attr-defined]
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            # The same page whether the address has an account or not: nobody learns who has one.
            return render(
                request, "demandeurs/compte/mot_de_passe_envoye.html", {"courriel": form.cleaned_data["courriel"]}
            )
    return render(
        request, "demandeurs/compte/mot_de_passe_oublie.html", {"form": form, "erreurs": resume_erreurs([form])}
    )


class NouveauMotDePasse(auth_views.PasswordResetConfirmView):
    """The link of the e-mail (Django's one-time token, moved into the session before the form is shown so that it
    never leaks through a Referer): a new password for an applicant account, never a staff account."""

    template_name = "demandeurs/compte/mot_de_passe_nouveau.html"
    form_class = NouveauMotDePasseForm
    reset_url_token = "definir"
    success_url = reverse_lazy("demandeurs:mot_de_passe_change")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        if (
            user is None
            or not CompteDemandeur.objects.filter(utilisateur=user, courriel_verifie_le__isnull=False).exists()
        ):
            return None
        return user

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services_compte.mot_de_passe_reinitialiser(
                utilisateur=self.user,
                jeton=str(self.request.session.get(INTERNAL_RESET_SESSION_TOKEN, "")),
                mot_de_passe=form.cleaned_data["new_password1"],
                auteur=acteur_de(self.request.user),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexte = super().get_context_data(**kwargs)
        form = contexte.get("form")
        contexte["erreurs"] = resume_erreurs([form]) if form is not None else []
        return contexte


mot_de_passe_nouveau = hors_personnel(NouveauMotDePasse.as_view())


@hors_personnel
@require_GET
def mot_de_passe_change(request: HttpRequest) -> HttpResponse:
    return render(request, "demandeurs/compte/mot_de_passe_change.html")
