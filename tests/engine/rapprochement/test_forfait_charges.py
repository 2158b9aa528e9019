"""Effort rate and reste à vivre when the dwelling's charges are unknown: the housing benefit's flat-rate
charges (forfait « C », D823-16 CCH) stand in for them, dated, said in the explanation, and both paths agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from attrib.engine.rapprochement.eligibilite import (
    RESTE_A_VIVRE,
    TAUX_EFFORT,
    Statut,
    TableDemandeurs,
    eligibilite,
    eligibilite_vectorielle,
)
from attrib.engine.rapprochement.parametres import charger_parametres_rapprochement, charger_regles
from tests.engine.rapprochement.fabriques import (
    ANNEE,
    JOUR,
    demandeur,
    demandeur_aleatoire,
    logement,
    logement_aleatoire,
)


@pytest.mark.parametrize(
    ("jour", "base", "par_personne", "acte"),
    [
        # Golden values of the arrêtés (openfisca-france 176.1.8 cites each one on Légifrance).
        (date(2024, 9, 30), "58.08", "13.17", "arrêté du 22 septembre 2023"),
        (date(2025, 6, 1), "59.97", "13.60", "arrêté du 27 septembre 2024"),
        (date(2025, 10, 1), "60.59", "13.74", "arrêté du 5 septembre 2025"),
        (date(2026, 12, 6), "61.29", "13.90", "arrêté du 28 septembre 2026"),
    ],
)
def test_forfait_en_vigueur_a_la_date(jour: date, base: str, par_personne: str, acte: str) -> None:
    forfait = charger_regles(jour).effort.forfait_charges
    assert forfait is not None
    assert (str(forfait.base), str(forfait.par_personne_a_charge), forfait.acte) == (base, par_personne, acte)


def test_aucun_forfait_avant_le_premier_arrete_repris() -> None:
    forfaits = charger_parametres_rapprochement().forfaits_charges
    assert min(f.provenance.date_effet for f in forfaits) == date(2011, 1, 1)


def test_charges_inconnues_calculees_avec_le_forfait_de_la_composition_du_menage() -> None:
    # Au 01/06/2025 : 59,97 € + 2 × 13,60 € = 87,17 € ; (500 + 87,17 − 100) / 1 500 = 32,48 %.
    famille = demandeur(
        nb_personnes=4,
        couple=True,
        age_demandeur=35,
        age_codemandeur=34,
        nb_personnes_a_charge=2,
        nb_moins_14_ans=2,
        revenus_mensuels=1500.0,
        allocation_logement=100.0,
    )
    resultat = eligibilite(
        famille, logement(nb_pieces=3, loyer=500.0, charges=None), annee_plafonds=ANNEE, date_reference=JOUR
    )
    assert resultat.statut(TAUX_EFFORT) == Statut.RESPECTEE
    assert resultat.taux_effort == pytest.approx(487.17 / 1500)
    assert resultat.statut(RESTE_A_VIVRE) == Statut.RESPECTEE
    assert resultat.reste_a_vivre_uc == pytest.approx((1500 - 487.17) / 2.1)
    effort = resultat.explication()[5]
    assert "charges forfaitaires 87,17\u00a0€" in effort
    assert (
        "Charges du logement non renseignées : forfait de charges de l'aide au logement (arrêté du 27 septembre "
        "2024, en vigueur au 01/10/2024) de 59,97\u00a0€ + 13,60\u00a0€ par personne à charge, soit 2 personnes "
        "à charge." in effort
    )
    assert "non évalué" not in " ".join(resultat.explication())


def test_charges_connues_priment_sur_le_forfait() -> None:
    resultat = eligibilite(
        demandeur(revenus_mensuels=1000.0),
        logement(loyer=500.0, charges=100.0),
        annee_plafonds=ANNEE,
        date_reference=JOUR,
    )
    assert resultat.taux_effort == pytest.approx(0.6)
    assert "forfait" not in resultat.explication()[5]


def test_loyer_inconnu_reste_non_evalue_et_le_dit() -> None:
    resultat = eligibilite(demandeur(), logement(loyer=None, charges=None), annee_plafonds=ANNEE, date_reference=JOUR)
    assert resultat.statut(TAUX_EFFORT) == Statut.NON_EVALUEE
    assert resultat.explication()[5].endswith("Loyer du logement non renseigné : taux d'effort non évalué.")


def test_sans_forfait_en_vigueur_charges_inconnues_non_evaluees() -> None:
    regles = charger_regles(JOUR)
    ancien = replace(regles, jour=date(2010, 6, 1), effort=replace(regles.effort, forfait_charges=None))
    resultat = eligibilite(
        demandeur(), logement(charges=None), annee_plafonds=ANNEE, date_reference=JOUR, regles=ancien
    )
    assert resultat.statut(TAUX_EFFORT) == Statut.NON_EVALUEE
    assert "aucun forfait de charges de l'aide au logement en vigueur au 01/06/2010" in resultat.explication()[5]


def test_chemins_identiques_avec_charges_inconnues() -> None:
    rng = np.random.default_rng(20261206)
    demandeurs = [demandeur_aleatoire(rng) for _ in range(200)]
    table = TableDemandeurs.depuis_demandeurs(demandeurs, annee_plafonds=ANNEE, date_reference=JOUR)
    regles = charger_regles(JOUR)
    for i in range(12):
        lg = logement_aleatoire(rng, i)
        lg = replace(lg, charges=None, loyer=450.0)
        ev = eligibilite_vectorielle(table, lg, regles=regles)
        assert not (ev.statuts[TAUX_EFFORT][np.array([d.menage.revenus_mensuels > 0 for d in demandeurs])] == -1).any()
        for j, d in enumerate(demandeurs):
            attendu = eligibilite(d, lg, annee_plafonds=ANNEE, date_reference=JOUR, regles=regles)
            assert ev.detail(j) == attendu
            if attendu.taux_effort is not None:
                assert float(ev.taux_effort[j]) == attendu.taux_effort
