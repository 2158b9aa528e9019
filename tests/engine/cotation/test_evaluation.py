"""Golden tests: every feature of the grid document, scores computed by hand.

Each case goes through both evaluators (``coter`` asserts they agree) and checks the hand value.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from attrib.engine.cotation import DonneesInvalides, Points, ValeurNommee, evaluer, evaluer_un
from attrib.engine.cotation.conditions import (
    Calcul,
    Champ,
    Comparaison,
    Constante,
    Contient,
    Entre,
    Evenements,
    Longueur,
    MoisDepuis,
    Non,
    Parmi,
    Renseigne,
    Tous,
    UnDe,
)
from tests.engine.cotation.fabriques import JOUR, coter, critere, demande, grille, section, si


def test_dalo_rapporte_ses_points_fixes():
    g = grille()

    lignes = coter(g, [demande(dalo_reconnu=True), demande(prioritaire=True), demande()])

    assert [ligne["score"] for ligne in lignes] == [1000, 300, 0]
    assert lignes[0]["dalo"] == 1000 and lignes[0]["prioritaire"] == 0


def test_points_proportionnels_plafonnes():
    anciennete = critere("anciennete", Points(par_unite=10, valeur=Champ("anciennete_mois"), plafond=240))
    g = grille(section("temps", anciennete))

    lignes = coter(g, [demande(anciennete_mois=m) for m in (0, 13, 24, 26, 120)])

    assert [ligne["anciennete"] for ligne in lignes] == [0, 130, 240, 240, 240]


def test_points_proportionnels_tronques_vers_zero_avec_une_base():
    bonus = critere("bonus", Points(fixe=5, par_unite=2.5, valeur=Champ("x")))
    malus = critere("malus", Points(par_unite=-0.75, valeur=Champ("x"), plafond=2), nature="malus")
    g = grille(section("s", bonus, malus))

    lignes = coter(g, [demande(x=3), demande(x=-3), demande(x=None)])

    # 5 + 7.5 = 12.5 → 12 ; −2.25 → −2 ; 5 − 7.5 = −2.5 → −2 ; 2.25 → 2 ; empty value: nothing.
    assert [(ligne["bonus"], ligne["malus"]) for ligne in lignes] == [(12, -2), (-2, 2), (0, 0)]


def test_section_exclusive_ne_garde_que_le_plus_favorable():
    g = grille(
        section(
            "logement",
            critere("a", 200, si("a")),
            critere("b", 150, si("b")),
            critere("c", 200, si("c")),
            exclusive=True,
        )
    )

    lignes = coter(
        g,
        [
            demande(a=True, b=True, c=True),  # a and c tie: the first one counts
            demande(a=False, b=True, c=True),
            demande(a=False, b=True, c=False),
            demande(a=False, b=False, c=False),
        ],
    )

    assert [(ligne["a"], ligne["b"], ligne["c"]) for ligne in lignes] == [
        (200, 0, 0),
        (0, 0, 200),
        (0, 150, 0),
        (0, 0, 0),
    ]


def test_section_exclusive_de_malus_garde_le_moins_penalisant():
    g = grille(
        section(
            "m",
            critere("lourd", -50, si("a"), nature="malus"),
            critere("leger", -20, si("b"), nature="malus"),
            exclusive=True,
        )
    )

    [ligne] = coter(g, [demande(a=True, b=True)])

    assert (ligne["lourd"], ligne["leger"], ligne["score"]) == (0, -20, -20)


def test_plafond_et_plancher_de_section_sont_des_lignes_du_detail():
    g = grille(
        section("situation", critere("a", 200, si("a")), critere("b", 150, si("b")), plafond=250),
        section("sanctions", critere("m", -300, si("m"), nature="malus"), plancher=-100),
    )

    lignes = coter(g, [demande(a=True, b=True, m=True), demande(a=True, b=False, m=False)])

    assert lignes[0]["plafond:situation"] == -100 and lignes[0]["plafond:sanctions"] == 200
    assert lignes[0]["score"] == 250 - 100
    assert lignes[1]["plafond:situation"] == 0 and lignes[1]["score"] == 200


def test_plafond_et_plancher_du_total():
    g = grille(section("m", critere("malus", -500, si("m"), nature="malus")), plafond_total=1200, plancher_total=0)

    lignes = coter(
        g, [demande(dalo_reconnu=True, prioritaire=True, m=False), demande(m=True), demande(dalo_reconnu=True, m=True)]
    )

    assert [(ligne["score"], ligne["plafond:total"]) for ligne in lignes] == [(1200, -100), (0, 500), (500, 0)]


def test_critere_a_valider_compte_dans_le_provisoire_seulement_jusqu_a_validation():
    violences = critere("violences", 500, si("violences"), validation="travailleur_social")
    g = grille(section("s", violences))

    en_attente, validee = coter(
        g, [demande(violences=True), demande(violences=True, criteres_valides=["violences", "autre"])]
    )

    assert (en_attente["score_provisoire"], en_attente["score_valide"], en_attente["score"]) == (500, 0, 500)
    assert (en_attente["violences"], en_attente["valide:violences"]) == (500, 0)
    assert (validee["score_provisoire"], validee["score_valide"]) == (500, 500)


def test_validation_et_exclusivite_donnent_deux_detail_differents():
    g = grille(
        section(
            "s",
            critere("declare", 300, si("a"), validation="justificatif"),
            critere("objectif", 200, si("b")),
            exclusive=True,
        ),
        score_classement="valide",
    )

    [ligne] = coter(g, [demande(a=True, b=True)])

    assert (ligne["declare"], ligne["objectif"]) == (300, 0)
    assert (ligne["valide:declare"], ligne["valide:objectif"]) == (0, 200)
    assert (ligne["score_provisoire"], ligne["score_valide"], ligne["score"]) == (300, 200, 200)


def test_evenements_compte_les_dates_de_moins_de_n_mois():
    refus = critere(
        "refus",
        Points(par_unite=-100, valeur=Evenements("refus", 12), plafond=250),
        Comparaison(Evenements("refus", 12), "sup_egal", Constante(2)),
        nature="malus",
    )
    g = grille(section("s", refus))
    ancien, limite, recent, aujourdhui, futur = (
        date(2024, 1, 1),
        date(2025, 7, 1),  # exactly 12 months before 01/07/2026: out of the window
        date(2025, 7, 2),
        JOUR,
        date(2026, 7, 2),
    )

    lignes = coter(
        g,
        [
            demande(refus=[ancien, limite, recent, aujourdhui, futur]),
            demande(refus=[recent]),
            demande(refus=[recent, recent, recent, recent]),
            demande(refus=None),
        ],
    )

    assert [ligne["refus"] for ligne in lignes] == [-200, 0, -250, 0]


def test_mois_ecoules_en_fin_de_mois():
    g = grille(section("s", critere("recent", 10, Comparaison(Evenements("ev", 1), "egal", Constante(1)))))

    fin_fevrier, veille = (
        coter(g, [demande(ev=[date(2026, 1, 31)])], jour=date(2026, 2, 28)),
        coter(g, [demande(ev=[date(2026, 1, 31)])], jour=date(2026, 2, 27)),
    )

    # 31/01 → 28/02 counts one whole month (day clamped to the month's end), as for seniority.
    assert fin_fevrier[0]["recent"] == 0 and veille[0]["recent"] == 10


def test_valeurs_nommees_et_division_par_zero():
    taux = ValeurNommee(
        "taux_effort",
        "Taux d'effort",
        Calcul("quotient", (Calcul("somme", (Champ("loyer"), Champ("charges"))), Champ("revenus"))),
    )
    g = grille(
        section(
            "s",
            critere("trop_cher", 100, Comparaison(Champ("taux_effort"), "sup", Constante(0.3))),
            critere("pas_trop_cher", 10, Non(Comparaison(Champ("taux_effort"), "sup", Constante(0.3)))),
        ),
        valeurs=(taux,),
    )

    lignes = coter(
        g,
        [
            demande(loyer=500.0, charges=100.0, revenus=1500.0),  # 0.4
            demande(loyer=300.0, charges=0.0, revenus=1000.0),  # 0.3: not above
            demande(loyer=300.0, charges=0.0, revenus=0.0),  # no rate: the test is false, its negation true
        ],
    )

    assert [(ligne["trop_cher"], ligne["pas_trop_cher"]) for ligne in lignes] == [(100, 0), (0, 10), (0, 10)]


def test_min_max_et_valeurs_vides():
    g = grille(
        section(
            "s",
            critere("p", Points(par_unite=1, valeur=Calcul("min", (Champ("x"), Champ("y"), Constante(50))))),
            critere("q", Points(par_unite=1, valeur=Calcul("max", (Champ("x"), Constante(7))))),
        )
    )

    lignes = coter(g, [demande(x=10, y=80), demande(x=None, y=3), demande(x=2, y=None)])

    assert [(ligne["p"], ligne["q"]) for ligne in lignes] == [(10, 10), (0, 0), (0, 7)]


def test_tests_sur_valeurs_vides_et_textes():
    g = grille(
        section(
            "s",
            critere("parmi", 1, Parmi(Champ("statut"), ("hotel", "squat"))),
            critere("hors", 2, Parmi(Champ("statut"), ("hotel", "squat"), hors=True)),
            critere("renseigne", 4, Renseigne(Champ("statut"))),
            critere("liste_vide", 8, Renseigne(Champ("motifs"), attendu=False)),
            critere("entre", 16, Entre(Champ("n"), 2, 4)),
        )
    )

    lignes = coter(
        g,
        [
            demande(statut="hotel", motifs=[], n=2),
            demande(statut="", motifs=["voisinage"], n=4.5),
            demande(statut=None, motifs=None, n=None),
            demande(statut="proprietaire", motifs=["x"], n=3),
        ],
    )

    assert [ligne["score"] for ligne in lignes] == [1 + 4 + 8 + 16, 2, 8, 2 + 4 + 16]


def test_listes_contient_un_de_tous():
    g = grille(
        section(
            "s",
            critere("un", 1, Contient("codes", "contient", ("a",))),
            critere("un_de", 2, Contient("codes", "contient_un_de", ("b", "c"))),
            critere("tous", 4, Contient("codes", "contient_tous", ("a", "b"))),
            critere("longueur", Points(par_unite=10, valeur=Longueur("codes"))),
        )
    )

    lignes = coter(g, [demande(codes=["a", "b"]), demande(codes=["c"]), demande(codes=None)])

    assert [ligne["score"] for ligne in lignes] == [1 + 2 + 4 + 20, 2 + 10, 0]


def test_combinaisons_tous_un_de_non():
    condition = Tous((si("a"), UnDe((si("b"), Non(si("c"))))))
    g = grille(section("s", critere("combine", 7, condition)))

    lignes = coter(
        g,
        [
            demande(a=True, b=False, c=False),
            demande(a=True, b=False, c=True),
            demande(a=False, b=True, c=False),
            demande(a=True, b=True, c=True),
        ],
    )

    assert [ligne["combine"] for ligne in lignes] == [7, 0, 0, 7]


def test_comparaison_entre_deux_valeurs_et_mois_depuis():
    g = grille(
        section(
            "s",
            critere("suroccupe", 200, Comparaison(Champ("surface"), "inf", Champ("seuil"))),
            critere("anciennete_logement", Points(par_unite=1, valeur=MoisDepuis("depuis"), plafond=100)),
        )
    )

    lignes = coter(
        g,
        [
            demande(surface=20.0, seuil=25, depuis=date(2025, 7, 1)),
            demande(surface=30.0, seuil=25, depuis=date(2016, 1, 1)),
            demande(surface=None, seuil=25, depuis=None),
        ],
    )

    assert [(ligne["suroccupe"], ligne["anciennete_logement"]) for ligne in lignes] == [(200, 12), (0, 100), (0, 0)]


def test_dates_d_effet_des_criteres():
    g = grille(
        section(
            "s",
            critere("ancien", 10, si("a"), date_fin=date(2026, 6, 30)),
            critere("futur", 20, si("a"), date_debut=date(2026, 7, 2)),
            critere("en_cours", 40, si("a"), date_debut=date(2026, 7, 1), date_fin=date(2026, 7, 1)),
        )
    )

    [ligne] = coter(g, [demande(a=True)])

    assert (ligne["ancien"], ligne["futur"], ligne["en_cours"]) == (0, 0, 40)


def test_colonnes_enumerees_comme_le_generateur():
    statut = pl.Enum(["sans_abri", "hotel", "locataire_parc_prive"])
    g = grille(
        section(
            "s",
            critere("sans_abri", 100, Comparaison(Champ("statut"), "egal", Constante("sans_abri"))),
            critere("inconnu", 1, Comparaison(Champ("statut"), "egal", Constante("squat"))),
            critere("avant_m", 10, Comparaison(Champ("statut"), "inf", Constante("m"))),
            critere("code", 5, Contient("codes", "contient_un_de", ("l441_k", "zz"))),
        )
    )
    cadre = pl.DataFrame(
        {
            "dalo_reconnu": [False, False],
            "prioritaire": [False, False],
            "statut": pl.Series(["sans_abri", "locataire_parc_prive"], dtype=statut),
            "codes": pl.Series([["l441_k"], []], dtype=pl.List(pl.Enum(["l441_a", "l441_k"]))),
        }
    )

    resultat = evaluer(g, cadre, date_reference=JOUR)

    # Order of the text ("locataire…" < "m" < "sans_abri"), not of the enumeration's categories.
    assert resultat["score"].to_list() == [100 + 5, 10]
    for ligne, attendu in zip(cadre.to_dicts(), resultat.to_dicts(), strict=True):
        assert evaluer_un(g, ligne, date_reference=JOUR).score == attendu["score"]


def test_colonne_manquante_ou_mal_typee_est_signalee():
    g = grille(section("s", critere("a", 1, Comparaison(Champ("age"), "sup", Constante(30)))))

    with pytest.raises(DonneesInvalides, match="Colonnes absentes.*age"):
        evaluer(g, pl.DataFrame({"dalo_reconnu": [True], "prioritaire": [False]}), date_reference=JOUR)
    with pytest.raises(DonneesInvalides, match=r"« a » : comparaison entre un\(e\) texte et un\(e\) nombre"):
        evaluer(
            g, pl.DataFrame({"dalo_reconnu": [True], "prioritaire": [False], "age": ["trente"]}), date_reference=JOUR
        )
    with pytest.raises(DonneesInvalides, match="age"):
        evaluer_un(g, {"dalo_reconnu": True, "prioritaire": False}, date_reference=JOUR)


def test_sans_detail_seulement_les_scores():
    resultat = evaluer(grille(), pl.DataFrame([demande(dalo_reconnu=True)]), date_reference=JOUR, detail=False)

    assert resultat.columns == ["score", "score_provisoire", "score_valide"]
    assert resultat.row(0) == (1000, 1000, 1000)
