"""Reads of the objectives dashboard: the attributions (signed leases) of a period and a scope, each with why it
counts, and the indicators computed over them. One module per topic:

* ``perimetre``: the period and the scope asked for (``Periode``, ``Perimetre``);
* ``attributions``: the leases of the period and scope, one line each with its Q1 status, priority, réservataire
  and residence rating (``lignes_attributions``, ``notes_des_residences``); the choices of the filters;
* ``objectifs``: the objectives of the law, one ``Indicateur`` each (``indicateurs``);
* ``essentiels``: the essential-workers indicator against each CIA's target (``travailleurs_essentiels``);
* ``chiffres``: waiting times, refusals of offers, months (``Repartition``, ``refus``, ``Mois``);
* ``tableau_de_bord``: the whole dashboard (``tableau``, ``Tableau``) and one indicator's drill-down;
* ``location_voulue``: location voulue beside the classic route (``location_voulue``, ``LocationVoulue``);
* ``_commun``: the default Q1 thresholds and the count of one objective over lines, which they share.

Callers import from this package (``attrib.pilotage.selectors``).
"""

from attrib.pilotage.selectors.attributions import (
    LigneAttribution,
    SourceSeuils,
    baux,
    baux_visibles,
    choix_perimetre,
    libelle_perimetre,
    lignes_attributions,
    notes_des_residences,
)
from attrib.pilotage.selectors.chiffres import JOURS_PAR_MOIS, MOIS, Mois, Refus, Repartition, offres, refus
from attrib.pilotage.selectors.essentiels import (
    CIBLE_CIA_ABSENTE,
    DEFINITION_TRAVAILLEURS_ESSENTIELS,
    LIBELLE_TRAVAILLEURS_ESSENTIELS,
    TRAVAILLEURS_ESSENTIELS,
    travailleurs_essentiels,
)
from attrib.pilotage.selectors.location_voulue import EffetObjectif, LocationVoulue, location_voulue
from attrib.pilotage.selectors.objectifs import Indicateur, compte_objectif, indicateurs
from attrib.pilotage.selectors.perimetre import Perimetre, Periode
from attrib.pilotage.selectors.tableau_de_bord import Tableau, choix_perimetre_garde, detail_indicateur, tableau

__all__ = [
    "choix_perimetre_garde",
    "CIBLE_CIA_ABSENTE",
    "EffetObjectif",
    "LocationVoulue",
    "DEFINITION_TRAVAILLEURS_ESSENTIELS",
    "JOURS_PAR_MOIS",
    "LIBELLE_TRAVAILLEURS_ESSENTIELS",
    "MOIS",
    "TRAVAILLEURS_ESSENTIELS",
    "Indicateur",
    "LigneAttribution",
    "Mois",
    "Perimetre",
    "Periode",
    "Refus",
    "Repartition",
    "SourceSeuils",
    "Tableau",
    "baux",
    "baux_visibles",
    "choix_perimetre",
    "compte_objectif",
    "detail_indicateur",
    "indicateurs",
    "libelle_perimetre",
    "lignes_attributions",
    "location_voulue",
    "notes_des_residences",
    "offres",
    "refus",
    "tableau",
    "travailleurs_essentiels",
]
