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
- ``ATTRIB_VAR_DIR``: the directory of the installation's own files (default ``var/``: SQLite, key, documents).
- ``STATIC_ROOT``: where ``collectstatic`` writes the static files (default ``staticfiles/``).
- ``STATIC_MANIFEST``: ``1`` serves the files collected by ``collectstatic``, under names that carry their hash,
  cached for a year by browsers; ``0`` finds them in the applications (development). Default: ``1`` for a
  deployment (``ALLOWED_HOSTS`` set), ``0`` for a local installation. ``STATIC_COMPRESSION`` (default ``1``):
  ``collectstatic`` also writes compressed copies (``0``: faster collection, for the demo and the tests).
- ``LOG_LEVEL`` (default ``WARNING``), ``LOG_FORMAT``: ``json`` (default: one JSON object per line, no personal
  data, ``attrib/common/logs.py``) or ``texte``.

Production security (block "Production security" below; docs/exploitation.md, decision 0013). Each variable has
a safe default that depends on the kind of installation: a **deployment** (``ALLOWED_HOSTS`` set, served over
HTTPS) gets the strict value, a **local** installation (demo, tests, development over plain HTTP on this machine)
the value that lets it work without a certificate. Booleans are ``1``/``0``.

- ``SECURE_SSL_REDIRECT``: redirect plain HTTP to HTTPS (deployment ``1``, local ``0``); ``/sante/`` is exempt
  so that a probe on the machine itself still answers.
- ``SECURE_HSTS_SECONDS``: how long browsers must use HTTPS only (deployment one year ``31536000``, local ``0``);
  ``SECURE_HSTS_INCLUDE_SUBDOMAINS`` and ``SECURE_HSTS_PRELOAD`` (deployment ``1``, local ``0``).
- ``SESSION_COOKIE_SECURE``, ``CSRF_COOKIE_SECURE``: cookies sent over HTTPS only (deployment ``1``, local ``0``).
- ``SECURE_PROXY_SSL_HEADER``: ``1`` trusts the reverse proxy's ``X-Forwarded-Proto: https`` (default ``0``:
  only behind a proxy that sets this header itself, never when the server is reachable directly).
