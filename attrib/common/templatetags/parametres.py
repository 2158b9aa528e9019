"""The parameter tree in templates: no legal value is written in a template, it is asked for.

``{% load parametres %}`` then, ``jour`` optional (default: today; a document passes its own day):

* ``{% parametre "caleol.candidats_minimum" %}`` → ``3`` (the value in force);
* ``{% parametre_lettres "caleol.delai_reponse_offre_jours" jour=offre.envoyee_le %}`` → « dix jours »
  (a duration with its unit; a bare number in words: « trois »; 12 months → « un an »);
* ``{% parametre_pourcent "flux.plafond_part_etat" %}`` → « 30 % »;
* ``{% parametre_source "caleol.delai_reponse_offre_jours" %}`` → the citation a reader needs
  (never the reliability tag nor a file name: ``attrib.engine.sources.texte_source``).

A value not in force on the day raises the engine's French error: a page never shows a made-up value.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone

from attrib.engine.parametres.arbre import Valeur, valeur
from attrib.engine.parametres.nombres import pourcentage, valeur_en_lettres

register = template.Library()


def _valeur(chemin: str, jour: date | None) -> Valeur:
    if isinstance(jour, datetime):
        jour = timezone.localtime(jour).date() if timezone.is_aware(jour) else jour.date()
    return valeur(chemin, jour or timezone.localdate())


@register.simple_tag(name="parametre")
def parametre(chemin: str, jour: date | None = None) -> Any:
    return _valeur(chemin, jour).valeur


@register.simple_tag(name="parametre_lettres")
def parametre_lettres(chemin: str, jour: date | None = None) -> str:
    return valeur_en_lettres(_valeur(chemin, jour))


@register.simple_tag(name="parametre_pourcent")
def parametre_pourcent(chemin: str, jour: date | None = None) -> str:
    return pourcentage(_valeur(chemin, jour).valeur)


@register.simple_tag(name="parametre_source")
def parametre_source(chemin: str, jour: date | None = None) -> str:
    return _valeur(chemin, jour).source_lisible
