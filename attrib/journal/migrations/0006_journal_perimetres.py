"""The journal follows the organisations, the communes of their perimeters and their members (root
``organisations.organisation``): the caches of what a user sees (the counts of the lists, the communes of the
list's filter) are keyed on that root's generation (``attrib.journal.generation``), so a change of perimeter or of
membership, whatever its writer, gives fresh counts. Installs the triggers of the current code on the new tables
(``attrib.journal.declencheurs``; ``post_migrate`` refreshes them after every ``migrate`` too)."""

from django.db import migrations


def installer(apps, schema_editor):
    from attrib.journal.declencheurs import installer

    installer(schema_editor.connection, apps)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0005_generation_par_transaction"),
        ("organisations", "0001_initial"),
    ]

    # Backwards: the triggers follow the installed code (post_migrate reinstalls them), nothing to undo.
    operations = [migrations.RunPython(installer, migrations.RunPython.noop)]
