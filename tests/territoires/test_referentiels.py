"""Every file of data/referentiels/ is documented in data/SOURCES.md, with the sha256 of its content."""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter

from attrib.territoires.services import DOSSIER_REFERENTIELS

SOURCES = DOSSIER_REFERENTIELS.parent / "SOURCES.md"
LIGNE_TABLEAU = re.compile(r"^\| `referentiels/(?P<fichier>[^`]+)` \|.*\| `(?P<sha256>[0-9a-f]{64})` \|$", re.M)


def test_chaque_fichier_est_documente_avec_son_empreinte() -> None:
    documentes = {m["fichier"]: m["sha256"] for m in LIGNE_TABLEAU.finditer(SOURCES.read_text(encoding="utf-8"))}
    presents = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in DOSSIER_REFERENTIELS.iterdir()}

    assert presents == documentes


def test_indicateurs_rpls_coupes_aux_zones_annoncees() -> None:
    with (DOSSIER_REFERENTIELS / "rpls2019_indicateurs_territoires.csv").open(encoding="utf-8", newline="") as f:
        zones = Counter((row["TypeZone"], row["CodeZone"]) for row in csv.DictReader(f))

    assert zones == {
        ("Epci", "241100593"): 44,
        ("Départements", "11"): 44,
        ("Régions", "76"): 44,
        ("France", "FRMETRO"): 44,
        ("France", "FRMETRODROM"): 44,
    }
