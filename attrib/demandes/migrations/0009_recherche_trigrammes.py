"""Name search indexed on PostgreSQL: a trigram index (``pg_trgm``) on the normalised names of the household's
persons, so that ``nom LIKE '%MARTIN%'`` reads the index instead of every person (decision 0023, addendum).

SQLite keeps scanning (the embedded default holds a commune's file, not a region's). ``pg_trgm`` is a trusted
extension (PostgreSQL ≥ 13): the owner of the database may create it without being a superuser."""

from django.db import migrations

INDEX = "demandes_personne_noms_trgm_idx"


def creer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON demandes_personne "
        "USING gin (nom_normalise gin_trgm_ops, nom_naissance_normalise gin_trgm_ops)"
    )


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("demandes", "0008_index_lectures")]

    operations = [migrations.RunPython(creer, supprimer)]
