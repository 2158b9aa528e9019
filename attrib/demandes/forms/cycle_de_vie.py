"""The life cycle of a registered demand: renewal (with the updates the applicant brings) and radiation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.demandes import enums, regles
from attrib.demandes.forms._commun import _FormulaireSaisie, _montant, _montants_a_zero, verifier_date_expulsion
from attrib.demandes.models import Demande
from attrib.engine import validation

_VIDE = [("", "— Choisir —")]


class RenouvellementForm(_FormulaireSaisie, forms.ModelForm):
    """Renewal, with the updates the applicant brings (resources, current dwelling)."""

    titre = "Mises à jour"
    groupes = (
        ("Ressources", ("revenu_fiscal_reference", "annee_revenu_fiscal", "revenu_n1_si_baisse")),
        (
            "Situation de logement",
            ("statut_logement_actuel", "loyer_actuel", "procedure_expulsion", "expulsion_date_etape"),
        ),
    )

    class Meta:
        model = Demande
        fields = (
            "revenu_fiscal_reference",
            "annee_revenu_fiscal",
            "revenu_n1_si_baisse",
            "statut_logement_actuel",
            "loyer_actuel",
            "procedure_expulsion",
            "expulsion_date_etape",
        )
        widgets = {"expulsion_date_etape": ChampDate()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loyer_actuel"] = _montant("Loyer mensuel actuel")
        self.fields["revenu_n1_si_baisse"].label = regles.libelle_revenus_en_baisse(timezone.localdate())

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _montants_a_zero(cleaned, ("loyer_actuel",))
        verifier_date_expulsion(self, cleaned)
        return cleaned

    def modifications(self) -> dict[str, Any]:
        """The fields whose value differs from the demand's."""
        return {n: self.cleaned_data[n] for n in self.changed_data if n in self.cleaned_data}


class RadiationForm(FormulaireDsfr, forms.Form):
    titre = "Radiation"
    motif = forms.ChoiceField(
        label="Motif de radiation",
        choices=[*_VIDE, *enums.MotifRadiation.choices],
        error_messages={"required": "Choisissez le motif de la radiation."},
    )
    date_radiation = forms.DateField(label="Date de radiation", widget=ChampDate())
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple la référence du courrier de renonciation.",
    )
    confirmation = forms.BooleanField(
        label="Je confirme la radiation de cette demande",
        error_messages={"required": "Cochez cette case pour confirmer la radiation."},
        help_text="Une demande radiée ne peut plus être modifiée ni renouvelée.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"date_radiation": timezone.localdate().isoformat(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean_date_radiation(self) -> date:
        jour: date = self.cleaned_data["date_radiation"]
        message = validation.erreur_date_passee(jour, libelle="Date de radiation", jour=timezone.localdate())
        if message:
            raise forms.ValidationError(message)
        return jour
