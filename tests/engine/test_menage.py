"""One household: the input contract is checked when the Menage is created, field named in French."""

from __future__ import annotations

import pytest

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.menage import Menage
from tests.engine.fabriques import ligne, menage


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"nb_personnes": 0}, "nb_personnes : au moins 1 personne (le demandeur) ; reçu 0."),
        (
            {"nb_personnes": 2, "nb_personnes_a_charge": 2},
            "nb_personnes_a_charge : entre 0 et nb_personnes − 1 (le demandeur n'est pas à sa propre charge) ; "
            "reçu 2 pour 2 personne(s).",
        ),
        (
            {"couple": True, "nb_personnes": 3, "nb_personnes_a_charge": 2, "age_codemandeur": 30},
            "couple : un couple compte deux personnes qui ne sont pas à charge ; reçu 3 personne(s) dont 2 à charge.",
        ),
        (
            {"nb_moins_14_ans": 1},
            "nb_moins_14_ans : entre 0 et nb_personnes − 1 (le demandeur compte comme premier adulte) ; reçu 1 pour 1 personne(s).",
        ),
        ({"revenus_mensuels": float("nan")}, "revenus_mensuels : montant positif ou nul attendu ; reçu nan."),
        ({"typologie_min": 7}, "typologie_min : entre 1 et 6 ; reçu 7."),
        ({"zone_plafond": None}, "zone_plafond : valeur manquante."),
    ],
)
def test_menage_invalide_refuse_avec_le_champ(champs, message: str) -> None:
    with pytest.raises(EntreeInvalide) as erreur:
        menage(**champs)
    assert str(erreur.value) == message


def test_depuis_ligne_ignore_les_colonnes_en_plus_et_nomme_les_manquantes() -> None:
    m = menage()
    assert Menage.depuis_ligne({**ligne(m), "numero_unique": "011…"}) == m
    incomplete = {c: v for c, v in ligne(m).items() if c not in ("couple", "departement")}
    with pytest.raises(EntreeInvalide, match=r"^Colonnes manquantes : couple, departement\.$"):
        Menage.depuis_ligne(incomplete)
