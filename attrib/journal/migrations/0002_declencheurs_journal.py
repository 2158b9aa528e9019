"""Install the change journal's triggers on the tracked tables (PostgreSQL and SQLite).

The statements come from ``attrib.journal.declencheurs`` with the models of this point of the migrations;
they are refreshed after every ``migrate`` (a later migration that rebuilds a table on SQLite drops its
triggers)."""

from django.db import migrations


def installer(apps, schema_editor):
    from attrib.journal.declencheurs import installer

    installer(schema_editor.connection, apps)


def supprimer(apps, schema_editor):
    from attrib.journal.declencheurs import supprimer

    supprimer(schema_editor.connection, apps)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0001_entree_journal"),
        ("demandes", "0004_travailleur_essentiel"),
        ("cotation", "0001_initial"),
        ("qualification", "0001_initial"),
        ("flux", "0001_initial"),
        ("commissions", "0002_quorum_presences_votes"),
    ]

    operations = [migrations.RunPython(installer, supprimer)]
