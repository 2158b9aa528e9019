"""What follows a write on demands, without the demand app knowing who listens.

A write on demands (registration, update, renewal, striking off, a document validated or refused) ends with
:func:`demandes_modifiees`; the apps that derive something from the demands register a listener in their
``AppConfig.ready`` (the cotation scores them again at once: ``attrib.cotation.apps``). This keeps the import
graph one-way: ``cotation`` reads ``demandes``, ``demandes`` never imports ``cotation``.

Inside :func:`groupees` the demands are collected and the listeners called once, when the block ends normally
(a file import ranks each group once, not once per line). Nested blocks join the outer one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from attrib.demandes.models import Demande
    from attrib.organisations.acteurs import Acteur


class Ecouteur(Protocol):
    def __call__(self, *, demandes: list[int], auteur: Acteur) -> object: ...


_ECOUTEURS: list[Ecouteur] = []
_GROUPEES: ContextVar[set[int] | None] = ContextVar("demandes_modifiees_groupees", default=None)


def ecouter(ecouteur: Ecouteur) -> Ecouteur:
    """Register ``ecouteur(demandes=[ids], auteur=acteur)``, called after every write on demands (once)."""
    if ecouteur not in _ECOUTEURS:
        _ECOUTEURS.append(ecouteur)
    return ecouteur


def demandes_modifiees(demandes: Iterable[Demande | int], *, auteur: Acteur) -> None:
    """Tell the listeners these demands changed (in the caller's transaction), or collect them inside
    :func:`groupees`."""
    ids = [d if isinstance(d, int) else d.pk for d in demandes]
    groupees_ = _GROUPEES.get()
    if groupees_ is not None:
        groupees_.update(ids)
        return
    if ids:
        for ecouteur in _ECOUTEURS:
            ecouteur(demandes=ids, auteur=auteur)


@contextmanager
def groupees(*, auteur: Acteur) -> Iterator[None]:
    """Collect the demands written inside the block; tell the listeners once, at its normal end."""
    if _GROUPEES.get() is not None:
        yield
        return
    jeton = _GROUPEES.set(set())
    try:
        yield
        ids = sorted(_GROUPEES.get() or ())
    finally:
        _GROUPEES.reset(jeton)
    demandes_modifiees(ids, auteur=auteur)


__all__: list[str] = ["Ecouteur", "demandes_modifiees", "ecouter", "groupees"]
