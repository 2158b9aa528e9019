"""The cotations' freshness counter (``attrib.journal.generation.RACINE_COTATION``): a deferred trigger on the
cotations bumps it when a transaction that wrote them commits (PostgreSQL; docs/decisions/0022, addendum)."""

from typing import Any

from django.db import migrations

from attrib.journal import generation_sql

RACINE = "cotation.cotation"


def installer(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(apps.get_model("cotation", "Cotation")._meta.db_table)
    with connection.cursor() as curseur:
        for instruction in generation_sql.instructions_ecritures(table, RACINE):
            curseur.execute(instruction)


def supprimer(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(apps.get_model("cotation", "Cotation")._meta.db_table)
    with connection.cursor() as curseur:
        curseur.execute(f"DROP TRIGGER IF EXISTS {generation_sql.NOM_ECRITURES} ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("cotation", "0004_tachecotation_travail"),
        ("journal", "0005_generation_par_transaction"),
    ]

    operations = [migrations.RunPython(installer, supprimer)]
