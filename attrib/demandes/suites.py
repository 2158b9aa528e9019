"""What follows a write on demands, without the demand app knowing who listens.

A write on demands (registration, update, renewal, striking off, a document validated or refused) ends with
:func:`demandes_modifiees`; the apps that derive something from the demands register a listener in their
``AppConfig.ready`` (the cotation scores them again at once: ``attrib.cotation.apps``). This keeps the import
graph one-way: ``cotation`` reads ``demandes``, ``demandes`` never imports ``cotation``.

A change of the demand's DALO decision (its ``dalo_*`` fields, whatever the page, the API or the import that
wrote them) is told at once, in the write's transaction, to the listeners of :func:`ecouter_decision_dalo` (the
DALO follow-up keeps the decision's history and the DALO label: ``attrib.dalo.apps``).

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


class EcouteurDalo(Protocol):
    def __call__(self, *, demande: Demande, auteur: Acteur, sens: str) -> object: ...


_ECOUTEURS: list[Ecouteur] = []
_ECOUTEURS_DALO: list[EcouteurDalo] = []
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


def ecouter_decision_dalo(ecouteur: EcouteurDalo) -> EcouteurDalo:
    """Register ``ecouteur(demande=…, auteur=…, sens=…)``, called when a demand's DALO decision was written."""
    if ecouteur not in _ECOUTEURS_DALO:
        _ECOUTEURS_DALO.append(ecouteur)
    return ecouteur


def decision_dalo_ecrite(*, demande: Demande, auteur: Acteur, sens: str = "") -> None:
    """Tell the listeners that ``demande``'s DALO fields were written (``sens``: the commission's decision when
    the caller knows more than « reconnu or not », e.g. a réorientation towards a hosting place)."""
    for ecouteur in _ECOUTEURS_DALO:
        ecouteur(demande=demande, auteur=auteur, sens=sens)


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


__all__: list[str] = [
    "Ecouteur",
    "EcouteurDalo",
    "decision_dalo_ecrite",
    "demandes_modifiees",
    "ecouter",
    "ecouter_decision_dalo",
    "groupees",
]
