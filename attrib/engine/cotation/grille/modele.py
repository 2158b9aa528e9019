"""The grid's model: criteria, sections, named values, tie-break keys and the :class:`Grille` itself.

Also the columns a grid reads (:func:`colonnes_lues`, :func:`colonnes_departage`) and the French labels
of the validation a criterion needs (:data:`LIBELLES_VALIDATION`).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal

from attrib.engine.cotation import catalogue
from attrib.engine.cotation.conditions import Condition, Operande, colonnes_condition, colonnes_operande

Nature = Literal["critere", "bonus", "malus"]
Validation = Literal["aucune", "justificatif", "travailleur_social"]
Public = Literal["toutes", "premieres_demandes", "mutations"]
ScoreClassement = Literal["provisoire", "valide"]
Ordre = Literal["croissant", "decroissant"]

LIBELLES_VALIDATION: Mapping[str, str] = {
    "aucune": "aucune",
    "justificatif": "un justificatif",
    "travailleur_social": "un travailleur social",
}


@dataclass(frozen=True)
class Points:
    """Points of a criterion whose condition holds.

    Fixed: ``fixe``. Proportional (``par_unite`` and ``valeur`` set): ``fixe + par_unite × valeur``,
    truncated toward zero to a whole number of points; an empty ``valeur`` makes the criterion not
    apply. ``plafond`` caps the criterion's points in absolute value (a malus of −100 per refusal
    with ``plafond: 300`` stops at −300).
    """

    fixe: int = 0
    par_unite: int | float | None = None
    valeur: Operande | None = None
    plafond: int | None = None
    unite: str = ""

    @property
    def proportionnel(self) -> bool:
        return self.par_unite is not None and self.valeur is not None


@dataclass(frozen=True)
class Critere:
    id: str
    libelle: str
    base_legale: str
    points: Points
    condition: Condition | None = None
    nature: Nature = "critere"
    source: str = ""
    description: str = ""
    priorites_legales: tuple[str, ...] = ()
    validation: Validation = "aucune"
    date_debut: date | None = None
    date_fin: date | None = None

    @property
    def a_valider(self) -> bool:
        return self.validation != "aucune"

    def en_vigueur(self, jour: date) -> bool:
        return (self.date_debut is None or self.date_debut <= jour) and (self.date_fin is None or jour <= self.date_fin)


@dataclass(frozen=True)
class Section:
    """Criteria that add up (``exclusive``: only the most favourable one that applies counts, Paris rule),
    their total clamped to ``[plancher, plafond]``."""

    id: str
    libelle: str
    criteres: tuple[Critere, ...]
    exclusive: bool = False
    plafond: int | None = None
    plancher: int | None = None
    description: str = ""

    @property
    def bornee(self) -> bool:
        return self.plafond is not None or self.plancher is not None


@dataclass(frozen=True)
class ValeurNommee:
    """A value computed once per demand and read by name (``champ: id``) by the criteria."""

    id: str
    libelle: str
    calcul: Operande
    unite: str = ""
    source: str = ""
    description: str = ""


@dataclass(frozen=True)
class CleDepartage:
    champ: str
    ordre: Ordre = "croissant"


DEPARTAGE_PAR_DEFAUT: tuple[CleDepartage, ...] = (CleDepartage("date_depot_initiale"),)


@dataclass(frozen=True)
class Grille:
    identifiant: str
    libelle: str
    date_effet: date
    sections: tuple[Section, ...]
    version: str = ""
    public: Public = "toutes"
    territoire: str = ""
    source: str = ""
    description: str = ""
    date_fin: date | None = None
    valeurs: tuple[ValeurNommee, ...] = ()
    plafond_total: int | None = None
    plancher_total: int | None = None
    score_classement: ScoreClassement = "provisoire"
    departage: tuple[CleDepartage, ...] = DEPARTAGE_PAR_DEFAUT
    #: Name used in messages (file name) and line of each path of the document it was read from.
    origine: str = field(default="", compare=False)
    lignes: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}), compare=False, hash=False)

    def criteres(self) -> Iterator[tuple[Section, Critere]]:
        for section in self.sections:
            for critere in section.criteres:
                yield section, critere

    @property
    def a_validation(self) -> bool:
        """Whether some criterion needs a validation (then ``score_valide`` can differ)."""
        return any(c.a_valider for _, c in self.criteres())

    @property
    def bornee(self) -> bool:
        return self.plafond_total is not None or self.plancher_total is not None

    def en_vigueur(self, jour: date) -> bool:
        return self.date_effet <= jour and (self.date_fin is None or jour <= self.date_fin)

    @property
    def nom(self) -> str:
        return self.origine or f"grille {self.identifiant}"


#: ``id(grille)`` → (the grid, its columns read): ``colonnes_lues`` is asked once per demand by the row
#: evaluator, and walking the grid's conditions each time was a quarter of a re-scoring. Keyed by identity
#: (a grid is immutable) and checked through a weak reference, dropped with the grid.
_COLONNES_LUES: dict[int, tuple[weakref.ref[Grille], frozenset[str]]] = {}


def colonnes_lues(grille: Grille) -> frozenset[str]:
    """Columns of the demands the grid reads (named values excluded; ``criteres_valides`` included
    when a criterion needs validation). Tie-break columns are not included (see :func:`colonnes_departage`)."""
    cle = id(grille)
    connue = _COLONNES_LUES.get(cle)
    if connue is not None and connue[0]() is grille:
        return connue[1]
    resultat = _colonnes_lues(grille)
    _COLONNES_LUES[cle] = (weakref.ref(grille, lambda _ref: _COLONNES_LUES.pop(cle, None)), resultat)
    return resultat


def _colonnes_lues(grille: Grille) -> frozenset[str]:
    noms: set[str] = set()
    for valeur in grille.valeurs:
        noms.update(colonnes_operande(valeur.calcul))
    for _, critere in grille.criteres():
        if critere.condition is not None:
            noms.update(colonnes_condition(critere.condition))
        if critere.points.valeur is not None:
            noms.update(colonnes_operande(critere.points.valeur))
    noms -= {v.id for v in grille.valeurs}
    if grille.a_validation:
        noms.add(catalogue.COLONNE_CRITERES_VALIDES)
    return frozenset(noms)


def colonnes_departage(grille: Grille) -> tuple[str, ...]:
    return tuple(cle.champ for cle in grille.departage)
