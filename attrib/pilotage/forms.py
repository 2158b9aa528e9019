"""Filters of the dashboard: period and scope, checked against what the user may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from attrib.pilotage.selectors import Perimetre, Periode


class FiltreForm(forms.Form):
    debut = forms.DateField(
        label="Du",
        widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Date de début invalide (format attendu : jj/mm/aaaa)."},
    )
    fin = forms.DateField(
        label="Au",
        widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Date de fin invalide (format attendu : jj/mm/aaaa)."},
    )
    commune = forms.ChoiceField(label="Commune", required=False, widget=forms.Select(attrs={"class": "fr-select"}))
    bailleur = forms.ChoiceField(label="Bailleur", required=False, widget=forms.Select(attrs={"class": "fr-select"}))
    reservataire = forms.ChoiceField(
        label="Réservataire", required=False, widget=forms.Select(attrs={"class": "fr-select"})
    )

    def __init__(self, data: Any, *, choix: dict[str, list[tuple[Any, str]]], aujourd_hui: date) -> None:
        initial = {"debut": date(aujourd_hui.year, 1, 1), "fin": date(aujourd_hui.year, 12, 31)}
        valeurs = {**{k: v.isoformat() for k, v in initial.items()}, **{k: v for k, v in data.items() if v}}
        super().__init__(valeurs, initial=initial)
        tous = [("", "Tous")]
        for nom, cle in (("commune", "communes"), ("bailleur", "bailleurs"), ("reservataire", "reservataires")):
            champ = self.fields[nom]
            assert isinstance(champ, forms.ChoiceField)
            champ.choices = tous + [(str(k), v) for k, v in choix[cle]]
        for nom in ("commune", "bailleur", "reservataire"):
            self.fields[nom].error_messages["invalid_choice"] = (
                f"{self.fields[nom].label} inconnu(e) ou hors de votre périmètre : choisissez dans la liste."
            )

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", f"La fin de la période ({fin:%d/%m/%Y}) précède son début ({debut:%d/%m/%Y}).")
        return donnees

    def periode(self) -> Periode:
        return Periode(self.cleaned_data["debut"], self.cleaned_data["fin"])

    def perimetre(self) -> Perimetre:
        d = self.cleaned_data
        return Perimetre(
            commune=d.get("commune") or None,
            bailleur=int(d["bailleur"]) if d.get("bailleur") else None,
            reservataire=int(d["reservataire"]) if d.get("reservataire") else None,
        )
