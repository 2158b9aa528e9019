"""Eligibility of a household for one dwelling: golden values of the ceilings, each rule, both paths agree."""

from __future__ import annotations

import numpy as np
import pytest

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.rapprochement.eligibilite import (
    ACCESSIBILITE,
    PLAFOND,
    RESTE_A_VIVRE,
    SOUS_OCCUPATION,
    SUR_OCCUPATION,
    TAUX_EFFORT,
    TYPOLOGIE,
    Statut,
    TableDemandeurs,
    eligibilite,
    eligibilite_vectorielle,
)
from attrib.engine.rapprochement.parametres import Regles
from tests.engine.rapprochement.fabriques import (
    ANNEE,
    JOUR,
    cadre_demandeurs,
    demandeur,
    demandeur_aleatoire,
    logement,
    logement_aleatoire,
)

PLUS_2025_AUTRES = {1: 23_201, 2: 30_984, 3: 37_259, 4: 44_982, 5: 52_915, 6: 59_636}


def plafond_de(d, lg, annee: int = ANNEE):  # type: ignore[no-untyped-def]
    return eligibilite(d, lg, annee_plafonds=annee, date_reference=JOUR).plafond


# --- golden ceilings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("champs", "categorie"),
    [
        ({"nb_personnes": 1}, 1),
        ({"nb_personnes": 2, "couple": True, "age_demandeur": 40, "age_codemandeur": 38}, 2),
        ({"nb_personnes": 2, "couple": True, "age_demandeur": 27, "age_codemandeur": 28}, 3),  # jeune ménage
        ({"nb_personnes": 2, "nb_personnes_a_charge": 1, "nb_moins_14_ans": 1}, 3),  # isolé + 1 à charge
        (
            {"nb_personnes": 3, "couple": True, "age_demandeur": 40, "age_codemandeur": 38, "nb_personnes_a_charge": 1},
            3,
        ),
        (
            {"nb_personnes": 4, "couple": True, "age_demandeur": 40, "age_codemandeur": 38, "nb_personnes_a_charge": 2},
            4,
        ),
        ({"nb_personnes": 3, "nb_personnes_a_charge": 2}, 4),  # isolé + 2 à charge
        (
            {"nb_personnes": 5, "couple": True, "age_demandeur": 40, "age_codemandeur": 38, "nb_personnes_a_charge": 3},
            5,
        ),
        (
            {"nb_personnes": 6, "couple": True, "age_demandeur": 40, "age_codemandeur": 38, "nb_personnes_a_charge": 4},
            6,
        ),
    ],
)
def test_plafond_plus_2025_par_categorie(champs, categorie) -> None:  # type: ignore[no-untyped-def]
    assert plafond_de(demandeur(**champs), logement()) == PLUS_2025_AUTRES[categorie]


def test_personne_supplementaire_au_dela_de_la_categorie_6() -> None:
    sept = demandeur(nb_personnes=7, couple=True, age_demandeur=40, age_codemandeur=38, nb_personnes_a_charge=5)
    assert plafond_de(sept, logement()) == 59_636 + 6_652


def test_jeune_menage_au_seuil_de_55_ans() -> None:
    assert (
        plafond_de(demandeur(nb_personnes=2, couple=True, age_demandeur=27, age_codemandeur=28), logement()) == 37_259
    )
    assert (
        plafond_de(demandeur(nb_personnes=2, couple=True, age_demandeur=28, age_codemandeur=28), logement()) == 30_984
    )


def test_majoration_handicap_une_categorie() -> None:
    assert plafond_de(demandeur(nb_handicap=1), logement()) == PLUS_2025_AUTRES[2]
    famille = demandeur(
        nb_personnes=6, couple=True, age_demandeur=40, age_codemandeur=38, nb_personnes_a_charge=4, nb_handicap=2
    )
    assert plafond_de(famille, logement()) == 59_636 + 6_652  # catégorie 6 + une personne supplémentaire


