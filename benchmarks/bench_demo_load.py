"""``BENCH demo_load``: ``charger_demo`` of 100,000 synthetic demands into a fresh SQLite database.

Timed: ``charger_demo`` itself (generation, inserts of demands, persons, wishes, motives,
priorities and audit entries, renewal notices, duplicate detection). Not timed: migrations and
the referentials (territories of the Grand Narbonne, L441-1 priorities).

Baseline, measured in the same run: a raw ``executemany`` of the very same ``Demande`` rows into an
empty copy of their table — the floor of any way of inserting those rows. ``ratio = s / baseline_s``.

The measure runs in a child process so that its temporary database is the only one Django sees.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

NB_DEMANDES = 100_000
RACINE = Path(__file__).resolve().parents[1]


def _mesurer() -> str:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from attrib.demo.chargement import SIREN_GRAND_NARBONNE, charger_demo

    call_command("migrate", verbosity=0)
    call_command("importer_territoires", "--epci", SIREN_GRAND_NARBONNE, stdout=io.StringIO())
    call_command("charger_priorites", stdout=io.StringIO())

    debut = time.perf_counter()
    charger_demo(nb_demandes=NB_DEMANDES, seed=2026, date_reference=date(2026, 3, 15), stdout=io.StringIO())
    duree = time.perf_counter() - debut

    with connection.cursor() as curseur:
        curseur.execute("CREATE TABLE bench_demande AS SELECT * FROM demandes_demande WHERE 1 = 0")
        curseur.execute("SELECT * FROM demandes_demande")
        lignes = curseur.fetchall()
        marques = ", ".join(["%s"] * len(lignes[0]))
        debut = time.perf_counter()
        with transaction.atomic():
            curseur.executemany(f"INSERT INTO bench_demande VALUES ({marques})", lignes)
        plancher = time.perf_counter() - debut
    return (
        f"BENCH demo_load demandes={len(lignes)} s={duree:.2f} baseline_s={plancher:.3f} ratio={duree / plancher:.1f}"
    )


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="attrib-bench-demo-") as dossier:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(ATTRIB_VAR_DIR=dossier, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1")
        enfant = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_demo_load"],
            cwd=RACINE,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if enfant.returncode != 0:
        print(enfant.stderr, file=sys.stderr)
        raise SystemExit(f"BENCH demo_load : échec de la mesure (code {enfant.returncode}).")
    print(enfant.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(_mesurer())
