"""Query results read as polars columns: on PostgreSQL by ``COPY (SELECT …) TO STDOUT (FORMAT csv)`` parsed by
polars, so that no value goes through Python; elsewhere from the driver's tuples.

Read row by row, the driver's per-cell loaders (time stamps parsed in Python by Django's loader) and building a
frame from Python tuples were most of a re-scoring's CPU (``docs/decisions/0022-recotation-en-colonnes.md``,
addendum). In PostgreSQL's CSV a NULL is an empty unquoted field and an empty text ``""``: polars reads them as
null and as an empty string. Dates are ISO (PostgreSQL's default ``DateStyle``), booleans ``t``/``f``; a time
stamp is read as text (``2026-01-02 03:04:05.12+00``): :func:`instant_iso` or :func:`instant_microsecondes`
convert it on the columns.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import QuerySet

#: polars types parsed from PostgreSQL's CSV (booleans are read as text, then mapped).
TYPES_LUS = (pl.Int64, pl.Int32, pl.Int16, pl.Float64, pl.String, pl.Date, pl.Boolean)


def copie_sql(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of the PostgreSQL query ``sql`` (``%s`` parameters ``params``, bound by the driver) in a
    frame of ``schema`` (the query's columns, in order), through one ``COPY … TO STDOUT (FORMAT csv)``."""
    if any(t not in TYPES_LUS for t in schema.values()):
        raise TypeError(f"Type de colonne non lu par COPY : {schema}")
    tampon = io.BytesIO()
    instruction = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
    debut = time.monotonic()
    with connection.cursor() as curseur, curseur.cursor.copy(instruction, params) as copie:
        for morceau in copie:
            tampon.write(morceau)
    if connection.queries_logged:  # as Django logs its queries (DEBUG, tests counting or reading the queries)
        connection.queries_log.append({"sql": instruction, "time": f"{time.monotonic() - debut:.3f}"})
    if not tampon.tell():
        return pl.DataFrame(schema=schema)
    lu = pl.read_csv(
        tampon.getvalue(),
        has_header=False,
        new_columns=list(schema),
        schema_overrides={n: pl.String if t == pl.Boolean else t for n, t in schema.items()},
        infer_schema=False,
        quote_char='"',
        try_parse_dates=False,
    )
    return lu.with_columns(
        pl.col(n).replace_strict({"t": True, "f": False}, default=None, return_dtype=pl.Boolean)
        for n, t in schema.items()
        if t == pl.Boolean
    )


def tuples(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset as the database driver returns them, without Django's per-cell
    converters (none is needed for dates, booleans and numbers on PostgreSQL's driver and Django's SQLite
    connection)."""
    if qs.query.is_empty():
        return []
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as curseur:
        curseur.execute(sql, params)
        return curseur.fetchall()


def frame_de(qs: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a ``values_list`` queryset in a frame of ``schema`` (same order): :func:`copie_sql` on
    PostgreSQL, the driver's tuples elsewhere."""
    if qs.query.is_empty():
        return pl.DataFrame(schema=schema)
    if connection.vendor == "postgresql":
        sql, params = qs.query.sql_with_params()
        return copie_sql(sql, params, schema)
    return pl.DataFrame(tuples(qs), schema=schema, orient="row")


def _instant(texte: pl.Expr) -> pl.Expr:
    return texte.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%#z", time_unit="us", time_zone="UTC")


def instant_iso(texte: pl.Expr) -> pl.Expr:
    """A time stamp as PostgreSQL writes it (``2026-01-02 03:04:05.12+00``) → as Python writes it in UTC
    (``datetime.isoformat()``: ``2026-01-02T03:04:05.120000+00:00``, no fraction when it is zero)."""
    instant = _instant(texte)
    return (
        pl.when(instant.dt.microsecond() == 0)
        .then(instant.dt.to_string("%Y-%m-%dT%H:%M:%S+00:00"))
        .otherwise(instant.dt.to_string("%Y-%m-%dT%H:%M:%S%.6f+00:00"))
    )