- ``CSRF_TRUSTED_ORIGINS``: comma-separated origins (``https://attrib.example.fr``) allowed to send forms when
  they differ from the requested host (default: none).
- ``SESSION_COOKIE_AGE``: seconds a login lasts (default ``28800``, 8 hours: a working day);
  ``SESSION_EXPIRE_AT_BROWSER_CLOSE``: the session ends with the browser (deployment ``1``, local ``0``).
- ``SESSION_COOKIE_HTTPONLY`` (default ``1``: scripts cannot read the session cookie), ``SESSION_COOKIE_SAMESITE``
  (default ``Lax``; ``Strict`` also refuses the cookie on links followed from another site).
- ``SECURE_CONTENT_TYPE_NOSNIFF`` (default ``1``), ``SECURE_REFERRER_POLICY`` (default ``same-origin``: no
  address of an Attrib page, which may hold a search, leaves for another site), ``X_FRAME_OPTIONS`` (default
  ``DENY``: no page inside another site's frame), ``SECURE_CROSS_ORIGIN_OPENER_POLICY`` (default
  ``same-origin``).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(nom: str, defaut: bool) -> bool:
    """``1``/``0`` (also ``true``/``false``, ``oui``/``non``); unset or empty gives the default."""
    texte = os.environ.get(nom, "").strip().lower()
    if not texte:
        return defaut
    if texte in {"1", "true", "oui", "yes", "on"}:
        return True
    if texte in {"0", "false", "non", "no", "off"}:
        return False
    raise RuntimeError(f"La variable d'environnement {nom} doit valoir 1 ou 0 (valeur lue : « {texte} »).")


def _env_int(nom: str, defaut: int) -> int:
    texte = os.environ.get(nom, "").strip()
    if not texte:
        return defaut
    try:
        return int(texte)
    except ValueError:
        raise RuntimeError(
            f"La variable d'environnement {nom} doit être un nombre entier (valeur lue : « {texte} »)."
        ) from None


def _env_liste(nom: str, defaut: str = "") -> list[str]:
    return [e.strip() for e in os.environ.get(nom, defaut).split(",") if e.strip()]


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
    "attrib.information",
    "attrib.pilotage",
    "attrib.journal",
    "attrib.exploitation",
    "attrib.avis",
    # The applicant space (issue 13): applicant accounts, links to demands, consents, « Mon espace ».
    "attrib.demandeurs",
    # The territory's reception and information service (issue 13 point 6): public pages, reception places, slots.
    "attrib.siad",
    # Location voulue (issue 14): advertised dwellings, the households' applications, the committed draw.
    "attrib.annonces",
    # Priority households (issue 15): priority labels, social follow-ups, consents, qualified demands.
    "attrib.labellisation",
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
    # An applicant account reaches the applicant space only: every other page answers 404 (decision 0024).
    "attrib.demandeurs.middleware.EspaceDemandeurMiddleware",
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
                "attrib.common.context_processors.site_config",
                "attrib.accueil.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'attrib.sqlite3'}",
        # A connection kept by each process (sync workers: one request at a time), checked before reuse: opening
        # one per request forks a PostgreSQL backend whose caches start empty (decision 0023).
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it costs tens of milliseconds to the queries it judges expensive (a count, the hash of a
    # perimeter at a region's size) and pays off only on long analytical queries (decision 0023).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
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

# Batch proposals (matching): limits of the solver run by the worker (docs/appariement.md,
# docs/decisions/0020-propositions-par-lot-amorcees-par-la-relaxation.md). Technical limits, not legal values: the
# solver stops as soon as its certified gap (upper bound − value) / upper bound is at most the target, or at the
# time limit. Measured by ``make bench ONLY=matching``: all CIA objectives binding, 2,000 dwellings × 50,000
# demands in under 5 s and a region's month (10,000 × 250,000) in under 30 s, both within the target.
ATTRIB_PROPOSITIONS_ECART_CIBLE = float(os.environ.get("ATTRIB_PROPOSITIONS_ECART_CIBLE", "0.001"))
ATTRIB_PROPOSITIONS_DUREE_MAX_S = float(os.environ.get("ATTRIB_PROPOSITIONS_DUREE_MAX_S", "30"))

# Notices to households (attrib/avis, docs/decisions/0025-avis-aux-demandeurs.md): sent by the worker through
# Django's mail framework. ``EMAIL_HOST`` (default ``127.0.0.1``), ``EMAIL_PORT`` (default ``25``; the demo's local
# mailbox listens on ``1025``), ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS`` / ``EMAIL_USE_SSL``
# (``1``/``0``), ``EMAIL_TIMEOUT`` (seconds, default ``10``), ``DEFAULT_FROM_EMAIL`` (the sender households see).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Attrib <ne-pas-repondre@attrib.localhost>")
#: Attempts for one email in one run of the worker, and the pauses between them (seconds): technical limits.
ATTRIB_AVIS_TENTATIVES = int(os.environ.get("ATTRIB_AVIS_TENTATIVES", "3"))
ATTRIB_AVIS_PAUSE_S = float(os.environ.get("ATTRIB_AVIS_PAUSE_S", "2"))
#: The watermark stays this many seconds behind the newest source row: a transaction still open when the worker
#: reads (its rows numbered before rows already committed) is read at a later run.
ATTRIB_AVIS_GARDE_S = int(os.environ.get("ATTRIB_AVIS_GARDE_S", "600"))
#: An event older than this many days gives no notice (a history loaded in bulk, a worker stopped for long).
ATTRIB_AVIS_AGE_MAX_J = int(os.environ.get("ATTRIB_AVIS_AGE_MAX_J", "30"))
#: Address of the installation in the emails' links (``https://attrib.example.fr``); no link when empty.
ATTRIB_URL_PUBLIQUE = os.environ.get("ATTRIB_URL_PUBLIQUE", "").rstrip("/")
#: The demo's mailbox page (``/avis/demo/boite/``): on with ``DEBUG`` or ``ATTRIB_DEMO_BOITE=1``, never otherwise.
ATTRIB_DEMO_BOITE = os.environ.get("ATTRIB_DEMO_BOITE", "1" if DEBUG else "0") == "1"

# The reception service's public pages and appointments (attrib/siad, docs/decisions/0030): technical limits.
#: A series of slots covers at most this many days and opens at most this many slots.
SIAD_SERIE_JOURS_MAX = int(os.environ.get("SIAD_SERIE_JOURS_MAX", "183"))
SIAD_SERIE_CRENEAUX_MAX = int(os.environ.get("SIAD_SERIE_CRENEAUX_MAX", "500"))
#: Bookings to come that one contact (e-mail or telephone) may hold at one place.
SIAD_RENDEZ_VOUS_PAR_CONTACT_MAX = int(os.environ.get("SIAD_RENDEZ_VOUS_PAR_CONTACT_MAX", "2"))
#: Weeks of slots a place's public page offers.
SIAD_SEMAINES_PUBLIEES = int(os.environ.get("SIAD_SEMAINES_PUBLIEES", "6"))
#: Seconds a browser or a proxy may keep a public page of the territory (the same for every visitor).
SIAD_CACHE_PUBLIC_S = int(os.environ.get("SIAD_CACHE_PUBLIC_S", "300"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "login"

# A password that is the only factor: at least 12 characters (CNIL, délibération n° 2022-100, after the ANSSI
# guide on passwords, 2021), not close to the user's name, not common, not all digits (decision 0015).
# A technical security setting, not a legal value.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise reads it at start-up; filled by ``collectstatic``
#: Production (and ``make demo``): the files collected by ``collectstatic``, named after their hash
#: (``dsfr.min.3f2a….css``) and listed in ``staticfiles.json``; whitenoise serves them compressed and cached for a
#: year, a new version having new names. Otherwise (tests, development) whitenoise finds them in the apps.
STATIC_MANIFEST = _env_bool("STATIC_MANIFEST", not INSTALLATION_LOCALE)
#: With the manifest, ``collectstatic`` also writes gzip and brotli copies that whitenoise serves to browsers that
#: accept them: about 45 s of processor at each upgrade, skipped by ``STATIC_COMPRESSION=0`` (demo, tests).
STATIC_COMPRESSION = _env_bool("STATIC_COMPRESSION", True)
if not STATIC_MANIFEST:
    _STOCKAGE_STATIQUE = "django.contrib.staticfiles.storage.StaticFilesStorage"
elif STATIC_COMPRESSION:
    _STOCKAGE_STATIQUE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
else:
    _STOCKAGE_STATIQUE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STOCKAGE_STATIQUE},
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
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

# --- Abuse resistance (issue 12) -------------------------------------------------------------------------------
# Login lockout (django-axes), API token lockout, rate limits by named scope, password validators
# (docs/decisions/0015-resistance-aux-abus.md). Every figure is a technical limit, overridable by environment.
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += ["axes"]
# Axes turns a lockout flagged during authentication into its answer: the last middleware, as its docs require.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# The axes backend first refuses any login (web page, admin) while the account or the address is locked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # FranceConnect (OpenID Connect) for the applicant space; inert while FRANCECONNECT_CLIENT_ID is unset.
    "attrib.demandeurs.franceconnect.BackendFranceConnect",
]

#: Reverse proxies in front of the application server that append the address they see to X-Forwarded-For
#: (``REVERSE_PROXY_COUNT=1`` behind one nginx). 0 (default): the address is the TCP peer (REMOTE_ADDR), and a
#: client-supplied X-Forwarded-For is ignored, so that no one can choose the address being counted.
REVERSE_PROXY_COUNT = int(os.environ.get("REVERSE_PROXY_COUNT", "0"))
#: How long a lock lasts (login, API tokens, applicant code linking), counted from the last failure.
DUREE_VERROUILLAGE = timedelta(minutes=int(os.environ.get("LOCKOUT_MINUTES", "15")))

AXES_HANDLER = "attrib.organisations.verrouillage.GestionnaireVerrouillage"  # database handler, two limits
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
#: Failed logins for one user name from one address before both are locked ...
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
#: ... and failed logins from one address, all user names together (an office behind one NAT address).
AXES_FAILURE_LIMIT_PAR_ADRESSE = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "50"))
AXES_COOLOFF_TIME = DUREE_VERROUILLAGE
# A refused attempt during the lock does not prolong it: the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "attrib.common.limites.adresse_client"
AXES_LOCKOUT_CALLABLE = "attrib.organisations.verrouillage.reponse_verrouillage"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
# Successful logins are not kept in a second table of addresses without a retention rule; failures are, until
# their lock expires (axes deletes them at the next failure after the cool-off).
AXES_DISABLE_ACCESS_LOG = True

