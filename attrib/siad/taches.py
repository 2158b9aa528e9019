"""Work of the reception service run by the worker (``manage.py db_worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from attrib.organisations.acteurs import acteur_systeme
from attrib.siad.chiffres import chiffres_cles_calculer, territoires_a_calculer


@task()
def calculer_chiffres_cles() -> dict[str, Any]:
    """The key figures of every territory with public pages (nightly)."""
    auteur = acteur_systeme("chiffres clés des territoires")
    territoires = territoires_a_calculer()
    for epci in territoires:
        chiffres_cles_calculer(epci=epci, auteur=auteur)
    return {"resume": f"Chiffres clés calculés pour {len(territoires)} territoire(s)."}
