"""Forms of the housing stock screens (DSFR rendering of ``attrib.common.forms.FormulaireDsfr``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from attrib.common.forms import FormulaireDsfr
from attrib.patrimoine.consultation import BAILLEUR_INCONNU, SANS_NOTE

_OUI_NON = [("", "Toutes"), ("oui", "Oui"), ("non", "Non")]


class RechercheResidencesForm(FormulaireDsfr, forms.Form):
    """Search box and filters of the residence list (GET)."""

    marquer_facultatifs = False
    FILTRES = ("commune", "bailleur", "qpv", "note", "enjeu", "estimees")

    q = forms.CharField(
        label="Nom, adresse ou identifiant",
        required=False,
        max_length=100,
        help_text="Un ou plusieurs mots du nom du programme, de la voie ou de l'identifiant.",
    )
    commune = forms.ChoiceField(label="Commune", required=False)
    bailleur = forms.ChoiceField(label="Bailleur", required=False)
    qpv = forms.ChoiceField(label="En QPV", required=False, choices=_OUI_NON)
    note = forms.ChoiceField(label="Note retenue", required=False)
    enjeu = forms.ChoiceField(label="À enjeux de mixité sociale", required=False, choices=_OUI_NON)
    estimees = forms.ChoiceField(
        label="Données estimées",
        required=False,
        choices=_OUI_NON,
        help_text="Résidence reconstituée, bailleur, loyer, surface ou typologie estimés.",
    )

    def __init__(
        self,
        *args: Any,
        communes: Sequence[tuple[str, str]],
        bailleurs: Sequence[tuple[str, str]],
        notes: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "Toutes"), *communes]  # type: ignore[attr-defined]
        self.fields["bailleur"].choices = [  # type: ignore[attr-defined]
            ("", "Tous"),
            *bailleurs,
            (BAILLEUR_INCONNU, "Bailleur inconnu"),
        ]
        self.fields["note"].choices = [  # type: ignore[attr-defined]
            ("", "Toutes"),
            *((str(n), libelle) for n, libelle in notes),
            (SANS_NOTE, "Sans note retenue"),
        ]

    def filtres(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: v for k in self.FILTRES if (v := self.cleaned_data.get(k))}

    def recherche(self) -> str:
        return str(self.cleaned_data.get("q", "")) if self.is_valid() else ""
