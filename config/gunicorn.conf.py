"""gunicorn configuration of Attrib: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Every value comes from an environment variable (docs/exploitation.md lists them):

- ``GUNICORN_BIND``: address and port (default ``127.0.0.1:8000``: the reverse proxy is on the same machine);
- ``GUNICORN_WORKERS``: processes (default ``2 × cores + 1``, at most 8);
- ``GUNICORN_THREADS``: threads per process (default 1; above 1 the ``gthread`` worker is used);
- ``GUNICORN_TIMEOUT``: seconds before a silent worker is killed (default 120: a freed dwelling's first shortlist
  at a region's size takes longer than gunicorn's 30 s; long work itself runs in ``manage.py db_worker``);
- ``GUNICORN_GRACEFUL_TIMEOUT``: seconds a stopping worker gets to finish its requests (default 30);
- ``GUNICORN_MAX_REQUESTS``: requests after which a worker is replaced (default 2000, with jitter; 0 = never);
- ``ATTRIB_PRECHAUFFAGE``: ``1`` (default) builds the shortlist indexes before the workers start
  (``manage.py prechauffer_rapprochement``, at most ``ATTRIB_PRECHAUFFAGE_TIMEOUT`` seconds, default 600), ``0``:
  not (each is then built by the first shortlist of its territory). Decision 0023.

Logs: one JSON object per line on standard error (``attrib.common.logs.FormatJson``); the access line holds the
method, the path WITHOUT its query string, the status, the size and the duration; no user name, no address.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from attrib.common.logs import ATOMES_ACCES


def _entier(nom: str, defaut: int) -> int:
    texte = os.environ.get(nom, "").strip()
    if not texte:
        return defaut
    try:
        return int(texte)
    except ValueError:
        raise SystemExit(f"{nom} doit être un nombre entier (valeur lue : « {texte} »).") from None


bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = _entier("GUNICORN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8))
threads = _entier("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _entier("GUNICORN_TIMEOUT", 120)
graceful_timeout = _entier("GUNICORN_GRACEFUL_TIMEOUT", 30)
max_requests = _entier("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# gunicorn's control socket (``gunicornc``) would live in the service account's home, shared by every instance on
# the machine: off; the service manager (systemd) drives the server by signals.
control_socket_disable = True
# Heartbeat files in memory, not on a disk that may stall (Debian mounts /dev/shm).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Access log: the path only (``%(U)s``), never the query string (``%(q)s``, ``%(r)s``) nor ``%(u)s``.
accesslog = "-"
access_log_format = " ".join(f"%({atome})s" for atome in ATOMES_ACCES.values())
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "attrib.common.logs.FormatJson"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}


def when_ready(server: Any) -> None:
    """Before the first worker starts: the shortlist indexes, built once for every process (decision 0023).

    Run in a separate process: the arbiter never imports the application (a reload, ``kill -HUP``, still starts
    workers on the new code). Kept in ``ATTRIB_VAR_DIR``, an index already built for the current state of the data
    is only read back (a restart takes a second); a failure is logged and never stops the server: the first
    shortlist of the territory then builds it."""
    if os.environ.get("ATTRIB_PRECHAUFFAGE", "1").strip() == "0":
        return
    debut = time.monotonic()
    manage = Path(__file__).resolve().parents[1] / "manage.py"
    try:
        fini = subprocess.run(
            [sys.executable, str(manage), "prechauffer_rapprochement"],
            capture_output=True,
            text=True,
            timeout=_entier("ATTRIB_PRECHAUFFAGE_TIMEOUT", 600),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        server.log.warning("Préchauffage des index de présélection interrompu : %s", exc)
        return
    duree = time.monotonic() - debut
    if fini.returncode:
        server.log.warning("Préchauffage des index de présélection incomplet (%.1f s) : %s", duree, fini.stderr[-2000:])
    else:
        server.log.info("Index de présélection prêts en %.1f s.", duree)


def post_worker_init(worker: Any) -> None:
    """In each worker, once the application is loaded and before its first request: the shortlist indexes read back
    from the files ``when_ready`` prepared (decision 0023). A failure is logged; the worker serves anyway."""
    if os.environ.get("ATTRIB_PRECHAUFFAGE", "1").strip() == "0":
        return
    try:
        from attrib.rapprochement.moteur import prechauffer_processus

        prechauffer_processus()
    except Exception:  # never keep a worker from serving
        worker.log.exception("Préchauffage de la présélection impossible dans ce processus")
