"""``manage.py db_worker``: django-tasks-db's worker, which first closes the jobs a killed worker left
« en cours » (``attrib.taches.interruptions``). ``attrib.taches`` is listed before ``django_tasks_db`` in
``INSTALLED_APPS`` so that this command is the one Django runs."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as CommandeDuWorker

from attrib.taches.interruptions import interruptions_constater


class Command(CommandeDuWorker):
    help = "Exécute les travaux longs en file (après avoir clos ceux qu'un worker arrêté a laissés en cours)."

    def handle(self, *args: Any, **options: Any) -> None:
        if interrompus := interruptions_constater():
            self.stdout.write(f"Travaux interrompus par l'arrêt d'un worker, clos en échec : {len(interrompus)}.")
        super().handle(*args, **options)
