"""Planner statistics after a bulk load.

PostgreSQL's autovacuum analyses a table some time after it changed; a batch that reads what it has just bulk
inserted (the duplicate detection right after the demo's or an import's insert) would otherwise be planned on
an empty table's statistics: at 100,000 demands a nested loop re-read a temporary file for 12.9 minutes, where
the same query takes 3.7 s once the table is analysed (docs/decisions/0019). SQLite's ``ANALYZE`` is cheap
and feeds its planner the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models


def statistiques_actualiser(modeles: Iterable[type[models.Model]]) -> None:
    """``ANALYZE`` the tables of ``modeles`` (in the caller's transaction on PostgreSQL: it sees its rows)."""
    with connection.cursor() as curseur:
        for modele in modeles:
            curseur.execute(f"ANALYZE {connection.ops.quote_name(modele._meta.db_table)}")
