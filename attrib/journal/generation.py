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
"""

from __future__ import annotations

from datetime import datetime

from attrib.journal.models import EntreeJournal

#: Roots whose state the caches follow.
RACINE_DEMANDE = "demandes.demande"
RACINE_GRILLE = "cotation.grillecotation"
RACINE_VERSION_GRILLE = "cotation.versiongrille"

Generation = tuple[int, datetime] | None


def generation(racine_table: str) -> Generation:
    """The last journal entry under ``racine_table`` (``None``: nothing written yet)."""
    return (
        EntreeJournal.objects.filter(racine_table=racine_table).order_by("-id").values_list("id", "horodatage").first()
    )


def generations(*racines: str) -> tuple[Generation, ...]:
    """:func:`generation` of each root, in order."""
    return tuple(generation(r) for r in racines)


__all__ = ["RACINE_DEMANDE", "RACINE_GRILLE", "RACINE_VERSION_GRILLE", "Generation", "generation", "generations"]
