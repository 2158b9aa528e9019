"""PostgreSQL: journal inserts and deletes per statement, from the statement's transition table, instead of
per row (bulk inserts, ``COPY`` included, write their journal rows in one ``INSERT … SELECT``); updates stay
per row. The journal rows are unchanged. SQLite keeps its row-level triggers (reinstalled as before).

The statements come from ``attrib.journal.declencheurs`` (the current code: ``post_migrate`` refreshes them
after every ``migrate`` too), which drops the single row-level trigger of ``journal.0002``."""

from django.db import migrations


def installer(apps, schema_editor):
    from attrib.journal.declencheurs import installer

    installer(schema_editor.connection, apps)


class Migration(migrations.Migration):
    dependencies = [("journal", "0003_index_lectures")]

    # Backwards: the triggers follow the installed code (post_migrate reinstalls them), nothing to undo.
    operations = [migrations.RunPython(installer, migrations.RunPython.noop)]
