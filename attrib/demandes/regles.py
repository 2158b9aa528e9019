"""Dated lifecycle parameters of a demand: a view over the parameter tree (``attrib.engine.parametres.arbre``,
file ``data/parametres/cycle_demande.yaml``)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from attrib.engine.erreurs import ParametreNonRenseigne
from attrib.engine.parametres.arbre import Valeur, charger_arbre

BRANCHE = "cycle_demande"


class ParametreManquant(ParametreNonRenseigne):
    pass


def _en_vigueur(nom: str, jour: date) -> Valeur:
    try:
        return charger_arbre().valeur(f"{BRANCHE}.{nom}", jour)
    except ParametreNonRenseigne as exc:
        raise ParametreManquant(str(exc)) from None


def parametre(nom: str, jour: date) -> int:
    """The duration in months in force on ``jour`` (the latest ``date_effet`` not after it)."""
    return int(_en_vigueur(nom, jour).valeur)


def valeur(nom: str, jour: date) -> Any:
    """A non-duration parameter in force on ``jour``."""
    return _en_vigueur(nom, jour).valeur


def parametre_max(nom: str) -> int:
    """The largest duration in months the parameter ever had (bounds a batch search window)."""
    return max(int(v.valeur) for v in charger_arbre().serie(f"{BRANCHE}.{nom}"))


def ajouter_mois(jour: date, mois: int) -> date:
    m = jour.month - 1 + mois
    annee, m = jour.year + m // 12, m % 12 + 1
    return date(annee, m, min(jour.day, calendar.monthrange(annee, m)[1]))


def echeance(depart: date) -> date:
    """Last day of validity of a demand filed or renewed on ``depart``."""
    return ajouter_mois(depart, parametre("validite", depart))


def date_avis(echeance_: date) -> date:
    """Day from which the renewal notice is due."""
    return ajouter_mois(echeance_, -parametre("preavis_renouvellement", echeance_))
