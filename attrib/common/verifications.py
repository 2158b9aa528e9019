"""System checks of the installation (``manage.py check --deploy``, ``make deploy-check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_et_adresses(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Behind a reverse proxy (``SECURE_PROXY_SSL_HEADER``) every request comes from the proxy's address unless
    ``REVERSE_PROXY_COUNT`` says how many proxies append to X-Forwarded-For: one person's wrong passwords would
    then lock the login page for everyone (docs/decisions/0015-resistance-aux-abus.md)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(settings, "REVERSE_PROXY_COUNT", 0):
        return [
            Warning(
                "Derrière un proxy inverse (SECURE_PROXY_SSL_HEADER), REVERSE_PROXY_COUNT vaut 0 : toutes les "
                "requêtes semblent venir du proxy, et les blocages après échecs de connexion frapperaient tous les "
                "utilisateurs à la fois.",
                hint="Indiquez le nombre de proxys qui ajoutent l'adresse du client à X-Forwarded-For "
                "(REVERSE_PROXY_COUNT=1 derrière le nginx de docs/exploitation.md).",
                id="attrib.W001",
            )
        ]
    return []
