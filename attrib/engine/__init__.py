"""Attrib's pure core: the rules as code. Imports no Django (``tests/test_architecture.py``).

Derivations of a household (category, consumption units, ceilings, eligibility, seniority, délai
anormalement long): per household in :mod:`attrib.engine.menage`, vectorised in
:mod:`attrib.engine.derivations`, dated parameters in :mod:`attrib.engine.parametres`.
"""

from attrib.engine.derivations import colonnes_sortie, deriver
from attrib.engine.erreurs import (
    EntreeInvalide,
    ErreurMoteur,
    ParametreNonRenseigne,
    ParametresInvalides,
    PlafondNonRenseigne,
)
from attrib.engine.menage import COLONNES_ENTREE, DerivationsMenage, Menage, derivations_menage, explication
from attrib.engine.parametres import FINANCEMENTS, ZONES, Parametres, charger_parametres

__all__ = [
    "COLONNES_ENTREE",
    "FINANCEMENTS",
    "ZONES",
    "DerivationsMenage",
    "EntreeInvalide",
    "ErreurMoteur",
    "Menage",
    "ParametreNonRenseigne",
    "Parametres",
    "ParametresInvalides",
    "PlafondNonRenseigne",
    "charger_parametres",
    "colonnes_sortie",
    "derivations_menage",
    "deriver",
    "explication",
]
