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
#: The offline cotation command writes its scores with polars, through the same cell rule (``_sans_formule``); the
#: re-scoring streams its rows to PostgreSQL's ``COPY`` as CSV (a transport to the database, never a file a user
#: opens: decision 0022).
ECRITURE_POLARS = {ENGINE / "cotation" / "cli.py", ATTRIB / "cotation" / "calcul.py"}
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


def _modules_importes(path: Path, paquet: str | None = None) -> set[str]:
    """Every module a file imports, at any depth (function-level imports included): ``from a import b`` gives
    ``a`` and ``a.b`` (``b`` may be a module); relative imports are resolved against the file's package
    (``paquet``, by default the one its place under ``attrib/`` gives)."""
    if paquet is None:
        paquet = ".".join(path.relative_to(ATTRIB.parent).parts[:-1])
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parents = paquet.split(".")[: len(paquet.split(".")) - node.level + 1]
                base = ".".join([*parents, *([base] if base else [])])
            modules.add(base)
            modules.update(f"{base}.{a.name}" for a in node.names)
    return modules


def _hors_socle(path: Path, paquet: str | None = None) -> set[str]:
    """The ``attrib.*`` modules a module of ``common`` imports that are neither ``common`` nor the engine."""
    return {
        m
        for m in _modules_importes(path, paquet)
        if m.split(".")[0] == "attrib" and m != "attrib" and m.split(".")[1] not in {"common", "engine"}
    }


@pytest.mark.parametrize(
    "path", sorted((ATTRIB / "common").rglob("*.py")), ids=lambda p: str(p.relative_to(ATTRIB / "common"))
)
def test_common_n_importe_aucune_app_du_domaine(path: Path) -> None:
    """``common`` is the base every domain app imports: it imports none of them (the home page and the
    navigation live in ``attrib.accueil``; domain apps register into ``common`` in their ``ready()``)."""
    assert _hors_socle(path) == set(), f"{path} importe une app du domaine"


def test_la_regle_du_socle_voit_les_imports_relatifs_et_differes(tmp_path: Path) -> None:
    module = tmp_path / "essai.py"
    module.write_text(
        "from . import services\n\ndef f():\n    from ..demandes import selectors\n    import attrib.flux.models\n",
        encoding="utf-8",
    )
    assert _hors_socle(module, "attrib.common") == {
        "attrib.demandes",
        "attrib.demandes.selectors",
        "attrib.flux.models",
    }


def _fichiers_de_modeles() -> list[Path]:
    return sorted(
        p
        for p in ATTRIB.rglob("*.py")
        if "migrations" not in p.parts and (p.name == "models.py" or p.parent.name == "models")
    )


_COUCHES_AU_DESSUS = {"permissions", "selectors", "services"}


def _couches_importees(path: Path, paquet: str | None = None) -> set[str]:
    """The permissions, selectors or services modules (of any app) a models module imports."""
    couches = set()
    for m in _modules_importes(path, paquet):
        parties = m.split(".")
        if parties[0] == "attrib":
            for i, partie in enumerate(parties[1:], start=2):
                if partie in _COUCHES_AU_DESSUS:
                    couches.add(".".join(parties[:i]))
                    break
    return couches


#: Models modules that still import a layer above them: none is left (issue 11 broke the models ↔ permissions
#: circles). The list may only shrink: the test fails on a new offender and on an entry that no longer offends.
EXCEPTIONS_A_RESORBER: dict[str, set[str]] = {}


def test_les_modeles_n_importent_ni_permissions_ni_selecteurs_ni_services() -> None:
    trouves = {
        str(p.relative_to(ATTRIB)): couches for p in _fichiers_de_modeles() if (couches := _couches_importees(p))
    }
    nouveaux = {f: c for f, c in trouves.items() if not c <= EXCEPTIONS_A_RESORBER.get(f, set())}
    assert nouveaux == {}, "des modèles importent une couche au-dessus d'eux"
    resorbes = {f: c - trouves.get(f, set()) for f, c in EXCEPTIONS_A_RESORBER.items() if c - trouves.get(f, set())}
    assert resorbes == {}, "exceptions résorbées : retirez-les de EXCEPTIONS_A_RESORBER"


def test_la_regle_des_modeles_voit_une_couche_au_dessus(tmp_path: Path) -> None:
    module = tmp_path / "models.py"
    module.write_text(
        "from attrib.flux import permissions\nfrom .selectors import x\nfrom attrib.common.models import Evenement\n",
        encoding="utf-8",
    )
    assert _couches_importees(module, "attrib.qualification") == {
        "attrib.flux.permissions",
        "attrib.qualification.selectors",
    }


# --- one reader of data/parametres (decision 0010) -------------------------------------------------

#: Calls that open, read or build the path of a file.
_LECTEURS_DE_FICHIER = frozenset(
    {"Path", "PurePath", "open", "safe_load", "load", "read_text", "read_csv", "DictReader", "reader", "join"}
)
_LIRE = _LECTEURS_DE_FICHIER - {"Path", "PurePath", "join"}
ARBRE_DES_PARAMETRES = ENGINE / "parametres"


