"""Results kept in the process's memory per state of the data they are computed from.

A :class:`MemoireParEtat` keeps a computed value under the caller's key (who asks, which filters, the day) and the
freshness keys of its roots (:func:`attrib.journal.generation.generations`): any committed write under one of the
roots, by any writer, moves the key, and the next read computes again. Each process keeps its own values (a few
per state); the store is emptied whole when full.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.db import connection

from attrib.journal.generation import generations_en_une

T = TypeVar("T")


class MemoireParEtat(Generic[T]):
    def __init__(self, *racines: str, maximum: int = 200) -> None:
        self.racines = racines
        self.maximum = maximum
        self._valeurs: dict[Hashable, T] = {}
        self._verrou = threading.Lock()

    def obtenir(self, cle: Hashable, calcul: Callable[[], T]) -> T:
        """The value kept under ``cle`` for the current state of the roots, else ``calcul()`` (then kept)."""
        complete = (connection.alias, cle, generations_en_une(*self.racines))
        with self._verrou:
            if complete in self._valeurs:
                return self._valeurs[complete]
        valeur = calcul()
        with self._verrou:
            if len(self._valeurs) >= self.maximum:
                self._valeurs.clear()
            self._valeurs[complete] = valeur
        return valeur

    def vider(self) -> None:
        with self._verrou:
            self._valeurs.clear()


__all__ = ["MemoireParEtat"]
