"""Reads of the API, on top of the selectors of the screens (``attrib.demandes.selectors``).

The API adds only what a partner system needs beyond the screens: lookup by numéro unique and
synchronisation by modification date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from attrib.common.models import Evenement
from attrib.demandes import selectors
from attrib.demandes.models import CommuneSouhaitee, Demande, Personne, PieceJustificative, SituationPrioritaire


def demande_liste(
    *,
    user: Any,
    recherche: str = "",
    modifie_depuis: datetime | None = None,
    par_ligne: bool = False,
    **filtres: Any,
) -> QuerySet[Demande]:
    """The demands of the user's perimeter matching the search and the filters of the screens
    (``selectors.FILTRES``).

    With ``modifie_depuis`` the result is ordered by modification date (oldest first), so that a
    partner system can synchronise page by page; otherwise as the screens order it. ``par_ligne``: read by
    pages (``DemandeQuerySet.visible_to``).
    """
    qs = selectors.demandes_liste(user=user, recherche=recherche, filtres=filtres, par_ligne=par_ligne)
    if modifie_depuis is not None:
        qs = qs.filter(modifie_le__gte=modifie_depuis).order_by("modifie_le", "id")
    return qs.prefetch_related("communes_souhaitees")


def demande_detail(*, user: Any, numero_unique: str) -> Demande | None:
    """One demand of the user's perimeter with everything the detail shows, or ``None``."""
    pk = Demande.objects.visible_to(user).filter(numero_unique=numero_unique).values_list("pk", flat=True).first()
    if pk is None:
        return None
    try:
        return selectors.demande_detail(user=user, pk=pk)
    except Http404:
        return None


def demande_relire(*, demande: Demande) -> Demande:
    """The demand just written, reloaded with what the detail shows, for the response.

    Not filtered by perimeter: an update may take the demand out of its author's perimeter (it
    no longer wishes any commune of it), and the author still gets the result of the write.
    """
    return (
        Demande.objects.select_related("guichet")
        .prefetch_related(
            Prefetch("personnes", queryset=Personne.objects.order_by("id")),
            Prefetch("communes_souhaitees", queryset=CommuneSouhaitee.objects.select_related("commune")),
            "motifs_secondaires",
            Prefetch("situations_prioritaires", queryset=SituationPrioritaire.objects.select_related("priorite")),
            Prefetch("pieces", queryset=PieceJustificative.objects.all()),
        )
        .get(pk=demande.pk)
    )


def demande_evenements(*, demande: Demande, user: Any) -> QuerySet[Evenement]:
    """The audit trail of a demand, newest first, without the events revealing a sensitive
    situation to a user who may not see them (same rule as the screens)."""
    return selectors.historique(demande, user=user)
