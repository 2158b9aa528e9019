"""Consumption units, seniority and délai anormalement long, golden cases."""

from __future__ import annotations

from datetime import date

import pytest

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.menage import (
    anciennete_mois,
    delai_anormalement_long_mois,
    derivations_menage,
    revenu_annuel_par_uc,
    unites_consommation,
)
from attrib.engine.parametres import Parametres, normaliser_departement
from tests.engine.fabriques import couple, menage

REFERENCE = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("description", "m", "uc"),
    [
        ("personne seule", menage(), 1.0),
        (
            "couple + 2 enfants de moins de 14 ans (exemple INSEE)",
            couple(35, 33, nb_personnes=4, nb_personnes_a_charge=2, nb_moins_14_ans=2),
            2.1,
        ),
        (
            "adulte seul + 2 jeunes enfants (exemple INSEE)",
            menage(nb_personnes=3, nb_personnes_a_charge=2, nb_moins_14_ans=2),
            1.6,
        ),
        ("couple + un adolescent de 15 ans", couple(45, 44, nb_personnes=3, nb_personnes_a_charge=1), 2.0),
        ("couple", couple(30, 30), 1.5),
    ],
)
def test_unites_de_consommation_echelle_ocde_modifiee(parametres: Parametres, description, m, uc) -> None:
    assert unites_consommation(m, date_reference=REFERENCE, parametres=parametres) == pytest.approx(uc), description


def test_revenu_annuel_par_uc(parametres: Parametres) -> None:
    m = menage(nb_personnes=3, nb_personnes_a_charge=2, nb_moins_14_ans=2, revenus_mensuels=1750.0)
    d = derivations_menage(
        m, date_reference=REFERENCE, annee_plafonds=2026, parametres=parametres, financements=("PLUS",)
    )
    assert d.unites_consommation == pytest.approx(1.6)
    assert d.revenu_annuel_par_uc == pytest.approx(13125.0)
    assert revenu_annuel_par_uc(0.0, 2.1) == 0.0


@pytest.mark.parametrize(
    ("depot", "reference", "mois"),
    [
        (date(2011, 3, 15), date(2013, 3, 15), 24),
        (date(2011, 3, 15), date(2013, 3, 14), 23),
        (date(2026, 3, 1), date(2026, 3, 1), 0),
        (date(2026, 2, 28), date(2026, 3, 27), 0),
        (date(2024, 1, 31), date(2024, 2, 29), 1),  # fin de mois : 31/01 + 1 mois = 29/02
        (date(2024, 1, 31), date(2024, 2, 28), 0),
        (date(2024, 1, 31), date(2025, 2, 28), 13),
        (date(2023, 12, 15), date(2024, 1, 15), 1),
        (date(2016, 7, 10), date(2026, 3, 1), 115),
    ],
)
def test_anciennete_en_mois_entiers(depot: date, reference: date, mois: int) -> None:
    assert anciennete_mois(depot, reference) == mois


def test_depot_posterieur_a_la_reference_refuse() -> None:
    with pytest.raises(
        EntreeInvalide, match=r"^date_depot_initiale : 02/03/2026 postérieure à la date de référence 01/03/2026\.$"
    ):
        anciennete_mois(date(2026, 3, 2), date(2026, 3, 1))


@pytest.mark.parametrize(
    ("brut", "code"), [("011", "11"), ("11", "11"), (" 35 ", "35"), ("1", "01"), ("2a", "2A"), ("974", "974")]
)
def test_normalisation_du_departement(brut: str, code: str) -> None:
    assert normaliser_departement(brut) == code


@pytest.mark.parametrize(
    ("departement", "typologie", "reference", "attendu"),
    [
        ("35", 2, date(2013, 9, 15), 30),
        ("035", 3, date(2013, 9, 15), 30),
        ("35", 4, date(2013, 9, 15), 24),
        ("35", 6, date(2013, 9, 15), 24),
        ("35", 2, date(2026, 3, 1), None),  # la valeur sourcée ne vaut que pour 2013
        ("11", 3, date(2026, 3, 1), None),  # Aude : aucun arrêté préfectoral trouvé
        ("011", 3, date(2013, 9, 15), None),
    ],
)
def test_delai_anormalement_long_par_departement_et_typologie(
    parametres: Parametres, departement: str, typologie: int, reference: date, attendu: int | None
) -> None:
    assert (
        delai_anormalement_long_mois(departement, typologie, date_reference=reference, parametres=parametres) == attendu
    )


@pytest.mark.parametrize(("reference", "depasse"), [(date(2013, 9, 15), True), (date(2013, 9, 14), False)])
def test_dal_depasse_des_que_le_delai_est_atteint(parametres: Parametres, reference: date, depasse: bool) -> None:
    m = menage(departement="35", typologie_min=2, date_depot_initiale=date(2011, 3, 15))
    d = derivations_menage(
        m, date_reference=reference, annee_plafonds=2013, parametres=parametres, financements=("PLUS",)
    )
    assert d.delai_anormalement_long_mois == 30
    assert d.anciennete_mois == (30 if depasse else 29)
    assert d.dal_depasse is depasse


def test_dal_non_renseigne_donne_none(parametres: Parametres) -> None:
    d = derivations_menage(
        menage(), date_reference=REFERENCE, annee_plafonds=2026, parametres=parametres, financements=("PLUS",)
    )
    assert d.delai_anormalement_long_mois is None
    assert d.dal_depasse is None
