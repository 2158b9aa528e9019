"""Batch work that never stops on one bad record (issue 10, rule 3).

A batch (a nightly command, a bulk service) handles its records one by one with :func:`traiter`: each
in its own savepoint, so a record that fails leaves nothing half written and the next one is handled;
the failure is kept in the :class:`Bilan` with the record and the reason in French, for the command or
the screen to report. The technical detail of an unexpected error goes to the log, never to the user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from attrib.engine.erreurs import ErreurMoteur

logger = logging.getLogger(__name__)

MOTIF_INATTENDU = "erreur inattendue (l'équipe technique est prévenue)"
MOTIF_BASE = "enregistrement refusé par la base de données (données incohérentes)"


@dataclass(frozen=True)
class Echec:
    """A record a batch could not handle: which (in words), and why."""

    objet: str
    motif: str

    def __str__(self) -> str:
        return f"{self.objet} : {self.motif}"


@dataclass
class Bilan:
    faits: int = 0
    echecs: list[Echec] = field(default_factory=list)

    def lignes(self) -> list[str]:
        return [str(e) for e in self.echecs]


def motif(exc: BaseException) -> str:
    """The French reason of a record's failure."""
    if isinstance(exc, ValidationError):
        return " ; ".join(m.rstrip(".") for m in exc.messages) or MOTIF_INATTENDU
    if isinstance(exc, ErreurMoteur):
        return str(exc).rstrip(".")
    if isinstance(exc, DatabaseError):
        return MOTIF_BASE
    return MOTIF_INATTENDU


def traiter(bilan: Bilan | None, objet: str, action: Callable[[], Any]) -> bool:
    """Run ``action`` for one record in a savepoint; on failure roll it back, note it in ``bilan``
    (``objet``: the record in words, e.g. « logement OUEST-001 ») and go on. ``bilan=None``: the
    failure is raised (a caller that wants the old behaviour)."""
    try:
        with transaction.atomic():
            action()
    except Exception as exc:  # one record never stops the batch
        if bilan is None:
            raise
        if not isinstance(exc, (ValidationError, ErreurMoteur)):
            logger.exception("Échec du traitement par lot : %s", objet)
        bilan.echecs.append(Echec(objet, motif(exc)))
        return False
    if bilan is not None:
        bilan.faits += 1
    return True
