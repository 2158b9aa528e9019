"""The table of the cache ``limites`` (rate limits and locks shared by every worker, attrib.common.limites).

``migrate`` creates it, so that an upgrade needs no extra step; ``createcachetable`` does the same and is
harmless after it. A table that already exists is left as is."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def creer_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("common", "0002_initial")]

    operations = [migrations.RunPython(creer_table, migrations.RunPython.noop, elidable=False)]
