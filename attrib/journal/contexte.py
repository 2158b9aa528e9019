"""Who changes the data: the context the journal's triggers read.

A context is ``{"auteur": id, "auteur_libelle": "Prénom Nom", "organisation": id, "origine": "…"}``, held
in a ``ContextVar`` (per request, per thread, per task) and set by

* ``JournalMiddleware`` for every web request (the logged-in user, the organisation of their first
  membership, ``écran POST /demandes/12/modifier/``),
* ``ApiView.initial`` for the API (token authentication happens in the view),
* ``contexte_journal(...)`` for commands, imports and the demo; without any context the origin is the
  running command (``commande charger_demo``) or ``application``.

It reaches the database as follows. SQLite: a function ``attrib_contexte()`` registered on every connection
(``connection_created``), non-deterministic, that returns the current context as JSON. PostgreSQL: an
execute wrapper that, before each ``INSERT``/``UPDATE``/``DELETE``, sends
``set_config('attrib.contexte', …, false)``; the trigger reads ``current_setting('attrib.contexte', true)``.
Sending it before every write (rather than once) keeps it right across savepoint rollbacks, which undo
``set_config``; only writes to a tracked table pay that extra statement.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, wraps
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from attrib.organisations.acteurs import Acteur

_CONTEXTE: ContextVar[dict[str, Any] | None] = ContextVar("attrib_journal_contexte", default=None)
_ECRITURES = ("INSERT", "UPDATE", "DELETE")


def _origine_processus() -> str:
    argv = sys.argv
    if argv and argv[0].endswith("manage.py") and len(argv) > 1:
        return f"commande {argv[1]}"
    return "application"


def contexte_pour(acteur: Acteur, *, origine: str) -> dict[str, Any]:
    """The context of an actor: a person's id, name and first organisation; for the system, its reason
    becomes the origin (``commande recoter``, ``démonstration``…), the given ``origine`` being only a fallback."""
    if acteur.est_systeme and acteur.motif:
        origine = acteur.motif
    contexte: dict[str, Any] = {"origine": origine[:300]}
    user = acteur.utilisateur
    if user is not None:
        contexte["auteur"] = user.pk
        contexte["auteur_libelle"] = acteur.libelle[:300]
        if acteur.appartenances:
            contexte["organisation"] = acteur.appartenances[0].organisation_id
    return contexte


@contextmanager
def contexte_journal(
    *, origine: str, auteur: Acteur | None = None, organisation: Any = None
) -> Iterator[dict[str, Any]]:
    """Attribute every change made inside the block to ``auteur`` (an actor; ``None``: nobody named) and
    ``origine`` (``import CSV demandes.csv``, ``commande charger_demo``…)."""
    from attrib.organisations.acteurs import ANONYME

    contexte = contexte_pour(auteur or ANONYME, origine=origine)
    if organisation is not None:
        contexte["organisation"] = getattr(organisation, "pk", organisation)
    jeton = _CONTEXTE.set(contexte)
    try:
        yield contexte
    finally:
        _CONTEXTE.reset(jeton)


def definir(contexte: dict[str, Any]) -> None:
    """Replace the current context (for a view that authenticates its user itself, as the API does)."""
    _CONTEXTE.set(contexte)


def courant() -> dict[str, Any]:
    return _CONTEXTE.get() or {"origine": _origine_processus()}


def contexte_json() -> str:
    return json.dumps(courant(), ensure_ascii=False)


_TABLE_ECRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)


@cache
def _tables_suivies() -> frozenset[str]:
    from attrib.journal import registre

    return frozenset(registre.modele(s)._meta.db_table for s in registre.SUIVIS)


def _ecrit_une_table_suivie(sql: str) -> bool:
    """A write whose table is tracked; a write Django did not generate (table not found) counts as one."""
    if sql.lstrip()[:6].upper() not in _ECRITURES:
        return False
    trouvee = _TABLE_ECRITE.match(sql)
    return trouvee is None or trouvee.group(1) in _tables_suivies()


def _envoyer_contexte_postgresql(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    if _ecrit_une_table_suivie(sql):
        context["cursor"].cursor.execute("SELECT set_config('attrib.contexte', %s, false)", [contexte_json()])
    return execute(sql, params, many, context)


def connexion_creee(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give the journal's triggers access to the context on every new database connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("attrib_contexte", 0, contexte_json, deterministic=False)
    elif connection.vendor == "postgresql" and _envoyer_contexte_postgresql not in connection.execute_wrappers:
        connection.execute_wrappers.append(_envoyer_contexte_postgresql)


def journal_origine(origine: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator of a service run outside a request (import, demo, command): its changes are journalled with
    ``origine`` and its ``auteur`` keyword argument (an actor), or, when a person acts inside a request
    whose context already names them, with that context and ``origine`` added."""

    def decorateur(fonction: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fonction)
        def enveloppe(*args: Any, **kwargs: Any) -> Any:
            auteur = kwargs.get("auteur")
            precedent = _CONTEXTE.get() or {}
            if getattr(auteur, "utilisateur", None) is None and precedent.get("auteur"):
                contexte = {**precedent, "origine": f"{origine} ({precedent.get('origine', '')})"[:300]}
                jeton = _CONTEXTE.set(contexte)
                try:
                    return fonction(*args, **kwargs)
                finally:
                    _CONTEXTE.reset(jeton)
            organisation = kwargs.get("guichet") or kwargs.get("organisation")
            with contexte_journal(origine=origine, auteur=auteur, organisation=organisation):
                return fonction(*args, **kwargs)

        return enveloppe

    return decorateur
