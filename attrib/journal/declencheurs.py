"""Database triggers of the change journal, generated from ``attrib.journal.registre`` for both backends.

PostgreSQL: three triggers per tracked table, whose arguments are the object's label, its racine's label, the
racine column and the excluded columns. Inserts and deletes are journalled per statement, from the statement's
transition table (``REFERENCING NEW/OLD TABLE``: one ``INSERT … SELECT to_jsonb(…)`` per statement, which also
fires for ``COPY``); updates per row (``attrib_journaliser()``: only the changed columns, nothing when none
changed). Until journal.0004 one row-level trigger did the three operations; its rows were the same.
SQLite: three triggers per table with the column list written out (``json_group_object``), reading the
context from the connection's ``attrib_contexte()`` function.

Installed by migration ``journal.0002`` (set-based since ``journal.0004``), dropped on SQLite before every ``migrate`` (``pre_migrate``: SQLite refuses
to drop a column a trigger names) and installed again after it (``post_migrate``: SQLite rebuilds a table to
alter it, which drops its triggers, and a new column must enter the SQLite column lists). Installing is
idempotent (drop if exists, create). Writes made by the migrations themselves are not journalled.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from attrib.journal import registre

NOM = "attrib_journal"

#: Reads the context the connection carries (``attrib.journal.contexte``) into ``ctx``.
_CONTEXTE_POSTGRESQL = """
    brut := current_setting('attrib.contexte', true);
    IF brut IS NOT NULL AND brut <> '' THEN ctx := brut::jsonb; ELSE ctx := '{}'::jsonb; END IF;"""

#: Row-level function of the updates: only the changed columns, nothing when none changed.
FONCTION_POSTGRESQL = (
    r"""
CREATE OR REPLACE FUNCTION attrib_journaliser() RETURNS trigger LANGUAGE plpgsql AS $fonction$
DECLARE
    exclus text[] := coalesce(TG_ARGV[3:], '{}');
    ancien jsonb;
    nouveau jsonb;
    avant jsonb;
    apres jsonb;
    ligne jsonb;
    brut text;
    ctx jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN ancien := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN nouveau := to_jsonb(NEW); END IF;
    ligne := coalesce(nouveau, ancien);
    IF TG_OP = 'UPDATE' THEN
        SELECT jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, n.value) INTO avant, apres
          FROM jsonb_each(ancien - exclus) o JOIN jsonb_each(nouveau - exclus) n ON n.key = o.key
         WHERE o.value IS DISTINCT FROM n.value;
        IF avant IS NULL THEN RETURN NULL; END IF;
    ELSE
        avant := ancien - exclus;
        apres := nouveau - exclus;
    END IF;"""
    + _CONTEXTE_POSTGRESQL
    + r"""
    INSERT INTO {table} (horodatage, table_objet, objet_id, operation, racine_table, racine_id, avant, apres,
                         auteur_id, auteur_libelle, organisation_id, origine)
    VALUES (clock_timestamp(), TG_ARGV[0], ligne->>'id',
            CASE TG_OP WHEN 'INSERT' THEN 'creation' WHEN 'UPDATE' THEN 'modification' ELSE 'suppression' END,
            TG_ARGV[1], ligne->>TG_ARGV[2], avant, apres,
            (ctx->>'auteur')::bigint, coalesce(ctx->>'auteur_libelle', ''), (ctx->>'organisation')::bigint,
            coalesce(ctx->>'origine', ''));
    RETURN NULL;
END
$fonction$;
"""
)


def _fonction_ensembliste(nom: str, transition: str, operation: str, avant: str, apres: str) -> str:
    """Statement-level function of the inserts or the deletes: one ``INSERT … SELECT`` of the journal rows
    from the statement's transition table (``nouvelles`` or ``anciennes``), COPY included; the rows are
    those the row-level function writes (same columns, same JSON, same context)."""
    return (
        f"""
CREATE OR REPLACE FUNCTION {nom}() RETURNS trigger LANGUAGE plpgsql AS $fonction$
DECLARE
    exclus text[] := coalesce(TG_ARGV[3:], '{{}}');
    brut text;
    ctx jsonb;
