"""The explanations of a whole batch of demands, from the columns of the vectorised evaluator.

``evaluer(grille, demandes, detail=True, explication=True)`` gives, for each demand, what each criterion
does (applies, points, value, cap, validation, set aside by its exclusive section), the adjustments of the
capped sections and of the total, and both scores: all that :func:`attrib.engine.cotation.expliquer` reads
of a :class:`ResultatCotation`. Each sentence of :func:`expliquer` depends on one criterion, one clamp or
the two scores only: :func:`expliquer_lot` formats each distinct sentence once, with the functions
:func:`expliquer` uses, and assembles the sentences of each demand on the columns (the very sentences of
a per-demand evaluation: property tests compare them with ``expliquer(evaluer_un(…))``), with or without
the sensitive criteria named (:func:`masquer`).

A sentence that cannot be formatted is reported in ``echec`` (the reason, in French) for each demand it
belongs to; the other demands are explained.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl

from attrib.engine.cotation.explication import AUCUN_CRITERE, entete, phrase_ajustement, phrase_critere, phrase_score
from attrib.engine.cotation.grille import Critere, Grille, Section
from attrib.engine.cotation.reference import ResultatCotation
from attrib.engine.cotation.vectorise import (
    APPLIQUE,
    BRUT,
    ECARTE,
    PLAFOND_TOTAL,
    POINTS,
    PREFIXE_PLAFOND,
    VALEUR,
    VALIDE,
    colonne_explication,
    colonnes_explication,
)
from attrib.engine.erreurs import ErreurMoteur

logger = logging.getLogger(__name__)

LIBELLE_CONFIDENTIEL = "Situation confidentielle (connue des seuls services habilités)"
MOTIF_ECHEC = "l'explication du score n'a pas pu être calculée"
EXPLICATION = "explication"
RESTREINTE = "explication_restreinte"
ECHEC = "echec"
_INDEX = "\u00a7i"


def masquer(resultat: ResultatCotation, sensibles: frozenset[str]) -> ResultatCotation:
    """``resultat`` with the criteria ``sensibles`` renamed :data:`LIBELLE_CONFIDENTIEL`."""
    lignes = tuple(
        dataclasses.replace(ligne, critere=dataclasses.replace(ligne.critere, libelle=LIBELLE_CONFIDENTIEL))
        if ligne.critere.id in sensibles
        else ligne
        for ligne in resultat.lignes
    )
    return dataclasses.replace(resultat, lignes=lignes)


def _json(phrase: str) -> str:
    return json.dumps(phrase, ensure_ascii=False)


class _Lot:
    """The sentences of a batch being built: a column of JSON-encoded sentence (or empty) per piece, in the
    order of :func:`expliquer`, for the full and the masked explanations, and the failures."""

    def __init__(self, resultats: pl.DataFrame, masques: frozenset[str]) -> None:
        self.frame = resultats
        self.masques = masques
        self.pieces: list[str] = []
        self.pieces_masquees: list[str] = []
        self.echecs: list[str] = []

    def traduire(
        self, nom: str, cles: list[str], rangees: pl.DataFrame, phrases: Callable[[dict[str, Any]], tuple[str, str]]
    ) -> None:
        """Add the piece ``nom``: ``phrases`` (full, masked) of each distinct value of the columns ``cles``
        among the rows ``rangees``, formatted once and joined to the rows; a failure is reported for the
        rows of that value."""
        distinctes = rangees.select(cles).unique(maintain_order=True)
        textes: list[str | None] = []
        masquees: list[str | None] = []
        echecs: list[str | None] = []
        for valeurs in distinctes.iter_rows(named=True):
            try:
                texte, masquee = phrases(valeurs)
            except Exception as exc:  # one sentence never stops the batch: its demands are reported
                logger.exception("Explication de la cotation impossible (%s)", nom)
                textes.append(None)
                masquees.append(None)
                echecs.append(str(exc) if isinstance(exc, ErreurMoteur) else MOTIF_ECHEC)
                continue
            textes.append(_json(texte))
            masquees.append(_json(masquee))
            echecs.append(None)
        colonnes = [f"{_INDEX}t:{nom}", f"{_INDEX}m:{nom}", f"{_INDEX}e:{nom}"]
        table = distinctes.with_columns(
            pl.Series(colonnes[0], textes, dtype=pl.String),
            pl.Series(colonnes[1], masquees, dtype=pl.String),
            pl.Series(colonnes[2], echecs, dtype=pl.String),
        )
        self.frame = self.frame.join(table, on=cles, how="left", nulls_equal=True, maintain_order="left")
        self.pieces.append(colonnes[0])
        self.pieces_masquees.append(colonnes[1])
        self.echecs.append(colonnes[2])


def expliquer_lot(
    grille: Grille, resultats: pl.DataFrame, *, date_reference: date, masques: frozenset[str] = frozenset()
) -> pl.DataFrame:
    """The explanation of each row of ``resultats`` (``evaluer(grille, …, detail=True, explication=True)``),
    same order: ``explication``, the sentences of :func:`expliquer`, and ``explication_restreinte``, those
    of ``expliquer(masquer(…, masques))`` when a criterion of ``masques`` applies (otherwise an empty
    list: the full sentences reveal nothing), both as JSON text; ``echec``: the reason when a sentence
    of the row could not be formatted (then both are empty).

    Each sentence depends on one criterion, one clamp or the scores only: each distinct one is formatted
    once (a criterion's own columns, a clamp's points, the two scores) and the sentences of a row are
    assembled on the columns."""
    lot = _Lot(resultats, masques)
    criteres: list[str] = []
    revelent: list[pl.Expr] = []
    for section in grille.sections:
        for critere in section.criteres:
            applique = colonne_explication(APPLIQUE, critere.id)
            rangees = resultats.filter(pl.col(applique))
            if not rangees.height:
                continue
            # ``applique`` in the key: a criterion worth 0 points has the columns of one that does not apply.
            cles = [n for n in colonnes_explication(grille) if n.split(":", 1)[1] == critere.id]
            lot.traduire(f"c:{critere.id}", cles, rangees, _phrases_critere(critere, section, masques))
            criteres.append(lot.pieces[-1])
            if critere.id in masques:
                revelent.append(pl.col(applique))
        if section.bornee:
            cle = PREFIXE_PLAFOND + section.id
            lot.traduire(cle, [cle], resultats.filter(pl.col(cle) != 0), _phrases_ajustement(section))
            criteres.append(lot.pieces[-1])
    if grille.bornee:
        lot.traduire(
            PLAFOND_TOTAL,
            [PLAFOND_TOTAL],
            resultats.filter(pl.col(PLAFOND_TOTAL) != 0),
            _phrases_ajustement(None, grille),
        )
        criteres.append(lot.pieces[-1])
    lot.traduire("score", ["score_provisoire", "score_valide"], resultats, _phrases_score)
    entete_json = pl.lit(_json(entete(grille, date_reference)))
    aucun = pl.when(pl.all_horizontal(pl.col(c).is_null() for c in criteres) if criteres else pl.lit(True)).then(
        pl.lit(_json(AUCUN_CRITERE))
    )

    def liste(pieces: list[str]) -> pl.Expr:
        corps = pl.concat_str(
            [entete_json, *map(pl.col, pieces[:-1]), aucun, pl.col(pieces[-1])], separator=", ", ignore_nulls=True
        )
        return pl.lit("[") + corps + pl.lit("]")

    echec = pl.coalesce(map(pl.col, lot.echecs))
    restreinte = pl.when(pl.any_horizontal(revelent)).then(liste(lot.pieces_masquees)) if revelent else pl.lit(None)
    return lot.frame.select(
        pl.when(echec.is_null()).then(liste(lot.pieces)).alias(EXPLICATION),
        pl.when(echec.is_null()).then(restreinte.fill_null(pl.lit("[]"))).alias(RESTREINTE),
        echec.alias(ECHEC),
    )


def _phrases_critere(
    critere: Critere, section: Section, masques: frozenset[str]
) -> Callable[[dict[str, Any]], tuple[str, str]]:
    masque = dataclasses.replace(critere, libelle=LIBELLE_CONFIDENTIEL) if critere.id in masques else critere
    proportionnel = critere.points.proportionnel

    def phrases(v: dict[str, Any]) -> tuple[str, str]:
        points = int(v[colonne_explication(POINTS, critere.id)])
        faits: dict[str, Any] = {
            "valeur": v[colonne_explication(VALEUR, critere.id)] if proportionnel else None,
            "points": points,
            "points_bruts": int(v[colonne_explication(BRUT, critere.id)]) if proportionnel else points,
            "ecarte": bool(v[colonne_explication(ECARTE, critere.id)]) if section.exclusive else False,
            "valide": bool(v[colonne_explication(VALIDE, critere.id)]) if critere.a_valider else True,
        }
        return phrase_critere(critere, section, **faits), phrase_critere(masque, section, **faits)

    return phrases


def _phrases_ajustement(
    section: Section | None, grille: Grille | None = None
) -> Callable[[dict[str, Any]], tuple[str, str]]:
    if section is not None:
        cle, libelle, plancher, plafond = (
            PREFIXE_PLAFOND + section.id,
            section.libelle,
            section.plancher,
            section.plafond,
        )
    else:
        assert grille is not None
        cle, libelle, plancher, plafond = PLAFOND_TOTAL, None, grille.plancher_total, grille.plafond_total

    def phrases(v: dict[str, Any]) -> tuple[str, str]:
        texte = phrase_ajustement(libelle=libelle, provisoire=int(v[cle]), plancher=plancher, plafond=plafond)
        return texte, texte

    return phrases


def _phrases_score(v: dict[str, Any]) -> tuple[str, str]:
    texte = phrase_score(int(v["score_provisoire"]), int(v["score_valide"]))
    return texte, texte
