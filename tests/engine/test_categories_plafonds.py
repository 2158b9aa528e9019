"""Household categories (arrêté du 29 juillet 1987, art. 2) and resource ceilings, golden cases.

Ceiling oracles are the published tables (DOMAIN.md §1.8): PLUS 2026 autres régions
23 403 / 31 254 / 37 584 / 45 374 / 53 376 / 60 156 / +6 710.
"""

from __future__ import annotations

from datetime import date

import pytest

from attrib.engine.erreurs import PlafondNonRenseigne
from attrib.engine.menage import categorie_menage, derivations_menage, plafond
from attrib.engine.parametres import Parametres
from tests.engine.fabriques import couple, menage

PLUS_2026_AUTRES = {1: 23403, 2: 31254, 3: 37584, 4: 45374, 5: 53376, 6: 60156, "supp": 6710}


def _derive(m, annee=2026, financements=("PLUS",)):
    return derivations_menage(m, date_reference=date(2026, 3, 1), annee_plafonds=annee, financements=financements)


@pytest.mark.parametrize(
    ("description", "m", "categorie", "supplementaires"),
    [
        ("personne seule", menage(), 1, 0),
        ("couple de 60 ans cumulés, sans enfant", couple(30, 30), 2, 0),
        ("deux adultes sans lien de couple", menage(nb_personnes=2, age_demandeur=22), 2, 0),
        ("jeune ménage : âges cumulés 55 (limite incluse)", couple(27, 28), 3, 0),
        ("pas jeune ménage : âges cumulés 56", couple(28, 28), 2, 0),
        ("couple + 1 enfant", couple(30, 31, nb_personnes=3, nb_personnes_a_charge=1), 3, 0),
        ("parent isolé + 1 enfant", menage(nb_personnes=2, nb_personnes_a_charge=1), 3, 0),
        ("trois adultes en colocation", menage(nb_personnes=3), 3, 0),
        ("couple + 2 enfants", couple(35, 33, nb_personnes=4, nb_personnes_a_charge=2), 4, 0),
        ("parent isolé + 2 enfants", menage(nb_personnes=3, nb_personnes_a_charge=2), 4, 0),
        ("couple + 3 enfants", couple(35, 33, nb_personnes=5, nb_personnes_a_charge=3), 5, 0),
        ("parent isolé + 3 enfants", menage(nb_personnes=4, nb_personnes_a_charge=3), 5, 0),
        ("couple + 4 enfants", couple(35, 33, nb_personnes=6, nb_personnes_a_charge=4), 6, 0),
        ("parent isolé + 4 enfants", menage(nb_personnes=5, nb_personnes_a_charge=4), 6, 0),
        ("couple + 5 enfants : 1 personne au-delà de 6", couple(35, 33, nb_personnes=7, nb_personnes_a_charge=5), 6, 1),
        ("parent isolé + 5 enfants : 1 personne au-delà", menage(nb_personnes=6, nb_personnes_a_charge=5), 6, 1),
        ("8 personnes : 2 au-delà de 6", couple(35, 33, nb_personnes=8, nb_personnes_a_charge=6), 6, 2),
    ],
)
def test_categorie_selon_la_composition(parametres: Parametres, description, m, categorie, supplementaires) -> None:
    c = categorie_menage(m, annee_plafonds=2026, parametres=parametres)
    assert (c.categorie, c.personnes_supplementaires) == (categorie, supplementaires), description
    attendu = PLUS_2026_AUTRES[categorie] + supplementaires * PLUS_2026_AUTRES["supp"]
    assert _derive(m).plafonds == {"PLUS": attendu}


@pytest.mark.parametrize(
    ("description", "m", "categorie", "supplementaires"),
    [
        ("personne seule titulaire de la CMI invalidité", menage(nb_handicap=1), 2, 0),
        ("jeune ménage avec une CMI invalidité", couple(25, 27, nb_handicap=1), 4, 0),
        ("couple âgé avec une CMI invalidité", couple(60, 62, nb_handicap=1), 3, 0),
        ("deux titulaires : une seule catégorie de plus", menage(nb_personnes=3, nb_handicap=2), 4, 0),
        ("parent isolé + 1 enfant handicapé", menage(nb_personnes=2, nb_personnes_a_charge=1, nb_handicap=1), 4, 0),
        (
            "5 personnes + CMI : catégorie 6",
            couple(40, 40, nb_personnes=5, nb_personnes_a_charge=3, nb_handicap=1),
            6,
            0,
        ),
        (
            "6 personnes + CMI : au-delà de la catégorie 6, une personne supplémentaire",
            couple(40, 40, nb_personnes=6, nb_personnes_a_charge=4, nb_handicap=1),
            6,
            1,
        ),
    ],
)
def test_majoration_handicap_d_une_categorie(
    parametres: Parametres, description, m, categorie, supplementaires
) -> None:
    c = categorie_menage(m, annee_plafonds=2026, parametres=parametres)
    assert (c.categorie, c.personnes_supplementaires) == (categorie, supplementaires), description


def test_sept_personnes_ajoutent_le_montant_par_personne_supplementaire() -> None:
    m = couple(35, 33, nb_personnes=7, nb_personnes_a_charge=5, revenu_fiscal_reference=66866)
    d = _derive(m)
    assert d.plafonds["PLUS"] == 60156 + 6710 == 66866
    assert d.eligible["PLUS"] is True
    assert _derive(couple(35, 33, nb_personnes=7, nb_personnes_a_charge=5, revenu_fiscal_reference=66867)).eligible == {
        "PLUS": False
    }


