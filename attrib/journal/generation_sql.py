"""PostgreSQL: the deferred trigger that bumps :class:`~attrib.journal.models.GenerationRacine` when a transaction
that wrote under a root commits (decision ``docs/decisions/0018-lectures-a-l-echelle.md``, addendum).

A constraint trigger on the journal table, ``DEFERRABLE INITIALLY DEFERRED``: it runs just before the commit, so
the row lock it takes on the root's counter is held only from there to the commit (writers of the same root do
not wait on each other for their whole transaction), and the counter's new value becomes visible with the data.
Its ``WHEN`` condition is evaluated at once for each journal row and queues the deferred call only for the first
row of each root in the transaction (a transaction-local setting remembers it; a rolled-back savepoint forgets the
setting and the queued call together), so a bulk load queues one call per root, not one per row. The first call
bumps every root the transaction wrote, in the order of their names (the others find nothing left to do): two
transactions that wrote the same roots in different orders lock the counters in the same order and cannot
deadlock at commit.

Tables that are not journalled but that caches follow (the cotations: a re-scoring rewrites them all, the journal
does not register them, decision 0007) get the same deferred call from a constraint trigger of their own
(:func:`instructions_ecritures`): the first row a transaction writes, inserts or deletes there registers the table's
root and queues the call; for every other row its ``WHEN`` condition is two built-in calls (no PL/pgSQL per row of
a re-scoring of 300,000 demands).

SQLite serialises every write transaction: the last journal id already follows the commit order there.
"""

from __future__ import annotations

import hashlib
from typing import Any

FONCTIONS = r"""
CREATE OR REPLACE FUNCTION attrib_generation_a_marquer(racine text) RETURNS boolean LANGUAGE plpgsql AS $f$
DECLARE
    cle text := 'attrib.generation_' || md5(racine);
    transaction text := pg_current_xact_id()::text;
    racines text := coalesce(current_setting('attrib.generation_racines', true), '');
BEGIN
    IF current_setting(cle, true) IS NOT DISTINCT FROM transaction THEN
        RETURN false;
    END IF;
    PERFORM set_config(cle, transaction, true);
    PERFORM set_config('attrib.generation_racines', racines || racine || ',', true);
    RETURN true;
END
$f$;

CREATE OR REPLACE FUNCTION attrib_generation_marquer() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    racines text := coalesce(current_setting('attrib.generation_racines', true), '');
BEGIN
    IF racines = '' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('attrib.generation_racines', '', true);
    -- Every root of the transaction at once, in one order for all transactions: no deadlock between two
    -- transactions that wrote the same roots in different orders.
    INSERT INTO {generation} (racine_table, valeur)
    SELECT DISTINCT r, 1 FROM unnest(string_to_array(racines, ',')) AS r WHERE r <> '' ORDER BY 1
    ON CONFLICT (racine_table) DO UPDATE SET valeur = {generation}.valeur + 1;
    RETURN NULL;
END
$f$;
"""

NOM = "attrib_journal_generation"


def instructions(journal: str, generation: str) -> list[str]:
    return [
        FONCTIONS.replace("{generation}", generation),
        f"DROP TRIGGER IF EXISTS {NOM} ON {journal}",
        f"CREATE CONSTRAINT TRIGGER {NOM} AFTER INSERT ON {journal} DEFERRABLE INITIALLY DEFERRED "
        f"FOR EACH ROW WHEN (attrib_generation_a_marquer(NEW.racine_table)) "
        "EXECUTE FUNCTION attrib_generation_marquer()",
    ]


NOM_ECRITURES = "attrib_generation_ecritures"


def instructions_ecritures(table: str, racine: str) -> list[str]:
    """The constraint trigger that bumps ``racine``'s counter when a transaction that wrote ``table`` (quoted name)
    commits. The ``CASE`` calls ``attrib_generation_a_marquer`` only while the transaction has not registered the
    root yet (the setting it writes, read by a built-in)."""
    cle = "attrib.generation_" + hashlib.md5(racine.encode()).hexdigest()
    condition = (
        f"CASE WHEN current_setting('{cle}', true) IS DISTINCT FROM pg_current_xact_id()::text "
        f"THEN attrib_generation_a_marquer('{racine}') ELSE false END"
    )
    return [
        f"DROP TRIGGER IF EXISTS {NOM_ECRITURES} ON {table}",
        f"CREATE CONSTRAINT TRIGGER {NOM_ECRITURES} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION attrib_generation_marquer()",
    ]


def installer(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    journal = qn(apps.get_model("journal", "EntreeJournal")._meta.db_table)
    generation = qn(apps.get_model("journal", "GenerationRacine")._meta.db_table)
    with connection.cursor() as curseur:
        for instruction in instructions(journal, generation):
            curseur.execute(instruction)


def supprimer(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    journal = connection.ops.quote_name(apps.get_model("journal", "EntreeJournal")._meta.db_table)
    with connection.cursor() as curseur:
        curseur.execute(f"DROP TRIGGER IF EXISTS {NOM} ON {journal}")
        curseur.execute("DROP FUNCTION IF EXISTS attrib_generation_marquer()")
        curseur.execute("DROP FUNCTION IF EXISTS attrib_generation_a_marquer(text)")