BEGIN"""
        + _CONTEXTE_POSTGRESQL
        + f"""
    INSERT INTO {{table}} (horodatage, table_objet, objet_id, operation, racine_table, racine_id, avant, apres,
                         auteur_id, auteur_libelle, organisation_id, origine)
    SELECT clock_timestamp(), TG_ARGV[0], ligne->>'id', '{operation}', TG_ARGV[1], ligne->>TG_ARGV[2],
           {avant}, {apres},
           (ctx->>'auteur')::bigint, coalesce(ctx->>'auteur_libelle', ''), (ctx->>'organisation')::bigint,
           coalesce(ctx->>'origine', '')
      FROM (SELECT to_jsonb(t) AS ligne FROM {transition} t) AS lignes;
    RETURN NULL;
END
$fonction$;
"""
    )


FONCTIONS_POSTGRESQL = (
    FONCTION_POSTGRESQL,
    _fonction_ensembliste("attrib_journaliser_creations", "nouvelles", "creation", "NULL", "ligne - exclus"),
    _fonction_ensembliste("attrib_journaliser_suppressions", "anciennes", "suppression", "ligne - exclus", "NULL"),
)
#: Trigger name → its definition (``{table}`` and ``{arguments}`` filled per table). PostgreSQL accepts a
#: transition table only on a trigger of one event: one trigger per operation.
DECLENCHEURS_POSTGRESQL = {
    f"{NOM}_creation": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS nouvelles FOR EACH STATEMENT "
    "EXECUTE FUNCTION attrib_journaliser_creations({arguments})",
    f"{NOM}_modification": "AFTER UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION attrib_journaliser({arguments})",
    f"{NOM}_suppression": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS anciennes FOR EACH STATEMENT "
    "EXECUTE FUNCTION attrib_journaliser_suppressions({arguments})",
}


def _table_journal(apps: Any) -> str:
    return str(apps.get_model("journal", "EntreeJournal")._meta.db_table)


def _litteral(texte: str) -> str:
    return "'" + texte.replace("'", "''") + "'"


def _sql_postgresql(modele: type[models.Model], suivi: registre.Suivi, qn: Any) -> list[str]:
    table = qn(modele._meta.db_table)
    arguments = ", ".join(
        _litteral(a) for a in (suivi.etiquette, suivi.etiquette_racine, suivi.colonne_racine, *suivi.exclus)
    )
    # The trigger of journal.0002 (one row-level trigger for the three operations) is dropped too.
    sql = [f"DROP TRIGGER IF EXISTS {nom} ON {table}" for nom in (NOM, *DECLENCHEURS_POSTGRESQL)]
    for nom, definition in DECLENCHEURS_POSTGRESQL.items():
        sql.append(f"CREATE TRIGGER {nom} " + definition.format(table=table, arguments=arguments))
    return sql


def _objet_sqlite(ligne: str, cols: list[str], qn: Any) -> str:
    paires = " UNION ALL ".join(f"SELECT {_litteral(c)} AS k, {ligne}.{qn(c)} AS v" for c in cols)
    return f"(SELECT json_group_object(k, v) FROM ({paires}))"


def _sql_sqlite(modele: type[models.Model], suivi: registre.Suivi, journal: str, qn: Any) -> list[str]:
    db_table = modele._meta.db_table
    table = qn(db_table)
    cols = registre.colonnes(modele, suivi)
    pk = qn(modele._meta.pk.column)
    racine = qn(suivi.colonne_racine)

    def inserer(operation: str, ligne: str, avant: str, apres: str) -> str:
        return (
            f"INSERT INTO {qn(journal)} (horodatage, table_objet, objet_id, operation, racine_table, racine_id, "
            "avant, apres, auteur_id, auteur_libelle, organisation_id, origine) "
            f"SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), {_litteral(suivi.etiquette)}, {ligne}.{pk}, "
            f"{_litteral(operation)}, {_litteral(suivi.etiquette_racine)}, {ligne}.{racine}, {avant}, {apres}, "
            "json_extract(c, '$.auteur'), coalesce(json_extract(c, '$.auteur_libelle'), ''), "
            "json_extract(c, '$.organisation'), coalesce(json_extract(c, '$.origine'), '') "
            "FROM (SELECT attrib_contexte() AS c);"
        )

    changees = " UNION ALL ".join(f"SELECT {_litteral(c)} AS k, OLD.{qn(c)} AS a, NEW.{qn(c)} AS n" for c in cols)
    avant = f"(SELECT json_group_object(k, a) FROM ({changees}) WHERE a IS NOT n)"
    apres = f"(SELECT json_group_object(k, n) FROM ({changees}) WHERE a IS NOT n)"
    condition = " OR ".join(f"OLD.{qn(c)} IS NOT NEW.{qn(c)}" for c in cols)
    sql = []
    for suffixe in ("i", "u", "d"):
        sql.append(f"DROP TRIGGER IF EXISTS {qn(f'{NOM}_{db_table}_{suffixe}')}")
    sql += [
        f"CREATE TRIGGER {qn(f'{NOM}_{db_table}_i')} AFTER INSERT ON {table} BEGIN "
        + inserer("creation", "NEW", "NULL", _objet_sqlite("NEW", cols, qn))
        + " END",
        f"CREATE TRIGGER {qn(f'{NOM}_{db_table}_u')} AFTER UPDATE ON {table} WHEN {condition} BEGIN "
        + inserer("modification", "NEW", avant, apres)
        + " END",
        f"CREATE TRIGGER {qn(f'{NOM}_{db_table}_d')} AFTER DELETE ON {table} BEGIN "
        + inserer("suppression", "OLD", _objet_sqlite("OLD", cols, qn), "NULL")
        + " END",
    ]
    return sql


def instructions(connection: Any, apps: Any) -> list[str]:
    """Every statement installing the journal's triggers on ``connection`` for the models of ``apps``."""
    qn = connection.ops.quote_name
    journal = _table_journal(apps)
    tables = set(connection.introspection.table_names())
    sql: list[str] = []
    if connection.vendor == "postgresql":
        sql += [fonction.replace("{table}", qn(journal)) for fonction in FONCTIONS_POSTGRESQL]
    for suivi in registre.SUIVIS:
        try:
            modele = registre.modele(suivi, apps)
        except LookupError:
            continue  # a model not created yet at this point of the migrations
        if modele._meta.db_table not in tables:
            continue
        if connection.vendor == "postgresql":
            sql += _sql_postgresql(modele, suivi, qn)
        elif connection.vendor == "sqlite":
            sql += _sql_sqlite(modele, suivi, journal, qn)
        else:
            raise NotImplementedError(f"Journal des modifications : base {connection.vendor} non prise en charge.")
    return sql


