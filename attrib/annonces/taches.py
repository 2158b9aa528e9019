"""The worker's tasks of location voulue (``manage.py db_worker``): the e-mail alerts of a published advert
(queued by ``annonce_publier`` once its transaction is committed: :func:`alertes_mettre_en_file`) and the nightly
batch of the adverts published the day before (``manage.py alerter_annonces``). The notices they write are
e-mailed by the notices' own task (``attrib.avis.taches.traiter_avis``), like every notice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from attrib.annonces.alertes import RapportAlertes, alertes_annonces, alertes_du_jour
from attrib.annonces.models import Annonce
from attrib.organisations.acteurs import acteur_systeme

RAISON = "alertes de location voulue"


def _resultat(rapport: RapportAlertes) -> dict[str, Any]:
    return {
        "resume": rapport.resume,
        "annonces": rapport.annonces,
        "menages": rapport.menages,
        "avis": rapport.avis.avis,
        "sautees": rapport.sautees,
        "avis_non_ecrits": rapport.avis.sautes,
    }


@task()
def alerter_annonces(annonce_ids: list[int]) -> dict[str, Any]:
    """Tell the households matched by the adverts ``annonce_ids`` (ids: the task's arguments are stored as JSON)."""
    return _resultat(alertes_annonces(annonce_ids=annonce_ids, auteur=acteur_systeme(RAISON)))


@task()
def alerter_annonces_du_jour(jour: str | None = None) -> dict[str, Any]:
    """The batch of the adverts published on ``jour`` (ISO date; yesterday by default) still open."""
    quand = date.fromisoformat(jour) if jour else timezone.localdate() - timedelta(days=1)
    return _resultat(alertes_du_jour(jour=quand, auteur=acteur_systeme(RAISON)))


def alertes_mettre_en_file(annonce: Annonce) -> None:
    """Queue the alerts of ``annonce`` once the transaction that publishes it is committed (the worker must read
    the advert published; nothing is queued if the publication is rolled back)."""
    pk = annonce.pk
    transaction.on_commit(lambda: alerter_annonces.enqueue([pk]))


__all__ = ["alerter_annonces", "alerter_annonces_du_jour", "alertes_mettre_en_file"]
