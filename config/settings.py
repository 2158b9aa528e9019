"""Settings of Attrib.

Zero configuration gives a working SQLite installation (demo, tests). Production behaviour is
switched by environment variables only:

- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/attrib``; SQLite ``var/attrib.sqlite3`` when unset.
- ``DEBUG``: ``0`` (default: the demo and every installation answer like the real service, French error
  pages without technical detail) or ``1`` (developer's opt-in: Django's debug pages).
- ``ALLOWED_HOSTS``: comma-separated list (default ``127.0.0.1,localhost``: a local installation).
- ``SECRET_KEY``: required as soon as ``ALLOWED_HOSTS`` is set (an installation reachable under a real host
  name); a local installation (demo, tests, development) keeps a random key in ``var/secret_key``
  (docs/decisions/0004-demo-sans-debug.md).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ATTRIB_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("DEBUG", "0") == "1"
#: A real deployment names its host(s); without ALLOWED_HOSTS the installation only answers on this machine.
INSTALLATION_LOCALE = not os.environ.get("ALLOWED_HOSTS", "").strip()


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not (DEBUG or INSTALLATION_LOCALE):
        raise RuntimeError(
            "SECRET_KEY doit être défini pour une installation accessible sous un nom d'hôte (ALLOWED_HOSTS)."
        )
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    # Django (whitenoise first: runserver serves the static files as in production, DEBUG on or off)
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    # Third party
    "dsfr",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_tasks",
    # Before django_tasks_db: its ``db_worker`` first closes the jobs of a killed worker (attrib/taches).
    "attrib.taches",
    "django_tasks_db",
    # Attrib domain apps, in the order of the data flow
    "attrib.common",
    "attrib.documents",
    "attrib.territoires",
    "attrib.organisations",
    "attrib.demandes",
    "attrib.cotation",
    "attrib.demo",
    "attrib.patrimoine",
    "attrib.qualification",
    "attrib.flux",
    "attrib.commissions",
    "attrib.rapprochement",
    "attrib.pilotage",
    "attrib.journal",
    # Interfaces: the home page and navigation (they know every domain app), the API
    "attrib.accueil",
    "attrib.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy header on every answer (issue 12; settings in the block below).
    "csp.middleware.CSPMiddleware",
    # Cache-Control: no-store on authenticated pages and on downloads (issue 12, docs/decisions/0014).
    "attrib.common.cache.PasDeCacheMiddleware",
    # Static files served by the application itself (demo and small installations), DEBUG on or off.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "attrib.organisations.middleware.ActeurMiddleware",
    "attrib.journal.middleware.JournalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# --- Content-Security-Policy (issue 12)
# Every script, style sheet, font and image comes from the application itself (the DSFR is served locally,
# the API documentation is rendered on the server): no inline script nor style attribute, no CDN, no frame.
# ``data:`` images are the DSFR's own SVG icons embedded in its style sheet (checkboxes, radios, selects).
# docs/decisions/0014-csp-no-store-recherches.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Searches are sent by POST and kept in the session under an opaque key (attrib/common/recherches.py): at most
# this many per session (the oldest are forgotten), each cut to this many characters.
RECHERCHES_EN_SESSION_MAX = 50
RECHERCHE_TEXTE_MAX = 200

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "attrib" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
                "attrib.accueil.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'attrib.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # The worker writes while the web server reads: with the write-ahead log, readers never wait for a writer
    # (a polling page keeps answering while a publication writes its cotations).
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    # The test database is a file (not in memory), so that the real worker the tests start (a separate
    # process: tests/taches/test_worker_reel.py) opens the same database. One per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("ATTRIB_TEST_DB")
        or str(Path(tempfile.gettempdir()) / f"attrib-test-{os.getpid()}.sqlite3")
    }

# Long work runs in a worker (``python manage.py db_worker``), queued in the database: no broker to run, on
# SQLite as on PostgreSQL (docs/decisions/0009-taches-longues.md). Tests run the tasks at once in the
# request (ImmediateBackend, tests/conftest.py) except those that start the real worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise reads it at start-up; filled by ``collectstatic`` when deployed
# Without ``collectstatic`` (demo, development) whitenoise finds the files in the apps, like runserver would.
WHITENOISE_USE_FINDERS = True
CSRF_FAILURE_VIEW = "attrib.common.erreurs.csrf_refuse"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "attrib.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Attrib",
    "DESCRIPTION": "API REST d'Attrib (gestion partagée de la demande de logement social).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name per closed list of the domain (several serializers share them).
    "ENUM_NAME_OVERRIDES": {
        "StatutDemandeEnum": "attrib.demandes.enums.StatutDemande.choices",
        "StatutValidationEnum": "attrib.demandes.enums.StatutValidation",
        "StatutPieceEnum": "attrib.demandes.enums.StatutPiece",
        "MotifEnum": "attrib.demandes.enums.Motif.choices",
        "MotifRadiationEnum": "attrib.demandes.enums.MotifRadiation",
        "TypeLogementEnum": "attrib.demandes.enums.TypeLogement.choices",
        "RolePersonneEnum": "attrib.demandes.enums.RolePersonne",
        "RoleMembreEnum": "attrib.organisations.models.Role",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
