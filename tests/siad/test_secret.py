"""Suppression of small counts in a two-way table with margins (``attrib.engine.secret``): the published table
never shows a count below the minimum, and no hidden small count can be computed from what is shown."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from attrib.engine.secret import Tableau, _regle_des_lignes, intervalles, masquer, primaires, violations

MINIMUM = 11
VALEUR = st.one_of(st.integers(0, 3), st.integers(0, 15), st.integers(0, 60))
TABLES = st.integers(1, 5).flatmap(lambda m: st.lists(st.lists(VALEUR, min_size=m, max_size=m), min_size=1, max_size=6))


@settings(max_examples=150, deadline=None)
@given(TABLES)
def test_rien_de_petit_ne_se_lit_ni_ne_se_deduit(cellules: list[list[int]]) -> None:
    tableau = Tableau.de(cellules)
    masque = masquer(tableau, MINIMUM)
    assert primaires(tableau, MINIMUM) <= masque
    assert all(tableau[c] == 0 or tableau[c] >= MINIMUM for c in tableau.cases() if c not in masque)
    assert all(tableau[c] > 0 for c in masque)  # a zero is shown: it says nothing of anybody
    assert violations(tableau, masque, MINIMUM) == []


def test_une_seule_case_masquee_se_retrouve_par_difference() -> None:
    tableau = Tableau.de([[25, 3], [30, 40]])
    assert violations(tableau, {(0, 1)}, MINIMUM, audit=False) != []
    assert intervalles(tableau, {(0, 1)}) == {(0, 1): (3.0, 3.0)}
    masque = masquer(tableau, MINIMUM)
    assert (0, 1) in masque and violations(tableau, masque, MINIMUM) == []


def test_les_regles_des_lignes_ne_suffisent_pas_toujours() -> None:
    """Golden case: every line holds its rules, yet the rows and columns together pin a small count (10 + x = the
    column's shown total). The linear programme sees it, and ``masquer`` hides one more figure."""
    tableau = Tableau.de([[1, 0, 0], [10, 11, 9], [10, 0, 0]])
    masque = set(primaires(tableau, MINIMUM))
    while _regle_des_lignes(tableau, masque, MINIMUM):
        pass
    assert violations(tableau, masque, MINIMUM, audit=False) == []
    assert any("se déduit" in v for v in violations(tableau, masque, MINIMUM))
    assert violations(tableau, masquer(tableau, MINIMUM), MINIMUM) == []


def test_un_territoire_de_37_communes() -> None:
    cellules = [[(i * 7 + j * 13) % 40 if (i + j) % 3 else (i + j) % 5 for j in range(5)] for i in range(37)]
    tableau = Tableau.de(cellules)
    assert violations(tableau, masquer(tableau, MINIMUM), MINIMUM) == []
