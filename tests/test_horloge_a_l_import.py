"""No test module reads today's date when it is imported.

A value computed at import (a module constant, a ``parametrize`` list, a default argument, a class attribute)
takes the machine's day: the frozen clock (``horloge``) starts only with each test, and a run with a moved
clock (``ATTRIB_VRAIE_HORLOGE``) or on another day gives another value. Two tests failed that way (issue 11,
point 6): a wizard step built at import with "this year − 2" replayed under the frozen day, and a birth date
"120 years ago" computed at collection. Today is read inside a test or a fixture, never at import.

The guard sees direct calls only (``date.today()``, ``timezone.localdate()``, ``timezone.now()``,
``datetime.now()``, ``datetime.today()``, ``datetime.utcnow()``), not a helper that reads the date and is
called at import; that helper is the author's to keep inside a test.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
LECTURES_DU_JOUR = {"today", "localdate", "now", "utcnow", "localtime"}
HORLOGES = {"date", "datetime", "timezone"}


def _lit_le_jour(noeud: ast.AST) -> bool:
    if not isinstance(noeud, ast.Call) or not isinstance(noeud.func, ast.Attribute):
        return False
    cible = noeud.func.value
    nom = cible.attr if isinstance(cible, ast.Attribute) else getattr(cible, "id", None)
    return noeud.func.attr in LECTURES_DU_JOUR and nom in HORLOGES


def _a_l_import(noeud: ast.AST) -> list[ast.AST]:
    """The nodes evaluated when the module is imported: everything but the bodies of functions and lambdas
    (their decorators, default values and annotations are evaluated at import)."""
    if isinstance(noeud, ast.FunctionDef | ast.AsyncFunctionDef):
        evalues: list[ast.AST] = [*noeud.decorator_list, *noeud.args.defaults]
        evalues += [d for d in noeud.args.kw_defaults if d is not None]
        return [n for e in evalues for n in [e, *_a_l_import_enfants(e)]]
    if isinstance(noeud, ast.Lambda):
        evalues = [*noeud.args.defaults, *(d for d in noeud.args.kw_defaults if d is not None)]
        return [n for e in evalues for n in [e, *_a_l_import_enfants(e)]]
    return [noeud, *_a_l_import_enfants(noeud)]


def _a_l_import_enfants(noeud: ast.AST) -> list[ast.AST]:
    return [n for enfant in ast.iter_child_nodes(noeud) for n in _a_l_import(enfant)]


def lectures_a_l_import(source: str) -> list[int]:
    """Line numbers where ``source`` reads today's date at import."""
    noeuds = _a_l_import_enfants(ast.parse(source))
    return sorted({n.lineno for n in noeuds if isinstance(n, ast.Call) and _lit_le_jour(n)})


def test_le_garde_voit_les_lectures_a_l_import_et_laisse_celles_des_tests() -> None:
    source = """
from datetime import date
from django.utils import timezone
import pytest

ANNEE = timezone.localdate().year - 2

class Cas:
    jour = date.today()
    def methode(self):
        return timezone.now()

@pytest.mark.parametrize("jour", [date.today()])
def test_a(jour, limite=timezone.localdate()):
    return date.today(), (lambda: timezone.localdate())()

def aide():
    return timezone.localdate()
"""
    assert lectures_a_l_import(source) == [6, 9, 13, 14]


def test_aucun_module_de_test_ne_lit_le_jour_a_l_import() -> None:
    fautes = [
        f"{chemin.relative_to(TESTS.parent)}:{ligne}"
        for chemin in sorted(TESTS.rglob("*.py"))
        for ligne in lectures_a_l_import(chemin.read_text(encoding="utf-8"))
    ]
    assert not fautes, "Date du jour lue à l'import (hors de tout test et de l'horloge figée) : " + ", ".join(fautes)
