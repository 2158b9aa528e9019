"""Architecture as tests: no import circle between the modules of ``attrib/``; models import no permissions,
selectors nor services.

How the circles are measured
----------------------------
The import graph of the ``attrib`` package is built by grimp (the library under import-linter), module by
module, with ``exclude_type_checking_imports=True``: an import under ``if TYPE_CHECKING:`` is not executed and
makes no circle. Every other ``import``/``from … import`` statement counts **wherever it stands**, at the top of
the module or inside a function: a lazy import inside a function only postpones a circle, it does not remove it
(the circles of issue 11, ``models.py`` ↔ ``permissions.py`` and ``demandes`` ↔ ``organisations``, were all lazy
imports). A circle is a strongly connected component of that directed graph with more than one module
(Tarjan's algorithm); it is named by the sorted tuple of its modules.

The test fails on any circle that is not in :data:`CIRCLES_ALLOWED`, and on any allowed circle that no longer
exists (remove it from the list: the list only shrinks).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import grimp
import pytest

RACINE = Path(__file__).resolve().parents[1]
ATTRIB = RACINE / "attrib"

#: Circles tolerated while they are being broken: none is left (issue 11). A circle added here must name the
#: issue that will break it; the test fails as soon as it no longer exists, so the list only shrinks.
CIRCLES_ALLOWED: frozenset[tuple[str, ...]] = frozenset()


@cache
def graphe() -> grimp.ImportGraph:
    return grimp.build_graph("attrib", exclude_type_checking_imports=True, cache_dir=None)


def aretes(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def composantes(arcs: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Strongly connected components with more than one node (iterative Tarjan)."""
    index: dict[str, int] = {}
    bas: dict[str, int] = {}
    pile: list[str] = []
    sur_pile: set[str] = set()
    trouvees: set[tuple[str, ...]] = set()
    compteur = 0
    for depart in sorted(arcs):
        if depart in index:
            continue
        travail: list[tuple[str, list[str]]] = [(depart, sorted(arcs.get(depart, ())))]
        index[depart] = bas[depart] = compteur
        compteur += 1
        pile.append(depart)
        sur_pile.add(depart)
        while travail:
            noeud, suivants = travail[-1]
            if suivants:
                suivant = suivants.pop()
                if suivant not in index:
                    index[suivant] = bas[suivant] = compteur
                    compteur += 1
                    pile.append(suivant)
                    sur_pile.add(suivant)
                    travail.append((suivant, sorted(arcs.get(suivant, ()))))
                elif suivant in sur_pile:
                    bas[noeud] = min(bas[noeud], index[suivant])
                continue
            travail.pop()
            if travail:
                parent = travail[-1][0]
                bas[parent] = min(bas[parent], bas[noeud])
            if bas[noeud] == index[noeud]:
                composante = []
                while True:
                    membre = pile.pop()
                    sur_pile.discard(membre)
                    composante.append(membre)
                    if membre == noeud:
                        break
                if len(composante) > 1:
                    trouvees.add(tuple(sorted(composante)))
    return trouvees


def test_tarjan_trouve_un_cercle_et_ignore_une_chaine() -> None:
    arcs = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert composantes(arcs) == {("a", "b", "c")}
    assert composantes({"a": {"b"}, "b": set()}) == set()


def test_le_graphe_voit_les_imports_dans_les_fonctions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paquet = tmp_path / "paquet_cercle"
    paquet.mkdir()
    (paquet / "__init__.py").write_text("")
    (paquet / "models.py").write_text("def f():\n    from paquet_cercle import permissions\n")
    (paquet / "permissions.py").write_text(
        "from typing import TYPE_CHECKING\nfrom paquet_cercle import models\nif TYPE_CHECKING:\n    from paquet_cercle import vues\n"
    )
    (paquet / "vues.py").write_text("from paquet_cercle import permissions\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("paquet_cercle", exclude_type_checking_imports=True, cache_dir=None)
    assert composantes(aretes(graph)) == {("paquet_cercle.models", "paquet_cercle.permissions")}


def test_aucun_cercle_d_imports_hors_de_la_liste_qui_raccourcit() -> None:
    cercles = composantes(aretes(graphe()))
    nouveaux = sorted(cercles - CIRCLES_ALLOWED)
    disparus = sorted(CIRCLES_ALLOWED - cercles)
    assert not nouveaux, f"Nouveau(x) cercle(s) d'imports : {nouveaux}"
    assert not disparus, f"Cercle(s) disparu(s) : retirez-les de CIRCLES_ALLOWED : {disparus}"


#: Every app that has models (a models module or package).
APPS_VERIFIEES = tuple(
    sorted(p.parent.name for p in ATTRIB.glob("*/models.py"))
    + sorted(p.parent.name for p in ATTRIB.glob("*/models/__init__.py"))
)


@pytest.mark.parametrize("app", APPS_VERIFIEES)
def test_les_modeles_n_importent_ni_permissions_ni_selecteurs_ni_services(app: str) -> None:
    modele = f"attrib.{app}.models"
    importes = graphe().find_modules_directly_imported_by(modele)
    # A layer may be a package (``attrib.flux.services.conventions``): any part of the name counts.
    interdits = sorted(m for m in importes if {"permissions", "selectors", "services"} & set(m.split(".")[2:]))
    assert not interdits, f"{modele} importe {interdits}"


def test_le_fichier_des_demandes_ne_depend_pas_de_la_cotation() -> None:
    """A write on demands tells its listeners (``attrib.demandes.suites``); it never imports the cotation (the
    demand pages may show a score: the views are not the demand file)."""
    graph = graphe()
    for module in sorted(
        m for m in graph.modules if m.startswith("attrib.demandes") and not m.startswith("attrib.demandes.views")
    ):
        importes = graph.find_modules_directly_imported_by(module)
        assert not any(m.startswith("attrib.cotation") for m in importes), f"{module} importe la cotation"
