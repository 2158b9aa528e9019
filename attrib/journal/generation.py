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
from typing import Any

from django.db import connections
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
#: An organisation, the communes of its perimeter and its members: what a user may see.
RACINE_ORGANISATION = "organisations.organisation"

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


def generations_en_une(*racines: str) -> tuple[tuple[Any, ...] | None, ...]:
    """The generations of several roots in one query (one round trip: three index steps per root), each as
    :func:`generation` reads it (the timestamp as the database driver gives it: a key, compared within the
    process, never shown)."""
    morceaux: list[str] = []
    parametres: list[Any] = []
    for racine in racines:
        derniere = EntreeJournal.objects.filter(racine_table=racine).order_by("-id")
        for qs in (
            derniere.values("id")[:1],
            derniere.values("horodatage")[:1],
            GenerationRacine.objects.filter(racine_table=racine).values("valeur")[:1],
        ):
            sql, params = qs.query.sql_with_params()
            morceaux.append(f"({sql})")
            parametres += params
    with connections[EntreeJournal.objects.db].cursor() as curseur:
        curseur.execute("SELECT " + ", ".join(morceaux), parametres)
        ligne = curseur.fetchone()
    return tuple(
        None if ligne[i] is None else (ligne[i], ligne[i + 1], ligne[i + 2] or 0) for i in range(0, len(ligne), 3)
    )


__all__ = [
    "RACINE_COTATION",
    "RACINE_DEMANDE",
    "RACINE_GRILLE",
    "RACINE_ORGANISATION",
    "RACINE_RESIDENCE",
    "RACINE_VERSION_GRILLE",
    "Generation",
    "generation",
    "generations",
    "generations_en_une",
]
