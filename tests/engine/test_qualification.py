"""Qualification du parc: classification of the two notes and campaign indicators, hand-computed cases
and properties (symmetry, vectorised path = per-residence reference, counts that add up)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.qualification import (
    COLONNES_INDICATEURS,
    ECHELLE_VIVRE_ENSEMBLE,
    TYPES_ENTREE,
    Classement,
    Echelle,
    NotesResidence,
    Statut,
    agenda_harmonisation,
    classer,
    classer_residences,
    indicateurs_campagne,
    indicateurs_reference,
    verifier_indicateurs,
)

NOTES = [None, 1, 2, 3, 4]


def cadre(residences: Sequence[NotesResidence]) -> pl.DataFrame:
    return pl.DataFrame([dataclasses.asdict(r) for r in residences], schema=dict(TYPES_ENTREE))


def inverser(residences: Sequence[NotesResidence]) -> list[NotesResidence]:
    return [dataclasses.replace(r, note_commune=r.note_bailleur, note_bailleur=r.note_commune) for r in residences]


def ligne(df: pl.DataFrame, niveau: str, cle: str) -> dict[str, object]:
    lignes = df.filter((pl.col("niveau") == niveau) & (pl.col("cle") == cle)).to_dicts()
    assert len(lignes) == 1
    return lignes[0]


# --- hand-computed cases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("commune", "bailleur", "attendu"),
    [
        (2, 2, Classement(Statut.CONCORDANT, 0)),
        (1, 2, Classement(Statut.DIVERGENT, 1)),
        (4, 1, Classement(Statut.DIVERGENT, 3)),
        (None, 3, Classement(Statut.UNE_SEULE_PARTIE, None)),
        (4, None, Classement(Statut.UNE_SEULE_PARTIE, None)),
        (None, None, Classement(Statut.NON_NOTEE, None)),
    ],
)
def test_classement_d_une_residence(commune: int | None, bailleur: int | None, attendu: Classement) -> None:
    assert classer(commune, bailleur) == attendu


@pytest.mark.parametrize("commune", NOTES)
@pytest.mark.parametrize("bailleur", NOTES)
def test_inverser_les_deux_parties_ne_change_jamais_le_classement(commune: int | None, bailleur: int | None) -> None:
    assert classer(commune, bailleur) == classer(bailleur, commune)


@pytest.mark.parametrize("note", [0, 5, -1, True, 2.5, "3"])
def test_une_note_hors_echelle_est_refusee_avec_son_nom(note: object) -> None:
    with pytest.raises(EntreeInvalide, match=r"note_bailleur « .* » hors de l'échelle 1 à 4"):
        classer(2, note)  # type: ignore[arg-type]


def test_une_autre_echelle_peut_etre_donnee() -> None:
    echelle = Echelle(0, 10)
    assert classer(0, 10, echelle=echelle) == Classement(Statut.DIVERGENT, 10)
    with pytest.raises(EntreeInvalide):
        classer(0, 1)
    with pytest.raises(ValueError, match="minimum 5 supérieur au maximum 1"):
        Echelle(5, 1)


#: A campaign built to give the two MEL figures: 70 % of the dwellings rated by both parties, 20 % of
#: the residences rated by both divergent.
CAMPAGNE_MEL = [
    NotesResidence(1, "11262", "Alogea", 30, 3, 3),
    NotesResidence(2, "11262", "Alogea", 20, 2, 2),
    NotesResidence(3, "11262", "Habitat Audois", 10, 4, 4),
    NotesResidence(4, "11170", "Habitat Audois", 5, 1, 1),
    NotesResidence(5, "11170", "Alogea", 5, 2, 3),
    NotesResidence(6, "11170", None, 20, 3, None),
    NotesResidence(7, "11106", "Habitat Audois", 10, None, None),
]


def test_indicateurs_calcules_a_la_main() -> None:
    indicateurs = indicateurs_campagne(cadre(CAMPAGNE_MEL))

    territoire = ligne(indicateurs, "territoire", "")
    assert territoire["residences"] == 7
    assert territoire["logements"] == 100
    assert (territoire["residences_concordant"], territoire["residences_divergent"]) == (4, 1)
    assert (territoire["residences_une_seule_partie"], territoire["residences_non_notee"]) == (1, 1)
    assert territoire["part_residences_notees_deux_parties"] == 5 / 7
    assert territoire["part_logements_notes_deux_parties"] == 0.7
    assert territoire["part_residences_divergentes"] == 0.2
    assert territoire["part_logements_divergents"] == 5 / 70

    gruissan = ligne(indicateurs, "commune", "11170")
    assert (gruissan["residences"], gruissan["logements"]) == (3, 30)
    assert gruissan["part_residences_notees_deux_parties"] == 2 / 3
    assert gruissan["part_residences_divergentes"] == 0.5
    coursan = ligne(indicateurs, "commune", "11106")
    assert coursan["part_residences_notees_deux_parties"] == 0.0
    assert coursan["part_residences_divergentes"] is None  # nothing rated by both: no share

    alogea = ligne(indicateurs, "bailleur", "Alogea")
    assert (alogea["residences"], alogea["logements"], alogea["logements_divergent"]) == (3, 55, 5)
    sans_bailleur = ligne(indicateurs, "bailleur", "")
    assert (sans_bailleur["residences"], sans_bailleur["residences_une_seule_partie"]) == (1, 1)
    assert verifier_indicateurs(indicateurs) == []


def test_ordre_et_colonnes_des_indicateurs() -> None:
    indicateurs = indicateurs_campagne(cadre(CAMPAGNE_MEL))

    assert tuple(indicateurs.columns) == COLONNES_INDICATEURS
    assert indicateurs.select("niveau", "cle").rows() == [
        ("territoire", ""),
        ("commune", "11106"),
        ("commune", "11170"),
        ("commune", "11262"),
        ("bailleur", ""),
        ("bailleur", "Alogea"),
        ("bailleur", "Habitat Audois"),
    ]


def test_campagne_vide() -> None:
    indicateurs = indicateurs_campagne(cadre([]))

    assert indicateurs.height == 1
    assert ligne(indicateurs, "territoire", "")["residences"] == 0
    assert ligne(indicateurs, "territoire", "")["part_residences_divergentes"] is None
    assert verifier_indicateurs(indicateurs) == []
    assert [i.en_ligne() for i in indicateurs_reference([])] == indicateurs.to_dicts()


def test_agenda_d_harmonisation_par_ecart_puis_taille() -> None:
    residences = [
        NotesResidence(1, "11262", "A", 10, 1, 2),
        NotesResidence(2, "11262", "A", 50, 1, 2),
        NotesResidence(3, "11262", "A", 5, 1, 4),
        NotesResidence(4, "11262", "A", 80, 3, 3),
        NotesResidence(5, "11262", "A", 50, 2, 1),
        NotesResidence(6, "11262", "A", 90, None, 1),
    ]

    agenda = agenda_harmonisation(classer_residences(cadre(residences)))

    assert agenda.select("residence", "ecart").rows() == [(3, 3), (2, 1), (5, 1), (1, 1)]


def test_verifier_indicateurs_signale_des_comptes_qui_ne_tombent_pas_juste() -> None:
    indicateurs = indicateurs_campagne(cadre(CAMPAGNE_MEL))
    fausse = indicateurs.with_columns(
        pl.when((pl.col("niveau") == "commune") & (pl.col("cle") == "11262"))
        .then(pl.col("residences_divergent") + 1)
        .otherwise(pl.col("residences_divergent"))
        .alias("residences_divergent")
    )

    violations = verifier_indicateurs(fausse)

    assert "commune « 11262 » : residences par statut (4) ≠ residences (3)." in violations
    assert "somme des communes : residences_divergent = 2 ≠ territoire (1)." in violations


def test_verify_d_un_groupe() -> None:
    territoire = indicateurs_reference(CAMPAGNE_MEL)[0]
    assert territoire.verify() == []
    bancal = dataclasses.replace(territoire, residences=8)
    assert bancal.verify() == ["territoire : residences par statut (7) ≠ residences (8)."]


# --- input contract of the vectorised path ----------------------------------------------------


def test_entree_invalide_nommee_par_sa_ligne() -> None:
    residences = cadre(CAMPAGNE_MEL[:3]).with_columns(
        pl.when(pl.col("residence") == 3).then(5).otherwise(pl.col("note_bailleur")).alias("note_bailleur")
    )
    with pytest.raises(EntreeInvalide, match=r"^ligne 3 : note_bailleur « 5 » hors de l'échelle 1 à 4\.$"):
        classer_residences(residences)


def test_residence_en_double_et_colonnes_manquantes() -> None:
    double = cadre([*CAMPAGNE_MEL[:2], dataclasses.replace(CAMPAGNE_MEL[2], residence=1)])
    with pytest.raises(EntreeInvalide, match=r"^ligne 1 : résidence 1 en double\.$"):
        indicateurs_campagne(double)
    with pytest.raises(EntreeInvalide, match="colonnes manquantes : note_bailleur"):
        classer_residences(cadre(CAMPAGNE_MEL).drop("note_bailleur"))
    with pytest.raises(EntreeInvalide, match="types d'entrée invalides"):
        classer_residences(cadre(CAMPAGNE_MEL).with_columns(pl.lit("bien").alias("note_commune")))
    negatif = cadre(CAMPAGNE_MEL).with_columns(pl.lit(-1).alias("nb_logements"))
    with pytest.raises(EntreeInvalide, match=r"^ligne 1 : nb_logements « -1 »"):
        classer_residences(negatif)


def test_reference_refuse_les_memes_entrees() -> None:
    with pytest.raises(EntreeInvalide, match="résidence 1 en double"):
        indicateurs_reference([CAMPAGNE_MEL[0], CAMPAGNE_MEL[0]])
    with pytest.raises(EntreeInvalide, match="résidence 9 : note_commune « 7 » hors de l'échelle"):
        indicateurs_reference([NotesResidence(9, "11262", None, 3, 7, 1)])
    with pytest.raises(EntreeInvalide, match="nb_logements « -2 »"):
        NotesResidence(9, "11262", None, -2, 1, 1)


# --- properties -------------------------------------------------------------------------------

note = st.one_of(st.none(), st.integers(ECHELLE_VIVRE_ENSEMBLE.minimum, ECHELLE_VIVRE_ENSEMBLE.maximum))


@st.composite
def campagnes(draw: st.DrawFn) -> list[NotesResidence]:
    n = draw(st.integers(0, 40))
    numeros = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    return [
        NotesResidence(
            residence=numero,
            commune=draw(st.sampled_from(["11262", "11170", "11106", "11266"])),
            bailleur=draw(st.sampled_from([None, "Alogea", "Habitat Audois", "Domitia"])),
            nb_logements=draw(st.integers(0, 150)),
            note_commune=draw(note),
            note_bailleur=draw(note),
        )
        for numero in numeros
    ]


PROPRIETES = settings(max_examples=80, deadline=None)


@PROPRIETES
@given(campagnes())
def test_chemin_vectoriel_egal_a_la_reference(residences: list[NotesResidence]) -> None:
    classees = classer_residences(cadre(residences))
    attendus = [classer(r.note_commune, r.note_bailleur) for r in residences]
    assert classees.select("statut", "ecart").rows() == [(c.statut.value, c.ecart) for c in attendus]

    indicateurs = indicateurs_campagne(cadre(residences))
    assert indicateurs.to_dicts() == [i.en_ligne() for i in indicateurs_reference(residences)]


@PROPRIETES
@given(campagnes())
def test_inverser_les_parties_ne_change_ni_classement_ni_indicateurs(residences: list[NotesResidence]) -> None:
    avant = classer_residences(cadre(residences)).select("residence", "statut", "ecart")
    apres = classer_residences(cadre(inverser(residences))).select("residence", "statut", "ecart")
    assert avant.equals(apres)
    assert indicateurs_campagne(cadre(residences)).equals(indicateurs_campagne(cadre(inverser(residences))))


@PROPRIETES
@given(campagnes(), st.randoms(use_true_random=False))
def test_les_comptes_tombent_juste_quel_que_soit_l_ordre(
    residences: list[NotesResidence], hasard: random.Random
) -> None:
    indicateurs = indicateurs_campagne(cadre(residences))
    assert verifier_indicateurs(indicateurs) == []
    assert all(i.verify() == [] for i in indicateurs_reference(residences))

    melangees = list(residences)
    hasard.shuffle(melangees)
    assert indicateurs_campagne(cadre(melangees)).equals(indicateurs)
