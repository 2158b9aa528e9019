"""Settings of the test OpenID Connect provider (environment given by the test that starts it)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ICI = Path(__file__).resolve().parent

SECRET_KEY = secrets.token_urlsafe(40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.fournisseur_oidc.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [ICI / "templates"]}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["FOURNISSEUR_BASE"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/connexion/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ["FOURNISSEUR_CLE_RSA"],
    # FranceConnect's scopes are named after its claims; its confidential clients do not use PKCE.
    "SCOPES": {
        "openid": "Identifiant",
        "given_name": "Prénoms",
        "family_name": "Nom",
        "email": "Adresse électronique",
    },
    "PKCE_REQUIRED": False,
    # FranceConnect's logout (session/end): id_token_hint, state, post_logout_redirect_uri; no confirmation page
    # when the ID token is the logged-in person's.
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "tests.fournisseur_oidc.validateur.Validateur",
}
