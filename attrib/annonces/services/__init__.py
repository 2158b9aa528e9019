"""Writes of location voulue (issue 14), by topic:

- :mod:`~attrib.annonces.services.regles`: the dated rules of each bailleur × réservataire pair;
- :mod:`~attrib.annonces.services.annonces`: an advert made from a freed dwelling, prepared (texts, photos),
  published, withdrawn;
- :mod:`~attrib.annonces.services.candidatures`: a household's application and its withdrawal;
- :mod:`~attrib.annonces.services.cloture`: the closing and its ranking (one advert, or every advert due), the
  presentation to the committee, the outcome published at the lease;
- :mod:`~attrib.annonces.services._commun`: private helpers the topic modules share.

Every write is atomic, takes its actor (``auteur: Acteur``) and checks it with the predicates of
``attrib.annonces.permissions`` (a refusal raises ``Refus``, writes nothing); a wrong value raises ``ValidationError``
whose keys name the field (``__all__`` for what belongs to no field), in French. The models are followed by the
change journal; what a household must know is written on its demand with ``visible_demandeur=True``.

This package re-exports the public API: callers import from ``attrib.annonces.services``.
"""

from attrib.annonces.services.annonces import (
    CHAMPS_MODIFIABLES,
    FORMATS_PHOTO,
    annonce_creer,
    annonce_modifier,
    annonce_publier,
    annonce_retirer,
    photo_ajouter,
    photo_retirer,
    photo_taille_max_octets,
    photos_max,
)
from attrib.annonces.services.candidatures import candidature_deposer, candidature_retirer
from attrib.annonces.services.cloture import (
    RapportCloture,
    annonce_clore,
    annonce_presenter,
    annonce_resultat_publier,
    annonces_clore_echues,
    recepteur_bail_signe,
)
from attrib.annonces.services.regles import FINANCEMENTS, regle_enregistrer

__all__ = [
    "CHAMPS_MODIFIABLES",
    "FINANCEMENTS",
    "FORMATS_PHOTO",
    "RapportCloture",
    "annonce_clore",
    "annonce_creer",
    "annonce_modifier",
    "annonce_presenter",
    "annonce_publier",
    "annonce_resultat_publier",
    "annonce_retirer",
    "annonces_clore_echues",
    "candidature_deposer",
    "candidature_retirer",
    "photo_ajouter",
    "photo_retirer",
    "photo_taille_max_octets",
    "photos_max",
    "recepteur_bail_signe",
    "regle_enregistrer",
]
