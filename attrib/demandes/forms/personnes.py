"""The persons of the CERFA: applicant, co-applicant (step 1), the other persons to be housed (step 2, a
formset), and the essential-worker fields of a person in employment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils import timezone

from attrib.common.forms import ChampDate
from attrib.demandes import enums
from attrib.demandes.forms._commun import _COORDONNEES, _IDENTITE, _NATIONALITE, _SITUATION, _FormulaireSaisie
from attrib.demandes.models import Personne


class _PersonneForm(_FormulaireSaisie, forms.ModelForm):
    """Identity of someone to be housed; the date of birth may be in the future only for an unborn child."""

    class Meta:
        model = Personne
        fields: Sequence[str] = ()
        widgets = {"date_naissance": ChampDate(), "titre_sejour_fin": ChampDate()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "nom" in self.fields:
            self.fields["nom"].widget.attrs.setdefault("autocomplete", "off")
        if "prenoms" in self.fields:
            self.fields["prenoms"].help_text = "Tous les prénoms, dans l'ordre de l'état civil."
        if "secteur_essentiel" in self.fields:
            preparer_champs_emploi(self)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("nationalite") == enums.Nationalite.HORS_UE and not cleaned.get("titre_sejour_type"):
            self.add_error(
                "titre_sejour_type", "Indiquez le titre de séjour : il est exigé d'une personne hors Union européenne."
            )
        return cleaned


def choix_secteurs_essentiels(actuel: str = "") -> list[tuple[str, str]]:
    """The sectors of the list in force (a stored code of an older list stays selectable)."""
    from attrib.engine.travailleurs_essentiels import liste_en_vigueur, tous_les_secteurs

    choix = [(s.code, s.libelle) for s in liste_en_vigueur(timezone.localdate()).secteurs]
    if actuel and actuel not in dict(choix):
        choix += [(s.code, s.libelle) for s in tous_les_secteurs() if s.code == actuel]
    return [("", "— Aucun —"), *choix]


def preparer_champs_emploi(form: Any) -> None:
    """The two essential-worker fields of a person form: labels a person understands, the CIL's list."""
    actuel = form.instance.secteur_essentiel if getattr(form, "instance", None) else ""
    form.fields["secteur_essentiel"] = forms.ChoiceField(
        label="Secteur essentiel de cet emploi",
        choices=choix_secteurs_essentiels(actuel or str(form.initial.get("secteur_essentiel") or "")),
        required=False,
        help_text=(
            "Seulement si l'emploi ne peut pas être exercé en télétravail. Liste arrêtée par la conférence "
            "intercommunale du logement ; ce n'est pas un critère de priorité."
        ),
    )
    form.fields["emploi_non_teletravaillable"].label = "Cet emploi ne peut pas être exercé en télétravail"
    form.fields[
        "emploi_non_teletravaillable"
    ].help_text = "Pour une personne en emploi (CDI ou fonctionnaire, CDD, apprenti, indépendant)."


class DemandeurForm(_PersonneForm):
    titre = "Demandeur"
    obligatoires = ("civilite",)
    groupes = (
        ("Identité du demandeur", _IDENTITE),
        ("Nationalité", _NATIONALITE),
        ("Situation familiale et professionnelle", _SITUATION),
        ("Coordonnées", _COORDONNEES),
    )

    class Meta(_PersonneForm.Meta):
        fields = (*_IDENTITE, *_NATIONALITE, *_SITUATION, *_COORDONNEES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["code_postal"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9]{5}"})

    def clean_code_postal(self) -> str:
        code: str = self.cleaned_data.get("code_postal", "").strip()
        if code and not (len(code) == 5 and code.isdigit()):
            raise forms.ValidationError("Le code postal compte cinq chiffres, par exemple 11100.")
        return code


class CodemandeurForm(_PersonneForm):
    titre = "Co-demandeur"
    obligatoires = ("lien", "civilite")
    groupes = (
        ("Identité du co-demandeur", ("lien", *_IDENTITE)),
        ("Nationalité du co-demandeur", _NATIONALITE),
        ("Situation du co-demandeur", _SITUATION),
    )

    class Meta(_PersonneForm.Meta):
        fields = ("lien", *_IDENTITE, *_NATIONALITE, *_SITUATION)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"lien": enums.LienParente.CONJOINT, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class PersonneALogerForm(_PersonneForm):
    titre = "Personne à loger"
    obligatoires = ("lien",)

    class Meta(_PersonneForm.Meta):
        fields = (
            "lien",
            "civilite",
            "nom",
            "prenoms",
            "date_naissance",
            "a_charge",
            "garde_alternee",
            "enfant_a_naitre",
            "handicap",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_naissance"].help_text = "Pour un enfant à naître : la date prévue de naissance."


class _PersonnesFormSet(BaseFormSet):  # type: ignore[type-arg]
    titre = "Autres personnes à loger"
    libelle_ligne = "Personne"

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        # A row left blank is ignored, whether it was shown first or added later.
        kwargs["empty_permitted"] = True
        return super()._construct_form(i, **kwargs)  # type: ignore[no-any-return, misc]

    def lignes_remplies(self) -> list[tuple[int, dict[str, Any]]]:
        """``(row index, cleaned data)`` of the rows that were filled in (after ``is_valid``)."""
        return [(i, f.cleaned_data) for i, f in enumerate(self.forms) if f.has_changed() and f.cleaned_data]


PersonnesFormSet = formset_factory(PersonneALogerForm, formset=_PersonnesFormSet, extra=0, max_num=20)
