"""Step 3 of the CERFA: the monthly resources of each person and the household's reference tax income."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attrib.demandes import regles
from attrib.demandes.forms._commun import _FormulaireSaisie, _montants, _montants_a_zero
from attrib.demandes.models import Demande, Personne

RESSOURCES_PERSONNE = (*Personne.RESSOURCES, "pension_alimentaire_versee")


class RessourcesPersonneForm(_FormulaireSaisie, forms.ModelForm):
    titre = "Ressources mensuelles du demandeur"

    class Meta:
        model = Personne
        fields = RESSOURCES_PERSONNE

    def __init__(self, *args: Any, titre: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if titre:
            self.titre = titre
        _montants(self, Personne, RESSOURCES_PERSONNE)
        self.groupes = ((self.titre, RESSOURCES_PERSONNE),)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _montants_a_zero(cleaned, RESSOURCES_PERSONNE)
        return cleaned


class RessourcesMenageForm(_FormulaireSaisie, forms.ModelForm):
    titre = "Revenu fiscal de référence"
    groupes = (
        (
            "Revenu fiscal de référence du ménage",
            ("revenu_fiscal_reference", "annee_revenu_fiscal", "revenu_n1_si_baisse"),
        ),
    )

    class Meta:
        model = Demande
        fields = ("revenu_fiscal_reference", "annee_revenu_fiscal", "revenu_n1_si_baisse")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "revenu_fiscal_reference"
        ].help_text = (
            "Somme des revenus fiscaux de référence des personnes du ménage, en euros par an (avis d'imposition N-2)."
        )
        self.fields["annee_revenu_fiscal"].help_text = "Année des revenus (par exemple 2024 pour l'avis reçu en 2025)."
        jour = timezone.localdate()
        self.fields["revenu_n1_si_baisse"].label = regles.libelle_revenus_en_baisse(jour)
        self.fields[
            "revenu_n1_si_baisse"
        ].help_text = f"Seulement si les revenus ont baissé d'au moins {regles.baisse_revenus_minimum(jour)}."
        if self.instance.pk is None:
            # A new demand: the amount must be typed (0 included), the year defaults to the usual N-2.
            if "revenu_fiscal_reference" not in (kwargs.get("initial") or {}):
                self.initial["revenu_fiscal_reference"] = None
            if not self.initial.get("annee_revenu_fiscal"):
                self.initial["annee_revenu_fiscal"] = timezone.localdate().year - 2