@pytest.mark.parametrize(
    ("zone", "categorie_1", "categorie_3"),
    [
        ("paris_communes_limitrophes", 26_687, 52_284),
        ("ile_de_france", 26_687, 47_944),
        ("autres_regions", 23_201, 37_259),
    ],
)
def test_plafond_par_zone(zone: str, categorie_1: int, categorie_3: int) -> None:
    seul = demandeur()
    trois = demandeur(nb_personnes=3, couple=True, age_demandeur=40, age_codemandeur=38, nb_personnes_a_charge=1)
    assert plafond_de(seul, logement(zone_plafond=zone)) == categorie_1
    assert plafond_de(trois, logement(zone_plafond=zone)) == categorie_3


def test_pls_egal_plus_fois_1_3_arrondi_a_l_euro() -> None:
    couple_age = demandeur(nb_personnes=2, couple=True, age_demandeur=40, age_codemandeur=38)
    assert plafond_de(couple_age, logement(financement="PLS", zone_plafond="paris_communes_limitrophes")) == 51_851
    assert plafond_de(demandeur(), logement(financement="PLS")) == 30_161  # 23 201 × 1,3 = 30 161,3


def test_plafond_atteint_exactement_reste_eligible() -> None:
    lg = logement()
    au_plafond = eligibilite(demandeur(revenu_fiscal_reference=23_201), lg, annee_plafonds=ANNEE, date_reference=JOUR)
    au_dessus = eligibilite(demandeur(revenu_fiscal_reference=23_202), lg, annee_plafonds=ANNEE, date_reference=JOUR)
    assert au_plafond.statut(PLAFOND) == Statut.RESPECTEE
    assert au_dessus.statut(PLAFOND) == Statut.NON_RESPECTEE
    assert not au_dessus.eligible
    assert au_dessus.echecs == (PLAFOND,)
    assert au_dessus.motifs == (
        "Revenu fiscal de référence 23\u00a0202\u00a0€ > plafond PLUS 2025 de 23\u00a0201\u00a0€ (autres régions, catégorie 1).",
    )


def test_plafond_non_renseigne_bloque_sans_deviner() -> None:
    resultat = eligibilite(demandeur(), logement(financement="PLAI"), annee_plafonds=2026, date_reference=JOUR)
    assert resultat.statut(PLAFOND) == Statut.NON_EVALUEE
    assert not resultat.eligible
    assert resultat.plafond is None
    assert "Plafond PLAI 2026 non publié à ce jour (autres régions, catégorie 1)" in resultat.motifs[0]


# --- size, accessibility, effort -------------------------------------------------------------------


def test_sous_occupation_au_plus_une_piece_de_plus_que_d_occupants() -> None:
    couple_age = demandeur(nb_personnes=2, couple=True, age_demandeur=40, age_codemandeur=38)
    t3 = eligibilite(couple_age, logement(nb_pieces=3), annee_plafonds=ANNEE, date_reference=JOUR)
    t4 = eligibilite(
        couple_age, logement(nb_pieces=4, surface_habitable=80.0), annee_plafonds=ANNEE, date_reference=JOUR
    )
    assert t3.statut(SOUS_OCCUPATION) == Statut.RESPECTEE
    assert t4.statut(SOUS_OCCUPATION) == Statut.NON_RESPECTEE
    assert "T4 pour 2 personnes : plus de 3 pièces, logement sous-occupé (L621-2 CCH)." in t4.motifs


@pytest.mark.parametrize(("personnes", "minimum"), [(1, 9), (2, 16), (3, 25), (5, 43), (8, 70), (9, 70)])
def test_sur_occupation_surface_minimale(personnes: int, minimum: int) -> None:
    d = demandeur(nb_personnes=personnes, nb_personnes_a_charge=personnes - 1, nb_moins_14_ans=personnes - 1)
    juste = eligibilite(
        d, logement(nb_pieces=1, surface_habitable=float(minimum)), annee_plafonds=ANNEE, date_reference=JOUR
    )
    trop_petit = eligibilite(
        d, logement(nb_pieces=1, surface_habitable=minimum - 0.5), annee_plafonds=ANNEE, date_reference=JOUR
    )
    assert juste.statut(SUR_OCCUPATION) == Statut.RESPECTEE
    assert trop_petit.statut(SUR_OCCUPATION) == Statut.NON_RESPECTEE


