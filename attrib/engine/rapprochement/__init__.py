"""Rapprochement offre-demande: eligibility of a household for a dwelling, shortlist of a freed dwelling,
attribution objectives and value of a candidature (pure, no Django; ``docs/appariement.md``).

- :mod:`~attrib.engine.rapprochement.eligibilite`: :func:`eligibilite` (one household, reference) and
  :func:`eligibilite_vectorielle` (numpy, many households), every failing rule named in French;
- :mod:`~attrib.engine.rapprochement.preselection`: :class:`IndexDemandes` (built once, queried per dwelling);
- :mod:`~attrib.engine.rapprochement.objectifs`: CIA objectives and the rating rule as share constraints;
- :mod:`~attrib.engine.rapprochement.valeur`: value of a candidature for the batch proposals;
- :mod:`~attrib.engine.rapprochement.parametres`: dated rules (``adequation_typologie.yaml``,
  ``taux_effort.yaml``, ``objectifs_attribution.yaml``).

Batch proposals live in :mod:`attrib.engine.appariement`.
"""

from attrib.engine.rapprochement.eligibilite import (
    REGLES,
    Demandeur,
    Eligibilite,
    EligibiliteVectorielle,
    Logement,
    ResultatRegle,
    Statut,
    TableDemandeurs,
    contexte_logement,
    eligibilite,
    eligibilite_vectorielle,
)
from attrib.engine.rapprochement.objectifs import (
    NON_Q1_EN_QPV,
    PRIORITAIRES,
    Q1_HORS_QPV,
    RESIDENCES_FRAGILES,
    Cible,
    Compte,
    EffetObjectif,
    Objectif,
    Portee,
    Sens,
    effets,
    objectifs_cia,
)
from attrib.engine.rapprochement.parametres import (
    ParametresRapprochement,
    Regles,
    charger_parametres_rapprochement,
    charger_regles,
)
from attrib.engine.rapprochement.preselection import (
    COLONNES_DEMANDES,
    CandidatPreselection,
    IndexDemandes,
    Preselection,
)
from attrib.engine.rapprochement.valeur import detail_valeur, valeur_candidature, valeurs_candidature

__all__ = [
    "COLONNES_DEMANDES",
    "NON_Q1_EN_QPV",
    "PRIORITAIRES",
    "Q1_HORS_QPV",
    "REGLES",
    "RESIDENCES_FRAGILES",
    "CandidatPreselection",
    "Cible",
    "Compte",
    "Demandeur",
    "EffetObjectif",
    "Eligibilite",
    "EligibiliteVectorielle",
    "IndexDemandes",
    "Logement",
    "Objectif",
    "ParametresRapprochement",
    "Portee",
    "Preselection",
    "Regles",
    "ResultatRegle",
    "Sens",
    "Statut",
    "TableDemandeurs",
    "charger_parametres_rapprochement",
    "charger_regles",
    "contexte_logement",
    "detail_valeur",
    "effets",
    "eligibilite",
    "eligibilite_vectorielle",
    "objectifs_cia",
    "valeur_candidature",
    "valeurs_candidature",
]
