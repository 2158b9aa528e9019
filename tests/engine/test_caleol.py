"""CALEOL counting rules (attrib.engine.caleol): default quorum, quorum reached, majority of the votes cast and
casting vote, on golden cases."""

from __future__ import annotations

import pytest

from attrib.engine.caleol import (
    RegleInconnue,
    VoteCompte,
    decompter,
    etat_quorum,
    quorum_par_defaut,
)

REGLES = {"qualites_preponderantes": ("maire",), "a_defaut_president": True, "majorite": "suffrages_exprimes"}


def _v(nom: str, sens: str, qualite: str = "administrateur", president: bool = False) -> VoteCompte:
    return VoteCompte(membre=nom, qualite=qualite, qualite_libelle=qualite, president=president, sens=sens)


@pytest.mark.parametrize(("n", "requis"), [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (9, 5), (10, 5)])
def test_quorum_par_defaut_la_moitie_arrondie_au_dessus_et_au_moins_un(n: int, requis: int) -> None:
    assert quorum_par_defaut(n, numerateur=1, denominateur=2) == requis


def test_quorum_par_defaut_autre_fraction_et_fraction_impossible() -> None:
    assert quorum_par_defaut(9, numerateur=2, denominateur=3) == 6
    with pytest.raises(RegleInconnue, match="fraction entre 0 et 1"):
        quorum_par_defaut(6, numerateur=3, denominateur=2)
    with pytest.raises(RegleInconnue):
        quorum_par_defaut(6, numerateur=1, denominateur=0)


def test_quorum_les_presents_a_distance_comptent_si_la_regle_le_dit() -> None:
    e = etat_quorum(deliberatifs=6, presents_seance=2, presents_distance=1, requis=3, regle="r", distance_compte=True)
    assert e.atteint and e.presents == 3
    assert (
        e.phrase == "Quorum atteint : 3 membres à voix délibérative présents sur 6, dont 1 à distance ; 3 requis (r)."
    )
    e = etat_quorum(deliberatifs=6, presents_seance=2, presents_distance=1, requis=3, regle="r", distance_compte=False)
    assert not e.atteint
    assert e.phrase == "Quorum non atteint : 2 membres à voix délibérative présents sur 6 ; 3 requis (r)."


@pytest.mark.parametrize(
    ("votes", "adopte", "preponderante", "phrase"),
    [
        (
            [_v("A", "pour"), _v("B", "contre"), _v("C", "pour")],
            True,
            "",
            "2 voix pour, 1 contre, 0 abstention : attribution adoptée.",
        ),
        (
            [_v("A", "contre"), _v("B", "abstention")],
            False,
            "",
            "0 voix pour, 1 contre, 1 abstention : attribution rejetée.",
        ),
        ([], False, "", "0 voix pour, 0 contre, 0 abstention : aucun suffrage exprimé, attribution non adoptée."),
        (
            [_v("A", "pour", president=True), _v("M. le maire", "contre", qualite="maire")],
            False,
            "M. le maire (maire)",
            "1 voix pour, 1 contre, 0 abstention : égalité des voix, voix prépondérante de M. le maire (maire), "
            "contre : attribution rejetée.",
        ),
        (
            [_v("Mme P", "pour", president=True), _v("B", "contre"), _v("M. le maire", "abstention", qualite="maire")],
            True,
            "Mme P (président)",
            "1 voix pour, 1 contre, 1 abstention : égalité des voix, voix prépondérante de Mme P (président), "
            "pour : attribution adoptée.",
        ),
    ],
)
def test_decompte_cas_de_reference(votes: list[VoteCompte], adopte: bool, preponderante: str, phrase: str) -> None:
    d = decompter(votes, **REGLES)  # type: ignore[arg-type]
    assert (d.adopte, d.voix_preponderante, d.phrase) == (adopte, preponderante, phrase)
    assert d.votants == len(votes)


def test_egalite_sans_voix_preponderante_n_adopte_pas() -> None:
    votes = [_v("A", "pour", president=True), _v("B", "contre")]
    d = decompter(votes, **(REGLES | {"a_defaut_president": False}))  # type: ignore[arg-type]
    assert not d.adopte
    assert d.phrase.endswith("égalité des voix sans voix prépondérante exprimée, attribution non adoptée.")


def test_une_regle_de_majorite_inconnue_est_refusee() -> None:
    with pytest.raises(RegleInconnue, match="règle de majorité « deux_tiers » inconnue"):
        decompter([_v("A", "pour")], **(REGLES | {"majorite": "deux_tiers"}))  # type: ignore[arg-type]
