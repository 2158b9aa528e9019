"""Architecture rules as tests."""

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "attrib" / "engine"


@pytest.mark.parametrize("path", sorted(ENGINE.rglob("*.py")), ids=lambda p: str(p.relative_to(ENGINE)))
def test_engine_imports_no_django(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in {"django", "rest_framework"}, f"{path} importe {name}"
            assert not name.startswith("attrib.") or name.startswith("attrib.engine"), f"{path} importe {name}"


def test_engine_package_exists() -> None:
    assert (ENGINE / "__init__.py").exists()


ATTRIB = ENGINE.parent
#: The one writer of the product's CSV and Excel files (docs/decisions/0004-exports-surs.md).
ECRIVAIN = ATTRIB / "common" / "tableurs.py"
#: The offline cotation command writes its scores with polars, through the same cell rule (``_sans_formule``).
ECRITURE_POLARS = {ENGINE / "cotation" / "cli.py"}
_INTERDITS_CSV = {"writer", "DictWriter"}
_INTERDITS_OPENPYXL = {"Workbook", "WriteOnlyCell", "Cell"}


def _ecritures_de_tableur(path: Path) -> list[str]:
    """How a module writes a CSV or builds a workbook without the product's writer."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    trouvees = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            noms = {a.name for a in node.names}
            if node.module == "csv" and noms & _INTERDITS_CSV:
                trouvees.append(f"from csv import {', '.join(sorted(noms & _INTERDITS_CSV))}")
            if node.module.split(".")[0] == "openpyxl" and noms & _INTERDITS_OPENPYXL:
                trouvees.append(f"from {node.module} import {', '.join(sorted(noms & _INTERDITS_OPENPYXL))}")
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "csv" and node.attr in _INTERDITS_CSV:
                trouvees.append(f"csv.{node.attr}")
            if isinstance(node.value, ast.Name) and node.value.id == "openpyxl" and node.attr in _INTERDITS_OPENPYXL:
                trouvees.append(f"openpyxl.{node.attr}")
            if node.attr in ("write_csv", "write_excel") and path not in ECRITURE_POLARS:
                trouvees.append(f".{node.attr}()")
    return trouvees


@pytest.mark.parametrize(
    "path",
    sorted(p for p in ATTRIB.rglob("*.py") if p != ECRIVAIN and "migrations" not in p.parts),
    ids=lambda p: str(p.relative_to(ATTRIB)),
)
def test_seul_l_ecrivain_de_tableurs_ecrit_csv_et_classeurs(path: Path) -> None:
    assert _ecritures_de_tableur(path) == [], f"{path} écrit un tableur sans attrib.common.tableurs"


def test_la_regle_d_architecture_des_exports_voit_un_ecrivain_direct(tmp_path: Path) -> None:
    module = tmp_path / "export.py"
    module.write_text(
        "import csv\nfrom openpyxl import Workbook\n\ndef f(flux):\n    csv.writer(flux).writerow([1])\n    Workbook()\n",
        encoding="utf-8",
    )
    assert _ecritures_de_tableur(module) == ["from openpyxl import Workbook", "csv.writer"]


#: App-to-app imports that must not exist: the matching does not read the dashboard (the Q1 threshold it needs
#: lives in ``demandes.quartile``, rule in ``engine.q1``), and the demand file and the scoring, which both
#: serve the dashboard and the matching, import neither (docs/decisions/0011-une-regle-une-maison.md).
IMPORTS_INTERDITS: dict[str, frozenset[str]] = {
    "rapprochement": frozenset({"pilotage"}),
    "demandes": frozenset({"pilotage", "rapprochement"}),
    "cotation": frozenset({"pilotage", "rapprochement"}),
}


def _apps_importees(path: Path) -> set[str]:
    """The ``attrib`` apps a module imports, wherever the import stands (a function body included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    apps: set[str] = set()
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
            if node.module == "attrib":
                modules = [f"attrib.{a.name}" for a in node.names]
        for module in modules:
            parties = module.split(".")
            if parties[0] == "attrib" and len(parties) > 1:
                apps.add(parties[1])
    return apps


@pytest.mark.parametrize(
    "path",
    sorted(p for app in IMPORTS_INTERDITS for p in (ATTRIB / app).rglob("*.py") if "migrations" not in p.parts),
    ids=lambda p: str(p.relative_to(ATTRIB)),
)
def test_imports_interdits_entre_applications(path: Path) -> None:
    app = path.relative_to(ATTRIB).parts[0]
    interdits = _apps_importees(path) & IMPORTS_INTERDITS[app]
    assert not interdits, f"{path} importe {', '.join(sorted(interdits))}"


def test_la_regle_des_imports_entre_applications_voit_un_import_local(tmp_path: Path) -> None:
    module = tmp_path / "moteur.py"
    module.write_text(
        "from attrib import pilotage\n\ndef f():\n    from attrib.pilotage.selectors import tableau\n"
        "    import attrib.demandes.quartile\n",
        encoding="utf-8",
    )
    assert _apps_importees(module) == {"pilotage", "demandes"}
