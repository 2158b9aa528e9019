"""Jobs whose worker died: a worker killed without warning (``kill -9``, out of memory, the machine stopped)
cannot record anything, so its job would stay « en cours » for ever.

Each job records the process that runs it (``Travail.execute_par``: host, process number and that process's
start instant, so that a number reused by a later process is not mistaken for it). When a worker starts, and
before each job it runs, the jobs « en cours » of a process of this host that no longer exists are closed as
failed, telling the user that the work was interrupted and what was kept: the work's transaction died with
its process, so nothing half-written remains. Jobs of another host are left to that host's workers.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from django.dispatch import Signal
from django.utils import timezone

from attrib.taches.models import StatutTravail, Travail

logger = logging.getLogger(__name__)

MESSAGE_INTERRUPTION = (
    "Le travail a été interrompu : le serveur qui l'exécutait s'est arrêté avant la fin. Vous pouvez le relancer."
)

#: Sent for each job closed as interrupted (``travail_id``, ``message``): an app that keeps its own report of
#: the run (the cotation's ``TacheCotation``) closes it too.
travail_interrompu = Signal()


@dataclass(frozen=True)
class Processus:
    hote: str
    pid: int
    debut: str

    def __str__(self) -> str:
        return f"{self.hote}:{self.pid}:{self.debut}"

    @classmethod
    def lire(cls, texte: str) -> Processus | None:
        hote, _, reste = texte.rpartition(":")
        hote, _, pid = hote.rpartition(":")
        if not hote or not pid.isdigit():
            return None
        return cls(hote=hote, pid=int(pid), debut=reste)


def _debut(pid: int) -> str:
    """The process's start instant as the kernel counts it (``/proc/<pid>/stat``, field 22), or ``""`` where
    the system does not say it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command name (field 2) is in parentheses and may hold spaces: count the fields after it.
    return stat.rpartition(")")[2].split()[19]


def processus_courant() -> Processus:
    pid = os.getpid()
    return Processus(hote=socket.gethostname(), pid=pid, debut=_debut(pid))


def existe(processus: Processus) -> bool:
    """Whether the process still runs (on this host). A process of the same number started later is another."""
    try:
        os.kill(processus.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    debut = _debut(processus.pid)
    return not (processus.debut and debut and debut != processus.debut)


def interruptions_constater() -> list[int]:
    """Close as failed the jobs « en cours » whose process (on this host) no longer exists. Returns their ids."""
    hote = socket.gethostname()
    interrompus = []
    for pk, texte in (
        Travail.objects.filter(statut=StatutTravail.EN_COURS).exclude(execute_par="").values_list("pk", "execute_par")
    ):
        processus = Processus.lire(texte)
        if processus is None or processus.hote != hote or existe(processus):
            continue
        # Only if it is still « en cours »: its process may have finished it meanwhile.
        if Travail.objects.filter(pk=pk, statut=StatutTravail.EN_COURS).update(
            statut=StatutTravail.ECHEC, resume=MESSAGE_INTERRUPTION, termine_le=timezone.now()
        ):
            logger.warning("Travail %s interrompu : son processus %s n'existe plus.", pk, texte)
            travail_interrompu.send(sender=Travail, travail_id=pk, message=MESSAGE_INTERRUPTION)
            interrompus.append(pk)
    return interrompus
