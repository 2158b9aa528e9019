"""The territory's dated defaults of location voulue: a view over the parameter tree
(``attrib.engine.parametres.arbre``, file ``data/parametres/location_voulue.yaml``). The rules of each
bailleur × réservataire pair (share, qualifying dwellings, publication length) are in the database
(``RegleLocationVoulue``); the values below apply when a pair's rule does not say, and to every household."""

from __future__ import annotations

from datetime import date
from typing import Any

from attrib.engine.parametres.arbre import Valeur
from attrib.engine.parametres.arbre import valeur as valeur_arbre

BRANCHE = "location_voulue"


def entree(nom: str, jour: date) -> Valeur:
    """The value of ``nom`` in force on ``jour``, with its period, source and reliability."""
    return valeur_arbre(f"{BRANCHE}.{nom}", jour)


def valeur(nom: str, jour: date) -> Any:
    return entree(nom, jour).valeur


def duree_publication_jours(jour: date) -> int:
    """How long an advert stays open when its pair's rule does not say (days)."""
    return int(valeur("duree_publication_jours", jour))


def candidatures_ouvertes_maximum(jour: date) -> int:
    """Open applications a household may hold at once."""
    return int(valeur("candidatures_ouvertes_maximum", jour))


def candidats_presentes(jour: date) -> int:
    """Applications sent, in rank order, to the committee after the closing."""
    return int(valeur("candidats_presentes", jour))


def suspension_apres_refus(jour: date) -> tuple[int, int, int]:
    """``(seuil, fenetre_mois, duree_mois)`` of the suspension after refusals."""
    v = valeur("suspension_apres_refus", jour)
    return int(v["seuil"]), int(v["fenetre_mois"]), int(v["duree_mois"])


def resultat_tranche_points(jour: date) -> int:
    """Width, in points, of the score band an advert publishes for the household housed."""
    return int(valeur("resultat_tranche_points", jour))
