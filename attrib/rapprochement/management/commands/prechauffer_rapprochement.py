"""Build the shortlist index of every territory with freed dwellings, before the web server answers.

Run by the web server as it starts (``config/gunicorn.conf.py``, ``ATTRIB_PRECHAUFFAGE``) and usable by hand:

    python manage.py prechauffer_rapprochement

Each index is kept in ``ATTRIB_VAR_DIR`` (``attrib.rapprochement.moteur.dossier_index``): the web processes read it
on their first shortlist instead of reading every demand of the territory (decision 0023). An index already kept
for the current state of the data is only read back. A territory that cannot be indexed is reported, never stops
the others.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from attrib.rapprochement import moteur


class Command(BaseCommand):
    help = "Prépare l'index de présélection des territoires ayant des logements libérés (démarrage du serveur web)."

    def handle(self, *args: Any, **options: Any) -> None:
        echecs: list[str] = []
        for epci in moteur.territoires_a_prechauffer():
            debut = time.monotonic()
            try:
                it = moteur.index_territoire(epci)
                moteur.prechauffer_seuils(epci, it.jour)
            except Exception as exc:  # one territory never stops the others: reported below
                echecs.append(f"{epci.nom} : {exc}")
                continue
            self.stdout.write(
                f"{epci.nom} : index de {it.nb_indexees} demandes cotées prêt en {time.monotonic() - debut:.1f} s."
            )
        if echecs:
            raise CommandError("Index non préparé pour : " + " ; ".join(echecs))
