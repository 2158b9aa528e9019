"""Dated legal values of the CALEOL, read from ``data/parametres/caleol.yaml`` (R441-3, R441-10 CCH)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from attrib.engine.caleol import quorum_par_defaut

FICHIER = Path(__file__).resolve().parents[2] / "data" / "parametres" / "caleol.yaml"


class ParametreCaleolManquant(LookupError):
    """No value of the parameter applies on the requested day."""


@cache
def _donnees() -> dict[str, list[dict[str, Any]]]:
    with FICHIER.open(encoding="utf-8") as f:
        return yaml.safe_load(f)  # type: ignore[no-any-return]


def valeur(nom: str, jour: date) -> Any:
    """The value of ``nom`` in force on ``jour`` (the latest ``date_effet`` not after it)."""
    valeurs = [v for v in _donnees().get(nom, []) if v["date_effet"] <= jour]
    if not valeurs:
        raise ParametreCaleolManquant(f"caleol.yaml : paramètre « {nom} » non renseigné au {jour:%d/%m/%Y}.")
    return max(valeurs, key=lambda v: v["date_effet"])["valeur"]


def candidats_minimum(jour: date) -> int:
    return int(valeur("candidats_minimum", jour))


def exceptions_candidats(jour: date) -> dict[str, str]:
    """``{code: libellé}`` of the cases where fewer than the minimum of candidates may be examined."""
    return {e["code"]: e["libelle"] for e in valeur("exceptions_candidats_minimum", jour)}


def types_decision(jour: date) -> dict[str, str]:
    return {e["code"]: e["libelle"] for e in valeur("types_decision", jour)}


def date_limite_reponse(envoyee_le: date) -> date:
    """Last day to answer an offer sent on ``envoyee_le`` (R441-10: no answer by then counts as a refusal)."""
    return envoyee_le + timedelta(days=int(valeur("delai_reponse_offre_jours", envoyee_le)))


def quorum_defaut(nombre_deliberatifs: int, jour: date) -> int:
    """Deliberative members required when the commission's internal rules set no number: at least the
    fraction ``quorum_defaut`` of its deliberative members (rounded up), and at least one."""
    fraction = valeur("quorum_defaut", jour)
    return quorum_par_defaut(
        nombre_deliberatifs, numerateur=int(fraction["numerateur"]), denominateur=int(fraction["denominateur"])
    )


def quorum_defaut_libelle(jour: date) -> str:
    fraction = valeur("quorum_defaut", jour)
    if (fraction["numerateur"], fraction["denominateur"]) == (1, 2):
        return "la moitié au moins des membres à voix délibérative"
    return f"au moins {fraction['numerateur']}/{fraction['denominateur']} des membres à voix délibérative"


def voix_preponderante(jour: date) -> tuple[tuple[str, ...], bool]:
    """``(qualités, à défaut le président)``: who breaks a tie (L441-2: the mayor)."""
    v = valeur("voix_preponderante", jour)
    return tuple(v["qualites"]), bool(v.get("a_defaut_president"))


def majorite(jour: date) -> str:
    return str(valeur("majorite", jour))


def distance_compte_quorum(jour: date) -> bool:
    return bool(valeur("seance_a_distance", jour)["presence_a_distance_compte_quorum"])
