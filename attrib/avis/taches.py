"""The outbox run by the worker (``manage.py db_worker``): write the new notices, send the emails."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from attrib.avis.services import avis_traiter
from attrib.organisations.acteurs import acteur_systeme


@task()
def traiter_avis() -> dict[str, Any]:
    rapport = avis_traiter(auteur=acteur_systeme("avis aux demandeurs"))
    return {
        "resume": rapport.resume,
        "courriels_en_echec": rapport.courriels_en_echec,
        "sautes": rapport.sautes,
    }
