"""The DALO deadline and the board's status (``attrib.engine.dalo``): golden cases from R441-16-1 CCH and the
data file, and properties over any date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attrib.engine import dalo

REGLE = dalo.regle(date(2026, 6, 1))


def test_trois_mois_en_metropole_six_outre_mer_et_grandes_agglomerations() -> None:
    assert REGLE.delai("011") == 3  # Aude
    assert REGLE.delai("11") == 3
    assert REGLE.delai("974") == 6  # La Réunion
    assert REGLE.delai("075") == 6  # Paris
    assert REGLE.delai("13") == 6  # Bouches-du-Rhône
    assert REGLE.delai("2A") == 3


def test_date_limite_calee_sur_le_calendrier() -> None:
    assert dalo.date_limite(date(2026, 3, 10), 3) == date(2026, 6, 10)
    assert dalo.date_limite(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert dalo.date_limite(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert dalo.date_limite(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_statuts_aux_bornes() -> None:
    limite = date(2026, 6, 10)

    def s(jour: date, **kw: bool) -> dalo.StatutDalo:
        return dalo.statut(limite=limite, jour=jour, fenetre_alerte_jours=30, **kw)

    assert s(date(2026, 5, 10)) == dalo.StatutDalo.DANS_LE_DELAI  # 31 days left
    assert s(date(2026, 5, 11)) == dalo.StatutDalo.ECHEANCE_PROCHE  # 30 days left
    assert s(limite) == dalo.StatutDalo.ECHEANCE_PROCHE
    assert s(limite + timedelta(days=1)) == dalo.StatutDalo.DELAI_DEPASSE
    assert s(limite + timedelta(days=90), reloge=True) == dalo.StatutDalo.RELOGE
    assert s(limite + timedelta(days=90), obligation_levee=True) == dalo.StatutDalo.OBLIGATION_LEVEE
    assert dalo.echeance_texte(limite, date(2026, 6, 9)) == "1 jour restant"
    assert dalo.echeance_texte(limite, limite) == "Échéance aujourd'hui"
    assert dalo.echeance_texte(limite, date(2026, 6, 13)) == "Dépassée de 3 jours"


def test_regle_lue_du_fichier_date() -> None:
    assert REGLE.delai_mois == 3 and REGLE.delai_long_mois == 6
    assert REGLE.fenetre_alerte_jours == 30
    assert REGLE.premieres_decisions == date(2008, 1, 1)


#: A loaded machine must not fail a property on its timing.
REGLAGES = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
jours = st.dates(min_value=date(2008, 1, 1), max_value=date(2060, 12, 31))


@REGLAGES
@given(jours, st.integers(min_value=1, max_value=24))
def test_la_date_limite_suit_la_decision_de_moins_d_un_mois_pres(decision: date, mois: int) -> None:
    limite = dalo.date_limite(decision, mois)
    assert limite > decision
    assert (limite.year - decision.year) * 12 + limite.month - decision.month == mois
    assert limite.day <= decision.day


@REGLAGES
@given(jours, jours, jours)
def test_la_date_limite_est_croissante(a: date, b: date, _: date) -> None:
    premiere, seconde = sorted((a, b))
    assert dalo.date_limite(premiere, 3) <= dalo.date_limite(seconde, 3)


@REGLAGES
@given(jours, st.integers(min_value=-400, max_value=400), st.integers(min_value=0, max_value=90))
def test_le_statut_ne_recule_pas_avec_le_temps(limite: date, decalage: int, fenetre: int) -> None:
    ordre = [dalo.StatutDalo.DANS_LE_DELAI, dalo.StatutDalo.ECHEANCE_PROCHE, dalo.StatutDalo.DELAI_DEPASSE]
    jour = limite + timedelta(days=decalage)
    avant = dalo.statut(limite=limite, jour=jour, fenetre_alerte_jours=fenetre)
    apres = dalo.statut(limite=limite, jour=jour + timedelta(days=1), fenetre_alerte_jours=fenetre)
    assert ordre.index(apres) >= ordre.index(avant)
    assert (avant == dalo.StatutDalo.DELAI_DEPASSE) == (jour > limite)
