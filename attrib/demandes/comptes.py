"""Counts of the large lists (demands, scores), read once per state of the data they count.

A list of a region's demands is counted over its whole perimeter (100,000 demands: a read of the table on every
page). :func:`compter` keeps each count in the process's memory under the exact query (its SQL and parameters:
the user's perimeter, the filters, the day) and the freshness keys of what it counts (``attrib.journal.generation``:
any write to a demand, its persons, wished communes, situations, offers or leases moves the key of the demands);
:func:`compter` with ``borne`` stops counting past that many rows: the list then says « plus de 10 000 » and its
pagination gives no last page (decision 0023).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet

from attrib.journal.generation import RACINE_DEMANDE, generation

#: Counts kept (query → count); emptied whole when full.
_COMPTES: dict[tuple[Any, ...], int] = {}
_COMPTES_MAX = 2_000
_VERROU = threading.Lock()


def fraicheur_demandes() -> tuple[Any, ...]:
    """The freshness key of the demand file (one index step)."""
    return (generation(RACINE_DEMANDE),)


def compter(
    qs: QuerySet[Any],
    *,
    borne: int | None = None,
    fraicheur: Callable[[], tuple[Any, ...]] = fraicheur_demandes,
) -> int:
    """The number of rows of ``qs``, at most ``borne + 1`` when ``borne`` is given (more than ``borne``: the exact
    number is not counted). Kept until ``fraicheur()`` changes."""
    a_compter = qs.order_by().values("pk")
    if borne is not None:
        a_compter = a_compter[: borne + 1]
    if a_compter.query.is_empty():
        return 0
    try:
        sql, params = a_compter.query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (``pk__in=[]``, an empty perimeter)
        return 0
    cle = (qs.db, sql, tuple(map(repr, params)), fraicheur())
    with _VERROU:
        connu = _COMPTES.get(cle)
    if connu is not None:
        return connu
    nombre = a_compter.count()
    with _VERROU:
        if len(_COMPTES) >= _COMPTES_MAX:
            _COMPTES.clear()
        _COMPTES[cle] = nombre
    return nombre


def vider() -> None:
    with _VERROU:
        _COMPTES.clear()


class PaginateurCompte(Paginator):
    """A paginator whose count is :func:`compter`'s: kept per state of the data and, with ``borne``, not counted
    past ``borne`` rows (``compte_borne`` then true: « plus de … », pages up to the bound, no last page)."""

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        borne: int | None = None,
        fraicheur: Callable[[], tuple[Any, ...]] = fraicheur_demandes,
    ) -> None:
        super().__init__(object_list, per_page)
        self.requete = object_list
        self.borne = borne
        self.fraicheur = fraicheur

    @cached_property
    def count(self) -> int:
        nombre = compter(self.requete, borne=self.borne, fraicheur=self.fraicheur)
        return nombre if self.borne is None else min(nombre, self.borne)

    @cached_property
    def compte_borne(self) -> bool:
        return self.borne is not None and compter(self.requete, borne=self.borne, fraicheur=self.fraicheur) > self.borne

    @property
    def libelle_compte(self) -> str:
        """« 1 234 » or « plus de 10 000 » (French spacing)."""
        texte = f"{self.count:,}".replace(",", "\u202f")
        return f"plus de {texte}" if self.compte_borne else texte