@pytest.mark.parametrize(
    ("zone", "plus_cat3"),
    [("paris_communes_limitrophes", 52740), ("ile_de_france", 48362), ("autres_regions", 37584)],
)
def test_plafond_selon_la_zone(zone: str, plus_cat3: int) -> None:
    d = _derive(couple(30, 31, nb_personnes=3, nb_personnes_a_charge=1, zone_plafond=zone))
    assert d.plafonds["PLUS"] == plus_cat3


def test_plai_2024_par_zone(parametres: Parametres) -> None:
    assert [
        plafond("PLAI", zone=z, categorie=1, personnes_supplementaires=0, annee=2024, parametres=parametres)
        for z in ("paris_communes_limitrophes", "ile_de_france", "autres_regions")
    ] == [14329, 14329, 12452]


def test_pls_egale_plus_fois_1_3_arrondi_a_l_euro(parametres: Parametres) -> None:
    # Fiche service-public F869 (2020, autres régions) : PLS publiés.
    pls_2020 = [27131, 36231, 43571, 52601, 61879, 69737]
    assert [
        plafond(
            "PLS", zone="autres_regions", categorie=c, personnes_supplementaires=0, annee=2020, parametres=parametres
        )
        for c in range(1, 7)
    ] == pls_2020
    assert parametres.plafond_cellule("PLS", "autres_regions", 2020, "personne_supplementaire") == 7778
    # 2025 Paris : 39 885 × 1,3 = 51 850,5 → 51 851 (demi-euro arrondi au-dessus, comme le tableau publié).
    pls_paris_2025 = [34693, 51851, 67969, 81151, 96552, 108648]
    assert [
        plafond(
            "PLS",
            zone="paris_communes_limitrophes",
            categorie=c,
            personnes_supplementaires=0,
            annee=2025,
            parametres=parametres,
        )
        for c in range(1, 7)
    ] == pls_paris_2025
    # Le montant par personne supplémentaire est lui aussi majoré : 6 + 2 personnes en 2025 à Paris.
    assert (
        plafond(
            "PLS",
            zone="paris_communes_limitrophes",
            categorie=6,
            personnes_supplementaires=2,
            annee=2025,
            parametres=parametres,
        )
        == 108648 + 2 * 12107
    )


def test_les_plafonds_s_emboitent_plai_plus_pls() -> None:
    m = couple(40, 38, nb_personnes=4, nb_personnes_a_charge=2, revenu_fiscal_reference=30000)
    d = _derive(m, annee=2024, financements=("PLAI", "PLUS", "PLS"))
    assert d.plafonds == {"PLAI": 24276, "PLUS": 43899, "PLS": 57069}
    assert d.eligible == {"PLAI": False, "PLUS": True, "PLS": True}


@pytest.mark.parametrize(
    ("financement", "annee", "zone", "categorie", "message"),
    [
        ("PLAI", 2026, "autres_regions", 1, "Plafond PLAI 2026 non publié à ce jour (autres régions)"),
        ("PLUS", 2027, "autres_regions", 1, "Plafond PLUS 2027 non publié à ce jour (autres régions)"),
        (
            "PLS",
            2027,
            "ile_de_france",
            2,
            "Plafond PLS 2027 non publié à ce jour (Île-de-France hors Paris et communes limitrophes)",
        ),
        (
            "PLAI",
            2025,
            "ile_de_france",
            1,
            "Plafond PLAI 2025 non publié à ce jour (Île-de-France hors Paris et communes limitrophes)",
        ),
        ("PLAI", 2025, "autres_regions", 2, "Plafond PLAI 2025 non publié à ce jour (autres régions, catégorie 2)"),
        ("PLAI", 2023, "autres_regions", 6, "Plafond PLAI 2023 non publié à ce jour (autres régions, catégorie 6)"),
    ],
)
def test_annee_non_renseignee_leve_une_erreur_sans_reprendre_une_autre_annee(
    parametres: Parametres, financement: str, annee: int, zone: str, categorie: int, message: str
) -> None:
    with pytest.raises(PlafondNonRenseigne) as erreur:
        plafond(
            financement, zone=zone, categorie=categorie, personnes_supplementaires=0, annee=annee, parametres=parametres
        )
    assert str(erreur.value) == message
    assert (erreur.value.financement, erreur.value.annee, erreur.value.zone) == (financement, annee, zone)


def test_personne_supplementaire_non_renseignee(parametres: Parametres) -> None:
    # PLAI 2023 autres régions : catégories 1 à 5 sourcées seulement.
    assert (
        plafond(
            "PLAI", zone="autres_regions", categorie=5, personnes_supplementaires=0, annee=2023, parametres=parametres
        )
        == 27445
    )
    with pytest.raises(PlafondNonRenseigne) as erreur:
        parametres.plafond_cellule("PLAI", "autres_regions", 2023, "personne_supplementaire")
    assert str(erreur.value) == "Plafond PLAI 2023 non publié à ce jour (autres régions, personne supplémentaire)"


def test_derivations_menage_leve_si_le_plafond_manque() -> None:
    with pytest.raises(PlafondNonRenseigne, match=r"Plafond PLAI 2026 non publié à ce jour \(autres régions\)"):
        _derive(menage(), annee=2026, financements=("PLUS", "PLAI"))
