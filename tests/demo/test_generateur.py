"""The synthetic demand generator: contract with the engine, determinism, calibration, coherence."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from rapidfuzz import fuzz

from attrib.demandes import enums
from attrib.demandes.normalisation import normaliser_nom
from attrib.demo import generateur
from attrib.demo.generateur import generer_menages, generer_personnes

REFERENCE = date(2026, 3, 15)

#: Columns the eligibility / scoring engine reads (exact names and types).
CONTRAT_MOTEUR = {
    "nb_personnes": pl.Int64,
    "nb_personnes_a_charge": pl.Int64,
    "couple": pl.Boolean,
    "age_demandeur": pl.Int64,
    "age_codemandeur": pl.Int64,
    "nb_handicap": pl.Int64,
    "nb_moins_14_ans": pl.Int64,
    "revenus_mensuels": pl.Float64,
    "revenu_fiscal_reference": pl.Int64,
    "zone_plafond": pl.Utf8,
    "departement": pl.Utf8,
    "date_depot_initiale": pl.Date,
    "typologie_min": pl.Int64,
}


@pytest.fixture(scope="module")
def menages() -> pl.DataFrame:
    return generer_menages(100_000, seed=7, date_reference=REFERENCE)


@pytest.fixture(scope="module")
def personnes(menages: pl.DataFrame) -> pl.DataFrame:
    return generer_personnes(menages, seed=7, date_reference=REFERENCE)


def _part(masque: pl.Series) -> float:
    return float(masque.mean())  # type: ignore[arg-type]


def test_le_generateur_n_importe_pas_django() -> None:
    arbre = ast.parse(Path(generateur.__file__).read_text(encoding="utf-8"))
    modules = {a.name for n in ast.walk(arbre) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in ast.walk(arbre) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {m for m in modules if m.split(".")[0] in {"django", "attrib"}}


def test_contrat_des_colonnes_du_moteur(menages: pl.DataFrame) -> None:
    for colonne, type_ in CONTRAT_MOTEUR.items():
        assert menages.schema[colonne] == type_, colonne
    assert menages.get_column("zone_plafond").unique().to_list() == ["autres_regions"]
    assert menages.get_column("departement").unique().to_list() == ["011"]
    assert sum(menages.select(pl.col(list(CONTRAT_MOTEUR)).exclude("age_codemandeur").null_count()).row(0)) == 0


def test_meme_graine_meme_tirage_autre_graine_autre_tirage() -> None:
    a = generer_menages(3_000, seed=11, date_reference=REFERENCE)
    b = generer_menages(3_000, seed=11, date_reference=REFERENCE)
    c = generer_menages(3_000, seed=12, date_reference=REFERENCE)
    assert a.equals(b)
    assert not a.equals(c)
    pa = generer_personnes(a, seed=11, date_reference=REFERENCE)
    assert pa.equals(generer_personnes(b, seed=11, date_reference=REFERENCE))
    assert not pa.equals(generer_personnes(c, seed=12, date_reference=REFERENCE))


def test_distributions_calibrees_sur_les_chiffres_nationaux(menages: pl.DataFrame) -> None:
    mutation = menages.get_column("statut_logement_actuel") == "locataire_parc_social"
    assert 0.29 <= _part(mutation) <= 0.31  # DOMAIN §3: ~30 % of demands
    assert 0.01 <= _part(menages.get_column("dalo_reconnu")) <= 0.03
    uc = 1 + 0.5 * (menages["nb_personnes"] - 1 - menages["nb_moins_14_ans"]) + 0.3 * menages["nb_moins_14_ans"]
    revenu_uc = menages["revenus_mensuels"] * 12 / uc
    assert 0.24 <= _part(revenu_uc <= generateur.SEUIL_Q1_REFERENCE) <= 0.26  # Q1: first quartile
    anciennete = (pl.lit(REFERENCE) - menages["date_depot_initiale"]).dt.total_days() / 365.25
    assert 1.4 <= menages.select(anciennete.mean()).item() <= 1.6  # DOMAIN §3: ~1.5 years
    assert 0.45 <= _part(menages["date_dernier_renouvellement"].is_not_null()) <= 0.55
    seuls = menages["nb_personnes"] == 1
    assert 0.38 <= _part(seuls) <= 0.46
    premiere = menages["communes_souhaitees"].list.first().cast(pl.String)
    assert _part(premiere == "11262") > 0.6  # Narbonne holds 78 % of the social stock


def test_coherence_de_chaque_menage(menages: pl.DataFrame) -> None:
    m = menages
    assert (m["nb_personnes_a_charge"] < m["nb_personnes"]).all()
    assert (m["age_demandeur"] >= 18).all()
    assert (m["typologie_min"] <= m["typologie_max"]).all()
    assert m["typologie_min"].is_between(1, 6).all() and m["typologie_max"].is_between(1, 6).all()
    assert (m["age_codemandeur"].is_null() == ~m["couple"]).all()
    assert (m["age_codemandeur"].drop_nulls() >= 18).all()
    assert (m["nb_moins_14_ans"] <= m["nb_enfants"]).all()
    assert (m["nb_handicap"] <= m["nb_personnes"]).all()
    assert (m["ages_enfants"].list.len() == m["nb_enfants"]).all()
    assert ((m["ages_enfants"].list.max().fill_null(0) + 18) <= m["age_demandeur"]).all()
    # Adult when filing; active on the reference day; DALO decision inside the demand's life.
    age_au_depot = m["age_demandeur"] - (pl.lit(REFERENCE) - m["date_depot_initiale"]).dt.total_days() / 365.25
    assert m.select((age_au_depot >= 18).all()).item()
    assert (m["date_depot_initiale"] <= REFERENCE).all()
    assert (m["date_enregistrement"] >= m["date_depot_initiale"]).all()
    renouvelees = m.filter(pl.col("date_dernier_renouvellement").is_not_null())
    assert (renouvelees["date_dernier_renouvellement"] > renouvelees["date_depot_initiale"]).all()
    dalo = m.filter(pl.col("dalo_reconnu"))
    assert dalo["dalo_date_decision"].is_between(dalo["date_depot_initiale"], REFERENCE).all()
    assert m.filter(~pl.col("dalo_reconnu"))["dalo_date_decision"].is_null().all()
    # Wishes: 1 to 5 distinct communes; motives from the CERFA list, never the main one again.
    nb = m["communes_souhaitees"].list.len()
    assert nb.is_between(1, 5).all()
    assert (m["communes_souhaitees"].list.n_unique() == nb).all()
    assert set(m["motif_principal"].cast(pl.String).unique()) <= set(enums.Motif.values)
    assert set(m["statut_logement_actuel"].cast(pl.String).unique()) <= set(enums.StatutLogementActuel.values)
    secondaires = m.select("motif_principal", "motifs_secondaires").explode("motifs_secondaires").drop_nulls()
    assert (secondaires["motif_principal"].cast(pl.String) != secondaires["motifs_secondaires"].cast(pl.String)).all()
    # The RFR year is never after the filing year (rule of demande_enregistrer).
    assert (m["annee_revenu_fiscal"] <= m["date_depot_initiale"].dt.year()).all()


def test_quelques_demandes_expirent_dans_le_mois(menages: pl.DataFrame) -> None:
    depart = pl.coalesce("date_dernier_renouvellement", "date_depot_initiale")
    echeance = menages.select(depart.dt.offset_by("1y")).to_series()
    assert (echeance >= REFERENCE).all()
    dans_le_mois = echeance <= date(2026, 4, 15)
    assert 0.04 <= _part(dans_le_mois) <= 0.12


def test_personnes_coherentes_avec_leur_menage(menages: pl.DataFrame, personnes: pl.DataFrame) -> None:
    par_menage = personnes.group_by("menage").agg(
        n=pl.len(),
        demandeurs=(pl.col("role") == "demandeur").sum(),
        codemandeurs=(pl.col("role") == "codemandeur").sum(),
        a_charge=pl.col("a_charge").sum(),
        handicap=pl.col("handicap").sum(),
        ressources=pl.sum_horizontal(*generateur.RESSOURCES).sum(),
    )
    joint = menages.join(par_menage, on="menage")
    assert joint.height == menages.height
    assert (joint["n"] == joint["nb_personnes"]).all()
    assert (joint["demandeurs"] == 1).all()
    assert (joint["codemandeurs"] == joint["couple"].cast(pl.UInt32)).all()
    assert (joint["a_charge"] == joint["nb_personnes_a_charge"]).all()
    assert (joint["handicap"] == joint["nb_handicap"]).all()
    assert ((joint["ressources"] - joint["revenus_mensuels"]).abs() < 0.005).all()
    # Birth dates give back the ages on the reference day.
    demandeurs = personnes.filter(pl.col("role") == "demandeur").join(menages, on="menage")
    naissance = demandeurs["date_naissance"]
    age = (
        REFERENCE.year
        - naissance.dt.year()
        - (
            (naissance.dt.month() > REFERENCE.month)
            | ((naissance.dt.month() == REFERENCE.month) & (naissance.dt.day() > REFERENCE.day))
        ).cast(pl.Int64)
    )
    assert (age == demandeurs["age_demandeur"]).all()
    assert (demandeurs["civilite"].cast(pl.String) == demandeurs["civilite_demandeur"].cast(pl.String)).all()


def test_noms_varies_et_accentues(personnes: pl.DataFrame) -> None:
    identites = personnes.select(pl.concat_str("prenoms", "nom", separator=" ")).to_series()
    assert identites.n_unique() > 20_000
    assert identites.str.contains("[éèëïöüçÉ]").any()
    assert personnes["email"].drop_nulls().str.contains(r"^[a-z0-9.\-]+@example\.org$").all()


def test_quasi_doublons_sur_des_demandes_differentes(menages: pl.DataFrame, personnes: pl.DataFrame) -> None:
    copies = personnes.filter(pl.col("doublon_de").is_not_null())
    assert copies.height == round(100_000 * generateur.PART_QUASI_DOUBLONS)
    demandeurs = personnes.filter(pl.col("role") == "demandeur")
    originaux = demandeurs.join(
        copies.select("doublon_de", pl.col("menage").alias("copie")), left_on="menage", right_on="doublon_de"
    )
    assert originaux.height == copies.height
    copies = copies.join(
        originaux.select("copie", nom_o="nom", prenoms_o="prenoms", naissance_o="date_naissance"),
        left_on="menage",
        right_on="copie",
    )
    sortes = set()
    for ligne in copies.iter_rows(named=True):
        assert ligne["menage"] != ligne["doublon_de"]
        assert ligne["date_naissance"] == ligne["naissance_o"]
        nom, prenoms, nom_o, prenoms_o = ligne["nom"], ligne["prenoms"], ligne["nom_o"], ligne["prenoms_o"]
        assert (nom, prenoms) != (nom_o, prenoms_o)
        if normaliser_nom(f"{nom} {prenoms}") == normaliser_nom(f"{nom_o} {prenoms_o}"):
            sortes.add("accents")
        elif (
            prenoms == prenoms_o
            and sorted(nom) == sorted(nom_o)
            and sum(a != b for a, b in zip(nom, nom_o, strict=False)) == 2
        ):
            assert fuzz.ratio(normaliser_nom(f"{nom} {prenoms}"), normaliser_nom(f"{nom_o} {prenoms_o}")) >= 88
            sortes.add("faute de frappe")
        elif nom == nom_o and prenoms.startswith(prenoms_o + " "):
            sortes.add("second prénom")
        else:
            assert (ligne["nom_naissance"], prenoms) == (nom_o, prenoms_o)
            sortes.add("nom d'usage")
    assert sortes == {"accents", "faute de frappe", "second prénom", "nom d'usage"}


def test_communes_fournies_et_erreurs_claires() -> None:
    m = generer_menages(
        500, seed=1, date_reference=REFERENCE, communes=[("11262", 10.0), ("11170", 1.0), ("11106", 0.0)]
    )
    souhaits = m["communes_souhaitees"].explode().cast(pl.String)
    assert set(souhaits.unique()) == {"11262", "11170"}  # a commune of weight 0 is never wished
    assert (m["communes_souhaitees"].list.len() <= 2).all()
    assert generer_menages(0, seed=1, date_reference=REFERENCE).height == 0
    with pytest.raises(ValueError, match="commune"):
        generer_menages(10, seed=1, date_reference=REFERENCE, communes=[])
    with pytest.raises(ValueError, match="qu'une fois"):
        generer_menages(10, seed=1, date_reference=REFERENCE, communes=[("11262", 1.0), ("11262", 2.0)])


def test_tirage_sans_remise_respecte_les_poids() -> None:
    rng = np.random.default_rng(3)
    poids = np.array([8.0, 1.0, 1.0, 0.001])
    tirage = generateur._tirage_sans_remise(rng, poids, np.full(20_000, 3))
    assert (np.sort(tirage, axis=1)[:, :-1] != np.sort(tirage, axis=1)[:, 1:]).all()
    assert 0.78 <= (tirage[:, 0] == 0).mean() <= 0.82
