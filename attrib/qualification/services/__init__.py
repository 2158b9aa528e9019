"""Writes of the rating campaigns, one module per topic:

* ``campagnes``: open a campaign; close it (the engine classifies every residence);
* ``notations``: rate one residence or a page of residences;
* ``classeurs``: the Excel round-trip of a rater's notes (export, import with its report);
* ``harmonisation``: the note agreed for a divergent residence after the close;
* ``mixite``: flag a residence « à enjeux prioritaires de mixité sociale » (loi 3DS);
* ``_commun``: the scale, the campaign under lock, the checks and the write of a note they share.

Every write is atomic, inscribed in the audit trail (``Evenement``) and takes its ``auteur`` (an ``Acteur``; the
system for a command or the demonstration data): an actor without the right gets ``Refus`` (a
``PermissionDenied``) and nothing is written; a wrong value raises ``ValidationError`` whose keys name the field
(``note``, ``motif``, …), in French. Callers import from this package (``attrib.qualification.services``).
"""

from attrib.qualification.services._commun import COMMENTAIRE_MAX, ECHELLE
from attrib.qualification.services.campagnes import PAQUET, ResumeCloture, campagne_cloturer, campagne_ouvrir
from attrib.qualification.services.classeurs import (
    COLONNE_COMMENTAIRE,
    COLONNE_IDENTIFIANT,
    COLONNE_NOTE,
    COLONNES_EXPORT,
    FEUILLE_NOTATION,
    TYPE_XLSX,
    LigneRapport,
    RapportImportNotations,
    notations_exporter_excel,
    notations_importer_excel,
)
from attrib.qualification.services.harmonisation import note_harmonisee_enregistrer
from attrib.qualification.services.mixite import enjeu_mixite_marquer
from attrib.qualification.services.notations import notation_enregistrer, notations_enregistrer

__all__ = [
    "COLONNES_EXPORT",
    "COLONNE_COMMENTAIRE",
    "COLONNE_IDENTIFIANT",
    "COLONNE_NOTE",
    "COMMENTAIRE_MAX",
    "ECHELLE",
    "FEUILLE_NOTATION",
    "PAQUET",
    "TYPE_XLSX",
    "LigneRapport",
    "RapportImportNotations",
    "ResumeCloture",
    "campagne_cloturer",
    "campagne_ouvrir",
    "enjeu_mixite_marquer",
    "notation_enregistrer",
    "notations_enregistrer",
    "notations_exporter_excel",
    "notations_importer_excel",
    "note_harmonisee_enregistrer",
]
