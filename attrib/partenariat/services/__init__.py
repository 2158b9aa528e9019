"""Writes of the partner committee (decision 0035): typed, keyword-only, atomic, each checking its actor's right."""

from attrib.partenariat.services.commissions import commission_creer, membre_ajouter
from attrib.partenariat.services.dossiers import (
    avis_donner,
    decision_en_clair,
    decision_prendre,
    dossier_clore,
    dossier_saisir,
    evaluation_joindre,
    recepteur_bail_signe,
)
from attrib.partenariat.services.seances import (
    dossier_inscrire,
    presences_enregistrer,
    seance_clore,
    seance_creer,
    seance_ouvrir,
)

__all__ = [
    "avis_donner",
    "commission_creer",
    "decision_en_clair",
    "decision_prendre",
    "dossier_clore",
    "dossier_inscrire",
    "dossier_saisir",
    "evaluation_joindre",
    "membre_ajouter",
    "presences_enregistrer",
    "recepteur_bail_signe",
    "seance_clore",
    "seance_creer",
    "seance_ouvrir",
]
