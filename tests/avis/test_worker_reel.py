"""The notices sent by the real worker (``manage.py db_worker``, a separate process on the test database): the
command puts a run in the queue and returns; the worker writes the notice and the SMTP server started by the test
receives the email."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from attrib.avis.models import Avis, Envoi, StatutEnvoi
from tests.avis.conftest import ServeurSMTP
from tests.cotation.test_worker_reel import FILE_BDD, _url_base
from tests.factories import creer_demande, guichet, personne, territoire_minimal

pytestmark = pytest.mark.django_db(transaction=True)


def test_le_worker_ecrit_et_envoie_les_avis(smtp: ServeurSMTP, settings: Any) -> None:
    settings.TASKS = FILE_BDD
    territoire_minimal()
    demande = creer_demande(guichet_org=guichet(), personnes=[personne(email="worker@example.org")])

    call_command("traiter_avis")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert smtp.recus == [] and not Avis.objects.exists()  # nothing done in the command itself

    environnement = {
        **os.environ,
        "DATABASE_URL": _url_base(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "ATTRIB_AVIS_GARDE_S": "0",
        "ATTRIB_AVIS_PAUSE_S": "0",
    }
    sortie = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--max-tasks=1",
            "--interval=0.2",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=Path(django_settings.BASE_DIR),
        env=environnement,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert sortie.returncode == 0, sortie.stdout + sortie.stderr

    sujets = [str(m["Subject"]).strip() for m in smtp.gestionnaire.pour("worker@example.org")]
    assert f"Votre demande de logement social est enregistrée — demande n° {demande.numero_unique}" in sujets
    assert Avis.objects.filter(demande=demande).count() == len(sujets)
    assert set(Envoi.objects.filter(avis__demande=demande).values_list("statut", flat=True)) == {StatutEnvoi.ENVOYE}
