"""The demo's data and helpers live in ``attrib/demo/`` only: product code never imports the demo, and names
neither the demo territory (CA Le Grand Narbonne) nor any of its communes, by name or INSEE code."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

ATTRIB = Path(__file__).resolve().parents[1] / "attrib"
DEMO = ATTRIB / "demo"
REFERENTIEL = ATTRIB.parent / "data" / "referentiels" / "communes_epci_2026.csv"
GRAND_NARBONNE = "241100593"

PRODUIT = sorted(p for p in ATTRIB.rglob("*.py") if not p.is_relative_to(DEMO) and "migrations" not in p.parts)
GABARITS = sorted(p for p in ATTRIB.rglob("templates/**/*.html") if not p.is_relative_to(DEMO))


def _ids(p: Path) -> str:
    return str(p.relative_to(ATTRIB))


def _imports_de_la_demo(source: str) -> list[str]:
    trouves = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            trouves += [a.name for a in node.names if a.name == "attrib.demo" or a.name.startswith("attrib.demo.")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "attrib.demo" or node.module.startswith("attrib.demo."):
                trouves.append(node.module)
            elif node.module == "attrib":
                trouves += [f"attrib.{a.name}" for a in node.names if a.name == "demo"]
    return trouves


def _noms_du_territoire_de_demo() -> re.Pattern[str]:
    with REFERENTIEL.open(encoding="utf-8") as f:
        communes = [r for r in csv.DictReader(f) if r["epci_siren"] == GRAND_NARBONNE]
    assert len(communes) == 37
    mots = {GRAND_NARBONNE, "Grand Narbonne", *(c["nom_commune"] for c in communes)}
    mots |= {c["code_commune"] for c in communes}
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, mots), key=len, reverse=True)) + r")(?![\w-])")


NOMS = _noms_du_territoire_de_demo()


def _textes_du_code(source: str) -> list[str]:
    """The string literals of a module, docstrings left out (comments are not in the tree)."""
    arbre = ast.parse(source)
    docstrings = set()
    for node in ast.walk(arbre):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            premier = node.body[0]
            if isinstance(premier, ast.Expr) and isinstance(premier.value, ast.Constant):
                docstrings.add(id(premier.value))
    return [
        n.value
        for n in ast.walk(arbre)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


@pytest.mark.parametrize("path", PRODUIT, ids=_ids)
def test_le_produit_n_importe_pas_la_demo(path: Path) -> None:
    assert _imports_de_la_demo(path.read_text(encoding="utf-8")) == [], f"{path} importe la démo"


@pytest.mark.parametrize("path", PRODUIT, ids=_ids)
def test_le_code_produit_ne_nomme_pas_le_territoire_de_demo(path: Path) -> None:
    noms = sorted({m for texte in _textes_du_code(path.read_text(encoding="utf-8")) for m in NOMS.findall(texte)})
    assert noms == [], f"{path} nomme le territoire de démonstration : {noms}"


@pytest.mark.parametrize("path", GABARITS, ids=_ids)
def test_les_gabarits_ne_nomment_pas_le_territoire_de_demo(path: Path) -> None:
    noms = sorted(set(NOMS.findall(path.read_text(encoding="utf-8"))))
    assert noms == [], f"{path} nomme le territoire de démonstration : {noms}"


def test_les_regles_voient_un_import_et_un_nom(tmp_path: Path) -> None:
    source = (
        "from attrib import demo\nimport attrib.demo.flux\nfrom attrib.demo.chargement import x\n"
        'def f():\n    """Narbonne in a docstring is fine."""\n    # Gruissan in a comment too\n'
        '    return "CALEOL Narbonne", "11170", "Narbonne-Plage", "Bages-sur-Mer", "Port-la-Nouvelle"\n'
    )
    assert _imports_de_la_demo(source) == ["attrib.demo", "attrib.demo.flux", "attrib.demo.chargement"]
    trouves = [m for t in _textes_du_code(source) for m in NOMS.findall(t)]
    assert trouves == ["Narbonne", "11170", "Port-la-Nouvelle"]
