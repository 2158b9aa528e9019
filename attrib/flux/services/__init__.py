"""Writes of the gestion en flux, by topic:

- :mod:`~attrib.flux.services.conventions`: agreements (form) and the bailleur's setting (arbitrage);
- :mod:`~attrib.flux.services.orientation`: freed dwellings and their orientation by the engine, overrides,
  proposals of candidates, lapsed deadlines, the lease that attributes an orientation;
- :mod:`~attrib.flux.services.echanges`: import and export of the agreements (CSV, Excel);
- :mod:`~attrib.flux.services._commun`: private helpers the topic modules share.

Every write is atomic and inscribed in the audit trail (``Evenement``). Every write takes its actor
(``auteur: Acteur``: the user of a request, or ``acteur_systeme(…)`` for a command or the demonstration) and
checks it with the ``peut_*`` predicates of ``attrib.flux.permissions``: a refused action raises ``Refus``
(a ``PermissionDenied``) and writes nothing; a wrong value raises ``ValidationError`` whose keys name the
field, in French.

This package re-exports the public API: callers import from ``attrib.flux.services``; the topic modules import
each other directly, never through this package.
"""

from attrib.flux.services.conventions import (
    CATEGORIE_ORGANISATION,
    convention_enregistrer,
    format_decimal,
    reglage_flux_enregistrer,
)
from attrib.flux.services.echanges import (
    COLONNES_CONVENTIONS,
    OBLIGATOIRES,
    LigneImport,
    RapportImportConventions,
    conventions_exporter_csv,
    conventions_exporter_excel,
    conventions_importer,
)
from attrib.flux.services.orientation import (
    HORIZON_DECLARATION_JOURS,
    MOTIF_MAX,
    logement_declarer_libere,
    orientation_attribuer,
    orientation_candidats_proposer,
    orientation_constater_echeance,
    orientation_du_logement_a_attribuer,
    orientation_forcer,
    orientations_constater_echeances,
)

__all__ = [
    "CATEGORIE_ORGANISATION",
    "COLONNES_CONVENTIONS",
    "HORIZON_DECLARATION_JOURS",
    "MOTIF_MAX",
    "OBLIGATOIRES",
    "LigneImport",
    "RapportImportConventions",
    "convention_enregistrer",
    "conventions_exporter_csv",
    "conventions_exporter_excel",
    "conventions_importer",
    "format_decimal",
    "logement_declarer_libere",
    "orientation_attribuer",
    "orientation_candidats_proposer",
    "orientation_constater_echeance",
    "orientation_du_logement_a_attribuer",
    "orientation_forcer",
    "orientations_constater_echeances",
    "reglage_flux_enregistrer",
]
