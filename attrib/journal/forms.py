from __future__ import annotations

from typing import Any

from django import forms


class PeriodeForm(forms.Form):
    debut = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}))
    fin = forms.DateField(label="Au (inclus)", widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}))
    format = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")],
        initial="xlsx",
        widget=forms.Select(attrs={"class": "fr-select"}),
    )

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin:
            if fin < debut:
                self.add_error("fin", "La fin de la période doit suivre son début.")
            elif (fin - debut).days > 366:
                self.add_error("fin", "Une période d'au plus un an : exportez année par année.")
        return donnees
