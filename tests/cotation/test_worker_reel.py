"""A grid publication launched from the screen and completed by the real worker (``manage.py db_worker``, a
separate process on the same test database), its progress seen live by the polling page.

The POST answers at once; the worker claims the job from the database queue, publishes and re-scores;
while it runs, the job's state that the page polls shows the steps (written outside the work's
transaction); at the end the page shows the result. On SQLite the test database is a file
(``config/settings.py``), which the worker process opens too."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from attrib.cotation.enums import StatutTache, StatutVersion
from attrib.cotation.models import Cotation, TacheCotation
from attrib.taches.models import StatutTravail, Travail
from tests.cotation.conftest import Territoire, importer
from tests.factories import COURSAN, GRUISSAN, NARBONNE

pytestmark = pytest.mark.django_db(transaction=True)

FILE_BDD = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NB_DEMANDES = 150
DELAI_MAX = 240  # seconds: the worker's start-up and the run, on a loaded two-core machine


def _url_base() -> str:
    """The test database, as ``DATABASE_URL`` for the worker process."""
    reglages = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{reglages['NAME']}"
    motdepasse = f":{reglages['PASSWORD']}" if reglages.get("PASSWORD") else ""
    return (
        f"postgres://{reglages['USER']}{motdepasse}@{reglages['HOST'] or '127.0.0.1'}:{reglages['PORT'] or 5432}"
        f"/{reglages['NAME']}"
    )


def _worker() -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": _url_base()}
    return subprocess.Popen(
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
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _retenir_la_version(pk: int) -> Any:
    """A connection of its own holding the version's row (``FOR NO KEY UPDATE``, as the run's write does)."""
    brute = connection.get_new_connection(connection.get_connection_params())
    with brute.cursor() as curseur:
        curseur.execute("SELECT id FROM cotation_versiongrille WHERE id = %s FOR NO KEY UPDATE", [pk])
    return brute


def test_publication_terminee_par_le_worker_avec_progression_visible(territoire: Territoire, settings: Any) -> None:
    settings.TASKS = FILE_BDD
    communes = (NARBONNE, GRUISSAN, COURSAN)
    demandes = [territoire.demande(mois=i % 40, communes=(communes[i % 3],)) for i in range(NB_DEMANDES)]
    brouillon = importer(territoire)
    client = Client()
    client.force_login(territoire.gestionnaire)

    debut = time.monotonic()
    reponse = client.post(reverse("cotation:publier", args=[brouillon.pk]))
    assert time.monotonic() - debut < 5, "le POST répond sans attendre le calcul"
    travail = Travail.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("taches:travail", args=[travail.pk])
    # Nothing ran yet: the job waits in the queue, the version is still a draft.
    assert travail.statut == StatutTravail.EN_ATTENTE and travail.tache_id
    assert DBTaskResult.objects.filter(id=travail.tache_id, status="READY").exists()
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutVersion.BROUILLON and not Cotation.objects.exists()
    assert "En attente du traitement en arrière-plan" in client.get(reponse["Location"]).content.decode()

    # PostgreSQL: a concurrent transaction holds the version's row, so the run, once computed, waits at the
    # start of its write: a state the polling page must show. (SQLite: one writer at a time, no such hold
    # without stopping the worker's own progress writes: the polling catches the steps as they pass.)
    retenue = _retenir_la_version(brouillon.pk) if connection.vendor == "postgresql" else None
    worker = _worker()
    etats: list[dict[str, Any]] = []
    calculs: list[dict[str, Any]] = []
    vu_avant_ecriture = False
    try:
        while time.monotonic() - debut < DELAI_MAX:
            etat = client.get(reverse("taches:travail_etat", args=[travail.pk])).json()
            etats.append(etat)
            if etat["statut"] == StatutTravail.EN_COURS:
                calculs.append(client.get(reverse("cotation:progression", args=[territoire.epci.pk])).json())
            if retenue is not None and etat["etape"] == 2 and etat["faites"] == NB_DEMANDES:
                vu_avant_ecriture = etat["statut"] == StatutTravail.EN_COURS and 0 < etat["pourcentage"] < 100
                retenue.commit()
                retenue.close()
                retenue = None
            if etat["fini"] or worker.poll() is not None:
                break
            time.sleep(0.02)
        sortie, _ = worker.communicate(timeout=60)
    finally:
        if retenue is not None:
            retenue.close()
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    if connection.vendor == "postgresql":
        assert vu_avant_ecriture, etats[-3:]
    assert worker.returncode == 0, sortie

    travail.refresh_from_db()
    assert travail.statut == StatutTravail.TERMINE, (travail.resume, sortie)
    # Seen live by the polling page: the job running, at a step, before its end.
    en_cours = [e for e in etats if e["statut"] == StatutTravail.EN_COURS and e["etape"] >= 1]
    assert en_cours, f"aucun état intermédiaire observé : {etats[:3]}…{etats[-3:]}"
    assert all(0 <= e["pourcentage"] < 100 for e in en_cours)
    assert any(e["total"] == NB_DEMANDES for e in en_cours)
    assert any(c.get("statut") == StatutTache.EN_COURS and c["etape"] >= 1 for c in calculs)
    # The result is there: the version published, every demand scored, the page shows the summary.
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutVersion.PUBLIEE and brouillon.publiee_par == territoire.gestionnaire
    assert Cotation.objects.filter(demande__in=demandes).count() == NB_DEMANDES
    tache = TacheCotation.objects.get()
    assert tache.statut == StatutTache.TERMINEE and (tache.etape, tache.faites, tache.total) == (
        3,
        NB_DEMANDES,
        NB_DEMANDES,
    )
    assert travail.resume == tache.message and travail.resume.startswith(f"{NB_DEMANDES} demandes cotées")
    page = client.get(reverse("taches:travail", args=[travail.pk])).content.decode()
    assert "Travail terminé" in page and reverse("cotation:tache", args=[tache.pk]) in page
    assert DBTaskResult.objects.get(id=travail.tache_id).status == "SUCCESSFUL"


def _worker_en_lot() -> subprocess.CompletedProcess[str]:
    """A worker that runs what the queue holds, then stops (``--batch``)."""
    return subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=Path(django_settings.BASE_DIR),
        env={**os.environ, "DATABASE_URL": _url_base()},
        capture_output=True,
        text=True,
        timeout=DELAI_MAX,
    )


def test_un_worker_tue_pendant_une_publication_laisse_un_travail_clos_en_echec_et_rien_d_ecrit(
    territoire: Territoire, settings: Any
) -> None:
    """``kill -9`` of the worker while the publication waits to write (PostgreSQL: a concurrent transaction
    holds the version's row): the next worker closes the job and its report as interrupted, in French; the
    version is still a draft and no cotation was written."""
    if connection.vendor != "postgresql":
        pytest.skip("sur SQLite, rien ne retient le worker au milieu de son travail pour l'arrêter là")
    settings.TASKS = FILE_BDD
    for i in range(30):
        territoire.demande(mois=i, communes=(NARBONNE,))
    brouillon = importer(territoire)
    client = Client()
    client.force_login(territoire.gestionnaire)
    client.post(reverse("cotation:publier", args=[brouillon.pk]))
    travail = Travail.objects.get()
    retenue = _retenir_la_version(brouillon.pk)
    worker = _worker()
    debut = time.monotonic()
    try:
        while time.monotonic() - debut < DELAI_MAX:
            etat = client.get(reverse("taches:travail_etat", args=[travail.pk])).json()
            if etat["statut"] == StatutTravail.EN_COURS and etat["etape"] == 2 and etat["faites"] == etat["total"]:
                break
            assert worker.poll() is None, worker.communicate()[0]
            time.sleep(0.05)
        worker.kill()  # SIGKILL: the worker records nothing
        worker.wait()
    finally:
        retenue.rollback()
        retenue.close()
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    travail.refresh_from_db()
    assert travail.statut == StatutTravail.EN_COURS  # what a killed worker leaves behind

    suivant = _worker_en_lot()
    assert suivant.returncode == 0, suivant.stdout + suivant.stderr
    assert "Travaux interrompus par l'arrêt d'un worker, clos en échec : 1." in suivant.stdout
    travail.refresh_from_db()
    assert travail.statut == StatutTravail.ECHEC and "interrompu" in travail.resume
    page = client.get(reverse("taches:travail", args=[travail.pk])).content.decode()
    assert "Aucune cotation n&#x27;a été modifiée" in page or "Aucune cotation n'a été modifiée" in page
    assert TacheCotation.objects.get().statut == StatutTache.ECHEC
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutVersion.BROUILLON and not Cotation.objects.exists()
