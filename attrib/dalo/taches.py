"""The worker's task of the DALO follow-up (``manage.py db_worker``): the nightly alerts of the households whose
deadline is near or past (queued by ``manage.py alerter_dalo``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django_tasks import task

from attrib.dalo.alertes import alertes_dalo_ecrire
from attrib.organisations.acteurs import acteur_systeme

RAISON = "alertes du suivi DALO"


@task()
def alerter_dalo(jour: str | None = None) -> dict[str, Any]:
    """The alerts of ``jour`` (ISO date; today by default)."""
    quand = date.fromisoformat(jour) if jour else timezone.localdate()
    rapport = alertes_dalo_ecrire(auteur=acteur_systeme(RAISON), jour=quand)
    return {
        "resume": rapport.resume,
        "ecrites": rapport.ecrites,
        "deja_ecrites": rapport.deja_ecrites,
        "sans_destinataire": rapport.sans_destinataire,
        "sautees": rapport.sautees,
    }


__all__ = ["alerter_dalo"]