# Counters shared by every worker process (gunicorn workers, several servers): a table of the database, the one
# store every process already shares. Created by the migration ``common.0003`` (or ``createcachetable``).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limites": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "attrib_limites",
        # Never evict a live counter or lock to make room (the default is 300 entries): expired ones go first.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}
CACHE_LIMITES = "limites"


def _limite(portee: str, defaut: str) -> str:
    """A rate ``<number>/<s|min|hour|day>``, overridable by ``RATE_<SCOPE>`` (``RATE_RECHERCHE=300/min``)."""
    return os.environ.get(f"RATE_{portee.upper()}", defaut)


REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "attrib.common.limites.LimiteAnonyme",
    "attrib.common.limites.LimiteUtilisateur",
]
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "attrib.api.authentification.JetonAuthentification",
    "rest_framework.authentication.SessionAuthentication",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    # Every API request: per address without a valid token, per user with one.
    "anon": _limite("anon", "120/min"),
    "user": _limite("user", "3000/min"),
    # Wrong API tokens from one address: at this rate the address is locked for DUREE_VERROUILLAGE.
    "api_jeton": _limite("api_jeton", "20/min"),
    # Searches by name or number (web list, API), per user: reading the file of households name by name.
    "recherche": _limite("recherche", "300/min"),
    # Exports of personal data (CSV, Excel, journal), per user.
    "export": _limite("export", "30/hour"),
    # Wrong codes when an applicant links an account to a demand (issue 13 applies it): then locked.
    "liaison_demandeur": _limite("liaison_demandeur", "5/hour"),
    # Appointments booked without login on the public pages of the reception service (issue 13), per address.
    "rendez_vous": _limite("rendez_vous", "20/hour"),
    # « Mot de passe oublié » of the applicant space, per address and per address typed (decision 0028).
    "reinitialisation": _limite("reinitialisation", "5/hour"),
}


