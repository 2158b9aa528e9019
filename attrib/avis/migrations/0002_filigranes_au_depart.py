"""The notices start with the service: on an installation that already holds a history, the watermarks start
after its last rows (past events are not sent to households); on a new installation, at 0."""

from typing import Any

from django.db import migrations
from django.db.models import Max


def initialiser(apps: Any, schema_editor: Any) -> None:
    Filigrane = apps.get_model("avis", "Filigrane")
    Evenement = apps.get_model("common", "Evenement")
    CotationHistorique = apps.get_model("cotation", "CotationHistorique")
    for source, modele in (("evenement", Evenement), ("cotation", CotationHistorique)):
        dernier = modele.objects.aggregate(m=Max("id"))["m"] or 0
        Filigrane.objects.update_or_create(source=source, defaults={"dernier_id": dernier})


class Migration(migrations.Migration):
    dependencies = [
        ("avis", "0001_initial"),
        ("common", "0003_table_des_limites"),
        ("cotation", "0004_tachecotation_travail"),
    ]

    operations = [migrations.RunPython(initialiser, migrations.RunPython.noop)]
