"""Dated legal values of the CALEOL (R441-3, R441-10 CCH): a view over the parameter tree
(``attrib.engine.parametres.arbre``, file ``data/parametres/caleol.yaml``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from attrib.engine.caleol import quorum_par_defaut
from attrib.engine.erreurs import ParametreNonRenseigne
from attrib.engine.parametres.arbre import Valeur
from attrib.engine.parametres.arbre import valeur as valeur_arbre
from attrib.engine.parametres.nombres import valeur_en_lettres

BRANCHE = "caleol"


class ParametreCaleolManquant(ParametreNonRenseigne):
    """No value of the parameter applies on the requested day."""


def entree(nom: str, jour: date) -> Valeur:
    """The value of ``nom`` in force on ``jour`` with its period, source and reliability."""
    try:
        return valeur_arbre(f"{BRANCHE}.{nom}", jour)
    except ParametreNonRenseigne as exc:
        raise ParametreCaleolManquant(f"caleol.yaml : {exc}") from None


def valeur(nom: str, jour: date) -> Any:
    """The value of ``nom`` in force on ``jour`` (the latest ``date_effet`` not after it)."""
    return entree(nom, jour).valeur


def source(nom: str, jour: date) -> str:
    """The stored source text of the value in force on ``jour`` (shown through ``texte_source``)."""
    return entree(nom, jour).source


def candidats_minimum(jour: date) -> int:
    return int(valeur("candidats_minimum", jour))


def candidats_minimum_en_lettres(jour: date) -> str:
    """« trois »: the minimum of candidates per dwelling (R441-3) in force on ``jour``, in words."""
    return valeur_en_lettres(entree("candidats_minimum", jour))


def suppleants_par_logement(jour: date) -> int:
    """Ranked alternates proposed after the first candidate of a dwelling (a setting of Attrib)."""
    return int(valeur("suppleants_par_logement", jour))


def exceptions_candidats(jour: date) -> dict[str, str]:
    """``{code: libellé}`` of the cases where fewer than the minimum of candidates may be examined."""
    return {e["code"]: e["libelle"] for e in valeur("exceptions_candidats_minimum", jour)}


def types_decision(jour: date) -> dict[str, str]:
    return {e["code"]: e["libelle"] for e in valeur("types_decision", jour)}


def delai_reponse_en_lettres(jour: date) -> str:
    """« dix jours »: the time to answer an offer (R441-10) in force on ``jour``, in words."""
    return valeur_en_lettres(entree("delai_reponse_offre_jours", jour))


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
