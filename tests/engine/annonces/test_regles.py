"""Local rules of location voulue: provisional position before applying, limit of open applications, and the
suspension after refusals (golden cases with concrete dates: month ends, leap years, the window's edge)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from attrib.engine.annonces.regles import (
    candidatures_restantes,
    motif_refus_limite,
    position_provisoire,
    suspension,
    texte_candidatures_restantes,
)
from attrib.engine.erreurs import EntreeInvalide

# --- provisional position ------------------------------------------------------------------------------


def test_position_exacte_parmi_les_candidatures_recues() -> None:
    p = position_provisoire(
        score=300,
        depot=date(2022, 1, 1),
        autres=[(350, date(2023, 1, 1)), (300, date(2023, 5, 2)), (250, date(2010, 1, 1)), (299.99, date(2015, 1, 1))],
    )
    assert (p.meilleure, p.pire, p.total) == (2, 2, 5)
    assert p.texte() == (
        "Vous seriez à la 2e place sur 5 candidatures reçues à ce jour, la vôtre comprise. "
        "Le classement définitif sera établi à la clôture de l'annonce, avec les scores à cette date."
    )
    assert p.texte(deposee=True).startswith("Vous êtes à la 2e place sur 5 candidatures")


def test_ex_aequo_de_score_et_d_anciennete_donnent_une_fourchette_que_le_tirage_tranchera() -> None:
    p = position_provisoire(
        score=Decimal("300.00"),
        depot=date(2022, 1, 1),
        autres=[
            (350, date(2023, 1, 1)),
            (300, date(2021, 1, 1)),
            (300.004, date(2022, 1, 1)),  # 300,00 au centième : ex aequo
            (300, date(2022, 1, 1)),
            (250, date(2010, 1, 1)),
        ],
    )
    assert (p.meilleure, p.pire, p.total) == (3, 5, 6)
    assert p.texte().startswith(
        "Vous seriez entre la 3e et la 5e place sur 6 candidatures reçues à ce jour, la vôtre comprise : à score et "
        "ancienneté égaux, le tirage au sort départagera à la clôture."
    )


def test_premiere_candidature_recue() -> None:
    p = position_provisoire(score=10, depot=date(2024, 2, 29), autres=[])
    assert (p.meilleure, p.pire, p.total) == (1, 1, 1)
    assert p.texte().startswith("Vous seriez à la 1re place : aucune autre candidature reçue à ce jour.")
    tete = position_provisoire(score=10, depot=date(2024, 2, 29), autres=[(10, date(2024, 2, 29))])
    assert tete.texte().startswith("Vous seriez entre la 1re et la 2e place sur 2 candidatures")


def test_position_refuse_une_entree_mal_formee() -> None:
    with pytest.raises(EntreeInvalide, match="Candidature n° 2 : date de premier dépôt"):
        position_provisoire(score=1, depot=date(2020, 1, 1), autres=[(1, date(2020, 1, 1)), (1, "2020-01-01")])  # type: ignore[list-item]


# --- limit of open applications ------------------------------------------------------------------------


@pytest.mark.parametrize("ouvertes, maximum, restantes", [(0, 3, 3), (2, 3, 1), (3, 3, 0), (5, 3, 0), (0, 1, 1)])
def test_candidatures_restantes(ouvertes: int, maximum: int, restantes: int) -> None:
    assert candidatures_restantes(ouvertes=ouvertes, maximum=maximum) == restantes
    assert (motif_refus_limite(ouvertes=ouvertes, maximum=maximum) is None) == (restantes > 0)


def test_au_maximum_le_menage_lit_pourquoi_et_comment_candidater_de_nouveau() -> None:
    assert motif_refus_limite(ouvertes=3, maximum=3) == (
        "Vous avez déjà 3 candidatures ouvertes : c'est le maximum (3). Retirez une candidature, ou attendez la "
        "clôture d'une annonce, pour candidater à celle-ci."
    )
    assert texte_candidatures_restantes(ouvertes=1, maximum=3) == (
        "Vous pouvez encore candidater à 2 annonces (3 candidatures ouvertes au plus)."
    )
    assert texte_candidatures_restantes(ouvertes=2, maximum=3) == (
        "Vous pouvez encore candidater à 1 annonce (3 candidatures ouvertes au plus)."
    )
    assert texte_candidatures_restantes(ouvertes=3, maximum=3).startswith("Vous ne pouvez plus candidater")


@pytest.mark.parametrize("ouvertes, maximum", [(-1, 3), (0, 0), (True, 3), (1.0, 3)])
def test_limite_refuse_des_valeurs_absurdes(ouvertes: int, maximum: int) -> None:
    with pytest.raises(EntreeInvalide, match="entier supérieur ou égal"):
        candidatures_restantes(ouvertes=ouvertes, maximum=maximum)


# --- suspension after refusals -------------------------------------------------------------------------

REGLE = {"seuil": 2, "fenetre_mois": 12, "duree_mois": 6}


def test_un_refus_est_compte_et_le_menage_sait_qu_un_de_plus_le_suspendrait() -> None:
    s = suspension(refus=[date(2025, 1, 31)], jour=date(2025, 6, 1), **REGLE)
    assert (s.suspendu, s.jusqu_au, s.refus_comptes, s.refus_avant_suspension) == (False, None, 1, 1)
    assert s.texte() == (
        "1 refus compté sur les 12 derniers mois. Un refus de plus suspendrait vos candidatures pendant 6 mois. "
        "Si vous refusez 2 logements obtenus par vos candidatures en moins de 12 mois, vos candidatures sont "
        "suspendues 6 mois."
    )


def test_sans_refus_la_regle_est_dite_a_l_avance() -> None:
    s = suspension(refus=[], jour=date(2025, 6, 1), seuil=3, fenetre_mois=24, duree_mois=12)
    assert (s.suspendu, s.refus_comptes, s.refus_avant_suspension) == (False, 0, 3)
    assert s.texte() == (
        "Aucun refus compté. Si vous refusez 3 logements obtenus par vos candidatures en moins de 24 mois, vos "
        "candidatures sont suspendues 12 mois."
    )
    deux = suspension(refus=[date(2025, 1, 1)], jour=date(2025, 6, 1), seuil=3, fenetre_mois=24, duree_mois=12)
    assert "Encore 2 refus et vos candidatures seraient suspendues pendant 12 mois." in deux.texte()


def test_le_deuxieme_refus_suspend_jusqu_a_la_meme_date_six_mois_plus_tard() -> None:
    s = suspension(refus=[date(2024, 11, 5), date(2025, 3, 10)], jour=date(2025, 3, 10), **REGLE)
    assert (s.suspendu, s.depuis, s.jusqu_au, s.refus_avant_suspension) == (
        True,
        date(2025, 3, 10),
        date(2025, 9, 10),
        0,
    )
    assert s.texte() == (
        "Vous ne pouvez pas candidater aux annonces jusqu'au 10/09/2025 : le 10/03/2025, vous avez refusé un 2e "
        "logement obtenu par vos candidatures en moins de 12 mois. Vous pourrez de nouveau candidater à partir de "
        "cette date. Si vous refusez 2 logements obtenus par vos candidatures en moins de 12 mois, vos candidatures "
        "sont suspendues 6 mois."
    )
    assert suspension(refus=[date(2024, 11, 5), date(2025, 3, 10)], jour=date(2025, 9, 9), **REGLE).suspendu
    fini = suspension(refus=[date(2024, 11, 5), date(2025, 3, 10)], jour=date(2025, 9, 10), **REGLE)
    assert (fini.suspendu, fini.jusqu_au, fini.refus_comptes, fini.refus_avant_suspension) == (False, None, 0, 2)


@pytest.mark.parametrize(
    "declencheur, fin",
    [
        (date(2025, 8, 31), date(2026, 2, 28)),  # fin de mois ramenée au 28 février
        (date(2023, 8, 31), date(2024, 2, 29)),  # année bissextile
        (date(2025, 12, 31), date(2026, 6, 30)),
        (date(2025, 3, 31), date(2025, 9, 30)),
    ],
)
def test_fin_de_suspension_en_mois_calendaires_jour_ramene_a_la_fin_du_mois(declencheur: date, fin: date) -> None:
    s = suspension(refus=[date(declencheur.year, 1, 15), declencheur], jour=declencheur, **REGLE)
    assert s.jusqu_au == fin


def test_fenetre_de_douze_mois_au_29_fevrier() -> None:
    # Fenêtre du 28/02/2025 : après le 28/02/2024 ; le 29/02/2024 compte.
    s = suspension(refus=[date(2024, 2, 29), date(2025, 2, 28)], jour=date(2025, 3, 1), **REGLE)
    assert s.suspendu and s.jusqu_au == date(2025, 8, 28)
    # Fenêtre du 29/02/2024 : après le 28/02/2023 ; le 28/02/2023 ne compte plus (douze mois et un jour avant).
    t = suspension(refus=[date(2023, 2, 28), date(2024, 2, 29)], jour=date(2024, 3, 1), **REGLE)
    assert (t.suspendu, t.refus_comptes) == (False, 1)


def test_un_refus_d_il_y_a_douze_mois_jour_pour_jour_ne_compte_plus() -> None:
    s = suspension(refus=[date(2024, 6, 15), date(2025, 6, 15)], jour=date(2025, 6, 15), **REGLE)
    assert (s.suspendu, s.refus_comptes) == (False, 1)
    veille = suspension(refus=[date(2024, 6, 16), date(2025, 6, 15)], jour=date(2025, 6, 15), **REGLE)
    assert veille.suspendu
    # Le 31 mars, la fenêtre d'un mois commence après le 28 février (2025) ou le 29 février (2024).
    mars = {"seuil": 2, "fenetre_mois": 1, "duree_mois": 1}
    assert suspension(refus=[date(2025, 3, 1), date(2025, 3, 31)], jour=date(2025, 3, 31), **mars).suspendu
    assert not suspension(refus=[date(2025, 2, 28), date(2025, 3, 31)], jour=date(2025, 3, 31), **mars).suspendu
    assert not suspension(refus=[date(2024, 2, 29), date(2024, 3, 31)], jour=date(2024, 3, 31), **mars).suspendu


def test_un_refus_ne_suspend_qu_une_fois() -> None:
    regle = {"seuil": 2, "fenetre_mois": 12, "duree_mois": 3}
    refus = [date(2025, 1, 10), date(2025, 2, 10), date(2025, 6, 10)]
    s = suspension(refus=refus, jour=date(2025, 6, 10), **regle)
    # Les deux premiers refus ont suspendu jusqu'au 10/05/2025 ; le troisième compte seul.
    assert (s.suspendu, s.refus_comptes, s.refus_avant_suspension) == (False, 1, 1)
    quatre = suspension(refus=[*refus, date(2025, 7, 1)], jour=date(2025, 7, 1), **regle)
    assert (quatre.suspendu, quatre.jusqu_au) == (True, date(2025, 10, 1))


def test_une_suspension_plus_longue_que_la_fenetre_va_jusqu_a_son_terme() -> None:
    regle = {"seuil": 2, "fenetre_mois": 6, "duree_mois": 12}
    s = suspension(refus=[date(2025, 1, 15), date(2025, 3, 15)], jour=date(2025, 10, 1), **regle)
    assert (s.suspendu, s.jusqu_au) == (True, date(2026, 3, 15))


def test_l_ordre_des_refus_donnes_ne_compte_pas() -> None:
    refus = [date(2025, 3, 10), date(2024, 11, 5)]
    assert suspension(refus=refus, jour=date(2025, 4, 1), **REGLE) == suspension(
        refus=sorted(refus), jour=date(2025, 4, 1), **REGLE
    )


def test_seuil_d_un_refus() -> None:
    s = suspension(refus=[date(2024, 2, 29)], jour=date(2024, 3, 1), seuil=1, fenetre_mois=12, duree_mois=12)
    assert (s.suspendu, s.jusqu_au) == (True, date(2025, 2, 28))
    assert s.texte() == (
        "Vous ne pouvez pas candidater aux annonces jusqu'au 28/02/2025 : le 29/02/2024, vous avez refusé un logement "
        "obtenu par vos candidatures. Vous pourrez de nouveau candidater à partir de cette date. Si vous refusez un "
        "logement obtenu par vos candidatures, vos candidatures sont suspendues 12 mois."
    )


@pytest.mark.parametrize(
    "refus, regle, message",
    [
        ([date(2025, 7, 1)], REGLE, "Refus n° 1 : daté du 01/07/2025, après le 01/06/2025"),
        ([datetime(2025, 1, 1, 10, 0)], REGLE, "Refus n° 1 : date du refus : date attendue"),
        ([], {**REGLE, "seuil": 0}, "Seuil de refus"),
        ([], {**REGLE, "fenetre_mois": 0}, "Fenêtre"),
        ([], {**REGLE, "duree_mois": -6}, "Durée de la suspension"),
    ],
)
def test_suspension_refuse_des_entrees_absurdes(refus: list[date], regle: dict[str, int], message: str) -> None:
    with pytest.raises(EntreeInvalide, match=message):
        suspension(refus=refus, jour=date(2025, 6, 1), **regle)
