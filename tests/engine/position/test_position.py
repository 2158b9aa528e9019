"""Position and waiting range: the columns agree with the plain records (properties and golden cases), and
nothing finer than a band of places or a range over enough leases is ever given."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attrib.engine.erreurs import ParametresInvalides
from attrib.engine.position import (
    Attribution,
    Bande,
    CleTri,
    DemandeSimilaire,
    Fourchette,
    IndexPositions,
    ReglesInformation,
    bande,
    charger_regles_information,
    debut_fenetre,
    fourchette_un,
    mois_entre,
    rang_exact,
    situation_un,
)

JOUR = date(2026, 6, 15)
DEPARTAGE = (CleTri("date_depot_initiale"), CleTri("numero_unique"))


def regles(**changes: object) -> ReglesInformation:
    base = ReglesInformation(
        dimensions=("territoire", "typologie"),
        libelle="demandes similaires",
        libelle_attente="demandes satisfaites",
        fenetre_mois=12,
        minimum_attente=3,
        minimum_position=3,
        pas=2,
        source="essai",
        date_effet=date(2020, 1, 1),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def cadre_demandes(population: list[DemandeSimilaire]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "demande_id": [d.demande_id for d in population],
            "grille": [d.grille for d in population],
            "territoire": [d.territoire for d in population],
            "typologie": [d.typologie for d in population],
            "secteur": [d.secteur for d in population],
            "score": [d.score for d in population],
            "date_depot_initiale": [d.departage[0] for d in population],
            "numero_unique": [d.departage[1] for d in population],
        },
        schema={
            "demande_id": pl.Int64,
            "grille": pl.Int64,
            "territoire": pl.String,
            "typologie": pl.Int64,
            "secteur": pl.String,
            "score": pl.Int64,
            "date_depot_initiale": pl.Date,
            "numero_unique": pl.String,
        },
    )


def cadre_attributions(attributions: list[Attribution]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "territoire": [a.territoire for a in attributions],
            "typologie": [a.typologie for a in attributions],
            "secteur": [a.secteur for a in attributions],
            "date_depot": [a.date_depot for a in attributions],
            "date_attribution": [a.date_attribution for a in attributions],
        },
        schema={
            "territoire": pl.String,
            "typologie": pl.Int64,
            "secteur": pl.String,
            "date_depot": pl.Date,
            "date_attribution": pl.Date,
        },
    )


dates = st.dates(min_value=date(2015, 1, 1), max_value=JOUR)
demandes_st = st.lists(
    st.tuples(
        st.sampled_from([1, 2]),
        st.sampled_from(["epci-a", "epci-b"]),
        st.integers(1, 3),
        st.sampled_from(["11262", "11203"]),
        st.integers(-50, 50).map(lambda s: s * 10),  # ties on purpose
        st.one_of(st.none(), st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 1, 10))),
        st.one_of(st.none(), st.sampled_from(["N1", "N2", "N3"])),
    ),
    min_size=1,
    max_size=40,
)
attributions_st = st.lists(
    st.tuples(st.sampled_from(["epci-a", "epci-b"]), st.integers(1, 3), dates, st.integers(0, 2000)), max_size=40
)


def _population(brut: list[tuple]) -> list[DemandeSimilaire]:  # type: ignore[type-arg]
    return [DemandeSimilaire(i + 1, g, t, ty, s, sc, (d, n)) for i, (g, t, ty, s, sc, d, n) in enumerate(brut)]


def _attributions(brut: list[tuple]) -> list[Attribution]:  # type: ignore[type-arg]
    return [Attribution(t, ty, "11262", depot, depot + timedelta(days=jours)) for t, ty, depot, jours in brut]


@settings(max_examples=150, deadline=None)
@given(
    demandes_st,
    attributions_st,
    st.sampled_from([("territoire", "typologie"), ("territoire", "typologie", "secteur"), ("typologie",)]),
)
def test_les_colonnes_concordent_avec_la_reference(brut, brut_attr, dimensions) -> None:  # type: ignore[no-untyped-def]
    r = regles(dimensions=dimensions)
    population = _population(brut)
    attributions = _attributions(brut_attr)
    index = IndexPositions.construire(
        cadre_demandes(population), cadre_attributions(attributions), departage=DEPARTAGE, regles=r, jour=JOUR
    )
    for d in population:
        assert index.rang(d.demande_id) == rang_exact(d, population, DEPARTAGE, r)
        assert index.situation(d.demande_id) == situation_un(d, population, attributions, DEPARTAGE, r, JOUR)
        # Another score or another typology: the binary search agrees with re-ranking the records.
        ligne = index.ligne(d.demande_id)
        assert ligne is not None
        for score, typologie in (
            (d.score + 10, d.typologie),
            (d.score - 25, d.typologie),
            (d.score, 4),
            (d.score + 5, 1),
        ):
            autre = dataclasses.replace(d, score=score, typologie=typologie)
            cible = autre.cle(r)
            assert index.rang_pour(ligne, cible, score) == rang_exact(autre, population, DEPARTAGE, r)
            assert index.situation_pour(ligne, cible, score) == situation_un(
                autre, population, attributions, DEPARTAGE, r, JOUR
            )


def test_les_colonnes_reprennent_le_classement_des_listes() -> None:
    """The ranks are those of ``attrib.engine.cotation.classer`` (score, then the grid's tie-break, then order)."""
    from attrib.engine.cotation import charger_grille, classer

    grille = charger_grille(Path("data/grilles/socle.yaml").read_text(encoding="utf-8"), origine="socle")
    population = _population(
        [
            (1, "e", 2, "c", s, d, n)
            for s, d, n in [
                (100, date(2024, 1, 3), "B"),
                (100, date(2024, 1, 2), "C"),
                (100, None, "A"),
                (300, None, None),
                (100, date(2024, 1, 2), "A"),
                (50, date(2020, 1, 1), "Z"),
            ]
        ]
    )
    cadre = cadre_demandes(population)
    attendu = classer(cadre.sort("demande_id"), grille, par=["grille", "territoire", "typologie"])["rang"].to_list()
    index = IndexPositions.construire(cadre, cadre_attributions([]), departage=DEPARTAGE, regles=regles(), jour=JOUR)
    assert [index.rang(d.demande_id)[0] for d in population] == attendu  # type: ignore[index]
    # 300 first; among the 100s: filed 2 Jan (A then C), 3 Jan, then no date; 50 last.
    assert attendu == [4, 3, 5, 1, 2, 6]


# --- golden cases ---------------------------------------------------------------------------------------------


def test_cas_dore_position_et_fourchette() -> None:
    r = regles(pas=5, minimum_position=11, minimum_attente=11)
    population = [
        DemandeSimilaire(i, 1, "epci", 3, "11262", 1000 - 10 * i, (date(2024, 1, 1), f"N{i:03}")) for i in range(1, 24)
    ]
    attentes_mois = [2, 5, 7, 8, 12, 13, 15, 18, 24, 30, 41, 60]
    attributions = [
        Attribution("epci", 3, "11262", debut_fenetre(date(2025, 12, 1), m), date(2025, 12, 1)) for m in attentes_mois
    ]
    # A lease 13 months ago and one of another typology do not count.
    attributions += [
        Attribution("epci", 3, "11262", date(2020, 1, 1), date(2025, 5, 1)),
        Attribution("epci", 2, "11262", date(2020, 1, 1), date(2026, 1, 1)),
    ]
    index = IndexPositions.construire(
        cadre_demandes(population), cadre_attributions(attributions), departage=DEPARTAGE, regles=r, jour=JOUR
    )
    s = index.situation(7)
    assert s is not None
    assert s.position == Bande(debut=6, fin=10, effectif=23)
    assert s.position.texte == "entre la 6e et la 10e place sur 23"
    assert s.fourchette == Fourchette(premier_quartile=8, mediane=14, troisieme_quartile=26, effectif=12)
    # The last band takes the remainder: 21st to 23rd would isolate fewer than five places.
    assert index.situation(22).position == Bande(16, 23, 23)  # type: ignore[union-attr]
    assert index.situation(1).position.texte == "entre la 1re et la 5e place sur 23"  # type: ignore[union-attr]


def test_mois_et_fenetre() -> None:
    assert mois_entre(date(2024, 1, 31), date(2024, 2, 29)) == 0
    assert mois_entre(date(2024, 1, 31), date(2024, 3, 31)) == 2
    assert mois_entre(date(2024, 5, 1), date(2024, 1, 1)) == 0
    assert debut_fenetre(date(2025, 3, 31), 1) == date(2025, 2, 28)
    assert debut_fenetre(date(2026, 6, 15), 12) == date(2025, 6, 15)


# --- nothing of another household ------------------------------------------------------------------------------


@given(st.integers(1, 400), st.integers(1, 20))
def test_une_bande_couvre_toujours_au_moins_le_pas(effectif: int, pas: int) -> None:
    if effectif < pas:
        return
    vues = {}
    for rang in range(1, effectif + 1):
        b = bande(rang, effectif, pas)
        assert b.debut <= rang <= b.fin
        assert b.fin - b.debut + 1 >= pas, "une tranche plus étroite que le pas isolerait un ménage"
        vues.setdefault((b.debut, b.fin), []).append(rang)
    # Bands are a partition of the places.
    assert sorted(r for rangs in vues.values() for r in rangs) == list(range(1, effectif + 1))


def test_rien_sous_les_effectifs_minimaux() -> None:
    r = regles(minimum_position=11, minimum_attente=11, pas=5)
    population = [DemandeSimilaire(i, 1, "epci", 2, "c", i, (None, None)) for i in range(1, 11)]  # 10 demands
    attributions = [Attribution("epci", 2, "c", date(2024, 1, 1), date(2026, 1, 1))] * 10
    index = IndexPositions.construire(
        cadre_demandes(population), cadre_attributions(attributions), departage=DEPARTAGE, regles=r, jour=JOUR
    )
    s = index.situation(3)
    assert s is not None
    assert (s.position, s.effectif, s.fourchette, s.effectif_attente) == (None, None, None, None)
    assert index.bandes().height == 0
    assert fourchette_un(("epci", 2), attributions, r, JOUR) == (None, 10)
    # The eleventh lease shows the range: a figure over eleven leases.
    onze = [*attributions, Attribution("epci", 2, "c", date(2025, 1, 1), date(2026, 1, 1))]
    f, n = fourchette_un(("epci", 2), onze, r, JOUR)
    assert n == 11 and f is not None and f.effectif == 11


@settings(max_examples=100, deadline=None)
@given(demandes_st, st.integers(0, 39), st.integers(-500, 500))
def test_un_autre_menage_ne_se_lit_pas_dans_une_bande(brut, qui, nouveau) -> None:  # type: ignore[no-untyped-def]
    """Changing another household's score moves the band shown to a demand by one band at most (its rank moves by
    one place at most): the band says how many are ahead to within ``pas`` places, nothing of who."""
    r = regles(pas=3, minimum_position=3)
    population = _population(brut)
    if qui >= len(population):
        return
    autre = population[qui]
    changee = [dataclasses.replace(d, score=nouveau) if d is autre else d for d in population]
    for d in population:
        if d is autre:
            continue
        avant = situation_un(d, population, [], DEPARTAGE, r, JOUR).position
        apres = situation_un(d, changee, [], DEPARTAGE, r, JOUR).position
        if avant is None or apres is None:
            assert avant == apres
            continue
        assert abs(avant.debut - apres.debut) <= r.pas


def test_la_regle_refuse_un_pas_plus_grand_que_le_minimum() -> None:
    with pytest.raises(ParametresInvalides, match="isoler un ménage"):
        regles(minimum_position=3, pas=5)
    with pytest.raises(ParametresInvalides, match="dimensions"):
        regles(dimensions=("commune_de_naissance",))


def test_la_regle_datee_du_territoire() -> None:
    r = charger_regles_information(JOUR)
    assert r.dimensions == ("territoire", "typologie")
    assert r.minimum_attente >= 11 and r.minimum_position >= r.pas
    assert "typologie minimale" in r.libelle and r.fenetre_mois == 12
