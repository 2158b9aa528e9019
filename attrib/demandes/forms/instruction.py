"""The small forms of instructing a demand: the decision on a suspected duplicate, the deposit and the refusal
of a supporting document."""

from __future__ import annotations

from django import forms

from attrib.common.forms import FormulaireDsfr
from attrib.demandes import enums


class DoublonDecisionForm(FormulaireDsfr, forms.Form):
    titre = "Décision"
    statut = forms.ChoiceField(
        label="Décision",
        choices=[
            (enums.StatutDoublon.CONFIRME, "Même personne"),
            (enums.StatutDoublon.ECARTE, "Personnes différentes"),
        ],
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PieceDepotForm(FormulaireDsfr, forms.Form):
    titre = "Déposer une pièce"
    fichier = forms.FileField(label="Fichier", help_text="PDF, JPEG ou PNG.")


class PieceRefusForm(FormulaireDsfr, forms.Form):
    titre = "Refuser une pièce"
    motif = forms.CharField(label="Motif du refus", max_length=300)
