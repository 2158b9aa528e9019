"""Forms of the labels' screens: propose a label with its proof, examine a proposal, validate a criterion."""

from __future__ import annotations

from typing import Any

from django import forms

from attrib.common.forms import FormulaireDsfr
from attrib.labellisation import parametres


class PropositionForm(FormulaireDsfr, forms.Form):
    type_label = forms.ChoiceField(label="Label proposé")
    motif = forms.CharField(
        label="Pourquoi le ménage relève de ce label",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    piece = forms.FileField(label="Justificatif (facultatif)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_label"].choices = [("", "Choisissez")] + [  # type: ignore[attr-defined]
            (t.code, t.libelle) for t in parametres.types_label().values()
        ]


class ExamenForm(FormulaireDsfr, forms.Form):
    decision = forms.ChoiceField(
        label="Décision", choices=[("valider", "Valider le label"), ("refuser", "Refuser le label")]
    )
    texte = forms.CharField(
        label="Commentaire (validation) ou motif (refus, obligatoire)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class CritereForm(FormulaireDsfr, forms.Form):
    evaluation = forms.CharField(
        label="Évaluation sociale qui fonde la validation", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    fichier = forms.FileField(label="Évaluation jointe (facultatif)", required=False)
