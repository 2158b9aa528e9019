"""Location voulue: the committed draw, the ranking of an advert's applications at closing and its replay, the
local rules (provisional position, limit of open applications, suspension after refusals) and the households to
alert for new adverts. Pure: no Django, no database (``docs/location-voulue-moteur.md``).

- :mod:`~attrib.engine.annonces.tirage`: seed, published hash, draw value of an application, tokens;
- :mod:`~attrib.engine.annonces.classement`: :func:`classer` (records) and :func:`classer_colonnes` (polars),
  :class:`Classement` with ``verify()``, :func:`donnees_publiees` and :func:`rejouer`;
- :mod:`~attrib.engine.annonces.regles`: :func:`position_provisoire`, :func:`candidatures_restantes`,
  :func:`suspension`;
- :mod:`~attrib.engine.annonces.alertes`: :func:`menages_a_alerter` (index) and :func:`a_alerter` (one household);
- :mod:`~attrib.engine.annonces.cli`: ``python -m attrib.engine annonce-rejouer FICHIER.json``.
"""

from attrib.engine.annonces.alertes import (
    PUBLICS,
    AnnonceAAlerter,
    MenageAAlerter,
    a_alerter,
    menages_a_alerter,
)
from attrib.engine.annonces.classement import (
    DEPARTAGES,
    FORMAT,
    VERSION_FORMAT,
    CandidatureAClasser,
    Classement,
    Rang,
    Resultat,
    classer,
    classer_colonnes,
    donnees_publiees,
    rejouer,
    score_au_centieme,
)
from attrib.engine.annonces.regles import (
    PositionProvisoire,
    Suspension,
    candidatures_restantes,
    motif_refus_limite,
    position_provisoire,
    suspension,
    texte_candidatures_restantes,
)
from attrib.engine.annonces.tirage import (
    empreinte,
    graine_conforme,
    nouveau_jeton,
    nouvelle_graine,
    valeur_tirage,
)

__all__ = [
    "DEPARTAGES",
    "FORMAT",
    "PUBLICS",
    "VERSION_FORMAT",
    "AnnonceAAlerter",
    "CandidatureAClasser",
    "Classement",
    "MenageAAlerter",
    "PositionProvisoire",
    "Rang",
    "Resultat",
    "Suspension",
    "a_alerter",
    "candidatures_restantes",
    "classer",
    "classer_colonnes",
    "donnees_publiees",
    "empreinte",
    "graine_conforme",
    "menages_a_alerter",
    "motif_refus_limite",
    "nouveau_jeton",
    "nouvelle_graine",
    "position_provisoire",
    "rejouer",
    "score_au_centieme",
    "suspension",
    "texte_candidatures_restantes",
    "valeur_tirage",
]
