"""The committed draw: seed, published hash and draw values, checked against values computed outside Python
(``sha256sum`` and ``openssl dgst -sha256 -mac HMAC``, as ``docs/location-voulue-moteur.md`` shows)."""

from __future__ import annotations

import re

import pytest

from attrib.engine.annonces.tirage import (
    empreinte,
    graine_conforme,
    nouveau_jeton,
    nouvelle_graine,
    valeur_tirage,
)
from attrib.engine.erreurs import EntreeInvalide

GRAINE = "6b1f0e6c2f3d4a5b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d"
# printf 'attrib-lv-v1:%s' GRAINE | sha256sum
EMPREINTE = "94cc55165a2d1a02d1d0e2d2d4d603b82481a4173cac7d4654ccf88e8a561ce4"


def test_une_graine_neuve_est_de_64_caracteres_hexadecimaux_et_change_a_chaque_tirage() -> None:
    graines = {nouvelle_graine() for _ in range(20)}
    assert len(graines) == 20
    assert all(re.fullmatch(r"[0-9a-f]{64}", g) for g in graines)


def test_un_jeton_neuf_est_de_12_caracteres_base32() -> None:
    jetons = {nouveau_jeton() for _ in range(200)}
    assert len(jetons) == 200
    assert all(re.fullmatch(r"[A-Z2-7]{12}", j) for j in jetons)


def test_l_empreinte_publiee_se_recalcule_avec_sha256sum() -> None:
    assert empreinte(GRAINE) == EMPREINTE
    assert graine_conforme(graine=GRAINE, empreinte=EMPREINTE)


@pytest.mark.parametrize(
    "graine, publiee",
    [
        (GRAINE[:-1] + "e", EMPREINTE),  # une autre graine révélée
        (GRAINE, EMPREINTE[:-1] + "5"),  # une autre empreinte
        (GRAINE.upper(), EMPREINTE),  # graine mal écrite
        (GRAINE, "é" * 64),  # empreinte qui n'est pas de l'ASCII
        (GRAINE, ""),
    ],
)
def test_une_graine_qui_ne_donne_pas_l_empreinte_n_est_pas_conforme(graine: str, publiee: str) -> None:
    assert not graine_conforme(graine, publiee)


@pytest.mark.parametrize(
    "jeton, attendu",
    [
        # printf '%s' JETON | openssl dgst -sha256 -mac HMAC -macopt hexkey:GRAINE
        ("MZ4QK7TB2XPA", "52dfea9d6b29663938ed3e38390e22eabdff2afac62de1edad980fed454e50f7"),
        ("ZC7PW2JA4TGV", "007a8d4d3a5c8f96606231de209a3692c869a9e30d5e1383dbbdd7c1c6aba049"),
        ("QH5BX3ME6NRA", "a9270235ae79962480d3b6f24ff6f37b37744d0f82aa4d09fa3bc88dcbbf74c0"),
    ],
)
def test_la_valeur_du_tirage_se_recalcule_avec_openssl(jeton: str, attendu: str) -> None:
    assert valeur_tirage(GRAINE, jeton) == attendu


def test_une_autre_graine_donne_un_autre_tirage() -> None:
    assert valeur_tirage(GRAINE, "MZ4QK7TB2XPA") != valeur_tirage(GRAINE[::-1], "MZ4QK7TB2XPA")


@pytest.mark.parametrize("graine", ["", "abc", GRAINE.upper(), GRAINE + "0", "g" * 64, None])
def test_une_graine_mal_formee_est_refusee_en_francais(graine: str) -> None:
    with pytest.raises(EntreeInvalide, match="64 caractères hexadécimaux minuscules"):
        empreinte(graine)
    with pytest.raises(EntreeInvalide, match="64 caractères hexadécimaux minuscules"):
        valeur_tirage(graine, "MZ4QK7TB2XPA")


@pytest.mark.parametrize("jeton", ["", " MZ4QK7TB2XPA", "MZ4Q\nK7TB", "X" * 65])
def test_un_jeton_mal_forme_est_refuse_en_francais(jeton: str) -> None:
    with pytest.raises(EntreeInvalide, match="Jeton de candidature"):
        valeur_tirage(GRAINE, jeton)
