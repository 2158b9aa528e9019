"""The household's answer to an offer: accept, or refuse with its reason. The rules (a reason, the detail of
« autre », the question of the adapted dwelling, the deadline) are the commission's service's, the same for the
desk; these forms carry the fields, in words written for the household, and the confirmation."""

from __future__ import annotations

from typing import Any

from django import forms

from attrib.commissions.enums import MotifRefus
from attrib.commissions.models import MOTIF_MAX
from attrib.common.forms import FormulaireDsfr


class AcceptationForm(FormulaireDsfr, forms.Form):
    titre = "Accepter ce logement"
    marquer_facultatifs = False
    confirmation = forms.BooleanField(
        label="Je confirme accepter ce logement. Ma réponse ne pourra plus être modifiée en ligne.",
        error_messages={"required": "Cochez la case pour confirmer que vous acceptez ce logement."},
    )


class RefusForm(FormulaireDsfr, forms.Form):
    titre = "Refuser ce logement"
    marquer_facultatifs = False
    motif_refus = forms.ChoiceField(
        label="Pourquoi refusez-vous ce logement ?",
        required=False,
        choices=[(v, lib) for v, lib in MotifRefus.choices if v != MotifRefus.SANS_REPONSE],
        widget=forms.RadioSelect,
    )
    motif_refus_detail = forms.CharField(
        label="Précisez la raison de votre refus",
        help_text="Obligatoire si vous choisissez « Autre motif ». Facultatif sinon.",
        required=False,
        max_length=MOTIF_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    logement_adapte = forms.ChoiceField(
        label="Ce logement correspondait-il aux besoins et aux moyens de votre ménage ?",
        help_text="Pensez à sa taille, à son loyer et ses charges, à son accessibilité, à sa localisation. "
        "Si oui, votre refus compte comme le refus d'un logement adapté.",
        required=False,
        choices=[
            ("oui", "Oui, il correspondait à nos besoins et à nos moyens"),
            ("non", "Non, il ne correspondait pas à nos besoins ou à nos moyens"),
        ],
        widget=forms.RadioSelect,
    )
    confirmation = forms.BooleanField(
        label="Je confirme refuser ce logement. Ma réponse ne pourra plus être modifiée en ligne.",
        error_messages={"required": "Cochez la case pour confirmer que vous refusez ce logement."},
    )

    def arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "motif_refus": d.get("motif_refus") or "",
            "motif_refus_detail": d.get("motif_refus_detail") or "",
            "logement_adapte": {"oui": True, "non": False}.get(d.get("logement_adapte") or ""),
        }
