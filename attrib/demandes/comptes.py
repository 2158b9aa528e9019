"""Counts of the large lists (demands, scores), read once per state of the data they count.

A list of a region's demands is counted over its whole perimeter (100,000 demands: a read of the table on every
page). :func:`compter` keeps each count in the process's memory under the exact query (its SQL and parameters:
the user's perimeter, the filters, the day) and the freshness keys of what it counts (``attrib.journal.generation``:
any write to a demand, its persons, wished communes, situations, offers or leases moves the key of the demands);
:func:`compter` with ``borne`` stops counting past that many rows: the list then says « plus de 10 000 » and its
pagination gives no last page (decision 0023).

Whatever it counts, a count is also kept under the state of who sees what (:func:`fraicheur_perimetres`): the
perimeter of a user's organisations is a subquery of the counted SQL, not a parameter, so a commune added to or
removed from a perimeter (or a membership changed) would otherwise leave the previous count on screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet

from attrib.journal.generation import RACINE_DEMANDE, RACINE_ORGANISATION, generation, generations_en_une

#: Counts kept (query → count); emptied whole when full.
_COMPTES: dict[tuple[Any, ...], int] = {}
_COMPTES_MAX = 2_000
_VERROU = threading.Lock()


def fraicheur_demandes() -> tuple[Any, ...]:
    """The freshness key of the demand file and of who sees it (:func:`fraicheur_perimetres`), in one query."""
    return generations_en_une(RACINE_DEMANDE, RACINE_ORGANISATION)


def fraicheur_perimetres() -> tuple[Any, ...]:
    """The freshness key of who sees what: the organisations, the communes of their perimeters and their members,
    journalled by the database under one root (``attrib.journal.registre``; one index step)."""
    return (generation(RACINE_ORGANISATION),)


#: Freshness keys that already hold the perimeters' (:func:`compter` adds it to the others).
_AVEC_PERIMETRES = (fraicheur_demandes,)


def compter(
    qs: QuerySet[Any],
    *,
    borne: int | None = None,
    fraicheur: Callable[[], tuple[Any, ...]] = fraicheur_demandes,
) -> int:
    """The number of rows of ``qs``, at most ``borne + 1`` when ``borne`` is given (more than ``borne``: the exact
    number is not counted). Kept until ``fraicheur()`` or the perimeters (:func:`fraicheur_perimetres`) change."""
    a_compter = qs.order_by().values("pk")
    if borne is not None:
        a_compter = a_compter[: borne + 1]
    if a_compter.query.is_empty():
        return 0
    try:
        sql, params = a_compter.query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (``pk__in=[]``, an empty perimeter)
        return 0
    etat = fraicheur() if fraicheur in _AVEC_PERIMETRES else (*fraicheur(), *fraicheur_perimetres())
    cle = (qs.db, sql, tuple(map(repr, params)), etat)
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
