"""Ranking of an advert's applications at closing: score, then seniority, then the committed draw; the column
path agrees with the records; ``verify()`` and the replay of the published data catch tampering."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attrib.engine.annonces.classement import (
    ANCIENNETE,
    FORMAT,
    SCORE,
    SEUL,
    TIRAGE,
    CandidatureAClasser,
    Classement,
    classer,
    classer_colonnes,
    donnees_publiees,
    rejouer,
)
from attrib.engine.annonces.tirage import empreinte, nouvelle_graine
from attrib.engine.erreurs import EntreeInvalide

GRAINE = "6b1f0e6c2f3d4a5b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d"
AUTRE_GRAINE = "1" * 64

#: The golden advert: tirage values (openssl, see test_tirage) MZ4Q 52df…, R3VD 6e1c…, T2LG 4fa3…, QH5B a927…,
#: ZC7P 007a…, W6EN 3112….
DOREES = [
    CandidatureAClasser("W6EN3RKD5LMB", 300, date(2019, 2, 1)),  # la plus ancienne, mais le score le plus bas
    CandidatureAClasser("QH5BX3ME6NRA", 355.5, date(2021, 9, 14)),
    CandidatureAClasser("R3VD6HNW5JCE", Decimal("355.50"), date(2024, 1, 3)),  # même score, plus récente
    CandidatureAClasser("MZ4QK7TB2XPA", 412, date(2022, 5, 10)),  # meilleur score
    CandidatureAClasser("T2LG7YUF4KSD", Decimal("355.504"), date(2021, 9, 14)),  # 355,50 au centième
    CandidatureAClasser("ZC7PW2JA4TGV", 355.5, date(2021, 9, 14)),
]


def test_cas_dore_score_puis_anciennete_puis_tirage_publie() -> None:
    c = classer(DOREES, graine=GRAINE)
    assert [(r.rang, r.jeton, r.departage, r.suivant) for r in c.rangs] == [
        (1, "MZ4QK7TB2XPA", SEUL, SCORE),
        (2, "ZC7PW2JA4TGV", SCORE, TIRAGE),  # tirage 007a… : le plus petit des trois ex aequo
        (3, "T2LG7YUF4KSD", TIRAGE, TIRAGE),  # 4fa3…
        (4, "QH5BX3ME6NRA", TIRAGE, ANCIENNETE),  # a927…
        (5, "R3VD6HNW5JCE", ANCIENNETE, SCORE),
        (6, "W6EN3RKD5LMB", SCORE, None),
    ]
    assert [str(r.score) for r in c.rangs] == ["412.00", "355.50", "355.50", "355.50", "355.50", "300.00"]
    assert c.rangs[1].tirage.startswith("007a8d4d3a5c")
    assert c.empreinte == "94cc55165a2d1a02d1d0e2d2d4d603b82481a4173cac7d4654ccf88e8a561ce4"
    assert c.verify() == []


def test_chaque_candidat_lit_pourquoi_il_est_a_sa_place() -> None:
    raisons = [r.raison() for r in classer(DOREES, graine=GRAINE).rangs]
    assert raisons == [
        "Première place : meilleur score des candidatures.",
        "Score moins élevé que celui de la candidature classée juste devant.",
        "Même score et même ancienneté que la candidature précédente : départagée par le tirage au sort publié.",
        "Même score et même ancienneté que la candidature précédente : départagée par le tirage au sort publié.",
        "Même score que la candidature précédente, demande plus récente.",
        "Score moins élevé que celui de la candidature classée juste devant.",
    ]


def test_la_premiere_place_dit_ce_qui_la_separe_de_la_suivante() -> None:
    seule = classer([CandidatureAClasser("A", 10, date(2020, 1, 1))], graine=GRAINE)
    assert seule.rangs[0].raison() == "Seule candidature à cette annonce."
    plus_ancienne = classer(
        [CandidatureAClasser("A", 10, date(2021, 1, 1)), CandidatureAClasser("B", 10, date(2020, 1, 1))],
        graine=GRAINE,
    )
    assert plus_ancienne.rangs[0].jeton == "B"
    assert plus_ancienne.rangs[0].raison() == (
        "Première place : même score que la candidature suivante, demande plus ancienne."
    )
    ex_aequo = classer(
        [CandidatureAClasser("A", 10, date(2020, 1, 1)), CandidatureAClasser("B", 10, date(2020, 1, 1))],
        graine=GRAINE,
    )
    assert ex_aequo.rangs[0].raison().endswith("placée devant par le tirage au sort publié.")


def test_le_tirage_change_avec_la_graine_pas_le_score_ni_l_anciennete() -> None:
    ordres = {classer(DOREES, graine=g).ordre() for g in (GRAINE, AUTRE_GRAINE, "2" * 64, "3" * 64, "4" * 64)}
    assert len(ordres) > 1
    for ordre in ordres:
        assert ordre[0] == "MZ4QK7TB2XPA"
        assert set(ordre[1:4]) == {"ZC7PW2JA4TGV", "T2LG7YUF4KSD", "QH5BX3ME6NRA"}
        assert ordre[4:] == ("R3VD6HNW5JCE", "W6EN3RKD5LMB")


def test_aucune_candidature_donne_un_classement_vide_verifiable() -> None:
    c = classer([], graine=GRAINE)
    assert c.rangs == () and c.verify() == []
    assert rejouer(donnees_publiees(c, annonce="LV-1")).identique


@pytest.mark.parametrize(
    "candidatures, graine, message",
    [
        (DOREES + [CandidatureAClasser("ZC7PW2JA4TGV", 1, date(2020, 1, 1))], GRAINE, "ZC7PW2JA4TGV figure deux fois"),
        (DOREES, GRAINE.upper(), "64 caractères hexadécimaux"),
        ([CandidatureAClasser("A", float("nan"), date(2020, 1, 1))], GRAINE, "nombre fini attendu"),
        ([CandidatureAClasser("A", Decimal("1e40"), date(2020, 1, 1))], GRAINE, "nombre hors d'échelle"),
        ([CandidatureAClasser("A", "12", date(2020, 1, 1))], GRAINE, "score : nombre attendu"),  # type: ignore[arg-type]
        ([CandidatureAClasser("A", 12, "2020-01-01")], GRAINE, "date attendue"),  # type: ignore[arg-type]
        ([CandidatureAClasser(" A", 12, date(2020, 1, 1))], GRAINE, "Candidature n° 1 : Jeton"),
    ],
)
def test_entrees_refusees_en_francais(candidatures: list[CandidatureAClasser], graine: str, message: str) -> None:
    with pytest.raises(EntreeInvalide, match=message):
        classer(candidatures, graine=graine)


# --- properties -------------------------------------------------------------------------------------

JETONS = st.text(alphabet="ABCDEFGHJKMNPQRSTVWXYZ234567", min_size=1, max_size=12)
#: Few scores and few dates, so that ties on score and on score and seniority are frequent.
SCORES = st.sampled_from(
    [Decimal("0"), Decimal("-0"), Decimal("12.5"), Decimal("300"), Decimal("300.00"), Decimal("-4.25")]
)
DEPOTS = st.sampled_from([date(2019, 1, 1), date(2020, 2, 29), date(2024, 12, 31)])


@st.composite
def annonces(draw: st.DrawFn, minimum: int = 0) -> list[CandidatureAClasser]:
    jetons = draw(st.lists(JETONS, min_size=minimum, max_size=25, unique=True))
    return [CandidatureAClasser(j, draw(SCORES), draw(DEPOTS)) for j in jetons]


GRAINES = st.binary(min_size=32, max_size=32).map(bytes.hex)
PROPRIETES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _cadre(candidatures: list[CandidatureAClasser], type_score: pl.DataType) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "jeton": [c.jeton for c in candidatures],
            "score": [float(c.score) if type_score == pl.Float64 else c.score for c in candidatures],
            "depot": [c.depot for c in candidatures],
        },
        schema={"jeton": pl.String, "score": type_score, "depot": pl.Date},
    )


@PROPRIETES
@given(annonces(), GRAINES, st.randoms(use_true_random=False))
def test_l_ordre_ne_depend_pas_de_l_ordre_de_depot_des_candidatures(
    candidatures: list[CandidatureAClasser], graine: str, alea: Any
) -> None:
    melangees = list(candidatures)
    alea.shuffle(melangees)
    assert classer(melangees, graine=graine) == classer(candidatures, graine=graine)


@PROPRIETES
@given(annonces(), GRAINES, st.sampled_from([pl.Float64(), pl.Decimal(12, 2)]))
def test_le_chemin_colonnes_donne_le_meme_ordre(
    candidatures: list[CandidatureAClasser], graine: str, type_score: pl.DataType
) -> None:
    resultat = classer_colonnes(_cadre(candidatures, type_score), graine=graine)
    assert resultat.get_column("jeton").to_list() == [c.jeton for c in candidatures]  # ordre des lignes gardé
    par_rang = resultat.sort("rang")
    c = classer(candidatures, graine=graine)
    assert tuple(par_rang.get_column("jeton").to_list()) == c.ordre()
    assert par_rang.get_column("rang").to_list() == list(range(1, len(candidatures) + 1))
    assert par_rang.get_column("tirage").to_list() == [r.tirage for r in c.rangs]


@PROPRIETES
@given(annonces(), GRAINES)
def test_verify_est_vide_sur_notre_classement(candidatures: list[CandidatureAClasser], graine: str) -> None:
    c = classer(candidatures, graine=graine)
    assert c.verify() == []
    assert [r.rang for r in c.rangs] == list(range(1, len(candidatures) + 1))
    for a, b in zip(c.rangs, c.rangs[1:], strict=False):
        assert a.score > b.score or (
            a.score == b.score and (a.depot < b.depot or (a.depot == b.depot and a.tirage < b.tirage))
        )


def _falsifications(c: Classement) -> list[Classement]:
    """Ways to tamper with a ranking of at least two applications."""
    rangs = list(c.rangs)
    echange = [dataclasses.replace(rangs[1], rang=1), dataclasses.replace(rangs[0], rang=2), *rangs[2:]]
    autre_tirage = [dataclasses.replace(rangs[0], tirage="0" * 64), *rangs[1:]]
    numerotation = [dataclasses.replace(rangs[0], rang=2), *rangs[1:]]
    departage = [rangs[0], dataclasses.replace(rangs[1], departage=SEUL), *rangs[2:]]
    score = [rangs[0], dataclasses.replace(rangs[1], score=rangs[0].score + 1), *rangs[2:]]
    return [
        dataclasses.replace(c, rangs=tuple(echange)),
        dataclasses.replace(c, rangs=tuple(autre_tirage)),
        dataclasses.replace(c, rangs=tuple(numerotation)),
        dataclasses.replace(c, rangs=tuple(departage)),
        dataclasses.replace(c, rangs=tuple(score)),
        dataclasses.replace(c, rangs=tuple(rangs[:1] + rangs)),
        dataclasses.replace(c, empreinte=empreinte(AUTRE_GRAINE if c.graine != AUTRE_GRAINE else GRAINE)),
        dataclasses.replace(c, graine=AUTRE_GRAINE if c.graine != AUTRE_GRAINE else GRAINE),
    ]


@PROPRIETES
@given(annonces(minimum=2), GRAINES)
def test_verify_signale_un_classement_falsifie(candidatures: list[CandidatureAClasser], graine: str) -> None:
    for falsifie in _falsifications(classer(candidatures, graine=graine)):
        assert falsifie.verify() != []


@PROPRIETES
@given(annonces(), GRAINES)
def test_les_donnees_publiees_se_rejouent_a_l_identique(candidatures: list[CandidatureAClasser], graine: str) -> None:
    c = classer(candidatures, graine=graine)
    donnees = json.loads(json.dumps(donnees_publiees(c, annonce="LV-2026-0042")))
    resultat = rejouer(donnees)
    assert resultat.identique, resultat.ecarts
    assert resultat.classement is not None and resultat.classement.ordre() == c.ordre()
    assert resultat.annonce == "LV-2026-0042"


@PROPRIETES
@given(annonces(minimum=2), GRAINES, st.data())
def test_le_rejeu_detecte_des_donnees_publiees_falsifiees(
    candidatures: list[CandidatureAClasser], graine: str, data: st.DataObject
) -> None:
    publiees = donnees_publiees(classer(candidatures, graine=graine), annonce="LV-1")
    lignes = publiees["candidatures"]
    i = data.draw(st.integers(0, len(lignes) - 2))
    echange = [*lignes[:i], lignes[i + 1], lignes[i], *lignes[i + 2 :]]
    dernier_releve = [*lignes[:-1], {**lignes[-1], "score": f"{Decimal(lignes[0]['score']) + 1:.2f}"}]
    graine_changee = AUTRE_GRAINE if graine != AUTRE_GRAINE else GRAINE
    falsifications = [
        {**publiees, "candidatures": echange},  # deux candidatures interverties
        {**publiees, "candidatures": dernier_releve},  # score du dernier relevé, resté en dernière place
        {**publiees, "graine": graine_changee},  # graine choisie après coup
        {**publiees, "empreinte": empreinte(graine_changee)},
    ]
    for donnees in falsifications:
        assert not rejouer(donnees).identique


# --- replay of malformed data --------------------------------------------------------------------------


def _publiees() -> dict[str, Any]:
    return donnees_publiees(classer(DOREES, graine=GRAINE), annonce="LV-2026-0042")


@pytest.mark.parametrize(
    "changement, message",
    [
        ({"format": "autre"}, f"« format » : « {FORMAT} » attendu"),
        ({"version": 2}, "« version » 2 inconnue"),
        ({"version": True}, "« version » True inconnue"),
        ({"graine": "xyz"}, "64 caractères hexadécimaux"),
        ({"graine": None}, "« graine » : texte attendu"),
        ({"candidatures": {}}, "« candidatures » : liste attendue"),
        ({"candidatures": [{"jeton": "A", "score": "12", "depot": "2020-01-01"}]}, "score « 12 » : nombre à deux"),
        ({"candidatures": [{"jeton": "A", "score": "12.00", "depot": "2020-02-30"}]}, "« 2020-02-30 »"),
        ({"candidatures": [{"jeton": "A", "score": "12.00", "depot": "20200201"}]}, "date AAAA-MM-JJ attendue"),
        ({"candidatures": [{"jeton": 7, "score": "12.00", "depot": "2020-02-01"}]}, "« jeton » : texte attendu"),
        ({"candidatures": [{"jeton": "A", "score": "1" * 40 + ".00", "depot": "2020-02-01"}]}, "hors d'échelle"),
        ({"candidatures": ["A"]}, "candidature n° 1 : objet"),
        (
            {"candidatures": [{"jeton": "A", "score": "1.00", "depot": "2020-02-01"}] * 2},
            "la candidature A figure deux fois",
        ),
    ],
)
def test_des_donnees_illisibles_sont_dites_sans_exception(changement: dict[str, Any], message: str) -> None:
    resultat = rejouer({**_publiees(), **changement})
    assert not resultat.identique
    assert resultat.classement is None
    assert len(resultat.ecarts) == 1 and resultat.ecarts[0].startswith("Données illisibles : ")
    assert message in resultat.ecarts[0]


def test_un_ecart_d_ordre_nomme_les_rangs_et_les_candidatures() -> None:
    donnees = _publiees()
    lignes = donnees["candidatures"]
    donnees["candidatures"] = [lignes[1], lignes[0], *lignes[2:]]
    resultat = rejouer(donnees)
    assert resultat.ecarts == (
        "Rang 1 : la candidature publiée est ZC7PW2JA4TGV, le calcul y place MZ4QK7TB2XPA "
        "(ZC7PW2JA4TGV est 2e au calcul).",
        "Rang 2 : la candidature publiée est MZ4QK7TB2XPA, le calcul y place ZC7PW2JA4TGV "
        "(MZ4QK7TB2XPA est 1re au calcul).",
    )
    assert rejouer([]).ecarts == ("Données illisibles : un objet JSON est attendu.",)  # type: ignore[arg-type]


def test_une_graine_non_conforme_a_l_empreinte_est_un_ecart() -> None:
    resultat = rejouer({**_publiees(), "graine": AUTRE_GRAINE})
    assert resultat.classement is not None
    assert resultat.ecarts[0].startswith("La graine publiée ne correspond pas à l'empreinte publiée à l'ouverture")


def test_donnees_publiees_sans_rien_qui_identifie_un_menage() -> None:
    donnees = _publiees()
    assert set(donnees) == {"format", "version", "annonce", "empreinte", "graine", "candidatures"}
    assert donnees["candidatures"][0] == {"jeton": "MZ4QK7TB2XPA", "score": "412.00", "depot": "2022-05-10"}
    with pytest.raises(EntreeInvalide, match="Référence de l'annonce"):
        donnees_publiees(classer(DOREES, graine=GRAINE), annonce=" ")


# --- column path errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cadre, message",
    [
        (pl.DataFrame({"jeton": ["A"], "score": [1.0]}), "Colonnes manquantes : depot"),
        (
            pl.DataFrame({"jeton": ["A", "B"], "score": [1.0, None], "depot": [date(2020, 1, 1)] * 2}),
            "Ligne 2 : score : valeur manquante",
        ),
        (
            pl.DataFrame({"jeton": ["A", "A"], "score": [1.0, 2.0], "depot": [date(2020, 1, 1)] * 2}),
            "Ligne 2 : la candidature A figure deux fois",
        ),
        (
            pl.DataFrame({"jeton": ["A", "B"], "score": [1.0, float("inf")], "depot": [date(2020, 1, 1)] * 2}),
            "Ligne 2 : score : nombre fini attendu",
        ),
        (pl.DataFrame({"jeton": ["A"], "score": ["1"], "depot": [date(2020, 1, 1)]}), "Colonne « score »"),
        (pl.DataFrame({"jeton": ["A"], "score": [1], "depot": ["2020-01-01"]}), "Colonne « depot »"),
    ],
)
def test_chemin_colonnes_refuse_en_francais(cadre: pl.DataFrame, message: str) -> None:
    with pytest.raises(EntreeInvalide, match=message):
        classer_colonnes(cadre, graine=GRAINE)


def test_chemin_colonnes_sur_beaucoup_de_candidatures_tres_ex_aequo() -> None:
    jour = date(2020, 1, 1)
    candidatures = [
        CandidatureAClasser(f"J{i:05d}", [100, 100.0, 99.999, 250][i % 4], jour + timedelta(days=i % 3))
        for i in range(3_000)
    ]
    graine = nouvelle_graine()
    par_rang = classer_colonnes(_cadre(candidatures, pl.Float64()), graine=graine).sort("rang")
    assert tuple(par_rang.get_column("jeton").to_list()) == classer(candidatures, graine=graine).ordre()
