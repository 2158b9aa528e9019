"""Cheap freshness keys ("generations") of the data a cache is computed from.

Every write to a tracked table (``attrib.journal.registre``: a demand, its persons, wished communes, situations,
offers and leases; the grids; …) is written to the journal by a database trigger, whatever the writer (service,
``QuerySet.update``, ``bulk_create``, raw SQL). The last journal entry attached to a root table therefore
changes whenever anything under that root changes, and reading it is one backward step of the index
``(racine_table, id)``: a few microseconds whatever the size of the file, where a ``COUNT``/``MAX`` over the
tables themselves scans them (decision ``docs/decisions/0018-lectures-a-l-echelle.md``).

The key is the entry's id **and** its database timestamp: on SQLite a rolled-back transaction gives its ids
back, so an id alone could name two different states (two tests in a row); the timestamp (real time of the
database, to the millisecond) tells them apart.

On PostgreSQL the last id is not enough: ids are taken when a row is written, not when its transaction commits, so
a transaction holding id 100 may commit after another one's id 101 was read, and a cache keyed on 101 would keep
ignoring it. The key therefore also holds the root's counter of committed writing transactions
(:class:`~attrib.journal.models.GenerationRacine`, bumped at each commit by a deferred trigger,
``attrib.journal.generation_sql``): a transaction that commits late still changes the key. The last id stays in
the key for what the current transaction itself wrote and has not committed yet.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce

from attrib.journal.models import EntreeJournal, GenerationRacine

#: Roots whose state the caches follow.
RACINE_DEMANDE = "demandes.demande"
RACINE_GRILLE = "cotation.grillecotation"
RACINE_VERSION_GRILLE = "cotation.versiongrille"
RACINE_RESIDENCE = "patrimoine.residence"
#: The cotations: not journalled (decision 0007); their counter is bumped by a trigger of their own table
#: (``attrib.journal.generation_sql.instructions_ecritures``).
RACINE_COTATION = "cotation.cotation"

Generation = tuple[int, datetime, int] | None


def generation(racine_table: str) -> Generation:
    """The last journal entry under ``racine_table`` and the number of committed transactions that wrote under it
    (PostgreSQL; always 0 on SQLite), in one query (``None``: nothing written yet)."""
    validees = GenerationRacine.objects.filter(racine_table=racine_table).values("valeur")[:1]
    return (
        EntreeJournal.objects.filter(racine_table=racine_table)
        .order_by("-id")
        .annotate(validees=Coalesce(Subquery(validees), Value(0)))
        .values_list("id", "horodatage", "validees")
        .first()
    )


def generations(*racines: str) -> tuple[Generation, ...]:
    """:func:`generation` of each root, in order."""
    return tuple(generation(r) for r in racines)


__all__ = [
    "RACINE_COTATION",
    "RACINE_DEMANDE",
    "RACINE_GRILLE",
    "RACINE_RESIDENCE",
    "RACINE_VERSION_GRILLE",
    "Generation",
    "generation",
    "generations",
]