# --- Production security (issue 12)
# Each value from the environment, with a safe default by kind of installation (module docstring,
# docs/exploitation.md, docs/decisions/0013-service-en-production.md). CSP and Cache-Control are set elsewhere.
_DEPLOIEMENT = not INSTALLATION_LOCALE
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", _DEPLOIEMENT)
# Health probes run on the machine itself, over plain HTTP (docs/exploitation.md).
SECURE_REDIRECT_EXEMPT = [r"^sante/"]
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31_536_000 if _DEPLOIEMENT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _DEPLOIEMENT)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", _DEPLOIEMENT)
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", _DEPLOIEMENT)
CSRF_COOKIE_SECURE = _env_bool("CSRF_COOKIE_SECURE", _DEPLOIEMENT)
if _env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = _env_liste("CSRF_TRUSTED_ORIGINS")
SESSION_COOKIE_AGE = _env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = _env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", _DEPLOIEMENT)
SESSION_COOKIE_HTTPONLY = _env_bool("SESSION_COOKIE_HTTPONLY", True)
SESSION_COOKIE_SAMESITE = os.environ.get("SESSION_COOKIE_SAMESITE", "Lax").strip() or "Lax"
if SESSION_COOKIE_SAMESITE not in {"Lax", "Strict"}:
    raise RuntimeError(
        f"SESSION_COOKIE_SAMESITE doit valoir Lax ou Strict (valeur lue : « {SESSION_COOKIE_SAMESITE} »)."
    )
