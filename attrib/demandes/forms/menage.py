"""The household of a registered demand: one form per person with every CERFA field of a person, in a formset
where a person can be added or removed (never the applicant)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.formsets import BaseFormSet, formset_factory

from attrib.demandes import enums
from attrib.demandes.forms._commun import _COORDONNEES, _IDENTITE, _NATIONALITE, _SITUATION, _montants, _montants_a_zero
from attrib.demandes.forms.personnes import DemandeurForm, _PersonneForm
from attrib.demandes.forms.ressources import RESSOURCES_PERSONNE
from attrib.demandes.models import Personne

_A_CHARGE = ("a_charge", "garde_alternee", "enfant_a_naitre")
CHAMPS_PERSONNE_MENAGE = (
    "role",
    "lien",
    *_IDENTITE,
    *_NATIONALITE,
    *_SITUATION,
    *_A_CHARGE,
    *_COORDONNEES,
    *RESSOURCES_PERSONNE,
)


class PersonneMenageForm(_PersonneForm):
    """One person of a registered household, every CERFA field of a person: role, identity, nationality,
    situation and employment, contact, monthly resources."""

    titre = "Personne"
    groupes = (
        ("Rôle dans le ménage", ("role", "lien")),
        ("Identité", _IDENTITE),
        ("Nationalité", _NATIONALITE),
        ("Situation familiale et professionnelle", _SITUATION),
        ("Enfant ou personne à charge", _A_CHARGE),
        ("Coordonnées", _COORDONNEES),
        ("Ressources mensuelles", RESSOURCES_PERSONNE),
    )

    class Meta(_PersonneForm.Meta):
        fields = CHAMPS_PERSONNE_MENAGE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].help_text = "Un seul demandeur et au plus un co-demandeur par ménage."
        _montants(self, Personne, RESSOURCES_PERSONNE)
        self.fields["date_naissance"].help_text = "Pour un enfant à naître : la date prévue de naissance."

    clean_code_postal = DemandeurForm.clean_code_postal

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _montants_a_zero(cleaned, RESSOURCES_PERSONNE)
        if cleaned.get("role") == enums.RolePersonne.PERSONNE_A_LOGER and not cleaned.get("lien"):
            self.add_error("lien", "Indiquez le lien de cette personne avec le demandeur.")
        return cleaned


class _MenageFormSet(BaseFormSet):  # type: ignore[type-arg]
    titre = "Personnes à loger"
    libelle_ligne = "Personne"

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        # A row added and left blank is ignored; the rows of the persons already recorded are always checked.
        kwargs["empty_permitted"] = i >= self.initial_form_count()
        return super()._construct_form(i, **kwargs)  # type: ignore[no-any-return, misc]

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        initial = self.initial or []
        if index is not None and index < len(initial) and initial[index].get("role") == enums.RolePersonne.DEMANDEUR:
            # The applicant stays: the household is theirs (another person may become the applicant instead).
            form.fields.pop("DELETE", None)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Retirer cette personne du ménage"
            form.fields["DELETE"].help_text = "Elle sera retirée à l'enregistrement des modifications."

    def lignes_gardees(self) -> list[tuple[int, dict[str, Any]]]:
        """``(row index, cleaned data)`` of the rows kept (not removed, not a blank added row), after ``is_valid``."""
        gardees = []
        for i, f in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(f):  # type: ignore[attr-defined]
                continue
            if i >= self.initial_form_count() and not f.has_changed():
                continue
            gardees.append((i, {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}))
        return gardees


MenageFormSet = formset_factory(PersonneMenageForm, formset=_MenageFormSet, extra=0, can_delete=True, max_num=20)