def test_typologie_hors_table_locale() -> None:
    quatre = demandeur(nb_personnes=4, couple=True, age_demandeur=40, age_codemandeur=38, nb_personnes_a_charge=2)
    resultat = eligibilite(
        quatre, logement(nb_pieces=2, surface_habitable=50.0), annee_plafonds=ANNEE, date_reference=JOUR
    )
    assert resultat.statut(TYPOLOGIE) == Statut.NON_RESPECTEE
    assert resultat.statut(SOUS_OCCUPATION) == Statut.RESPECTEE
    assert "T2 hors de la typologie adaptée à 4 personnes (T3 à T5, règle locale)." in resultat.motifs


def test_accessibilite() -> None:
    fauteuil = demandeur(besoins=("fauteuil",))
    etage_sans_ascenseur = logement(adapte_pmr=True, etage=3, ascenseur=False)
    rez_de_chaussee = logement(adapte_pmr=True, etage=0)
    inconnu = logement(adapte_pmr=None, etage=0)
    assert eligibilite(fauteuil, rez_de_chaussee, annee_plafonds=ANNEE, date_reference=JOUR).eligible
    refus = eligibilite(fauteuil, etage_sans_ascenseur, annee_plafonds=ANNEE, date_reference=JOUR)
    assert refus.statut(ACCESSIBILITE) == Statut.NON_RESPECTEE
    assert "accès en fauteuil roulant (non satisfait)" in refus.motifs[0]
    a_verifier = eligibilite(fauteuil, inconnu, annee_plafonds=ANNEE, date_reference=JOUR)
    assert a_verifier.statut(ACCESSIBILITE) == Statut.NON_EVALUEE
    assert not a_verifier.eligible  # a need cannot be assumed met
    sans_besoin = eligibilite(demandeur(), etage_sans_ascenseur, annee_plafonds=ANNEE, date_reference=JOUR)
    assert sans_besoin.statut(ACCESSIBILITE) == Statut.RESPECTEE


def test_taux_effort_et_reste_a_vivre_calcules_a_la_main() -> None:
    # (500 + 100 − 150) / 1 000 = 45 % ; reste à vivre (1 000 − 450) / 1 UC = 550 €.
    d = demandeur(revenus_mensuels=1000.0, allocation_logement=150.0)
    resultat = eligibilite(d, logement(loyer=500.0, charges=100.0), annee_plafonds=ANNEE, date_reference=JOUR)
    assert resultat.taux_effort == pytest.approx(0.45)
    assert resultat.reste_a_vivre_uc == pytest.approx(550.0)
    assert resultat.statut(TAUX_EFFORT) == Statut.NON_RESPECTEE
    assert resultat.statut(RESTE_A_VIVRE) == Statut.RESPECTEE
    assert resultat.motifs == (
        "Taux d'effort 45\u00a0% > 35\u00a0% (loyer 500,00\u00a0€ + charges 100,00\u00a0€ − aide au logement "
        "150,00\u00a0€ = 450,00\u00a0€ pour 1\u00a0000,00\u00a0€ de ressources mensuelles).",
    )


def test_reste_a_vivre_par_unite_de_consommation() -> None:
    # Couple + 2 enfants de moins de 14 ans = 2,1 UC ; (1 500 − 600) / 2,1 = 428,57 € ≥ 300 €.
    famille = demandeur(
        nb_personnes=4,
        couple=True,
        age_demandeur=35,
        age_codemandeur=34,
        nb_personnes_a_charge=2,
        nb_moins_14_ans=2,
        revenus_mensuels=1500.0,
    )
    resultat = eligibilite(
        famille, logement(nb_pieces=3, loyer=500.0, charges=100.0), annee_plafonds=ANNEE, date_reference=JOUR
    )
    assert resultat.reste_a_vivre_uc == pytest.approx(900 / 2.1)
    assert resultat.statut(RESTE_A_VIVRE) == Statut.RESPECTEE
    pauvre = demandeur(revenus_mensuels=700.0)
    sous_seuil = eligibilite(pauvre, logement(loyer=420.0, charges=80.0), annee_plafonds=ANNEE, date_reference=JOUR)
    assert sous_seuil.statut(RESTE_A_VIVRE) == Statut.NON_RESPECTEE  # 700 − 500 = 200 € < 300 €


