"""Helpers shared by the partner committee's services: the day, the user recorded for an actor, the locks, the
checks of a free text."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from attrib.engine.validation import erreur_texte
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import User

#: Longest free text (a reason, an opinion, a competence).
TEXTE_MAX = 5000
#: Longest social assessment.
EVALUATION_MAX = 20000


def _aujourd_hui(aujourd_hui: date | None) -> date:
    return aujourd_hui or timezone.localdate()


def _utilisateur(auteur: Acteur) -> User | None:
    return auteur.utilisateur


def _verrouiller(lignes: QuerySet[Any]) -> None:
    list(lignes.select_for_update().values_list("pk", flat=True))


def _texte(
    valeur: str, cle: str, libelle: str, erreurs: dict[str, list[str]], *, longueur: int = TEXTE_MAX, requis: bool
) -> str:
    valeur = (valeur or "").strip()
    if requis and not valeur:
        erreurs.setdefault(cle, []).append(f"Renseignez {libelle}.")
        return valeur
    if valeur and (erreur := erreur_texte(valeur, libelle=libelle, longueur_max=longueur, multiligne=True)):
        erreurs.setdefault(cle, []).append(erreur)
    return valeur


def lever(erreurs: dict[str, list[str]]) -> None:
    from django.core.exceptions import ValidationError

    if erreurs:
        raise ValidationError(erreurs)
