"""The search box and filters of the list of demands (GET)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from attrib.common.forms import FormulaireDsfr
from attrib.demandes import enums
from attrib.demandes.forms._commun import TYPOLOGIES

_OUI_NON_TOUS = [("", "Toutes"), ("oui", "Oui"), ("non", "Non")]


class RechercheForm(FormulaireDsfr, forms.Form):
    """Search box and filters of the list (GET). Keys are those of ``selectors.FILTRES``."""

    marquer_facultatifs = False

    q = forms.CharField(
        label="Numéro unique ou nom",
        required=False,
        max_length=100,
        help_text="Début du numéro unique, ou nom et prénom d'une personne du ménage (accents facultatifs).",
    )
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *enums.StatutDemande.choices])
    commune = forms.ChoiceField(label="Commune souhaitée", required=False)
    typologie = forms.TypedChoiceField(
        label="Typologie", required=False, choices=[("", "Toutes"), *TYPOLOGIES], coerce=int, empty_value=None
    )
    dalo = forms.ChoiceField(label="Reconnue DALO", required=False, choices=_OUI_NON_TOUS)
    mutation = forms.ChoiceField(label="Demande de mutation", required=False, choices=_OUI_NON_TOUS)
    echeance_proche = forms.BooleanField(label="Échéance dans moins d'un mois", required=False)

    FILTRES = ("statut", "commune", "typologie", "dalo", "mutation", "echeance_proche")

    def __init__(self, *args: Any, communes: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "Toutes"), *communes]  # type: ignore[attr-defined]

    def filtres(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {
            k: ("oui" if v is True else v)
            for k in self.FILTRES
            if (v := self.cleaned_data.get(k)) not in (None, "", False)
        }

    def recherche(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""
