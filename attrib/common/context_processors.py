"""The DSFR site configuration (title, mourning, sitewide notice) read once a minute per process.

``dsfr.context_processors.site_config`` reads it from the database on every page, twice when no configuration
exists in the current language: two queries of the 11 to 20 each page makes, for a row an administrator edits a
few times a year. A change made in the administration shows within ``DUREE_S`` seconds on every page."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils.translation import get_language
from dsfr.models import DsfrConfig

DUREE_S = 60.0

_CONFIGS: dict[tuple[str, str | None], tuple[float, DsfrConfig | None]] = {}
_VERROU = threading.Lock()


def _lire() -> DsfrConfig | None:
    return DsfrConfig.objects.filter(language=get_language()).first() or DsfrConfig.objects.first()


def site_config(request: HttpRequest) -> dict[str, Any]:
    cle = (connection.alias, get_language())
    maintenant = time.monotonic()
    with _VERROU:
        connu = _CONFIGS.get(cle)
    if connu is None or connu[0] <= maintenant:
        connu = (maintenant + DUREE_S, _lire())
        with _VERROU:
            _CONFIGS[cle] = connu
    return {"SITE_CONFIG": connu[1]}


def vider() -> None:
    with _VERROU:
        _CONFIGS.clear()
