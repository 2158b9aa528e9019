"""The one YAML loader for text that comes from a user (grid documents, conditions typed in the editor).

A YAML text is a program for the loader: 386 bytes of nested aliases (a "billion laughs") expanded to
gigabytes, and 40 KB of ``[[[[…`` overflowed Python's stack. This loader reads the event stream first, before
any node is composed or any object constructed, and refuses:

* a text longer than :data:`OCTETS_MAX` bytes (UTF-8);
* any anchor (``&nom``) or alias (``*nom``) — the shipped grids use none, and without aliases what is built
  is never larger than what was read (decision 0016);
* a nesting deeper than :data:`PROFONDEUR_MAX` (checked on the event that opens the level too many);
* more than :data:`NOEUDS_MAX` nodes (the loader stops at the first node over the bound).

Only then is the document composed and constructed, which is linear in its size and shallow. Every refusal is
a :class:`YamlRefuse` whose message is French and names the line. Syntax errors are reported the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

from attrib.engine.erreurs import ErreurMoteur

#: Technical bounds (not legal values). A shipped grid is ~21 KB, ~1,150 nodes, 13 levels deep.
OCTETS_MAX = 500_000
PROFONDEUR_MAX = 40
NOEUDS_MAX = 50_000

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlRefuse(ErreurMoteur, ValueError):
    """A YAML text refused: unreadable, or beyond a bound. ``ligne`` (1-based) when known; ``raison`` in French."""

    def __init__(self, raison: str, ligne: int | None = None) -> None:
        self.raison = raison
        self.ligne = ligne
        super().__init__(f"ligne {ligne} : {raison}" if ligne is not None else raison)


class _Chargeur(_BASE):  # type: ignore[misc, valid-type]
    """Safe YAML loader; an impossible date (2026-13-01) stays text, for a schema to report it with its line."""


def _date_ou_texte(chargeur: Any, noeud: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(chargeur, noeud)
    except ValueError:
        return str(noeud.value)


_Chargeur.add_constructor("tag:yaml.org,2002:timestamp", _date_ou_texte)


_TRADUCTIONS_YAML = (
    ("mapping values are not allowed", "« : » inattendu (un texte contenant « : » doit être entre guillemets)"),
    ("could not find expected ':'", "« : » attendu après une clé"),
    ("found character '\\t' that cannot start any token", "tabulation interdite : indentez avec des espaces"),
    ("expected <block end>, but found", "indentation incohérente"),
    ("found undefined alias", "alias non défini"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet ou crochet non fermé ?)"),
    ("maximum nesting level", f"imbrication trop profonde ({PROFONDEUR_MAX} niveaux au plus)"),
)


def _traduire(raison: str) -> str:
    for anglais, francais in _TRADUCTIONS_YAML:
        if anglais in raison:
            return francais
    return raison


def _ligne(evenement: Any) -> int | None:
    marque = getattr(evenement, "start_mark", None)
    return None if marque is None else int(marque.line) + 1


@contextmanager
def _en_francais(chargeur: Any) -> Iterator[None]:
    """Run a step of ``chargeur``: its syntax errors become a :class:`YamlRefuse` (French, with the line), and
    the loader is released whatever happens."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        marque = exc.problem_mark or exc.context_mark
        raise YamlRefuse(
            f"YAML illisible : {_traduire(exc.problem or 'syntaxe incorrecte')}",
            None if marque is None else marque.line + 1,
        ) from None
    except yaml.YAMLError as exc:
        raise YamlRefuse(f"YAML illisible : {_traduire(str(exc))}") from None
    finally:
        chargeur.dispose()


def _verifier_evenements(texte: str, *, profondeur_max: int, noeuds_max: int) -> None:
    """Walk the event stream (no node built) and stop at the first anchor, alias, level or node too many."""
    chargeur = _Chargeur(texte)
    with _en_francais(chargeur):
        profondeur = 0
        noeuds = 0
        while chargeur.check_event():
            evenement = chargeur.get_event()
            if isinstance(evenement, yaml.AliasEvent):
                raise YamlRefuse(
                    f"alias « *{evenement.anchor} » refusé : les références (& et *) ne sont pas admises ; "
                    "recopiez la valeur.",
                    _ligne(evenement),
                )
            if isinstance(evenement, yaml.NodeEvent) and evenement.anchor is not None:
                raise YamlRefuse(
                    f"ancre « &{evenement.anchor} » refusée : les références (& et *) ne sont pas admises ; "
                    "recopiez la valeur.",
                    _ligne(evenement),
                )
            if isinstance(evenement, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                noeuds += 1
                if noeuds > noeuds_max:
                    raise YamlRefuse(
                        f"document trop grand : plus de {noeuds_max:,} valeurs".replace(",", " "), _ligne(evenement)
                    )
            if isinstance(evenement, yaml.CollectionStartEvent):
                profondeur += 1
                if profondeur > profondeur_max:
                    raise YamlRefuse(f"imbrication trop profonde ({profondeur_max} niveaux au plus)", _ligne(evenement))
            elif isinstance(evenement, yaml.CollectionEndEvent):
                profondeur -= 1


def composer_yaml_borne(
    texte: str,
    *,
    octets_max: int = OCTETS_MAX,
    profondeur_max: int = PROFONDEUR_MAX,
    noeuds_max: int = NOEUDS_MAX,
) -> tuple[Any, yaml.Node | None]:
    """The data of one YAML document and its root node (for the line of every path), within the bounds.

    Raises :class:`YamlRefuse` (French, with the line) before composing anything beyond a bound."""
    taille = len(texte.encode("utf-8", errors="surrogatepass"))
    if taille > octets_max:
        raise YamlRefuse(f"texte trop volumineux ({taille:,} octets ; {octets_max:,} au plus)".replace(",", " "))
    _verifier_evenements(texte, profondeur_max=profondeur_max, noeuds_max=noeuds_max)
    chargeur = _Chargeur(texte)
    with _en_francais(chargeur):
        noeud = chargeur.get_single_node()
        donnees = None if noeud is None else chargeur.construct_document(noeud)
    return donnees, noeud


def charger_yaml_borne(
    texte: str,
    *,
    octets_max: int = OCTETS_MAX,
    profondeur_max: int = PROFONDEUR_MAX,
    noeuds_max: int = NOEUDS_MAX,
) -> Any:
    """The data of one YAML document from a user, within the bounds (:class:`YamlRefuse` otherwise)."""
    donnees, _ = composer_yaml_borne(texte, octets_max=octets_max, profondeur_max=profondeur_max, noeuds_max=noeuds_max)
    return donnees


class _EcrivainSansAlias(yaml.SafeDumper):
    """Safe dumper that writes a shared value again instead of an anchor and an alias (which the loader refuses)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def ecrire_yaml(donnees: Any, **options: Any) -> str:
    """``yaml.safe_dump`` without anchors nor aliases, so that what Attrib writes, the bounded loader reads back."""
    texte: str = yaml.dump(donnees, Dumper=_EcrivainSansAlias, **options)
    return texte
