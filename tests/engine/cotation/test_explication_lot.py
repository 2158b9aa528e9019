"""The explanations of a batch, from the vectorised evaluator's columns, are the very sentences of a
per-demand evaluation (``expliquer(evaluer_un(…))``), sensitive criteria masked or not."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from attrib.engine.cotation import (
    LIBELLE_CONFIDENTIEL,
    Grille,
    evaluer,
    evaluer_un,
    expliquer,
    expliquer_lot,
    masquer,
)
from tests.engine.cotation.fabriques import (
    JOUR,
    critere,
    dalo_en_attente,
    demande,
    fausse_declaration,
    grille,
    plafonds_exclusivite_et_malus,
    sans_critere,
    section,
    si,
)
from tests.engine.cotation.test_proprietes import REGLAGES, SCHEMA, cas


def _par_lot(g: Grille, cadre: pl.DataFrame, jour: date, masques: frozenset[str]) -> list[tuple[Any, Any, Any]]:
    resultats = evaluer(g, cadre, date_reference=jour, detail=True, explication=True)
    lot = expliquer_lot(g, resultats, date_reference=jour, masques=masques)
    assert lot.height == cadre.height
    return [
        (json.loads(e) if e is not None else None, json.loads(r) if r is not None else None, echec)
        for e, r, echec in lot.iter_rows()
    ]


def _un_par_un(g: Grille, demande: dict[str, Any], jour: date, masques: frozenset[str]) -> tuple[Any, Any, Any]:
    r = evaluer_un(g, demande, date_reference=jour)
    touche = any(ligne.applique and ligne.critere.id in masques for ligne in r.lignes)
    return expliquer(r), expliquer(masquer(r, masques)) if touche else [], None


@REGLAGES
@given(cas(), st.data())
def test_le_lot_donne_les_phrases_de_l_evaluation_d_une_demande(
    donnees: tuple[Grille, list[dict[str, Any]]], data: st.DataObject
) -> None:
    g, lignes = donnees
    identifiants = sorted(c.id for _, c in g.criteres())
    masques = (
        frozenset(data.draw(st.lists(st.sampled_from(identifiants), unique=True))) if identifiants else frozenset()
    )
    # Repeated demands share their sentences: the batch formats each distinct combination once.
    cadre = pl.DataFrame(lignes + lignes[:3], schema=SCHEMA)

    obtenues = _par_lot(g, cadre, g.date_effet, masques)

    attendues = [_un_par_un(g, d, g.date_effet, masques) for d in cadre.to_dicts()]
    assert obtenues == attendues


def test_phrases_du_socle_par_lot(socle: Grille) -> None:
    demandes = [
        dalo_en_attente(socle),
        plafonds_exclusivite_et_malus(socle),
        fausse_declaration(socle),
        sans_critere(socle),
    ]
    cadre = pl.DataFrame(demandes, infer_schema_length=None)

    obtenues = _par_lot(socle, cadre, JOUR, frozenset({"dalo"}))

    assert obtenues == [_un_par_un(socle, d, JOUR, frozenset({"dalo"})) for d in demandes]
    dalo, exclusif, fraude, rien = obtenues
    assert dalo[0][1] == (
        "Ménage reconnu prioritaire et urgent par la commission de médiation du droit au logement opposable "
        "(DALO) : +1\u00a0000 points "
        "(provisoire : en attente de validation par un justificatif)"
    )
    assert dalo[1][1] == (
        f"{LIBELLE_CONFIDENTIEL} : +1\u00a0000 points (provisoire : en attente de validation par un justificatif)"
    )
    assert "Ancienneté de la demande : 70 mois × 10 points, plafonné à 600 : +600 points" in exclusif[0]
    assert (
        "Personne hébergée ou logée temporairement dans un établissement ou un logement de transition : +400 points, "
        "non retenu : dans la section « Publics prioritaires de l'article L441-1 CCH », seul le critère le plus "
        "favorable compte"
    ) in exclusif[0]
    assert "Section « Situation personnelle et familiale » plafonnée à 250 points : −130 points" in exclusif[0]
    assert exclusif[1] == []  # the masked criterion does not apply: nothing to hide
    assert "Score total ramené au plancher de 0 points : +280 points" in fraude[0]
    assert rien[0][1:] == ["Aucun critère de la grille ne s'applique à cette demande.", "Score : 0 points."]


def test_un_critere_a_zero_point_n_est_dit_que_pour_les_demandes_qu_il_concerne() -> None:
    # A criterion worth 0 points has the same points column where it applies and where it does not.
    g = grille(section("s", critere("neutre", 0, si("prioritaire"), libelle="Critère sans effet")), legal=False)
    demandes = [demande(prioritaire=True), demande(prioritaire=False), demande(prioritaire=True)]
    cadre = pl.DataFrame(demandes, infer_schema_length=None)

    obtenues = _par_lot(g, cadre, JOUR, frozenset({"neutre"}))

    assert obtenues == [_un_par_un(g, d, JOUR, frozenset({"neutre"})) for d in demandes]
    concerne, rien, aussi = (phrases for phrases, _, _ in obtenues)
    assert concerne[1:] == aussi[1:] == ["Critère sans effet : 0 point", "Score : 0 points."]
    assert rien[1:] == ["Aucun critère de la grille ne s'applique à cette demande.", "Score : 0 points."]
    assert [restreinte for _, restreinte, _ in obtenues][1] == []
