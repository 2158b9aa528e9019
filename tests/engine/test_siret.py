"""The SIRET check key (Luhn, and La Poste's « sum divisible by 5 »): golden values and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attrib.engine.siret import completer_cle, erreur_siret, normaliser, siret_valide
from attrib.engine.validation import erreurs_personne

#: SIRETs of the open SIRENE register.
VALIDES = ["13002526500013", "11000201100044", "73282932000074"]


def test_la_poste_suit_la_somme_divisible_par_cinq() -> None:
    assert siret_valide("35600000000001")  # 3 + 5 + 6 + 1 = 15
    assert not siret_valide("35600000000002")


@pytest.mark.parametrize("siret", VALIDES)
def test_des_siret_publies_sont_valides(siret: str) -> None:
    assert siret_valide(siret)
    assert erreur_siret(siret) is None


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("1300252650001", "SIRET de l'employeur : 14 chiffres attendus (13 saisis)."),
        (
            "13002526500014",
            "SIRET de l'employeur : numéro invalide (la clé de contrôle ne correspond pas) ; vérifiez chaque chiffre.",
        ),
        ("1300252650001A", "SIRET de l'employeur : 14 chiffres attendus, sans lettre ni autre signe."),
        ("١٣٠٠٢٥٢٦٥٠٠٠١٣", "SIRET de l'employeur : 14 chiffres attendus, sans lettre ni autre signe."),
    ],
)
def test_un_siret_faux_dit_pourquoi(saisie: str, message: str) -> None:
    assert erreur_siret(saisie) == message


def test_les_espaces_entre_groupes_sont_admis_et_le_vide_n_est_pas_une_erreur() -> None:
    assert normaliser("130 025 265 00013") == "13002526500013"
    assert erreur_siret("130 025 265 00013") is None
    assert erreur_siret("") is None


def test_la_regle_de_la_personne_nomme_le_champ() -> None:
    from datetime import date

    erreurs = erreurs_personne({"employeur_siret": "13002526500014"}, jour=date(2026, 6, 1), prefixe="personnes[0].")
    assert list(erreurs) == ["personnes[0].employeur_siret"]


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_completer_la_cle_donne_un_siret_valide(debut: str) -> None:
    siret = completer_cle(debut)
    if not siret.startswith("356000000"):
        assert siret_valide(siret)


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.integers(0, 13), st.integers(1, 9))
def test_changer_un_chiffre_rend_la_cle_fausse(debut: str, position: int, ecart: int) -> None:
    siret = completer_cle(debut)
    if siret.startswith("356000000"):
        return
    chiffre = str((int(siret[position]) + ecart) % 10)
    modifie = siret[:position] + chiffre + siret[position + 1 :]
    assert not siret_valide(modifie)
