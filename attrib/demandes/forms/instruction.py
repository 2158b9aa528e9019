"""The small forms of instructing a demand: the decision on a suspected duplicate, the deposit and the refusal
of a supporting document."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

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
    """A document's file, from a computer or a phone (its camera or its files): the type and the size are checked
    by the service (``attrib.demandes.pieces.verifier_fichier``)."""

    titre = "Déposer une pièce"
    fichier = forms.FileField(
        label="Fichier",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
        error_messages={"required": "Choisissez le fichier à déposer.", "empty": "Le fichier est vide."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "fichier"
        ].help_text = f"PDF, photo JPEG ou image PNG, {settings.ATTRIB_PIECE_TAILLE_MAX_MO} Mo au plus."


class PieceRefusForm(FormulaireDsfr, forms.Form):
    titre = "Refuser une pièce"
    motif = forms.CharField(label="Motif du refus", max_length=300)
