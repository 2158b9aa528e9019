"""Progress written where a polling page sees it while the work runs (``docs/decisions/0009-taches-longues.md``).

A long job writes its progress on rows (``Travail``, and a domain's own report such as ``TacheCotation``)
that the screens poll. The work itself often ends in one transaction (a publication writes every cotation
or none); a progress row updated inside that transaction would stay invisible until its end. So:

* outside any transaction of the work, a progress write is an ordinary autocommitted ``UPDATE``;
* inside one, on PostgreSQL, it goes through a connection of its own (autocommit), opened for that write;
* inside one, on SQLite (one writer at a time: the work holds the write lock), it is kept and written as
  soon as the transaction is over (:meth:`Suivi.vider`); the polling page shows the step announced when
  the transaction began.

The atomic blocks a test case opens around each test are not the work's transaction (Django marks them
``_from_testcase``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

#: A progress callback: ``(etape, libelle, faites, total)``.
Progression = Callable[[int, str, int, int], None]


def dans_une_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the work runs inside a transaction it opened (not counting a test case's own)."""
    return any(not getattr(bloc, "_from_testcase", False) for bloc in connections[using].atomic_blocks)


def _ecrire_connexion_separee(modele: type[models.Model], pk: Any, valeurs: dict[str, Any], using: str) -> bool:
    connection = connections[using]
    qn = connection.ops.quote_name
    champs: list[models.Field[Any, Any]] = []
    for nom in valeurs:
        champ = modele._meta.get_field(nom)
        assert isinstance(champ, models.Field)
        champs.append(champ)
    affectations = ", ".join(f"{qn(str(champ.column))} = %s" for champ in champs)
    parametres = [champ.get_db_prep_save(valeurs[champ.name], connection=connection) for champ in champs]
    cle = modele._meta.pk
    assert cle is not None
    sql = f"UPDATE {qn(modele._meta.db_table)} SET {affectations} WHERE {qn(str(cle.column))} = %s"
    brute = connection.get_new_connection(connection.get_connection_params())
    try:
        brute.autocommit = True
        with brute.cursor() as curseur:
            curseur.execute(sql, [*parametres, pk])
            return bool(curseur.rowcount)
    finally:
        brute.close()


def ecrire(modele: type[models.Model], pk: Any, using: str = DEFAULT_DB_ALIAS, **valeurs: Any) -> bool:
    """Write ``valeurs`` on the row ``pk`` of ``modele`` so that other connections see them now.
    Returns ``False`` when that is impossible at this moment (SQLite inside the work's transaction; a row
    another connection cannot see yet): the caller writes them again later (:class:`Suivi`)."""
    if not dans_une_transaction(using):
        return bool(modele._default_manager.using(using).filter(pk=pk).update(**valeurs))
    if connections[using].vendor == "postgresql":
        return _ecrire_connexion_separee(modele, pk, valeurs, using)
    return False


class Suivi:
    """A progress callback ``(etape, libelle, faites, total)`` writing to one row, at most every
    ``intervalle`` seconds (a new step is always written at once)."""

    def __init__(
        self,
        modele: type[models.Model],
        pk: Any,
        *,
        intervalle: float = 0.25,
        champs: tuple[str, str, str, str] = ("etape", "libelle_etape", "faites", "total"),
    ) -> None:
        self.modele = modele
        self.pk = pk
        self.intervalle = intervalle
        self.champs = champs
        self.dernier: dict[str, Any] | None = None
        self.en_attente = False
        self._ecrit_a = 0.0

    def __call__(self, etape: int, libelle: str, faites: int, total: int) -> None:
        nouvelle_etape = self.dernier is None or self.dernier[self.champs[0]] != etape
        self.dernier = dict(zip(self.champs, (etape, libelle[:200], faites, total), strict=True))
        maintenant = time.monotonic()
        if nouvelle_etape or faites >= total or maintenant - self._ecrit_a >= self.intervalle:
            self._ecrit_a = maintenant
            self.en_attente = not ecrire(self.modele, self.pk, **self.dernier)
        else:
            self.en_attente = True

    def vider(self) -> None:
        """Write the last progress not written yet (call it once the work's transaction is over)."""
        if self.en_attente and self.dernier is not None:
            self.en_attente = not ecrire(self.modele, self.pk, **self.dernier)
