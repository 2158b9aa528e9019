"""Dated lifecycle parameters of a demand: a view over the parameter tree (``attrib.engine.parametres.arbre``,
file ``data/parametres/cycle_demande.yaml``)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from attrib.engine.erreurs import ParametreNonRenseigne
from attrib.engine.parametres.arbre import Valeur, charger_arbre
from attrib.engine.parametres.nombres import pourcentage

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


def baisse_revenus_minimum(jour: date) -> str:
    """« 10 % »: the fall of revenues from which year N-1 or the last twelve months are taken into account."""
    return pourcentage(charger_arbre().valeur("categories_menage.baisse_revenus_minimum", jour).valeur)


def libelle_revenus_en_baisse(jour: date) -> str:
    """Label of the field of the revenues after a fall, with the share in force on ``jour``."""
    return f"Revenus N-1 ou 12 derniers mois en cas de baisse d'au moins {baisse_revenus_minimum(jour)} (€)"


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


def ouverture_renouvellement_en_ligne(echeance_: date) -> date:
    """First day the household may renew its demand from its space (the desk renews at any time before the
    échéance): ``renouvellement_en_ligne`` months before it."""
    return ajouter_mois(echeance_, -parametre("renouvellement_en_ligne", echeance_))
