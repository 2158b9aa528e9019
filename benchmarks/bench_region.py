"""``BENCH region``: a region's demands in PostgreSQL, loaded, re-scored, through the nightly commands and the
exports.

In a PostgreSQL database of its own (created, then dropped), after the migrations and the referentials:

- ``load_s``: ``charger_demo`` of N demands (default 300,000; ``ATTRIB_BENCH_REGION_DEMANDES`` overrides it),
  the whole demo as ``make demo`` loads it (stock, CALEOL year, grid published and scored);
- ``recoter_s``: ``recoter --toutes`` end to end (read the columns, score, write the cotations back);
- ``nuit_s``: the nightly commands (``expirer_offres``, ``flux_constater_echeances``, ``traiter_echeances``,
  ``detecter_doublons``, ``recoter``), each also reported as ``nuit_<commande>_s``;
- ``export_csv_s``, ``export_xlsx_s``: ``exporter_demandes`` of every demand;
- ``*_us``: the same per demand (microseconds), ``cpu_s``: the child's CPU time for the whole run and
  ``recoter_cpu_s`` its CPU time in ``recoter --toutes`` (PostgreSQL's own time not counted; the
  machine may be shared: wall-clock and CPU both say something).

Baselines, measured in the same run: ``baseline_load_s``, a ``COPY`` of the very same demand rows into an
empty copy of their table (the floor of inserting them); ``baseline_recoter_s``, the engine alone scoring the
prepared columns of the same demands with the same grid (the floor of a re-scoring).
``ratio_load = load_s / baseline_load_s``, ``ratio_recoter = recoter_s / baseline_recoter_s``.

Without PostgreSQL (``DATABASE_URL`` of a server, else ``postgres://postgres@127.0.0.1:5432/postgres``) the
benchmark says so and prints no figure.

The run takes a quarter of an hour at full size: each step prints one line of progress on stderr when it starts
and when it ends (``BENCH region · 12.3 s · …``), ``charger_demo`` its own progress there too; stdout carries the
single ``BENCH region …`` line only, unchanged.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RACINE = Path(__file__).resolve().parents[1]
NB_DEMANDES = int(os.environ.get("ATTRIB_BENCH_REGION_DEMANDES", "300000"))
JOUR = date(2026, 3, 15)
SERVEUR_DEFAUT = "postgres://postgres@127.0.0.1:5432/postgres"
NUIT = ("expirer_offres", "flux_constater_echeances", "traiter_echeances", "detecter_doublons", "recoter")


_DEPART = time.perf_counter()


def _etape(texte: str) -> None:
    """One line of progress on stderr (stdout carries the ``BENCH`` line only), with the time since the start."""
    print(f"BENCH region · {time.perf_counter() - _DEPART:.1f} s · {texte}", file=sys.stderr, flush=True)


def _chrono(mesures: dict[str, float], cle: str, action: object) -> None:
    _etape(f"{cle.removesuffix('_s')} : début")
    debut = time.perf_counter()
    action()  # type: ignore[operator]
    mesures[cle] = time.perf_counter() - debut
    _etape(f"{cle.removesuffix('_s')} : fini en {mesures[cle]:.1f} s")


def _baselines(mesures: dict[str, float]) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from attrib.cotation import calcul
    from attrib.cotation.colonnes import colonnes_cotation, preparer_pour
    from attrib.cotation.enums import StatutVersion
    from attrib.engine.cotation import evaluer
    from attrib.organisations.models import Organisation

    _etape("références : copie des demandes (COPY)")
    with connection.cursor() as curseur, transaction.atomic():
        curseur.execute("CREATE TEMPORARY TABLE bench_demande (LIKE demandes_demande)")
        tampon = io.BytesIO()
        with curseur.connection.cursor().copy("COPY demandes_demande TO STDOUT") as copie:
            for morceau in copie:
                tampon.write(morceau)
        debut = time.perf_counter()
        with curseur.connection.cursor().copy("COPY bench_demande FROM STDIN") as copie:
            copie.write(tampon.getvalue())
        mesures["baseline_load_s"] = time.perf_counter() - debut
        curseur.execute("DROP TABLE bench_demande")
    _etape(f"références : COPY fini en {mesures['baseline_load_s']:.1f} s ; moteur seul sur les colonnes préparées")
    jour = timezone.localdate()
    total = 0.0
    organisations = Organisation.objects.filter(grilles_cotation__versions__statut=StatutVersion.PUBLIEE).distinct()
    for organisation in organisations:
        for version, demandes in calcul.populations(organisation, calcul.versions_publiees(organisation)):
            grille = version.charger()
            prepare = preparer_pour(colonnes_cotation(demandes, jour=jour), grille, jour=jour)
            debut = time.perf_counter()
            evaluer(grille, prepare, date_reference=jour, detail=True)
            total += time.perf_counter() - debut
    mesures["baseline_recoter_s"] = total
    _etape(f"références : moteur seul fini en {total:.1f} s")


def _mesurer() -> str:
    import logging

    import django

    django.setup()
    # The demo's PDFs warn once per document about a font library: not progress, it would drown the steps' lines.
    for bavard in ("weasyprint", "fontTools"):
        logging.getLogger(bavard).setLevel(logging.ERROR)
    import time_machine
    from django.core.management import call_command
    from django.db import connection

    from attrib.demandes.models import Demande
    from attrib.demo.chargement import SIREN_GRAND_NARBONNE, charger_demo

    silence = io.StringIO()
    _etape(f"{NB_DEMANDES} demandes : migrations")
    call_command("migrate", verbosity=0)
    _etape("référentiel territorial et priorités légales")
    call_command("importer_territoires", "--epci", SIREN_GRAND_NARBONNE, stdout=silence)
    call_command("charger_priorites", stdout=silence)
    mesures: dict[str, float] = {}
    with time_machine.travel(JOUR, tick=True), tempfile.TemporaryDirectory(prefix="attrib-bench-region-") as dossier:
        # charger_demo's own progress (demands written, CALEOL year…) goes to stderr as well.
        _chrono(mesures, "load_s", lambda: charger_demo(nb_demandes=NB_DEMANDES, seed=2026, stdout=sys.stderr))
        cpu = time.process_time()
        _chrono(mesures, "recoter_s", lambda: call_command("recoter", "--toutes", stdout=silence))
        mesures["recoter_cpu_s"] = time.process_time() - cpu
        for commande in NUIT:
            _chrono(mesures, f"nuit_{commande}_s", lambda c=commande: call_command(c, stdout=silence, stderr=silence))
        mesures["nuit_s"] = sum(mesures[f"nuit_{c}_s"] for c in NUIT)
        for fmt in ("csv", "xlsx"):
            sortie = str(Path(dossier) / f"demandes.{fmt}")
            _chrono(
                mesures,
                f"export_{fmt}_s",
                lambda f=fmt, s=sortie: call_command("exporter_demandes", "--format", f, "--sortie", s, stdout=silence),
            )
        _baselines(mesures)
    n = Demande.objects.count()
    _etape("fini")
    connection.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cles = ("load_s", "recoter_s", "nuit_s", *(f"nuit_{c}_s" for c in NUIT), "export_csv_s", "export_xlsx_s")
    champs = [f"{c}={mesures[c]:.2f}" for c in cles]
    champs += [f"{c.removesuffix('_s')}_us={mesures[c] / n * 1e6:.0f}" for c in ("load_s", "recoter_s", "nuit_s")]
    champs += [
        f"baseline_load_s={mesures['baseline_load_s']:.3f}",
        f"ratio_load={mesures['load_s'] / mesures['baseline_load_s']:.0f}",
        f"baseline_recoter_s={mesures['baseline_recoter_s']:.3f}",
        f"ratio_recoter={mesures['recoter_s'] / mesures['baseline_recoter_s']:.1f}",
        f"cpu_s={usage.ru_utime + usage.ru_stime:.1f}",
        f"recoter_cpu_s={mesures['recoter_cpu_s']:.2f}",
    ]
    return f"BENCH region demandes={n} " + " ".join(champs)


def _serveur() -> str | None:
    """The PostgreSQL server's URL (its maintenance database), or ``None`` when none answers."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "") or SERVEUR_DEFAUT
    if not url.startswith(("postgres://", "postgresql://")):
        url = SERVEUR_DEFAUT
    parties = urlsplit(url)
    serveur = urlunsplit(parties._replace(path="/postgres"))
    try:
        psycopg.connect(serveur, connect_timeout=3).close()
    except psycopg.Error:
        return None
    return serveur


def run() -> None:
    import psycopg

    serveur = _serveur()
    if serveur is None:
        print("BENCH region : ignoré, aucun serveur PostgreSQL ne répond (DATABASE_URL ou 127.0.0.1:5432).")
        return
    base = f"attrib_bench_region_{os.getpid()}"
    with psycopg.connect(serveur, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{base}"')
    try:
        with tempfile.TemporaryDirectory(prefix="attrib-bench-region-") as dossier:
            env = dict(os.environ)
            env.update(
                ATTRIB_VAR_DIR=dossier,
                DJANGO_SETTINGS_MODULE="config.settings",
                DATABASE_URL=urlunsplit(urlsplit(serveur)._replace(path=f"/{base}")),
            )
            # The child's progress (stderr) is shown as it comes; its stdout holds the BENCH line.
            enfant = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_region"],
                cwd=RACINE,
                env=env,
                stdout=subprocess.PIPE,
                stderr=None,
                text=True,
                check=False,
            )
    finally:
        with psycopg.connect(serveur, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{base}" WITH (FORCE)')
    if enfant.returncode != 0:
        raise SystemExit(f"BENCH region : échec de la mesure (code {enfant.returncode}, détail ci-dessus sur stderr).")
    print(enfant.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(_mesurer())
