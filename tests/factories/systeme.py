"""Factories act as the system: a service that requires an actor gets ``acteur_systeme("fabrique de test")``
unless the caller names another one. Tests about who may act pass their own actor explicitly."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, MutableMapping
from typing import Any

from attrib.organisations.acteurs import acteur_systeme

SYSTEME = acteur_systeme("fabrique de test")


def _exige_un_acteur(service: Callable[..., Any]) -> bool:
    try:
        parametre = inspect.signature(service).parameters.get("auteur")
    except (TypeError, ValueError):
        return False
    return parametre is not None and str(parametre.annotation).split(".")[-1] == "Acteur"


def par_le_systeme(service: Callable[..., Any]) -> Callable[..., Any]:
    """``service`` called with ``auteur=SYSTEME`` when no author is given."""
    if not _exige_un_acteur(service):
        return service

    @functools.wraps(service)
    def appel(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("auteur", SYSTEME)
        return service(*args, **kwargs)

    return appel


def services_par_le_systeme(espace: MutableMapping[str, Any]) -> None:
    """Rebind, in a module's namespace, every imported Attrib service that requires an actor."""
    for nom, objet in list(espace.items()):
        if inspect.isfunction(objet) and objet.__module__.startswith("attrib."):
            espace[nom] = par_le_systeme(objet)
