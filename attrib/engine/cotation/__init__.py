"""Cotation of housing demands (L441-2-8, R441-2-10 CCH): grids, two evaluators, explanation, ranking.

Public API (pure: no Django, no database):

- :func:`charger_grille` (YAML text or file → :class:`Grille`, raises :class:`GrilleInvalide`),
  :func:`valider` (errors raised, warnings returned: legal risks, overlapping bands, legal blocks the
  grid predates), :func:`grille_vers_yaml` (round trip);
- :func:`controler_sur_demandes` (warnings on the territory's demands: values unknown for every demand,
  criteria no demand meets);
- :func:`evaluer` (vectorised, polars) and :func:`evaluer_un` (one demand, reference), one meaning;
- :func:`expliquer` (French sentences; :func:`expliquer_lot` for a batch, from the vectorised
  evaluator's columns), :func:`classer` (rank with the grid's tie-break);
- :func:`preparer` (add the engine's derivations a grid reads) and :data:`COLONNES_COTATION` (what a
  grid may read).
"""

from attrib.engine.cotation.catalogue import COLONNE_CRITERES_VALIDES, COLONNES_COTATION
from attrib.engine.cotation.classement import classer
from attrib.engine.cotation.explication import expliquer
from attrib.engine.cotation.explication_lot import LIBELLE_CONFIDENTIEL, expliquer_lot, masquer
from attrib.engine.cotation.grille import (
    Avertissement,
    CleDepartage,
    Critere,
    DonneesInvalides,
    Grille,
    GrilleInvalide,
    MessageGrille,
    Points,
    Section,
    ValeurNommee,
    charger_grille,
    colonnes_departage,
    colonnes_lues,
    grille_vers_donnees,
    grille_vers_yaml,
    lire_grille,
    valider,
)
from attrib.engine.cotation.lint import controler_sur_demandes
from attrib.engine.cotation.preparation import est_mutation, lignes_refusees, preparer
from attrib.engine.cotation.reference import LigneCritere, ResultatCotation, evaluer_un
from attrib.engine.cotation.vectorise import colonnes_detail, colonnes_explication, evaluer

__all__ = [
    "COLONNES_COTATION",
    "COLONNE_CRITERES_VALIDES",
    "LIBELLE_CONFIDENTIEL",
    "Avertissement",
    "CleDepartage",
    "Critere",
    "DonneesInvalides",
    "Grille",
    "GrilleInvalide",
    "LigneCritere",
    "MessageGrille",
    "Points",
    "ResultatCotation",
    "Section",
    "ValeurNommee",
    "charger_grille",
    "classer",
    "colonnes_departage",
    "colonnes_detail",
    "colonnes_explication",
    "colonnes_lues",
    "controler_sur_demandes",
    "est_mutation",
    "evaluer",
    "evaluer_un",
    "expliquer",
    "expliquer_lot",
    "grille_vers_donnees",
    "grille_vers_yaml",
    "lire_grille",
    "lignes_refusees",
    "masquer",
    "preparer",
    "valider",
]
