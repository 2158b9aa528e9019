"""The cotation grid document: model, YAML loader (keeping line numbers), validator and writer.

A grid (``docs/cotation.md``) is a YAML document: identification and effective dates, named computed
values, sections of criteria (each with id, French label, legal basis, condition, points, validation
need), caps per section and in total, and the ranking rule (score used, tie-break order).

* :func:`charger_grille` reads a document (text or file), checks it against the published JSON schema
  (:mod:`attrib.engine.cotation.schema`), builds a :class:`Grille` and runs :func:`valider`. Every
  problem is reported as a :class:`MessageGrille` located by file, line and path
  (``socle.yaml, ligne 12 (sections[0].criteres[3].points) : …``); errors are raised together in
  :class:`GrilleInvalide`.
* :func:`valider` checks a :class:`Grille` (also one built in code): unique identifiers, signs of
  bonus and malus, caps, dates, types of the columns read, codes of the closed lists, and the legal
  block (a DALO criterion and an L441-1 criterion are mandatory, L441-2-8 / R441-2-10 CCH). It returns
  the warnings: L441-1 priorities left uncovered, residence-only criteria, protected grounds of
  Code pénal 225-1, columns unknown to the engine.
* :func:`grille_vers_yaml` writes a grid back; ``charger_grille(grille_vers_yaml(g)) == g``.

Topic modules: :mod:`.modele` (dataclasses, columns read), :mod:`.messages` (located messages, errors),
:mod:`.lecture_yaml` (YAML with the line of every path), :mod:`.controle_schema` (JSON schema in French),
:mod:`.lecture` (document → model), :mod:`.ecriture` (model → document), :mod:`.validation` (checks) and
:mod:`.legalite` (legal block, legal risks).
"""

from attrib.engine.cotation.grille.ecriture import grille_vers_donnees, grille_vers_yaml
from attrib.engine.cotation.grille.lecture import charger_grille, lire_grille
from attrib.engine.cotation.grille.messages import Avertissement, DonneesInvalides, GrilleInvalide, MessageGrille
from attrib.engine.cotation.grille.modele import (
    LIBELLES_VALIDATION,
    CleDepartage,
    Critere,
    Grille,
    Points,
    Section,
    ValeurNommee,
    colonnes_departage,
    colonnes_lues,
)
from attrib.engine.cotation.grille.validation import valider

__all__ = [
    "LIBELLES_VALIDATION",
    "Avertissement",
    "CleDepartage",
    "Critere",
    "DonneesInvalides",
    "Grille",
    "GrilleInvalide",
    "MessageGrille",
    "Points",
    "Section",
    "ValeurNommee",
    "charger_grille",
    "colonnes_departage",
    "colonnes_lues",
    "grille_vers_donnees",
    "grille_vers_yaml",
    "lire_grille",
    "valider",
]
