"""Screens of the shared demand file: list, detail, registration wizard, renewal, radiation,
modification, supporting documents, duplicates, attestation, import and export.

Views only translate HTTP into calls: reads go through ``selectors``, writes through the services.
Anything outside the user's perimeter, and any action the user may not take, answers 404.
"""

from attrib.demandes.views.consultation import (
    attestation,
    detail,
    export_csv,
    export_effectifs_csv,
    export_effectifs_xlsx,
    export_xlsx,
    liste,
)
from attrib.demandes.views.doublons import doublon_decider, doublons
from attrib.demandes.views.enregistrement import nouvelle, nouvelle_etape
from attrib.demandes.views.gestion import decision_dalo, importer, modifier, modifier_menage, radier, renouveler
from attrib.demandes.views.justificatifs import piece_deposer, piece_fichier, piece_refuser, piece_valider

__all__ = [
    "attestation",
    "decision_dalo",
    "detail",
    "doublon_decider",
    "doublons",
    "export_csv",
    "export_effectifs_csv",
    "export_effectifs_xlsx",
    "export_xlsx",
    "importer",
    "liste",
    "modifier",
    "modifier_menage",
    "nouvelle",
    "nouvelle_etape",
    "piece_deposer",
    "piece_fichier",
    "piece_refuser",
    "piece_valider",
    "radier",
    "renouveler",
]
