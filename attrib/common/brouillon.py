"""A form typed over several steps and kept in the session between them: the desk's registration wizard and the
household's online filing (decision 0029) share it, each under its own session key and with its own steps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest
from django.utils.formats import date_format, number_format


class BrouillonEtapes:
    """What was typed, step by step, under ``cle`` in the session (JSON-safe values only). ``ordre``: the steps in
    order, the last one being the summary."""

    def __init__(self, request: HttpRequest, *, cle: str, ordre: Sequence[Any]) -> None:
        self.session = request.session
        self.cle = cle
        self.ordre = list(ordre)
        self.donnees: dict[str, Any] = self.session.get(cle) or {"saisies": {}, "valides": [], "codemandeur": False}

    @property
    def codemandeur(self) -> bool:
        return bool(self.donnees["codemandeur"])

    @codemandeur.setter
    def codemandeur(self, valeur: bool) -> None:
        self.donnees["codemandeur"] = valeur

    def saisie(self, etape: Any) -> dict[str, Any]:
        return dict(self.donnees["saisies"].get(str(etape), {}))

    def est_valide(self, etape: Any) -> bool:
        return etape in self.donnees["valides"]

    def vide(self) -> bool:
        return not self.donnees["saisies"]

    def enregistrer(self, etape: Any, saisie: dict[str, Any], *, valide: bool) -> None:
        self.donnees["saisies"][str(etape)] = saisie
        valides = set(self.donnees["valides"]) - {etape}
        if valide:
            valides.add(etape)
        self.donnees["valides"] = sorted(valides)
        self.session[self.cle] = self.donnees
        self.session.modified = True

    def premiere_incomplete(self) -> Any:
        return next((e for e in self.ordre[:-1] if not self.est_valide(e)), self.ordre[-1])

    def effacer(self) -> None:
        self.session.pop(self.cle, None)


def valeurs_saisies(formulaire: Any) -> Any:
    """What was typed in a form (or each row of a formset), as JSON-safe values."""
    if isinstance(formulaire, BaseFormSet):
        return [valeurs_saisies(f) for f in formulaire.forms]
    return {nom: formulaire[nom].data for nom in formulaire.fields}


def donnees_postees(formulaires_vides: dict[str, Any], saisie: dict[str, Any]) -> dict[str, Any]:
    """A saved step turned back into POST-like data, to be validated again."""
    donnees: dict[str, Any] = {}

    def ajouter(prefixe: str, valeurs: dict[str, Any]) -> None:
        for nom, valeur in valeurs.items():
            if valeur is None or valeur is False:
                continue
            donnees[f"{prefixe}-{nom}"] = "on" if valeur is True else valeur

    for cle, formulaire in formulaires_vides.items():
        if isinstance(formulaire, BaseFormSet):
            lignes = saisie.get(cle) or []
            donnees |= {
                f"{cle}-TOTAL_FORMS": str(len(lignes)),
                f"{cle}-INITIAL_FORMS": "0",
                f"{cle}-MIN_NUM_FORMS": "0",
                f"{cle}-MAX_NUM_FORMS": "1000",
            }
            for i, ligne in enumerate(lignes):
                ajouter(f"{cle}-{i}", ligne)
        else:
            ajouter(cle, saisie.get(cle) or {})
    return donnees


def tous_valides(formulaires: dict[str, Any]) -> bool:
    return all([f.is_valid() for f in formulaires.values()])  # every form validated: every error shown


def valeur_lisible(champ: forms.Field, valeur: Any) -> str | None:
    """A typed value as the summary shows it (None: nothing to show)."""
    if valeur in (None, "", [], False):
        return None
    if isinstance(valeur, bool):
        return "Oui"
    if isinstance(valeur, models.Model):
        return str(valeur)
    choix = dict(getattr(champ, "choices", None) or [])
    if isinstance(valeur, list):
        return ", ".join(str(choix.get(v, v)) for v in valeur)
    if choix:
        return str(choix.get(valeur, choix.get(str(valeur), valeur)))
    if isinstance(valeur, date):
        return date_format(valeur, "d/m/Y")
    if isinstance(valeur, Decimal):
        return None if not valeur else f"{number_format(valeur, 2)} €"
    return str(valeur)
