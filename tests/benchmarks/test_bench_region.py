"""``BENCH region`` runs a quarter of an hour at full size: it tells its progress on stderr step by step, while
stdout keeps the single ``BENCH region …`` line (review finding: nothing was printed before the end)."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from benchmarks import bench_region


def test_chaque_etape_dit_son_debut_et_sa_fin_sur_stderr_et_rien_sur_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    mesures: dict[str, float] = {}
    bench_region._chrono(mesures, "recoter_s", lambda: None)
    sortie = capsys.readouterr()
    assert sortie.out == ""
    lignes = [li for li in sortie.err.splitlines() if li.startswith("BENCH region · ")]
    assert len(lignes) == 2
    assert lignes[0].endswith("recoter : début") and "recoter : fini en" in lignes[1]
    assert "recoter_s" in mesures


class _Connexion:
    def __enter__(self) -> _Connexion:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def execute(self, sql: str) -> None:
        return None


def test_la_progression_de_l_enfant_passe_telle_quelle_et_stdout_garde_la_seule_ligne_bench(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The measure runs in a child process: its stderr reaches the terminal as it comes (not captured until the
    end); its last stdout line is printed once, unchanged."""
    import psycopg

    appels: list[dict[str, Any]] = []

    def lancer(commande: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        appels.append(options)
        return subprocess.CompletedProcess(commande, 0, stdout="BENCH region demandes=300 load_s=1.00\n", stderr=None)

    monkeypatch.setattr(bench_region, "_serveur", lambda: "postgres://postgres@127.0.0.1:5432/postgres")
    monkeypatch.setattr(psycopg, "connect", lambda *a, **k: _Connexion())
    monkeypatch.setattr(subprocess, "run", lancer)
    bench_region.run()
    (options,) = appels
    assert options.get("stderr") is None and not options.get("capture_output")  # inherited: shown as it comes
    assert options.get("stdout") == subprocess.PIPE
    assert capsys.readouterr().out == "BENCH region demandes=300 load_s=1.00\n"
