"""Gestion en flux: reservation agreements, the yearly flux and the orientation of every freed dwelling.

Pure (no Django). Statement and proof of the fairness bound: ``docs/flux-orientation.md``.

- agreements: :class:`Convention`, :class:`JeuConventions`, :func:`valider_conventions`, :func:`periode`;
- yearly flux: :func:`assiette`, :func:`prevision`;
- orientation: :func:`ouvrir_periode`, :func:`orienter`, :func:`forcer`, :func:`constater_echec`,
  :func:`orienter_sequence`, :func:`etat_depuis`;
- checks: :func:`verifier_sequence`, :func:`ecarts_maximaux`, :func:`ecart_maximal`;
- parameters: :func:`charger_parametres_flux` (``data/parametres/flux.yaml``).
"""

from attrib.engine.flux.assiette import Assiette, Prevision, PrevisionTypologie, assiette, prevision
from attrib.engine.flux.conventions import (
    RESERVATAIRE_BAILLEUR,
    Arbitrage,
    Categorie,
    Convention,
    ConventionsInvalides,
    Critere,
    ErreurConvention,
    JeuConventions,
    Part,
    Periode,
    periode,
    valider_conventions,
)
from attrib.engine.flux.orientation import (
    COLONNES_SEQUENCE,
    STRATE_UNIQUE,
    Compteurs,
    Echec,
    EtatFlux,
    LogementLibere,
    Orientation,
    constater_echec,
    etat_depuis,
    forcer,
    orienter,
    orienter_sequence,
    ouvrir_periode,
    strate_de,
)
from attrib.engine.flux.parametres import GroupeTypologie, ParametresFlux, charger_parametres_flux
from attrib.engine.flux.verification import (
    NIVEAU_FLUX,
    NIVEAU_STRATE,
    Violation,
    ecart_maximal,
    ecarts_maximaux,
    niveaux_garantis,
    verifier_sequence,
)

__all__ = [
    "COLONNES_SEQUENCE",
    "NIVEAU_FLUX",
    "NIVEAU_STRATE",
    "RESERVATAIRE_BAILLEUR",
    "STRATE_UNIQUE",
    "Arbitrage",
    "Assiette",
    "Categorie",
    "Compteurs",
    "Convention",
    "ConventionsInvalides",
    "Critere",
    "Echec",
    "ErreurConvention",
    "EtatFlux",
    "GroupeTypologie",
    "JeuConventions",
    "LogementLibere",
    "Orientation",
    "ParametresFlux",
    "Part",
    "Periode",
    "Prevision",
    "PrevisionTypologie",
    "Violation",
    "assiette",
    "charger_parametres_flux",
    "constater_echec",
    "ecart_maximal",
    "ecarts_maximaux",
    "etat_depuis",
    "forcer",
    "niveaux_garantis",
    "orienter",
    "orienter_sequence",
    "ouvrir_periode",
    "periode",
    "prevision",
    "strate_de",
    "valider_conventions",
    "verifier_sequence",
]
