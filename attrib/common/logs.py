"""Structured logs: one JSON object per line, for the application (Django) and the production server (gunicorn).

What a line never holds (docs/decisions/0013-service-en-production.md):

* no query string: the access line keeps the path only (a search ``?recherche=Durand`` would put a household's
  name in the logs), nor the referrer (it holds the previous page's query string);
* no user name, no client address, no user agent: the reverse proxy holds the addresses under its own rules;
* no exception message: a database error quotes the row's values (``Key (nom)=(Durand)``); the line gives the
  exception's type and where it was raised (file, line, function), enough to find the fault.

This module imports nothing from Django: gunicorn's configuration (``config/gunicorn.conf.py``) loads it before
the application.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

#: A query string inside a request line (``"GET /demandes/?q=Durand HTTP/1.1"``), as the development server logs it.
REQUETE = re.compile(r"\?[^\s\"]*")

#: The fields of an access line, read from gunicorn's atoms (``%(m)s``, ``%(U)s`` …): path only, no query.
ATOMES_ACCES = {"methode": "m", "chemin": "U", "statut": "s", "octets": "B", "duree_ms": "M"}


def _acces(atomes: Mapping[str, Any]) -> dict[str, Any]:
    ligne: dict[str, Any] = {}
    for cle, atome in ATOMES_ACCES.items():
        valeur = atomes.get(atome)
        if cle in {"statut", "octets", "duree_ms"}:
            try:
                valeur = int(valeur) if valeur not in (None, "-") else None
            except (TypeError, ValueError):
                valeur = None
        ligne[cle] = valeur
    return ligne


def _trace(exc_info: Any) -> dict[str, Any]:
    type_, _, tb = exc_info
    cadres = [f"{cadre.filename}:{cadre.lineno} {cadre.name}" for cadre in traceback.extract_tb(tb)]
    return {"exception": getattr(type_, "__qualname__", str(type_)), "trace": cadres[-8:]}


class FormatJson(logging.Formatter):
    """One JSON object per line: ``moment`` (UTC, ISO 8601), ``niveau``, ``source`` (the logger), ``message``;
    an access line carries ``methode``, ``chemin``, ``statut``, ``octets``, ``duree_ms`` instead of a message."""

    def format(self, record: logging.LogRecord) -> str:
        ligne: dict[str, Any] = {
            "moment": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "niveau": record.levelname,
            "source": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            ligne.update(_acces(record.args))
        elif record.name == "django.server":  # ``make serve`` (runserver): the request line, path only
            ligne["message"] = REQUETE.sub("", record.getMessage())
        else:
            ligne["message"] = record.getMessage()
        if record.exc_info and record.exc_info[0] is not None:
            ligne.update(_trace(record.exc_info))
        return json.dumps(ligne, ensure_ascii=False, default=str)
