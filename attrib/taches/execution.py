"""Launching a long job and running it in the worker.

A view calls :func:`travail_lancer`: it records the job (``Travail``, status « en attente ») and enqueues a
task of ``django_tasks`` with the job's id and JSON-serialisable arguments (ids, not objects), then
redirects to the job's page. The task, run by the worker (``manage.py db_worker``), calls :func:`executer`
with the work to do; the work reports its progress through :class:`Contexte` and returns a
:class:`Resultat` (a summary in French, a file, a link), or raises :class:`EchecTravail` with a French
message and what was kept. Any other error is told in French too and re-raised for the queue's record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.taches.interruptions import interruptions_constater, processus_courant
from attrib.taches.models import StatutTravail, Travail
from attrib.taches.progression import Suivi

logger = logging.getLogger(__name__)

MESSAGE_ERREUR_INATTENDUE = "Le travail s'est arrêté sur une erreur inattendue. L'équipe technique est prévenue."
MESSAGE_REFUS = "Ce travail ne vous est plus permis : vos droits ont changé depuis son lancement."


class EchecTravail(Exception):
    """A failure the user is told about: ``message`` in French, ``conserve`` what was kept (default: what the
    job said when it was launched)."""

    def __init__(
        self, message: str, *, conserve: str | None = None, details: dict[str, Any] | None = None, gabarit: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.conserve = conserve
        self.details = details or {}
        self.gabarit = gabarit


@dataclass(frozen=True)
class Resultat:
    """What a finished job gives: ``resume`` (French), optionally a file, a link to a page, and a detailed report
    (``details``, shown on the job's page by the domain's template ``gabarit``, which receives it as ``details``)."""

    resume: str
    fichier: bytes | None = None
    nom_fichier: str = ""
    type_fichier: str = ""
    lien_vue: str = ""
    lien_args: Sequence[Any] = field(default_factory=tuple)
    lien_libelle: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    gabarit: str = ""


@dataclass
class Contexte:
    """What the work receives: its job, the user who launched it, and the progress callback."""

    travail: Travail
    lanceur: Any
    suivi: Suivi

    @property
    def acteur(self) -> Acteur:
        """The launcher as the actor the services require (their rights are checked again in the worker)."""
        return acteur_de(self.lanceur)

    def progression(self, etape: int, libelle: str, faites: int, total: int) -> None:
        self.suivi(etape, libelle, faites, total)


def travail_lancer(
    *,
    lance_par_id: int,
    nature: str,
    libelle: str,
    tache: Any,
    etapes: int = 1,
    unite: str = "",
    conserve: str = "",
    arguments: dict[str, Any] | None = None,
) -> Travail:
    """Record the job and enqueue ``tache`` (a ``django_tasks`` task taking ``travail_id`` and ``arguments``).

    ``conserve``: what is kept if the job fails (« Aucune cotation n'a été modifiée. »)."""
    travail = Travail.objects.create(
        lance_par_id=lance_par_id,
        nature=nature[:60],
        libelle=libelle[:300],
        etapes=etapes,
        unite=unite[:40],
        conserve=conserve,
    )
    resultat = tache.enqueue(travail_id=travail.pk, **(arguments or {}))
    Travail.objects.filter(pk=travail.pk).update(tache_id=str(resultat.id)[:64])
    travail.refresh_from_db()
    return travail


def _terminer(travail_id: int, **valeurs: Any) -> None:
    Travail.objects.filter(pk=travail_id).update(termine_le=timezone.now(), **valeurs)


def executer(travail_id: int, travail: Callable[[Contexte], Resultat]) -> str:
    """Run ``travail`` for the job ``travail_id`` (in the worker) and record its outcome on the job.
    Returns the job's final status (the queue's result)."""
    job = Travail.objects.get(pk=travail_id)
    lanceur = get_user_model().objects.get(pk=job.lance_par_id)
    interruptions_constater()
    Travail.objects.filter(pk=travail_id).update(
        statut=StatutTravail.EN_COURS, commence_le=timezone.now(), execute_par=str(processus_courant())
    )
    suivi = Suivi(Travail, travail_id)
    try:
        resultat = travail(Contexte(travail=job, lanceur=lanceur, suivi=suivi))
    except EchecTravail as exc:
        suivi.vider()
        conserve = job.conserve if exc.conserve is None else exc.conserve
        _terminer(
            travail_id,
            statut=StatutTravail.ECHEC,
            resume=exc.message,
            conserve=conserve,
            details=exc.details,
            gabarit=exc.gabarit[:200],
        )
        return StatutTravail.ECHEC
    except PermissionDenied:
        suivi.vider()
        _terminer(travail_id, statut=StatutTravail.ECHEC, resume=MESSAGE_REFUS)
        return StatutTravail.ECHEC
    except BaseException:
        logger.exception("Travail %s (%s) en échec", travail_id, job.nature)
        suivi.vider()
        _terminer(travail_id, statut=StatutTravail.ECHEC, resume=MESSAGE_ERREUR_INATTENDUE)
        raise
    suivi.vider()
    _terminer(
        travail_id,
        statut=StatutTravail.TERMINE,
        resume=resultat.resume,
        fichier=resultat.fichier,
        nom_fichier=resultat.nom_fichier[:200],
        type_fichier=resultat.type_fichier[:120],
        lien_vue=resultat.lien_vue[:120],
        lien_args=list(resultat.lien_args),
        lien_libelle=resultat.lien_libelle[:200],
        details=resultat.details,
        gabarit=resultat.gabarit[:200],
    )
    return StatutTravail.TERMINE
