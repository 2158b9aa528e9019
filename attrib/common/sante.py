"""Health endpoints for the service manager, the reverse proxy or a load balancer; JSON, open without login.

* ``/sante/vivant``: the process answers (no database, no file): restart it when this fails.
* ``/sante/pret``: the installation can serve: the database answers, every migration is applied, and the static
  files' manifest written by ``collectstatic`` is there (when ``STATIC_MANIFEST`` is on). Otherwise 503, with the
  reason in French for each failed check: take the server out of the pool until it is fixed.

Neither says anything about the data (no count, no name) nor gives an error's technical detail.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

MANIFESTE = "staticfiles.json"


def _base() -> tuple[bool, str]:
    connexion = connections[DEFAULT_DB_ALIAS]
    try:
        with connexion.cursor() as curseur:
            curseur.execute("SELECT 1")
            curseur.fetchone()
    except Exception as erreur:  # any driver's error: the reason is logged, not shown
        logger.warning("Sonde /sante/pret : base de données injoignable (%s).", type(erreur).__name__)
        return False, "La base de données ne répond pas."
    return True, "La base de données répond."


def _migrations() -> tuple[bool, str]:
    try:
        executeur = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executeur.migration_plan(executeur.loader.graph.leaf_nodes())
    except Exception as erreur:
        logger.warning("Sonde /sante/pret : état des migrations illisible (%s).", type(erreur).__name__)
        return False, "L'état des migrations de la base n'a pas pu être lu."
    if plan:
        return False, (f"{len(plan)} migration(s) de la base ne sont pas appliquées : lancer « manage.py migrate ».")
    return True, "Toutes les migrations sont appliquées."


def _statiques() -> tuple[bool, str]:
    if not settings.STATIC_MANIFEST:
        return True, "Fichiers statiques lus dans les applications (STATIC_MANIFEST=0)."
    if not (Path(settings.STATIC_ROOT) / MANIFESTE).is_file():
        return False, "Les fichiers statiques ne sont pas collectés : lancer « manage.py collectstatic »."
    return True, "Les fichiers statiques sont collectés."


@login_not_required
@never_cache
@require_safe
def vivant(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"statut": "vivant"})


@login_not_required
@never_cache
@require_safe
def pret(request: HttpRequest) -> JsonResponse:
    controles = {"base": _base()}
    controles["migrations"] = _migrations() if controles["base"][0] else (False, "Non vérifié : base injoignable.")
    controles["statiques"] = _statiques()
    pret_ = all(ok for ok, _ in controles.values())
    return JsonResponse(
        {
            "statut": "pret" if pret_ else "indisponible",
            "controles": {nom: {"ok": ok, "detail": detail} for nom, (ok, detail) in controles.items()},
        },
        status=200 if pret_ else 503,
        json_dumps_params={"ensure_ascii": False},
    )
