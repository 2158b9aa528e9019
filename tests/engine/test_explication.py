"""French explanation shown to agents and applicants."""

from __future__ import annotations

from datetime import date

from attrib.engine.menage import explication
from tests.engine.fabriques import couple, menage

E = "\u00a0"  # no-break space used as thousands separator and before "€"


def test_jeune_menage_et_eligibilite() -> None:
    phrases = explication(
        couple(25, 27, revenu_fiscal_reference=18000, revenus_mensuels=1500.0),
        date_reference=date(2026, 3, 1),
        annee_plafonds=2026,
        financements=("PLUS",),
    )
    assert phrases[0] == "Catégorie 3 : jeune ménage (âges cumulés 52 ≤ 55 ans)."
    assert (
        phrases[1]
        == f"1,5 unité de consommation (1 pour le demandeur + 0,5 × 1 autre personne de 14 ans ou plus) ; revenu annuel par UC : 12{E}000,00{E}€."
    )
    assert phrases[2] == f"Revenu fiscal 18{E}000{E}€ ≤ plafond PLUS 2026 de 37{E}584{E}€ : éligible."


def test_couple_age_non_eligible_plai_manquant_dal_non_renseigne() -> None:
    phrases = explication(
        couple(30, 31, revenu_fiscal_reference=18000),
        date_reference=date(2026, 3, 1),
        annee_plafonds=2026,
        financements=("PLUS", "PLAI"),
    )
    assert (
        phrases[0]
        == "Catégorie 2 : 2 personnes sans personne à charge (couple, âges cumulés 61 > 55 ans : pas « jeune ménage »)."
    )
    assert phrases[2] == f"Revenu fiscal 18{E}000{E}€ ≤ plafond PLUS 2026 de 31{E}254{E}€ : éligible."
    assert phrases[3] == "Plafond PLAI 2026 non publié à ce jour (autres régions) : éligibilité non évaluée."
    assert phrases[4] == "Ancienneté : 21 mois depuis le dépôt initial du 02/05/2024 (au 01/03/2026)."
    assert (
        phrases[5]
        == "Délai anormalement long non publié à ce jour pour le département 11 (Aude), typologie T2 : dépassement non évalué."
    )


def test_famille_nombreuse_handicap_et_dal() -> None:
    phrases = explication(
        menage(
            nb_personnes=6,
            nb_personnes_a_charge=5,
            nb_moins_14_ans=3,
            nb_handicap=1,
            revenu_fiscal_reference=80000,
            departement="035",
            typologie_min=4,
            date_depot_initiale=date(2011, 1, 10),
        ),
        date_reference=date(2013, 6, 30),
        annee_plafonds=2013,
        financements=("PLUS",),
    )
    assert phrases[0] == (
        "Catégorie 6 et 2 personnes supplémentaires : personne seule avec 5 personnes à charge "
        "(6 personnes, comptées comme 7), +1 catégorie : au moins une personne titulaire de la carte "
        "mobilité inclusion « invalidité »."
    )
    assert phrases[1].startswith(
        "2,9 unités de consommation (1 pour le demandeur + 0,5 × 2 autres personnes de 14 ans ou plus + 0,3 × 3 enfants de moins de 14 ans)"
    )
    assert phrases[2] == f"Revenu fiscal 80{E}000{E}€ > plafond PLUS 2013 de 62{E}355{E}€ : non éligible."
    assert phrases[4] == "Délai anormalement long (département 35, T4) : 24 mois ; ancienneté 29 mois : délai dépassé."