def installer(connection: Any, apps: Any) -> None:
    with connection.cursor() as curseur:
        for instruction in instructions(connection, apps):
            curseur.execute(instruction)


def supprimer(connection: Any, apps: Any) -> None:
    qn = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    with connection.cursor() as curseur:
        for suivi in registre.SUIVIS:
            try:
                db_table = registre.modele(suivi, apps)._meta.db_table
            except LookupError:
                continue
            if db_table not in tables:
                continue
            if connection.vendor == "postgresql":
                for nom in (NOM, *DECLENCHEURS_POSTGRESQL):
                    curseur.execute(f"DROP TRIGGER IF EXISTS {nom} ON {qn(db_table)}")
            else:
                for suffixe in ("i", "u", "d"):
                    curseur.execute(f"DROP TRIGGER IF EXISTS {qn(f'{NOM}_{db_table}_{suffixe}')}")
        if connection.vendor == "postgresql":
            for fonction in ("attrib_journaliser", "attrib_journaliser_creations", "attrib_journaliser_suppressions"):
                curseur.execute(f"DROP FUNCTION IF EXISTS {fonction}()")


def avant_migration(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Drop the SQLite triggers before a ``migrate``: SQLite refuses to drop a column a trigger names, and
    the column lists must follow the new schema. ``apres_migration`` puts them back. (PostgreSQL's triggers
    name no column: they stay.)"""
    from django.apps import apps as global_apps
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as curseur:
        if _table_journal(global_apps) not in connection.introspection.table_names(curseur):
            return
    supprimer(connection, global_apps)


def apres_migration(sender: Any, using: str = "default", apps: Any = None, plan: Any = None, **kwargs: Any) -> None:
    """Refresh the triggers after every ``migrate`` (see the module's docstring)."""
    from django.apps import apps as global_apps
    from django.db import connections

    connection = connections[using]
    with connection.cursor() as curseur:
        if _table_journal(global_apps) not in connection.introspection.table_names(curseur):
            return
    installer(connection, global_apps)
