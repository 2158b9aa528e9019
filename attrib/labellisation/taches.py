"""The worker's task of the priority labels (``manage.py db_worker``): the nightly expiry of the labels whose
validity has ended (also ``manage.py expirer_labels``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django_tasks import task

from attrib.labellisation.services import labels_expirer
from attrib.organisations.acteurs import acteur_systeme


@task()
def expirer_labels(jour: str | None = None) -> dict[str, Any]:
    """Expire the labels ended before ``jour`` (ISO date; today by default)."""
    quand = date.fromisoformat(jour) if jour else timezone.localdate()
    rapport = labels_expirer(aujourd_hui=quand, auteur=acteur_systeme("tâche expirer_labels"))
    return {"resume": rapport.resume, "expires": rapport.expires, "sautes": rapport.sautes}


__all__ = ["expirer_labels"]
