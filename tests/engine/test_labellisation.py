"""The life cycle of a priority label, its validity in calendar months, its renewal window, the rule in force."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attrib.engine import labellisation as m


@dataclass
class L:
    statut: str
    valide_du: date | None
    valide_jusqu_au: date | None


# --- golden ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("de", "vers", "permis"),
    [
        (m.PROPOSE, m.VALIDE, True),
        (m.PROPOSE, m.REFUSE, True),
        (m.PROPOSE, m.RETIRE, True),
        (m.PROPOSE, m.EXPIRE, False),
        (m.VALIDE, m.EXPIRE, True),
        (m.VALIDE, m.RETIRE, True),
        (m.VALIDE, m.REFUSE, False),
        (m.REFUSE, m.VALIDE, False),
        (m.EXPIRE, m.VALIDE, False),
        (m.RETIRE, m.VALIDE, False),
    ],
)
def test_transitions(de, vers, permis):
    assert m.transition_permise(de, vers) is permis
    if not permis:
        with pytest.raises(m.TransitionInterdite):
            m.exiger_transition(de, vers)


def test_un_label_clos_le_dit():
    with pytest.raises(m.TransitionInterdite, match="il est clos"):
        m.exiger_transition(m.REFUSE, m.VALIDE)


@pytest.mark.parametrize(
    ("debut", "mois", "fin"),
    [
        (date(2026, 1, 15), 12, date(2027, 1, 14)),
        (date(2026, 1, 31), 1, date(2026, 2, 27)),
        (date(2024, 2, 29), 12, date(2025, 2, 27)),
        (date(2026, 3, 1), 6, date(2026, 8, 31)),
        (date(2026, 1, 1), None, None),
    ],
)
def test_fin_de_validite_en_mois_calendaires(debut, mois, fin):
    assert m.fin_validite(debut, mois) == fin


def test_en_vigueur_et_expiration():
    lab = L(m.VALIDE, date(2026, 1, 1), date(2026, 12, 31))
    assert not m.en_vigueur(lab, date(2025, 12, 31))
    assert m.en_vigueur(lab, date(2026, 1, 1))
    assert m.en_vigueur(lab, date(2026, 12, 31))
    assert not m.en_vigueur(lab, date(2027, 1, 1))
    assert m.a_expirer(lab, date(2027, 1, 1)) and not m.a_expirer(lab, date(2026, 12, 31))
    assert not m.en_vigueur(L(m.PROPOSE, None, None), date(2026, 6, 1))
    dalo = L(m.VALIDE, date(2020, 1, 1), None)
    assert m.en_vigueur(dalo, date(2040, 1, 1)) and not m.a_expirer(dalo, date(2040, 1, 1))


def test_fenetre_de_renouvellement():
    lab = L(m.VALIDE, date(2026, 1, 1), date(2026, 12, 31))
    assert m.fenetre_renouvellement(lab.valide_jusqu_au, 60) == date(2026, 11, 1)
    assert not m.renouvelable(lab, date(2026, 10, 31), 60)
    assert m.renouvelable(lab, date(2026, 11, 1), 60)
    assert m.proche_expiration(lab, date(2026, 11, 1), 60)
    assert m.renouvelable(L(m.EXPIRE, date(2025, 1, 1), date(2025, 12, 31)), date(2026, 6, 1), 60)
    assert not m.renouvelable(L(m.VALIDE, date(2020, 1, 1), None), date(2026, 6, 1), 60)
    assert not m.renouvelable(L(m.REFUSE, None, None), date(2026, 6, 1), 60)


def test_la_regle_la_plus_recente_l_emporte():
    ancienne = m.RegleDatee(validateur_id=1, debut=date(2020, 1, 1), ident=1)
    nouvelle = m.RegleDatee(validateur_id=2, debut=date(2026, 1, 1), ident=2)
    bornee = m.RegleDatee(validateur_id=3, debut=date(2026, 6, 1), fin=date(2026, 6, 30), ident=3)
    regles = [nouvelle, bornee, ancienne]
    assert m.regle_en_vigueur(regles, date(2019, 12, 31)) is None
    assert m.regle_en_vigueur(regles, date(2025, 12, 31)) is ancienne
    assert m.regle_en_vigueur(regles, date(2026, 1, 1)) is nouvelle
    assert m.regle_en_vigueur(regles, date(2026, 6, 15)) is bornee
    assert m.regle_en_vigueur(regles, date(2026, 7, 1)) is nouvelle
    assert len(m.chevauchements(regles)) == 3
    assert m.duree_applicable(m.RegleDatee(1, date(2020, 1, 1), duree_mois=6), 12) == 6
    assert m.duree_applicable(ancienne, 12) == 12
    assert m.duree_applicable(None, None) is None


# --- properties -----------------------------------------------------------------------------------------------

jours = st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31))


@given(jours, st.integers(min_value=1, max_value=120))
def test_la_fin_suit_le_debut_et_dure_a_peu_pres_n_mois(debut, mois):
    fin = m.fin_validite(debut, mois)
    assert fin is not None and fin >= debut
    assert 28 * mois - 4 <= (fin - debut).days + 1 <= 31 * mois
    assert m.fin_validite(debut, mois + 1) > fin


@given(jours, st.integers(min_value=1, max_value=60), jours)
def test_en_vigueur_exactement_pendant_la_validite(debut, mois, jour):
    fin = m.fin_validite(debut, mois)
    lab = L(m.VALIDE, debut, fin)
    assert m.en_vigueur(lab, jour) == (debut <= jour <= fin)
    assert not (m.en_vigueur(lab, jour) and m.a_expirer(lab, jour))


@given(st.sampled_from(m.STATUTS), st.sampled_from(m.STATUTS))
def test_aucune_transition_ne_rouvre_un_label_clos(de, vers):
    if de not in m.OUVERTS:
        assert not m.transition_permise(de, vers)
    if m.transition_permise(de, vers):
        assert vers != m.PROPOSE


@given(
    st.lists(st.tuples(jours, st.one_of(st.none(), st.integers(min_value=0, max_value=800))), min_size=1, max_size=6),
    jours,
)
def test_la_regle_choisie_couvre_le_jour_et_commence_le_plus_tard(specs, jour):
    regles = [
        m.RegleDatee(validateur_id=i, debut=d, fin=None if n is None else d + timedelta(days=n), ident=i)
        for i, (d, n) in enumerate(specs)
    ]
    choisie = m.regle_en_vigueur(regles, jour)
    couvrantes = [r for r in regles if r.en_vigueur(jour)]
    if not couvrantes:
        assert choisie is None
    else:
        assert choisie in couvrantes
        assert all(r.debut <= choisie.debut for r in couvrantes)
