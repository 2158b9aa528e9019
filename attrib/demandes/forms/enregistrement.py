"""The forms that register demands at a desk: step 1 of the CERFA (desk and filing date) and the CSV import."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.common.imports import verifier_envoi
from attrib.engine import validation
from attrib.organisations.models import Organisation


def _proposer_guichets(form: forms.Form, guichets: Sequence[Organisation]) -> None:
    """The desk field offers the given desks only; a single desk is chosen without being shown."""
    champ = form.fields["guichet"]
    champ.queryset = Organisation.objects.filter(pk__in=[g.pk for g in guichets])  # type: ignore[attr-defined]
    if len(guichets) <= 1:
        champ.widget = forms.HiddenInput()
        if guichets:
            champ.initial = guichets[0].pk


class EnregistrementForm(FormulaireDsfr, forms.Form):
    titre = "Enregistrement"
    guichet = forms.ModelChoiceField(
        label="Guichet enregistreur",
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text="Le guichet au nom duquel la demande est enregistrée.",
    )
    date_depot = forms.DateField(
        label="Date de dépôt de la demande",
        widget=ChampDate(),
        help_text="Jour où le demandeur a déposé sa demande complète ; point de départ de l'ancienneté.",
    )

    def __init__(self, *args: Any, guichets: Sequence[Organisation], **kwargs: Any) -> None:
        kwargs["initial"] = {"date_depot": timezone.localdate().isoformat(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        _proposer_guichets(self, guichets)

    def clean_date_depot(self) -> date:
        jour: date = self.cleaned_data["date_depot"]
        message = validation.erreur_date_depot(jour, jour=timezone.localdate())
        if message:
            raise forms.ValidationError(message)
        return jour


class ImportForm(FormulaireDsfr, forms.Form):
    titre = "Import"
    guichet = forms.ModelChoiceField(
        label="Guichet enregistreur", queryset=Organisation.objects.none(), empty_label=None
    )
    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="Format d'échange d'Attrib : séparateur point-virgule, encodage UTF-8, une demande par ligne.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    tout_ou_rien = forms.BooleanField(
        label="Tout ou rien",
        required=False,
        help_text="Si une seule ligne est invalide, aucune demande n'est importée. Sinon, les lignes valides sont importées.",
    )

    def __init__(self, *args: Any, guichets: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _proposer_guichets(self, guichets)

    def clean_fichier(self) -> Any:
        return verifier_envoi(self.cleaned_data["fichier"])
