"""Who may do what with the notices: the desk prints the letters of the demands it registered; the household
reads its own inbox."""

from __future__ import annotations

from attrib.organisations.acteurs import Acteur

REFUS_IMPRIMER = "Seuls les agents du guichet qui a enregistré la demande impriment ses courriers."
REFUS_LIRE = "Seul le demandeur lit les avis de sa demande."
REFUS_TRAITER = "Les avis sont écrits et envoyés par Attrib lui-même (commande traiter_avis, worker)."


def guichets_imprimeurs(acteur: Acteur) -> list[int] | None:
    """The desks whose letters ``acteur`` prints (``None``: every desk, for the system and superusers)."""
    if acteur.voit_tout:
        return None
    if not acteur.est_agent:
        return []
    return acteur.organisation_ids(ecriture=True, guichet=True)


def peut_imprimer(acteur: Acteur, guichet_id: int | None) -> bool:
    ids = guichets_imprimeurs(acteur)
    return ids is None or (guichet_id is not None and guichet_id in ids)


def peut_lire(acteur: Acteur, demande_id: int) -> bool:
    return acteur.voit_tout or (acteur.est_demandeur and demande_id in acteur.demande_ids)
