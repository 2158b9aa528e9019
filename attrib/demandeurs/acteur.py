"""The applicant actor (issue 13): which users are applicants, and which demands they hold.

An applicant account (:class:`~attrib.demandeurs.models.CompteDemandeur`) belongs to no organisation; its actor
has the nature ``DEMANDEUR`` and holds the ids of the demands it is linked to (active links only: a withdrawn
consent closes the access at once). ``Demande.objects.visible_to(acteur)`` then returns those demands only,
and every staff page answers 404 (``attrib.demandeurs.middleware``). Decision 0024.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from attrib.demandes.models import Demande
from attrib.demandeurs.models import CompteDemandeur, Liaison, Qualite
from attrib.organisations.acteurs import Acteur, acteur_de


def demandes_du_compte(user: Any) -> tuple[frozenset[int], frozenset[int]] | None:
    """The ids of the demands the applicant account of ``user`` is linked to, and among them those it holds as
    the household itself (its own link, :attr:`Qualite.TITULAIRE`); ``None`` if ``user`` has no applicant
    account (a staff account)."""
    if not CompteDemandeur.objects.filter(utilisateur_id=user.pk).exists():
        return None
    liens = list(
        Liaison.objects.filter(compte__utilisateur_id=user.pk, retiree_le__isnull=True).values_list(
            "demande_id", "qualite"
        )
    )
    return (
        frozenset(d for d, _ in liens),
        frozenset(d for d, qualite in liens if qualite == Qualite.TITULAIRE),
    )


def est_demandeur(acteur: Any) -> bool:
    return acteur_de(acteur).est_demandeur


def demandes_de(acteur: Acteur) -> QuerySet[Demande]:
    """The demands an applicant may read (the interface the other apps of issue 13 use): its linked demands;
    nothing for any other actor (staff read demands through ``Demande.objects.visible_to``)."""
    acteur = acteur_de(acteur)
    if not acteur.est_demandeur:
        return Demande.objects.none()
    return Demande.objects.visible_to(acteur).order_by("-date_depot_initiale", "-id")


def compte_de(acteur: Acteur) -> CompteDemandeur | None:
    acteur = acteur_de(acteur)
    if not acteur.est_demandeur or acteur.utilisateur is None:
        return None
    return CompteDemandeur.objects.filter(utilisateur=acteur.utilisateur).first()
