"""Vectorised derivations: contract checks, and agreement with the per-household reference path."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attrib.engine.derivations import colonnes_sortie, deriver, lignes_invalides
from attrib.engine.erreurs import EntreeInvalide, PlafondNonRenseigne
from attrib.engine.menage import COLONNES_ENTREE, TYPES_ENTREE, Menage, derivations_menage, verifier_date_depot
from attrib.engine.parametres import FINANCEMENTS, ZONES
from tests.engine.fabriques import cadre, couple, ligne, menage

REFERENCE = date(2026, 3, 1)


def test_colonnes_de_sortie_et_valeurs() -> None:
    menages = [
        menage(),
        couple(27, 25, revenu_fiscal_reference=36000),
        menage(nb_personnes=3, nb_personnes_a_charge=2, nb_moins_14_ans=2, nb_handicap=1, departement="011"),
        couple(40, 41, nb_personnes=7, nb_personnes_a_charge=5, zone_plafond="ile_de_france", departement="93"),
    ]
    df = cadre([ligne(m) for m in menages]).with_columns(pl.lit("x").alias("numero_unique"))
    sortie = deriver(df, date_reference=REFERENCE, annee_plafonds=2026, financements=("PLUS", "PLS"))
    assert sortie.columns == [*COLONNES_ENTREE, "numero_unique", *colonnes_sortie(("PLUS", "PLS"))]
    assert sortie.get_column("categorie_menage").to_list() == [1, 3, 5, 6]
    assert sortie.get_column("personnes_supplementaires").to_list() == [0, 0, 0, 1]
    assert sortie.get_column("unites_consommation").to_list() == pytest.approx([1.0, 1.5, 1.6, 4.0])
    assert sortie.get_column("plafond_plus").to_list() == [23403, 37584, 53376, 77171 + 8598]
    assert sortie.get_column("eligible_plus").to_list() == [True, True, True, True]
    assert sortie.get_column("plafond_pls").to_list() == [30424, 48859, 69389, 100322 + 11177]
    assert sortie.get_column("anciennete_mois").to_list() == [21, 21, 21, 21]
    assert sortie.get_column("delai_anormalement_long_mois").to_list() == [None] * 4
    assert sortie.get_column("dal_depasse").to_list() == [None] * 4
    assert sortie.get_column("numero_unique").to_list() == ["x"] * 4


def test_cadre_vide_et_nouvelle_derivation_du_resultat() -> None:
    vide = deriver(cadre([]), date_reference=REFERENCE, annee_plafonds=2026, financements=("PLUS",))
    assert vide.height == 0
    assert vide.columns == [*COLONNES_ENTREE, *colonnes_sortie(("PLUS",))]
    une_fois = deriver(cadre([ligne(menage())]), date_reference=REFERENCE, annee_plafonds=2026, financements=("PLUS",))
    deux_fois = deriver(une_fois, date_reference=date(2027, 3, 1), annee_plafonds=2026, financements=("PLUS",))
    assert deux_fois.columns == une_fois.columns
    assert deux_fois.item(0, "anciennete_mois") == une_fois.item(0, "anciennete_mois") + 12


def test_colonnes_manquantes_nommees() -> None:
    df = cadre([ligne(menage())]).drop("couple", "typologie_min")
    with pytest.raises(EntreeInvalide, match=r"^Colonnes manquantes : couple, typologie_min\.$"):
        deriver(df, date_reference=REFERENCE, annee_plafonds=2026)


def test_type_de_colonne_incorrect() -> None:
    df = cadre([ligne(menage())]).with_columns(pl.col("couple").cast(pl.Int64))
    with pytest.raises(EntreeInvalide, match=r"^Colonne « couple » : type Int64 reçu, Boolean attendu\.$"):
        deriver(df, date_reference=REFERENCE, annee_plafonds=2026)


def test_types_entiers_voisins_acceptes() -> None:
    df = cadre([ligne(menage())]).with_columns(
        pl.col("nb_personnes").cast(pl.Int32), pl.col("zone_plafond").cast(pl.Categorical)
    )
    assert (
        deriver(df, date_reference=REFERENCE, annee_plafonds=2026, financements=("PLUS",)).item(0, "plafond_plus")
        == 23403
    )


@pytest.mark.parametrize(
    ("modif", "message"),
    [
        ({"nb_personnes_a_charge": 2}, "Ligne 2 : nb_personnes_a_charge : entre 0 et nb_personnes − 1"),
        ({"departement": "9A"}, "Ligne 2 : departement : code « 9A » invalide"),
        ({"zone_plafond": "zone_b1"}, "Ligne 2 : zone_plafond : « zone_b1 » inconnue"),
        ({"revenus_mensuels": None}, "Ligne 2 : revenus_mensuels : valeur manquante."),
        ({"couple": True, "age_codemandeur": None}, "Ligne 2 : age_codemandeur : requis pour un couple"),
        ({"date_depot_initiale": date(2026, 4, 1)}, "Ligne 2 : date_depot_initiale : 01/04/2026 postérieure"),
    ],
)
def test_ligne_invalide_nommee(modif: dict[str, Any], message: str) -> None:
    lignes = [ligne(menage()), {**ligne(menage(nb_personnes=2)), **modif}, {**ligne(menage()), "typologie_min": 9}]
    with pytest.raises(EntreeInvalide) as erreur:
        deriver(cadre(lignes), date_reference=REFERENCE, annee_plafonds=2026)
    assert str(erreur.value).startswith(message)


def test_plafond_manquant_leve_la_meme_erreur_que_le_chemin_unitaire() -> None:
    df = cadre(
        [ligne(menage(zone_plafond="paris_communes_limitrophes")), ligne(menage()), ligne(menage(nb_personnes=2))]
    )
    with pytest.raises(PlafondNonRenseigne) as erreur:
        deriver(df, date_reference=REFERENCE, annee_plafonds=2025, financements=("PLUS", "PLAI"))
    assert str(erreur.value) == "Plafond PLAI 2025 non publié à ce jour (autres régions, catégorie 2)"


# --- properties: vectorised == per household --------------------------------------------------------

DATES_REFERENCE = (date(2013, 6, 30), date(2013, 12, 31), date(2024, 2, 29), date(2025, 1, 31), date(2026, 3, 1))
DEPARTEMENTS = ("11", "011", "35", "035", " 35", "2a", "2B", "974", "75", "1", "01")


@st.composite
def menages_valides(draw: st.DrawFn, reference: date) -> dict[str, Any]:
    n = draw(st.integers(1, 9))
    est_couple = n >= 2 and draw(st.booleans())
    a_charge = draw(st.integers(0, n - 2 if est_couple else n - 1))
    return {
        "nb_personnes": n,
        "nb_personnes_a_charge": a_charge,
        "couple": est_couple,
        "age_demandeur": draw(st.integers(14, 100)),
        "age_codemandeur": draw(st.integers(14, 100)) if est_couple else draw(st.none() | st.integers(0, 100)),
        "nb_handicap": draw(st.integers(0, n)),
        "nb_moins_14_ans": draw(st.integers(0, n - 1)),
        "revenus_mensuels": draw(st.floats(0, 20000, allow_nan=False, allow_infinity=False)),
        "revenu_fiscal_reference": draw(st.integers(0, 120000)),
        "zone_plafond": draw(st.sampled_from(ZONES)),
        "departement": draw(st.sampled_from(DEPARTEMENTS)),
        "date_depot_initiale": draw(st.dates(min_value=date(2005, 1, 1), max_value=reference)),
        "typologie_min": draw(st.integers(1, 6)),
    }


@st.composite
def cas(draw: st.DrawFn) -> tuple[date, int, tuple[str, ...], list[dict[str, Any]]]:
    reference = draw(st.sampled_from(DATES_REFERENCE))
    annee = draw(st.integers(2016, 2027))
    financements = tuple(draw(st.permutations(FINANCEMENTS))[: draw(st.integers(1, 3))])
    lignes = draw(st.lists(menages_valides(reference), min_size=1, max_size=25))
    return reference, annee, financements, lignes


def _reference(lignes, reference, annee, financements) -> list[dict[str, object]] | PlafondNonRenseigne:
    resultats = []
    for une in lignes:
        try:
            d = derivations_menage(
                Menage.depuis_ligne(une), date_reference=reference, annee_plafonds=annee, financements=financements
            )
        except PlafondNonRenseigne as exc:
            return exc
        resultats.append(d.en_colonnes())
    return resultats


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cas())
def test_vectorise_et_unitaire_concordent(exemple) -> None:
    reference, annee, financements, lignes = exemple
    attendu = _reference(lignes, reference, annee, financements)
    if isinstance(attendu, PlafondNonRenseigne):
        with pytest.raises(PlafondNonRenseigne) as erreur:
            deriver(cadre(lignes), date_reference=reference, annee_plafonds=annee, financements=financements)
        assert str(erreur.value) == str(attendu)
        return
    sortie = deriver(cadre(lignes), date_reference=reference, annee_plafonds=annee, financements=financements)
    obtenu = sortie.select(colonnes_sortie(financements)).to_dicts()
    assert obtenu == attendu  # exact, floats included


VALEURS_DOUTEUSES: dict[str, st.SearchStrategy[Any]] = {
    "nb_personnes": st.integers(-1, 8),
    "nb_personnes_a_charge": st.integers(-1, 8),
    "couple": st.booleans(),
    "age_demandeur": st.integers(-2, 140),
    "age_codemandeur": st.none() | st.integers(-2, 140),
    "nb_handicap": st.integers(-1, 9),
    "nb_moins_14_ans": st.integers(-1, 9),
    "revenus_mensuels": st.floats(-10, 1e6) | st.sampled_from((float("nan"), float("inf"))),
    "revenu_fiscal_reference": st.integers(-10, 10**6),
    "zone_plafond": st.sampled_from((*ZONES, "zone_a", "")),
    "departement": st.sampled_from((*DEPARTEMENTS, "0", "96", "9A", "", "0011", "2C")),
    "date_depot_initiale": st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
    "typologie_min": st.integers(0, 7),
}


@st.composite
def menages_douteux(draw: st.DrawFn) -> dict[str, Any]:
    valeurs = {champ: draw(strategie) for champ, strategie in VALEURS_DOUTEUSES.items()}
    if draw(st.integers(0, 9)) == 0:
        valeurs[draw(st.sampled_from(COLONNES_ENTREE))] = None
    return valeurs


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(menages_douteux(), min_size=1, max_size=8))
def test_memes_lignes_rejetees_avec_le_meme_message(lignes) -> None:
    premiere_erreur = None
    for numero, une in enumerate(lignes, start=1):
        try:
            verifier_date_depot(Menage.depuis_ligne(une).date_depot_initiale, REFERENCE)
        except EntreeInvalide as exc:
            premiere_erreur = f"Ligne {numero} : {exc}"
            break
    df = pl.DataFrame(lignes, schema=dict(TYPES_ENTREE), orient="row")
    if premiere_erreur is None:
        sortie = deriver(df, date_reference=REFERENCE, annee_plafonds=2024)
        assert sortie.height == len(lignes)
    else:
        with pytest.raises(EntreeInvalide) as erreur:
            deriver(df, date_reference=REFERENCE, annee_plafonds=2024)
        assert str(erreur.value) == premiere_erreur


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(menages_douteux(), min_size=1, max_size=8))
def test_toutes_les_lignes_rejetees_trouvees_d_un_coup(lignes) -> None:
    """A batch leaves out every refused row at once: the same rows and messages as the per-household path."""
    attendues = []
    for index, une in enumerate(lignes):
        try:
            verifier_date_depot(Menage.depuis_ligne(une).date_depot_initiale, REFERENCE)
        except EntreeInvalide as exc:
            attendues.append((index, str(exc)))
    df = pl.DataFrame(lignes, schema=dict(TYPES_ENTREE), orient="row")
    assert lignes_invalides(df, date_reference=REFERENCE) == attendues
    gardees = df.filter(~pl.int_range(pl.len()).is_in([i for i, _ in attendues]))
    assert deriver(gardees, date_reference=REFERENCE, annee_plafonds=2024).height == len(lignes) - len(attendues)


@settings(max_examples=100, deadline=None)
@given(menages_valides(REFERENCE), st.lists(st.integers(0, 150000), min_size=2, max_size=12))
def test_eligibilite_monotone_en_revenu(base: dict[str, Any], revenus: list[int]) -> None:
    """A lower income never loses an eligibility that a higher income has (both paths)."""
    revenus = sorted(revenus)
    lignes = [{**base, "revenu_fiscal_reference": r} for r in revenus]
    sortie = deriver(cadre(lignes), date_reference=REFERENCE, annee_plafonds=2024)
    for financement in FINANCEMENTS:
        eligibles = sortie.get_column(f"eligible_{financement.lower()}").to_list()
        assert eligibles == sorted(eligibles, reverse=True)  # True… then False…
        unitaires = [
            derivations_menage(Menage.depuis_ligne(une), date_reference=REFERENCE, annee_plafonds=2024).eligible[
                financement
            ]
            for une in lignes
        ]
        assert unitaires == eligibles
    # PLAI ⊂ PLUS ⊂ PLS: eligible for a stricter ceiling implies eligible for the wider one.
    for plai, plus, pls in sortie.select("eligible_plai", "eligible_plus", "eligible_pls").iter_rows():
        assert (not plai or plus) and (not plus or pls)
