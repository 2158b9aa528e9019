"""Shortlist of one dwelling: who is listed, in which order, with which signals."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import polars as pl
import pytest

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.menage import TYPES_ENTREE
from attrib.engine.rapprochement.eligibilite import PLAFOND, TYPOLOGIE
from attrib.engine.rapprochement.objectifs import Q1_HORS_QPV, Compte, objectifs_cia
from attrib.engine.rapprochement.preselection import IndexDemandes
from attrib.engine.rapprochement.valeur import valeur_candidature, valeurs_candidature
from tests.engine.rapprochement.fabriques import ANNEE, JOUR, logement

SEUIL_Q1 = 9_000.0  # € par an et par UC


def ligne(demande: str, score: float, communes: list[str], **champs: Any) -> dict[str, Any]:
    valeurs: dict[str, Any] = {
        "demande": demande,
        "score": score,
        "nb_personnes": 1,
        "nb_personnes_a_charge": 0,
        "couple": False,
        "age_demandeur": 40,
        "age_codemandeur": None,
        "nb_handicap": 0,
        "nb_moins_14_ans": 0,
        "revenus_mensuels": 1200.0,
        "revenu_fiscal_reference": 15_000,
        "zone_plafond": "autres_regions",
        "departement": "11",
        "date_depot_initiale": date(2024, 1, 15),
        "typologie_min": 1,
        "typologie_max": 2,
        "communes": communes,
        "allocation_logement": 0.0,
        "besoin_fauteuil": False,
        "besoin_logement_adapte": False,
        "besoin_rdc_ou_ascenseur": False,
        "dalo": False,
        "priorites": [],
    }
    valeurs.update(champs)
    return valeurs


SCHEMA = dict(TYPES_ENTREE) | {
    "demande": pl.String(),
    "score": pl.Float64(),
    "typologie_max": pl.Int64(),
    "communes": pl.List(pl.String()),
    "allocation_logement": pl.Float64(),
    "besoin_fauteuil": pl.Boolean(),
    "besoin_logement_adapte": pl.Boolean(),
    "besoin_rdc_ou_ascenseur": pl.Boolean(),
    "dalo": pl.Boolean(),
    "priorites": pl.List(pl.String()),
}


def cadre(lignes: list[dict[str, Any]]) -> pl.DataFrame:
    schema = SCHEMA | ({"rang": pl.Int64()} if "rang" in lignes[0] else {})
    return pl.DataFrame(lignes, schema=schema)


def index(lignes: list[dict[str, Any]]) -> IndexDemandes:
    return IndexDemandes.construire(cadre(lignes), annee_plafonds=ANNEE, date_reference=JOUR, seuil_q1=SEUIL_Q1)


NARBONNE, GRUISSAN = "11262", "11170"


@pytest.fixture(scope="module")
def demandes() -> IndexDemandes:
    return index(
        [
            ligne("A", 300, [GRUISSAN, NARBONNE]),
            ligne("B", 350, [NARBONNE], revenu_fiscal_reference=40_000),  # au-dessus du plafond PLUS
            ligne("C", 300, [NARBONNE], date_depot_initiale=date(2023, 3, 1)),  # même score que A, plus ancien
            ligne("D", 500, [GRUISSAN]),  # ne souhaite pas Narbonne
            ligne("E", 250, [NARBONNE], typologie_min=4, typologie_max=5),  # ne souhaite pas un T2
            ligne("F", 200, [NARBONNE], revenus_mensuels=600.0, allocation_logement=250.0, dalo=True, priorites=["c"]),
            ligne("G", 280, [NARBONNE], nb_personnes=4, nb_personnes_a_charge=3, nb_moins_14_ans=3, typologie_min=1),
        ]
    )


def test_souhaitant_eligibles_classes_par_score_puis_anciennete(demandes: IndexDemandes) -> None:
    sel = demandes.preselection(logement(commune=NARBONNE))
    assert [c.demande for c in sel.candidats] == ["C", "A", "F"]
    assert [c.position for c in sel.candidats] == [1, 2, 3]
    assert sel.nb_souhaitant == 5  # A, B, C, F, G (D : autre commune ; E : autre typologie)
    assert sel.nb_eligibles == 3
    assert sel.exclusions[PLAFOND] == 1  # B
    assert sel.exclusions[TYPOLOGIE] == 1  # G : 4 personnes dans un T2
    assert sel.candidats[1].rang_commune == 2  # Narbonne est le 2e souhait de A


def test_nombre_limite_la_liste(demandes: IndexDemandes) -> None:
    sel = demandes.preselection(logement(commune=NARBONNE), nombre=2)
    assert [c.demande for c in sel.candidats] == ["C", "A"]
    assert sel.nb_eligibles == 3


def test_signaux_de_pilotage(demandes: IndexDemandes, regles: Any) -> None:
    objectifs = objectifs_cia(regles.objectifs, ["commune"])
    lg = logement(commune=NARBONNE, reservataire="commune", note_residence=1, en_qpv=False)
    sel = demandes.preselection(lg, objectifs=objectifs, etat={Q1_HORS_QPV: Compte(9, 2)})
    f = next(c for c in sel.candidats if c.demande == "F")
    assert f.q1 and f.dalo and f.priorites == ("c",)
    signaux = f.signaux()
    assert signaux[:4] == (
        "ménage du 1er quartile",
        "commune souhaitée n° 1",
        "reconnu prioritaire DALO",
        "priorités L441-1 : c",
    )
    assert (
        "L'objectif hors QPV (ménage du 1er quartile) : 22,2\u00a0% → 30\u00a0% (cible ≥ 25\u00a0%, atteint)" in signaux
    )
    a = next(c for c in sel.candidats if c.demande == "A")
    assert not a.q1
    assert (
        "L'objectif hors QPV (ne compte pas) : 22,2\u00a0% → 20\u00a0% (cible ≥ 25\u00a0%, non atteint)" in a.signaux()
    )
    assert any("limite des résidences les plus fragiles" in s for s in signaux)
    assert sel.explication()[-1] == "Résidence : note convenue 1 ; hors QPV."
    assert f.eligibilite.eligible and f.detail_valeur == "valeur 260 = score 200 + 60 (commune souhaitée n° 1)"


def test_rang_de_la_cotation_prime(regles: Any) -> None:
    lignes = [ligne("A", 300, [NARBONNE], rang=2), ligne("B", 100, [NARBONNE], rang=1)]
    sel = index(lignes).preselection(logement(commune=NARBONNE))
    assert [c.demande for c in sel.candidats] == ["B", "A"]
    assert [c.rang_global for c in sel.candidats] == [1, 2]


def test_logement_sans_demande() -> None:
    sel = index([ligne("A", 300, [GRUISSAN])]).preselection(logement(commune=NARBONNE))
    assert sel.candidats == () and sel.nb_souhaitant == 0
    assert sel.explication()[0] == "0 demande souhaite la commune 11262 en T2 ; 0 est éligible."


def test_territoire_sans_aucune_demande() -> None:
    """An EPCI whose file holds no active demand yet (a new territory of a regional deployment): the index is
    empty and every dwelling's shortlist says so, instead of failing."""
    vide = IndexDemandes.construire(
        pl.DataFrame(schema=SCHEMA), annee_plafonds=ANNEE, date_reference=JOUR, seuil_q1=SEUIL_Q1
    )
    sel = vide.preselection(logement(commune=NARBONNE))
    assert len(vide) == 0 and sel.candidats == () and sel.nb_souhaitant == 0
    assert sel.explication()[0] == "0 demande souhaite la commune 11262 en T2 ; 0 est éligible."