def _nomme_les_parametres(noeud: ast.AST) -> bool:
    """A string (or an f-string part) with a path segment ``parametres``: ``"parametres"``, ``"data/parametres/x"``."""
    if isinstance(noeud, ast.JoinedStr):
        return any(_nomme_les_parametres(v) for v in noeud.values)
    return (
        isinstance(noeud, ast.Constant)
        and isinstance(noeud.value, str)
        and "parametres" in noeud.value.replace("\\", "/").split("/")
    )


def _nom_appele(fonction: ast.expr) -> str:
    if isinstance(fonction, ast.Attribute):
        return fonction.attr
    return fonction.id if isinstance(fonction, ast.Name) else ""


def lectures_directes_des_parametres(source: str) -> list[int]:
    """Lines that build a path into ``data/parametres`` (``x / "parametres"``) or hand such a string to a call
    that opens or reads a file (``Path``, ``open``, ``yaml.safe_load``, ``read_text``…). Docstrings, messages
    and help texts that merely name the folder are not paths, and are not reported."""
    lignes: set[int] = set()
    for noeud in ast.walk(ast.parse(source)):
        if isinstance(noeud, ast.BinOp) and isinstance(noeud.op, ast.Div):
            operandes: list[ast.AST] = [noeud.left, noeud.right]
        elif isinstance(noeud, ast.Call) and _nom_appele(noeud.func) in _LECTEURS_DE_FICHIER:
            operandes = [*noeud.args, *(k.value for k in noeud.keywords)]
        else:
            continue
        if any(_nomme_les_parametres(o) for o in operandes):
            lignes.add(noeud.lineno)
        # ``(DOSSIER_PAR_DEFAUT / "x.yaml").read_text()``: the tree's folder handed to a reading call.
        lit = isinstance(noeud, ast.Call) and _nom_appele(noeud.func) in _LIRE
        if lit and any(isinstance(n, ast.Name) and n.id == "DOSSIER_PAR_DEFAUT" for n in ast.walk(noeud)):
            lignes.add(noeud.lineno)
    return sorted(lignes)


def test_le_detecteur_voit_une_lecture_directe_des_parametres() -> None:
    source = '''"""Reads data/parametres/caleol.yaml through the tree."""
import yaml
from pathlib import Path
from django.conf import settings
DOSSIER = Path(settings.BASE_DIR) / "data" / "parametres"
with open("data/parametres/caleol.yaml") as f:
    contenu = yaml.safe_load(f)
texte = Path(f"data/parametres/{nom}.yaml").read_text()
autre = Path("data", "parametres", "flux.yaml")
REFERENTIELS = Path(settings.BASE_DIR) / "data" / "referentiels" / "communes.csv"
brut = yaml.safe_load((DOSSIER_PAR_DEFAUT / "cia.yaml").read_text(encoding="utf-8"))
message = f"Le fichier data/parametres/{nom} est invalide."
parser.add_argument("--fichier", help="par défaut data/parametres/priorites_l441_1.yaml")
v = charger_arbre().valeur("caleol.delai_reponse_offre_jours", jour)
FICHIER = DOSSIER_PAR_DEFAUT / "cia.yaml"
'''
    assert lectures_directes_des_parametres(source) == [5, 6, 8, 9, 11]


def test_seul_l_arbre_lit_les_fichiers_de_parametres() -> None:
    trouves = {
        str(p.relative_to(ATTRIB)): lignes
        for p in sorted(ATTRIB.rglob("*.py"))
        if ARBRE_DES_PARAMETRES not in p.parents
        and (lignes := lectures_directes_des_parametres(p.read_text(encoding="utf-8")))
    }
    assert trouves == {}, "lisez data/parametres par l'arbre (attrib.engine.parametres.arbre), pas directement"


TESTS = Path(__file__).resolve().parent


def _modules_du_navigateur_hors_de_son_dossier(racine: Path) -> list[str]:
    """Test modules outside ``browser/`` that import Playwright. The browser is one session fixture of
    ``browser/conftest.py``: a module elsewhere that re-declares it opens a second Playwright in the same xdist
    worker, and every browser journey run after it on that worker fails at set-up (« Sync API inside the asyncio
    loop »), as CI did at stop 22."""
    fautifs = []
    for path in sorted(racine.rglob("*.py")):
        if "browser" in path.relative_to(racine).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            if any(
                m.split(".")[0] in {"playwright", "axe_playwright_python"} or m.startswith("tests.browser")
                for m in modules
            ):
                fautifs.append(str(path.relative_to(racine)))
                break
    return fautifs


def test_seuls_les_parcours_du_dossier_browser_ouvrent_le_navigateur() -> None:
    assert _modules_du_navigateur_hors_de_son_dossier(TESTS) == []


def test_la_regle_du_navigateur_voit_un_module_qui_l_importe_ailleurs(tmp_path: Path) -> None:
    (tmp_path / "annonces").mkdir()
    (tmp_path / "annonces" / "test_x.py").write_text(
        "from tests.browser import conftest as n\nnavigateur = n.navigateur\n"
    )
    (tmp_path / "browser").mkdir()
    (tmp_path / "browser" / "test_y.py").write_text("from playwright.sync_api import Page\n")
    assert _modules_du_navigateur_hors_de_son_dossier(tmp_path) == ["annonces/test_x.py"]
