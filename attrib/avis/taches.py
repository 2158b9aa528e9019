"""The tasks of the notices run by the worker (``manage.py db_worker``): the outbox (write the new notices, send the
emails) and the nightly follow-up of the positions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task

from attrib.avis.positions import positions_suivre
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


@task()
def suivre_positions(jour: str | None = None) -> dict[str, Any]:
    """The nightly follow-up of the positions (after ``recoter``): alerts, then the new snapshot. ``jour``: an ISO
    date (the task's arguments are stored as JSON), today by default."""
    suivi = positions_suivre(
        auteur=acteur_systeme("suivi des positions"), jour=date.fromisoformat(jour) if jour else None
    )
    return {
        "resume": suivi.resume,
        "changees": suivi.changees,
        "avis": suivi.rapport.avis,
        "gardees": suivi.gardees,
        "sautes": suivi.rapport.sautes,
    }
