"""Households to alert for new adverts: the index path agrees with the reference path (one household, one
advert, the reference eligibility) on random small instances; the publics and the exclusions are honoured."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

from attrib.engine.annonces.alertes import (
    PRIORITAIRES,
    PUBLICS,
    Q1,
    TOUS,
    AnnonceAAlerter,
    MenageAAlerter,
    a_alerter,
    menages_a_alerter,
)
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.q1 import appartient, revenu_par_uc
from attrib.engine.rapprochement.parametres import Regles
from attrib.engine.rapprochement.preselection import IndexDemandes
from tests.engine.rapprochement.fabriques import (
    ANNEE,
    JOUR,
    cadre_demandeurs,
    demandeur,
    demandeur_aleatoire,
    logement,
    logement_aleatoire,
)

COMMUNES = ("11262", "11170", "11069")
LETTRES = ("a", "c", "d", "j")


def _index(menages: list[MenageAAlerter], seuil_q1: float, scores: list[float]) -> IndexDemandes:
    cadre = cadre_demandeurs([m.demandeur for m in menages]).with_columns(
        pl.Series("demande", [m.demande for m in menages], dtype=pl.String),
        pl.Series("score", scores, dtype=pl.Float64),
        pl.Series("typologie_max", [m.typologie_max for m in menages], dtype=pl.Int64),
        pl.Series("communes", [list(m.communes) for m in menages], dtype=pl.List(pl.String)),
        pl.Series("dalo", [m.dalo for m in menages], dtype=pl.Boolean),
        pl.Series("priorites", [list(m.priorites) for m in menages], dtype=pl.List(pl.String)),
    )
    return IndexDemandes.construire(cadre, annee_plafonds=ANNEE, date_reference=JOUR, seuil_q1=seuil_q1)


def _instance(graine: int) -> tuple[list[MenageAAlerter], IndexDemandes, list[AnnonceAAlerter], frozenset[str]]:
    rng = np.random.default_rng(graine)
    n = int(rng.integers(20, 80))
    demandeurs = []
    for _ in range(n):
        d = demandeur_aleatoire(rng)
        m = dataclasses.replace(d.menage, typologie_min=int(rng.integers(1, 7)))
        demandeurs.append(dataclasses.replace(d, menage=m))
    revenus_uc = [revenu_par_uc(d.menage, jour=JOUR) for d in demandeurs]
    seuil = float(np.quantile(revenus_uc, 0.3))
    menages = [
        MenageAAlerter(
            demande=f"D{i:03d}",
            demandeur=d,
            communes=tuple(rng.choice(COMMUNES, size=int(rng.integers(0, 4)), replace=False).tolist()),
            typologie_max=d.menage.typologie_min + int(rng.integers(0, 4)),  # parfois au-delà de T6
            q1=bool(appartient(revenus_uc[i], seuil)),
            dalo=bool(rng.random() < 0.15),
            priorites=tuple(rng.choice(LETTRES, size=int(rng.integers(0, 3)) * int(rng.random() < 0.3), replace=False)),
        )
        for i, d in enumerate(demandeurs)
    ]
    scores = rng.choice([100.0, 150.0, 200.0], size=n).tolist()
    index = _index(menages, seuil, scores)
    annonces = [
        AnnonceAAlerter(
            cle=f"A{i}",
            logement=dataclasses.replace(
                logement_aleatoire(rng, i), commune=str(rng.choice(COMMUNES)), zone_plafond="autres_regions"
            ),
            public=str(rng.choice(list(PUBLICS))),
        )
        for i in range(12)
    ]
    exclus = frozenset(m.demande for m in menages if rng.random() < 0.1)
    return menages, index, annonces, exclus


@pytest.mark.parametrize("graine", range(30))
def test_l_index_et_le_chemin_de_reference_alertent_les_memes_menages(graine: int, regles: Regles) -> None:
    menages, index, annonces, exclus = _instance(graine)
    resultat = menages_a_alerter(index, annonces, exclus=exclus)
    assert list(resultat) == [a.cle for a in annonces]
    rang = dict(zip(index.demandes.tolist(), index.rang_global.tolist(), strict=True))
    for annonce in annonces:
        attendus = {
            m.demande
            for m in menages
            if a_alerter(m, annonce, annee_plafonds=ANNEE, date_reference=JOUR, exclus=exclus, regles=regles)
        }
        obtenus = resultat[annonce.cle].tolist()
        assert set(obtenus) == attendus, annonce
        assert len(obtenus) == len(attendus)
        assert [rang[d] for d in obtenus] == sorted(rang[d] for d in obtenus)  # dans l'ordre du classement


def test_les_instances_aleatoires_exercent_chaque_filtre(regles: Regles) -> None:
    """The agreement test is not vacuous: households are alerted, and each filter leaves some out."""
    alertes = ecartes_public = ecartes_exclus = ecartes_eligibilite = 0
    for graine in range(30):
        menages, _, annonces, exclus = _instance(graine)
        for annonce in annonces:
            for m in menages:
                if not m.souhaite(annonce.logement):
                    continue
                ok = a_alerter(m, annonce, annee_plafonds=ANNEE, date_reference=JOUR, regles=regles)
                alertes += a_alerter(
                    m, annonce, annee_plafonds=ANNEE, date_reference=JOUR, exclus=exclus, regles=regles
                )
                ecartes_exclus += ok and m.demande in exclus
                tous = dataclasses.replace(annonce, public=TOUS)
                eligible = a_alerter(m, tous, annee_plafonds=ANNEE, date_reference=JOUR, regles=regles)
                ecartes_public += eligible and not ok
                ecartes_eligibilite += not eligible
    assert min(alertes, ecartes_public, ecartes_exclus, ecartes_eligibilite) > 5


NARBONNE, GRUISSAN = COMMUNES[0], COMMUNES[1]


def _menage(demande: str, **champs: object) -> MenageAAlerter:
    valeurs: dict[str, object] = {
        "demande": demande,
        "demandeur": demandeur(typologie_min=1),
        "communes": (NARBONNE,),
        "typologie_max": 2,
        "q1": False,
        "dalo": False,
    }
    valeurs.update(champs)
    return MenageAAlerter(**valeurs)  # type: ignore[arg-type]


def test_public_de_l_annonce_et_menages_exclus() -> None:
    menages = [
        _menage("A"),
        _menage("B", q1=True),
        _menage("C", dalo=True),
        _menage("D", priorites=("c",)),
        _menage("E", communes=(GRUISSAN,)),  # ne souhaite pas Narbonne
        _menage("F", demandeur=demandeur(typologie_min=1, revenu_fiscal_reference=60_000)),  # au-dessus du plafond
        _menage("G", q1=True, dalo=True),  # suspendu
    ]
    # B et G sont du 1er quartile : 700 € par mois, soit 8 400 € par an et par UC, au plus le seuil de 9 000 € ;
    # les autres gagnent 1 200 € par mois. Le loyer (200 € + 40 €) leur laisse à tous un taux d'effort tenable.
    pauvre = demandeur(typologie_min=1, revenus_mensuels=700.0)
    menages = [dataclasses.replace(m, demandeur=pauvre) if m.q1 else m for m in menages]
    index = _index(menages, seuil_q1=9_000.0, scores=[100.0] * len(menages))
    lg = logement(commune=NARBONNE, loyer=200.0, charges=40.0)
    annonces = [AnnonceAAlerter(p, lg, p) for p in (TOUS, Q1, PRIORITAIRES)]
    resultat = {k: v.tolist() for k, v in menages_a_alerter(index, annonces, exclus=frozenset({"G"})).items()}
    assert resultat == {TOUS: ["A", "B", "C", "D"], Q1: ["B"], PRIORITAIRES: ["C", "D"]}
    sans_exclus = menages_a_alerter(index, annonces)
    assert sans_exclus[Q1].tolist() == ["B", "G"] and sans_exclus[PRIORITAIRES].tolist() == ["C", "D", "G"]


def test_annonce_mal_formee_refusee_en_francais() -> None:
    with pytest.raises(EntreeInvalide, match="public « riverains » inconnu"):
        AnnonceAAlerter("A1", logement(), "riverains")
    index = _index([_menage("A")], seuil_q1=9_000.0, scores=[1.0])
    with pytest.raises(EntreeInvalide, match="Annonce A1 : clé donnée deux fois"):
        menages_a_alerter(index, [AnnonceAAlerter("A1", logement(), TOUS)] * 2)
    assert menages_a_alerter(index, []) == {}


def test_typologie_au_dela_de_t6_lue_comme_t6() -> None:
    grand = _menage("A", demandeur=demandeur(typologie_min=6), typologie_max=9)
    lg = logement(nb_pieces=8, surface_habitable=140.0)
    assert lg.typologie == 6 and grand.souhaite(lg)
    assert not _menage("B", typologie_max=5).souhaite(lg)