def test_loyer_inconnu_effort_non_evalue_sans_exclure() -> None:
    resultat = eligibilite(demandeur(), logement(loyer=None), annee_plafonds=ANNEE, date_reference=JOUR)
    assert resultat.statut(TAUX_EFFORT) == Statut.NON_EVALUEE
    assert resultat.statut(RESTE_A_VIVRE) == Statut.NON_EVALUEE
    assert resultat.eligible
    assert resultat.taux_effort is None


def test_ressources_nulles() -> None:
    resultat = eligibilite(demandeur(revenus_mensuels=0.0), logement(), annee_plafonds=ANNEE, date_reference=JOUR)
    assert resultat.statut(TAUX_EFFORT) == Statut.NON_EVALUEE
    assert resultat.statut(RESTE_A_VIVRE) == Statut.NON_RESPECTEE
    assert "Ressources mensuelles nulles : taux d'effort non calculable." in resultat.explication()[5]


def test_explication_nomme_chaque_regle(regles: Regles) -> None:
    lignes = eligibilite(
        demandeur(), logement(), annee_plafonds=ANNEE, date_reference=JOUR, regles=regles
    ).explication()
    assert [ligne.split(" (")[0] for ligne in lignes] == [
        "Plafond de ressources",
        "Sous-occupation",
        "Sur-occupation",
        "Typologie adaptée à la taille du ménage",
        "Accessibilité",
        "Taux d'effort",
        "Reste à vivre",
    ]


def test_logement_invalide_message_localise() -> None:
    with pytest.raises(EntreeInvalide, match="Logement L9 : financement « PLI » inconnu"):
        logement(identifiant="L9", financement="PLI")
    with pytest.raises(EntreeInvalide, match="surface_habitable"):
        logement(surface_habitable=0.0)


# --- the two paths agree ----------------------------------------------------------------------------


def test_chemins_vectoriel_et_unitaire_identiques(regles: Regles) -> None:
    rng = np.random.default_rng(20260601)
    demandeurs = [demandeur_aleatoire(rng) for _ in range(300)]
    table = TableDemandeurs.depuis_demandeurs(demandeurs, annee_plafonds=ANNEE, date_reference=JOUR)
    for i in range(40):
        lg = logement_aleatoire(rng, i)
        ev = eligibilite_vectorielle(table, lg, regles=regles)
        for j, d in enumerate(demandeurs):
            attendu = eligibilite(d, lg, annee_plafonds=ANNEE, date_reference=JOUR, regles=regles)
            assert {code: int(s[j]) for code, s in ev.statuts.items()} == {
                r.code: int(r.statut) for r in attendu.regles
            }
            assert bool(ev.eligible[j]) == attendu.eligible
            assert ev.detail(j) == attendu


def test_table_depuis_cadre_egale_table_depuis_demandeurs() -> None:
    rng = np.random.default_rng(7)
    demandeurs = [demandeur_aleatoire(rng) for _ in range(400)]
    par_cadre = TableDemandeurs.depuis_cadre(cadre_demandeurs(demandeurs), annee_plafonds=ANNEE, date_reference=JOUR)
    par_objet = TableDemandeurs.depuis_demandeurs(demandeurs, annee_plafonds=ANNEE, date_reference=JOUR)
    for champ in ("categorie", "personnes_supplementaires", "unites_consommation", "nb_personnes", "besoin_fauteuil"):
        assert np.array_equal(getattr(par_cadre, champ), getattr(par_objet, champ)), champ


def test_table_depuis_cadre_refuse_une_ligne_invalide() -> None:
    cadre = cadre_demandeurs([demandeur(), demandeur()])
    casse = cadre.with_columns(cadre.get_column("allocation_logement").scatter(1, -5.0))
    with pytest.raises(EntreeInvalide, match="Ligne 2 : allocation_logement"):
        TableDemandeurs.depuis_cadre(casse, annee_plafonds=ANNEE, date_reference=JOUR)
    with pytest.raises(EntreeInvalide, match="Colonnes manquantes : besoin_fauteuil"):
        TableDemandeurs.depuis_cadre(cadre.drop("besoin_fauteuil"), annee_plafonds=ANNEE, date_reference=JOUR)
