"""Insert rows given by columns: PostgreSQL ``COPY``, SQLite one ``executemany``; no model object is built.

For a bulk load (the demo's hundreds of thousands of demands) whose rows are already checked by the rule set
of their object. Every concrete field the caller does not give is filled as ``bulk_create`` would fill it:
``auto_now``/``auto_now_add`` with the current time, else the field's default, else NULL (a required field
without default is refused by the database). The journal's triggers see these rows like any other insert (the journal
context is sent to PostgreSQL before the ``COPY``, which Django's execute wrapper does not see).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections, models
from django.utils import timezone

from attrib.journal.contexte import contexte_json


class InsertionErreur(ValueError):
    """The columns do not fit the model (unknown column, missing required field, unequal lengths)."""


def valeur_par_defaut(champ: models.Field[Any, Any], maintenant: Any) -> Any:
    """What ``bulk_create`` writes in a field left unset: the current time for ``auto_now``/``auto_now_add``,
    else ``Field.get_default()`` (the default, else NULL or "" as the field allows)."""
    if getattr(champ, "auto_now", False) or getattr(champ, "auto_now_add", False):
        return maintenant
    return champ.get_default()


def _colonne_complete(champ: models.Field[Any, Any], n: int, maintenant: Any) -> list[Any]:
    if callable(champ.default) and champ.has_default():
        return [champ.get_default() for _ in range(n)]
    return [valeur_par_defaut(champ, maintenant)] * n


def _preparer(champ: models.Field[Any, Any], valeurs: Sequence[Any], connexion: Any) -> Sequence[Any]:
    """Values as the driver takes them. PostgreSQL (psycopg) adapts dates, aware datetimes, decimals and
    booleans itself: only JSON needs Django's preparation. SQLite takes Django's preparation of every
    value that is not a plain str, int or bool (dates, datetimes, decimals, JSON), as ``bulk_create`` does."""
    if connexion.vendor == "postgresql":
        if isinstance(champ, models.JSONField):
            return [champ.get_db_prep_save(v, connexion) for v in valeurs]
        return valeurs
    if isinstance(champ, (models.CharField, models.TextField, models.IntegerField, models.BooleanField)):
        return valeurs
    return [champ.get_db_prep_save(v, connexion) for v in valeurs]


def inserer_colonnes(
    modele: type[models.Model], colonnes: Mapping[str, Sequence[Any]], *, using: str = "default"
) -> int:
    """Insert the rows of ``colonnes`` (field ``attname`` → one value per row) into ``modele``'s table;
    the primary key is left to the database unless given. Returns the number of rows."""
    longueurs = {len(v) for v in colonnes.values()}
    if len(longueurs) > 1:
        raise InsertionErreur(f"{modele.__name__} : colonnes de longueurs différentes ({sorted(longueurs)}).")
    n = longueurs.pop() if longueurs else 0
    if not n:
        return 0
    champs = [
        f
        for f in modele._meta.concrete_fields
        if f.attname in colonnes or not (f.primary_key and isinstance(f, models.AutoField))
    ]
    inconnues = set(colonnes) - {f.attname for f in champs}
    if inconnues:
        raise InsertionErreur(f"{modele.__name__} : colonnes inconnues {sorted(inconnues)}.")
    connexion = connections[using]
    maintenant = timezone.now()
    valeurs = [
        _preparer(f, colonnes[f.attname] if f.attname in colonnes else _colonne_complete(f, n, maintenant), connexion)
        for f in champs
    ]
    qn = connexion.ops.quote_name
    table = qn(modele._meta.db_table)
    noms = ", ".join(qn(str(f.column)) for f in champs)
    with connexion.cursor() as curseur:
        if connexion.vendor == "postgresql":
            # COPY does not go through Django's execute wrappers: send the journal's context here.
            curseur.execute("SELECT set_config('attrib.contexte', %s, false)", [contexte_json()])
            with curseur.cursor.copy(f"COPY {table} ({noms}) FROM STDIN") as copie:
                for ligne in zip(*valeurs, strict=True):
                    copie.write_row(ligne)
        else:
            marques = ", ".join(["%s"] * len(champs))
            curseur.executemany(f"INSERT INTO {table} ({noms}) VALUES ({marques})", list(zip(*valeurs, strict=True)))
    return n
