"""« Ce qui changerait ma position » : only what the household may legitimately do, each with its effect.

Three kinds of action (:func:`simuler`), nothing else (a household cannot be told to declare a situation it is
not in):

* provide the document that validates a criterion that already applies but is still provisional
  (``justifiables``: the criteria the territory validates on a document or a social worker's attestation);
* widen the wished typologies down to the smallest typology adapted to the household's size
  (``data/parametres/adequation_typologie.yaml``): the demand then joins the similar demands of that typology;
* wish one more commune of the territory.

Each variant of the demand's row is derived with the others on columns, scored by the grid's per-demand evaluator and placed in the
index (:meth:`~attrib.engine.position.colonnes.IndexPositions.situation_pour`): its effect on the score, on the
band of places and on the waiting range is what may be shown of the whole groups concerned, never a finer figure.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from attrib.engine.cotation import Grille, colonnes_lues, evaluer_un, preparer
from attrib.engine.cotation.explication_demandeur import ACTION_CONFIDENTIELLE
from attrib.engine.cotation.grille import Critere
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.position.colonnes import IndexPositions
from attrib.engine.position.unitaire import Situation
from attrib.engine.rapprochement.parametres import charger_regles

PIECE, TYPOLOGIE, COMMUNE, COMMUNES = "piece", "typologie", "commune", "communes"
CRITERES_VALIDES = "criteres_valides"
COMMUNES_SOUHAITEES = "communes_souhaitees"


@dataclass(frozen=True, slots=True)
class Simulation:
    """One action and its effect. ``nature``: :data:`PIECE`, :data:`TYPOLOGIE`, :data:`COMMUNE` or
    :data:`COMMUNES` (adding any commune of the territory changes nothing: the grid does not read the wished
    communes and the similar demands do not depend on them)."""

    nature: str
    libelle: str
    score_avant: int
    score_apres: int
    score_valide_avant: int
    score_valide_apres: int
    avant: Situation
    apres: Situation
    critere: str | None = None
    typologie: int | None = None
    commune: Hashable | None = None

    @property
    def ecart_score(self) -> int:
        return self.score_apres - self.score_avant

    @property
    def sans_effet(self) -> bool:
        return (
            self.score_apres == self.score_avant
            and self.score_valide_apres == self.score_valide_avant
            and self.avant == self.apres
        )


@dataclass(frozen=True, slots=True)
class _Variante:
    nature: str
    libelle: str
    colonne: str
    valeur: object
    critere: str | None = None
    typologie: int | None = None
    commune: Hashable | None = None


def _typo(t: int) -> str:
    return "T6 et plus" if t >= 6 else f"T{t}"


def _libelle_piece(critere: Critere, justifiable: str, masques: frozenset[str]) -> str:
    if critere.id in masques:
        # Neither the criterion nor who validates it (a social worker's attestation hints at the situation).
        return ACTION_CONFIDENTIELLE
    return f"Fournir {justifiable} pour faire valider le critère « {critere.libelle} »"


def _variantes_pieces(
    grille: Grille, valides: list[str], justifiables: Mapping[str, str], masques: frozenset[str]
) -> list[_Variante]:
    """A variant per criterion a document could validate and not validated yet (kept when validating it changes
    a score: the criterion applies and is provisional)."""
    return [
        _Variante(
            PIECE,
            _libelle_piece(critere, justifiables[critere.id], masques),
            CRITERES_VALIDES,
            [*valides, critere.id],
            critere=critere.id,
        )
        for _, critere in grille.criteres()
        if critere.a_valider and critere.id in justifiables and critere.id not in valides
    ]


def simuler(
    index: IndexPositions,
    grille: Grille,
    ligne: pl.DataFrame,
    *,
    demande_id: int,
    communes: Sequence[Hashable],
    libelles_communes: Mapping[Hashable, str],
    justifiables: Mapping[str, str],
    date_reference: date,
    annee_plafonds: int | None = None,
    masques: frozenset[str] = frozenset(),
) -> list[Simulation]:
    """The legitimate actions of the demand ``demande_id`` (its raw row ``ligne``: the grid's input columns with
    ``criteres_valides``, ``typologie_min``, ``nb_personnes``, ``communes_souhaitees``) and their effects.
    ``communes``: the territory's communes (``libelles_communes``: their names); ``justifiables``: criterion id →
    what to provide, in French; ``masques``: criteria the reader may not see by name (their document is offered as
    « Faire confirmer votre situation particulière (confidentielle) »). Empty when the demand is not in the
    index."""
    if ligne.height != 1:
        raise EntreeInvalide("Une simulation porte sur une seule demande.")
    rangee = index.ligne(demande_id)
    if rangee is None:
        return []
    groupe = index.groupe_de(rangee)
    valides = list(ligne[CRITERES_VALIDES].to_list()[0] or [])
    variantes = _variantes_pieces(grille, valides, justifiables, masques)

    typologie = int(ligne["typologie_min"][0])
    adaptees = charger_regles(date_reference).adequation.typologies.pour(int(ligne["nb_personnes"][0]))
    for t in range(typologie - 1, max(1, adaptees.minimum) - 1, -1):
        variantes.append(
            _Variante(
                TYPOLOGIE,
                f"Accepter aussi un {_typo(t)} (votre demande commence au {_typo(typologie)})",
                "typologie_min",
                t,
                typologie=t,
            )
        )
    souhaitees = list(ligne[COMMUNES_SOUHAITEES].to_list()[0] or [])
    autres = [c for c in communes if c not in souhaitees]
    communes_lues = COMMUNES_SOUHAITEES in colonnes_lues(grille)
    if communes_lues:
        for c in autres:
            variantes.append(
                _Variante(
                    COMMUNE,
                    f"Ajouter la commune de {libelles_communes.get(c, c)} à vos communes souhaitées",
                    COMMUNES_SOUHAITEES,
                    [*souhaitees, c],
                    commune=c,
                )
            )

    # The demand's row first, then every variant: derived once on columns (seniority, délai anormalement long…),
    # then each row scored by the per-demand evaluator (a handful of rows: no grid to compile).
    lignes = pl.concat(
        [
            ligne,
            *(ligne.with_columns(pl.Series(v.colonne, [v.valeur], dtype=ligne.schema[v.colonne])) for v in variantes),
        ],
        how="vertical",
    )
    preparees = preparer(lignes, grille, date_reference=date_reference, annee_plafonds=annee_plafonds)
    lues = colonnes_lues(grille)
    cotees = [
        evaluer_un(grille, {k: v for k, v in r.items() if k in lues}, date_reference=date_reference)
        for r in preparees.iter_rows(named=True)
    ]
    score, valide = cotees[0].score, cotees[0].score_valide
    avant = index.situation_pour(rangee, groupe, score)
    resultats: list[Simulation] = []
    if variantes:
        dims = index.regles.dimensions
        for v, cotee in zip(variantes, cotees[1:], strict=True):
            s, sv = cotee.score, cotee.score_valide
            if v.critere is not None and (int(s), int(sv)) == (score, valide):
                continue  # the criterion does not apply: a document would change nothing
            cible = groupe
            if v.typologie is not None and "typologie" in dims:
                i = 1 + dims.index("typologie")
                cible = (*groupe[:i], v.typologie, *groupe[i + 1 :])
            resultats.append(
                Simulation(
                    nature=v.nature,
                    libelle=v.libelle,
                    score_avant=score,
                    score_apres=int(s),
                    score_valide_avant=valide,
                    score_valide_apres=int(sv),
                    avant=avant,
                    apres=index.situation_pour(rangee, cible, int(s)),
                    critere=v.critere,
                    typologie=v.typologie,
                    commune=v.commune,
                )
            )
    if autres and not communes_lues:
        resultats.append(
            Simulation(
                nature=COMMUNES,
                libelle="Ajouter des communes du territoire à vos communes souhaitées",
                score_avant=score,
                score_apres=score,
                score_valide_avant=valide,
                score_valide_apres=valide,
                avant=avant,
                apres=avant,
            )
        )
    return resultats
