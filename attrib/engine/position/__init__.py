"""Position of a demand among similar demands, waiting range of similar demands satisfied, and what would change
the position (L441-2-6 CCH; issue 13 point 4). Pure: no Django, no database.

- :func:`charger_regles_information`: the local rule in force (``data/parametres/information_demandeur.yaml``):
  what "similar" means, the window, the minimum counts, the band of places;
- :class:`IndexPositions` (columns: the territory sorted once by group and packed key, binary searches) and
  :func:`situation_un` (plain records, the reference), tested to agree;
- :func:`simuler`: the legitimate actions and their effect on score, band and range.
"""

from attrib.engine.position.colonnes import IndexPositions, cle_tri, fourchettes
from attrib.engine.position.regles import DIMENSIONS, ReglesInformation, charger_regles_information
from attrib.engine.position.simulation import COMMUNE, COMMUNES, PIECE, TYPOLOGIE, Simulation, simuler
from attrib.engine.position.unitaire import (
    Attribution,
    Bande,
    CleTri,
    DemandeSimilaire,
    Fourchette,
    Situation,
    bande,
    debut_fenetre,
    fourchette_un,
    mois_entre,
    quartiles,
    rang_exact,
    situation_un,
)

__all__ = [
    "COMMUNE",
    "COMMUNES",
    "DIMENSIONS",
    "PIECE",
    "TYPOLOGIE",
    "Attribution",
    "Bande",
    "CleTri",
    "DemandeSimilaire",
    "Fourchette",
    "IndexPositions",
    "ReglesInformation",
    "Simulation",
    "Situation",
    "bande",
    "charger_regles_information",
    "cle_tri",
    "debut_fenetre",
    "fourchette_un",
    "fourchettes",
    "mois_entre",
    "quartiles",
    "rang_exact",
    "simuler",
    "situation_un",
]