def test_erreurs_localisees() -> None:
    with pytest.raises(EntreeInvalide, match="Ligne 2 : demande : identifiant en double"):
        index([ligne("A", 1, [NARBONNE]), ligne("A", 2, [NARBONNE])])
    with pytest.raises(EntreeInvalide, match="Colonnes manquantes : priorites"):
        IndexDemandes.construire(
            cadre([ligne("A", 1, [NARBONNE])]).drop("priorites"),
            annee_plafonds=ANNEE,
            date_reference=JOUR,
            seuil_q1=1.0,
        )
    with pytest.raises(EntreeInvalide, match="Ligne 1 : typologie_max"):
        index([ligne("A", 1, [NARBONNE], typologie_min=3, typologie_max=2)])


def test_valeur_vectorielle_egale_valeur_unitaire(regles: Any) -> None:
    rng = np.random.default_rng(5)
    score = rng.integers(0, 600, size=500).astype(float)
    rang = rng.integers(0, 9, size=500)
    cible = rng.random(500) < 0.4
    taux = np.where(rng.random(500) < 0.2, np.nan, rng.uniform(0, 0.8, size=500))
    vecteur = valeurs_candidature(
        score=score, rang_commune=rang, typologie_cible=cible, taux_effort=taux, regle=regles.valeur
    )
    for i in range(500):
        unitaire = valeur_candidature(
            score=float(score[i]),
            rang_commune=int(rang[i]),
            typologie_cible=bool(cible[i]),
            taux_effort=None if np.isnan(taux[i]) else float(taux[i]),
            regle=regles.valeur,
        )
        assert vecteur[i] == unitaire
    # 400 + 40 (2e commune) + 30 (typologie cible) − 3 × 10 points au-delà de 30 %
    assert valeur_candidature(
        score=400, rang_commune=2, typologie_cible=True, taux_effort=0.40, regle=regles.valeur
    ) == pytest.approx(440)