SECURE_CONTENT_TYPE_NOSNIFF = _env_bool("SECURE_CONTENT_TYPE_NOSNIFF", True)
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin").strip() or "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = os.environ.get("SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin").strip()
X_FRAME_OPTIONS = os.environ.get("X_FRAME_OPTIONS", "DENY").strip() or "DENY"

LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").strip() or "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object per line, without query strings, user names or exception messages (attrib/common/logs.py).
    "formatters": {
        "json": {"()": "attrib.common.logs.FormatJson"},
        "texte": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "texte" if LOG_FORMAT == "texte" else "json"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Exploitation: backup, anonymised copies, retention (docs/exploitation-donnees.md, decision 0017) ---
#: ``production`` (default as soon as ALLOWED_HOSTS names a real host), ``copie`` (a copy of production being
#: prepared for testing: only there may ``manage.py anonymiser`` run), ``local`` (demo, development, tests).
EXPLOITATION_ENVIRONNEMENT = os.environ.get(
    "EXPLOITATION_ENVIRONNEMENT", "local" if INSTALLATION_LOCALE else "production"
)
#: Folder of pg_dump/pg_restore/psql when not the server's /usr/lib/postgresql/<version>/bin nor on the PATH.
SAUVEGARDE_PG_BIN_DIR = os.environ.get("SAUVEGARDE_PG_BIN_DIR", "")

# --- Imports bornés (issue 12, helper "imports"; decision 0016) -------------------------------------------
# Technical limits of user files (not legal values). Every refusal names the limit in French.
#: Bytes of one imported file (CSV or Excel: demands, residences, dwellings, occupancy indicators).
ATTRIB_IMPORT_OCTETS_MAX = int(os.environ.get("ATTRIB_IMPORT_OCTETS_MAX", str(50 * 1024 * 1024)))
#: Data rows of one imported file.
ATTRIB_IMPORT_LIGNES_MAX = int(os.environ.get("ATTRIB_IMPORT_LIGNES_MAX", "500000"))
#: Columns of one imported file.
ATTRIB_IMPORT_COLONNES_MAX = int(os.environ.get("ATTRIB_IMPORT_COLONNES_MAX", "300"))
#: Characters of one cell.
ATTRIB_IMPORT_CELLULE_MAX = int(os.environ.get("ATTRIB_IMPORT_CELLULE_MAX", "10000"))
#: Uncompressed bytes of an .xlsx (a zip): a "zip bomb" is refused before openpyxl opens it.
ATTRIB_IMPORT_XLSX_DECOMPRESSE_MAX = int(os.environ.get("ATTRIB_IMPORT_XLSX_DECOMPRESSE_MAX", str(500 * 1024 * 1024)))
#: Duplicate candidates kept per birth-date block (best scores first): the detection stays linear in the rows.
ATTRIB_DOUBLONS_PAIRES_PAR_BLOC_MAX = int(os.environ.get("ATTRIB_DOUBLONS_PAIRES_PAR_BLOC_MAX", "5000"))

# --- Applicant space (issue 13; docs/demandeurs.md, decision 0024) --------------------------------------------
# Technical limits (not legal values), each overridable by environment.
#: How long the link of a local account's verification e-mail stays valid.
DEMANDEURS_VERIFICATION_DUREE = timedelta(hours=_env_int("DEMANDEUR_VERIFICATION_HEURES", 48))
#: How long a linking code sent by e-mail stays valid, and one printed on a letter by the desk (post delays).
DEMANDEURS_CODE_DUREE_COURRIEL = timedelta(hours=_env_int("DEMANDEUR_CODE_COURRIEL_HEURES", 24))
DEMANDEURS_CODE_DUREE_COURRIER = timedelta(days=_env_int("DEMANDEUR_CODE_COURRIER_JOURS", 30))
#: Wrong codes typed for one demand before its code is spent (a new one must be asked for).
DEMANDEURS_CODE_ESSAIS_MAX = _env_int("DEMANDEUR_CODE_ESSAIS_MAX", 5)
#: Largest supporting document accepted (a photo or a scan), in megabytes (decision 0027). A reverse proxy in front
#: of the application must accept bodies at least this large (``client_max_body_size`` for nginx).
ATTRIB_PIECE_TAILLE_MAX_MO = _env_int("ATTRIB_PIECE_TAILLE_MAX_MO", 10)
#: How long the link of a « mot de passe oublié » e-mail stays valid (Django's reset tokens; applicants only).
PASSWORD_RESET_TIMEOUT = _env_int("DEMANDEUR_REINITIALISATION_HEURES", 24) * 3600

# --- Location voulue (issue 14; docs/location-voulue.md) -------------------------------------------------------
# Technical limits of the adverts' photos (not local rules: those are dated in data/parametres/location_voulue.yaml).
#: Largest photo of an advert, in megabytes, and photos an advert holds at most.
ATTRIB_ANNONCE_PHOTO_TAILLE_MAX_MO = _env_int("ATTRIB_ANNONCE_PHOTO_TAILLE_MAX_MO", 5)
ATTRIB_ANNONCE_PHOTOS_MAX = _env_int("ATTRIB_ANNONCE_PHOTOS_MAX", 10)

# FranceConnect through mozilla-django-oidc: enabled when FRANCECONNECT_CLIENT_ID is set. The endpoints default to
# FranceConnect's integration platform (fcp-low.sbx.dev-franceconnect.fr, v2); production sets its own.
_FC = os.environ.get("FRANCECONNECT_URL", "https://fcp-low.sbx.dev-franceconnect.fr/api/v2").rstrip("/")
FRANCECONNECT_ACTIF = bool(os.environ.get("FRANCECONNECT_CLIENT_ID", "").strip())
OIDC_RP_CLIENT_ID = os.environ.get("FRANCECONNECT_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("FRANCECONNECT_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("FRANCECONNECT_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("FRANCECONNECT_AUTHORIZATION_ENDPOINT", f"{_FC}/authorize")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("FRANCECONNECT_TOKEN_ENDPOINT", f"{_FC}/token")
OIDC_OP_USER_ENDPOINT = os.environ.get("FRANCECONNECT_USERINFO_ENDPOINT", f"{_FC}/userinfo")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("FRANCECONNECT_JWKS_ENDPOINT", f"{_FC}/jwks")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("FRANCECONNECT_LOGOUT_ENDPOINT", f"{_FC}/session/end")
OIDC_RP_SCOPES = os.environ.get("FRANCECONNECT_SCOPES", "openid given_name family_name email")
#: FranceConnect requires the eIDAS level in the authorisation request.
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": os.environ.get("FRANCECONNECT_ACR_VALUES", "eidas1")}
OIDC_AUTHENTICATION_CALLBACK_URL = "demandeurs:franceconnect_retour"
OIDC_CREATE_USER = True
OIDC_STORE_ID_TOKEN = True  # FranceConnect's logout needs the id_token
LOGIN_REDIRECT_URL_FAILURE = "/mon-espace/connexion/?franceconnect=echec"
