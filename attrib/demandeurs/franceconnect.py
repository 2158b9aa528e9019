"""FranceConnect (OpenID Connect) for the applicant space, through mozilla-django-oidc.

The endpoints, the client and the scopes come from the environment (``FRANCECONNECT_*``, docs/demandeurs.md).
An identity is an applicant account found or created by the provider's ``sub`` (never merged with a local
account by e-mail). Without ``FRANCECONNECT_CLIENT_ID`` the backend authenticates nobody and the login page
offers no FranceConnect button.

The ID token is kept in the session at login (``OIDC_STORE_ID_TOKEN``); logging out of a FranceConnect session
ends it at FranceConnect too (:func:`url_deconnexion`: ``id_token_hint``, ``state``, ``post_logout_redirect_uri``;
decision 0028).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from attrib.demandeurs.services import compte_franceconnect
from attrib.organisations.acteurs import acteur_systeme

journal = logging.getLogger(__name__)


#: Where mozilla-django-oidc keeps the ID token in the session (``OIDC_STORE_ID_TOKEN``).
CLE_ID_TOKEN = "oidc_id_token"
#: The ``state`` of a logout at FranceConnect, checked on its return.
CLE_ETAT_DECONNEXION = "franceconnect_deconnexion_etat"


def actif() -> bool:
    return bool(getattr(settings, "FRANCECONNECT_ACTIF", False))


def url_deconnexion(request: Any, id_token: str) -> str:
    """FranceConnect's ``end_session_endpoint`` for the session of ``id_token``; the ``state`` is kept in the (new,
    logged-out) session to be checked when FranceConnect sends the browser back."""
    etat = secrets.token_urlsafe(32)
    request.session[CLE_ETAT_DECONNEXION] = etat
    parametres = {
        "id_token_hint": id_token,
        "state": etat,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("demandeurs:franceconnect_deconnexion")),
    }
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(parametres)}"


class BackendFranceConnect(OIDCAuthenticationBackend):  # type: ignore[misc]
    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not actif() or request is None or "nonce" not in kwargs:
            return None  # not an OpenID Connect return (a password login, an API token…)
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, ValueError, SuspiciousOperation) as exc:
            # A code refused by the provider, the provider unreachable, an ID token that does not verify: nobody is
            # logged in, and the login page says in French that FranceConnect did not succeed.
            journal.warning("Connexion FranceConnect refusée : %s", type(exc).__name__)
            return None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(str(claims.get("sub", "")).strip())

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return get_user_model().objects.filter(compte_demandeur__franceconnect_sub=str(claims["sub"]).strip())

    def _utilisateur(self, claims: dict[str, Any]) -> Any:
        try:
            return compte_franceconnect(
                sub=str(claims.get("sub", "")),
                prenoms=str(claims.get("given_name", "")),
                nom=str(claims.get("family_name") or claims.get("usual_name") or ""),
                courriel=str(claims.get("email", "")),
                auteur=acteur_systeme("connexion FranceConnect"),
            )
        except ValidationError as exc:
            raise SuspiciousOperation(str(exc)) from exc

    def create_user(self, claims: dict[str, Any]) -> Any:
        return self._utilisateur(claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        return self._utilisateur(claims)


class DebutFranceConnect(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to FranceConnect (state, nonce in the session)."""


class RetourFranceConnect(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """FranceConnect's return: the code is exchanged for tokens, the ID token checked (signature, nonce), the
    account found or created, the applicant logged in, then sent to « Mon espace » (never to the staff's home)."""

    @property
    def success_url(self) -> str:
        return str(self.request.session.get("oidc_login_next") or reverse("demandeurs:espace"))
