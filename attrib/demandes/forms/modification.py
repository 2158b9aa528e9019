"""The sections of the modification page of a registered demand (dwelling sought, resources, contact,
employment, current dwelling, priorities and DALO) and the DALO decision recorded after registration."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.demandes.forms._commun import _COORDONNEES, _EMPLOI, _TYPOLOGIES_A_CHOISIR, _FormulaireSaisie
from attrib.demandes.forms.logement import (
    _BESOINS,
    _DALO,
    _RECHERCHE,
    CHAMPS_COMMUNES,
    NB_COMMUNES,
    LogementActuelForm,
    _CommunesMixin,
)
from attrib.demandes.forms.personnes import DemandeurForm, preparer_champs_emploi
from attrib.demandes.forms.ressources import RessourcesMenageForm
from attrib.demandes.models import Demande, Personne


class ModificationRechercheForm(_CommunesMixin, _FormulaireSaisie, forms.ModelForm):
    titre = "Logement recherché"
    prefix = "recherche"
    groupes = (
        ("Logement recherché", _RECHERCHE),
        ("Besoins liés au handicap ou à la mobilité", _BESOINS),
        ("Communes souhaitées", CHAMPS_COMMUNES),
    )
    typologie_min = forms.TypedChoiceField(label="Typologie minimale", choices=_TYPOLOGIES_A_CHOISIR, coerce=int)
    typologie_max = forms.TypedChoiceField(label="Typologie maximale", choices=_TYPOLOGIES_A_CHOISIR, coerce=int)

    class Meta:
        model = Demande
        fields = (*_RECHERCHE, *_BESOINS)

    def __init__(self, *args: Any, communes: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ajouter_communes(communes)
        for i, code in enumerate(
            self.instance.communes_souhaitees.order_by("rang").values_list("commune_id", flat=True)[:NB_COMMUNES]
        ):
            self.initial.setdefault(CHAMPS_COMMUNES[i], code)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        self._verifier_typologies(cleaned)
        self._verifier_communes()
        return cleaned


class ModificationRessourcesForm(RessourcesMenageForm):
    prefix = "ressources"


class CoordonneesForm(_FormulaireSaisie, forms.ModelForm):
    titre = "Coordonnées du demandeur"
    prefix = "coordonnees"
    groupes = (("Coordonnées du demandeur", _COORDONNEES),)

    class Meta:
        model = Personne
        fields = _COORDONNEES

    clean_code_postal = DemandeurForm.clean_code_postal


class EmploiForm(_FormulaireSaisie, forms.ModelForm):
    """Situation professionnelle of the applicant or co-applicant on the modification page, with the
    essential-worker declaration (L441-1 CCH 35th paragraph)."""

    titre = "Emploi du demandeur"

    class Meta:
        model = Personne
        fields = _EMPLOI

    def __init__(self, *args: Any, titre: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if titre:
            self.titre = titre
        preparer_champs_emploi(self)
        self.groupes = ((self.titre, _EMPLOI),)


class ModificationLogementForm(LogementActuelForm):
    """Current dwelling, eviction procedure and motives of a registered demand."""

    prefix = "logement"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault(
                "motifs_secondaires", sorted(self.instance.motifs_secondaires.values_list("motif", flat=True))
            )


class ModificationSituationsForm(_FormulaireSaisie, forms.ModelForm):
    """Declared L441-1 priorities and the DALO decision of a registered demand."""

    titre = "Situations prioritaires et DALO"
    prefix = "situations"
    groupes = (
        ("Situations prioritaires (article L441-1 du CCH)", ("priorites",)),
        ("Droit au logement opposable (DALO)", _DALO),
    )
    priorites = forms.MultipleChoiceField(
        label="Situations déclarées",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Une situation ajoutée reste à valider sur pièces justificatives ; une situation déjà validée "
        "et laissée cochée garde sa validation.",
    )

    class Meta:
        model = Demande
        fields = _DALO
        widgets = {"dalo_date_decision": ChampDate()}

    def __init__(self, *args: Any, priorites: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priorites"].choices = list(priorites)  # type: ignore[attr-defined]
        self.fields["dalo_date_decision"].help_text = "Date de la décision de la commission de médiation."
        if self.instance.pk:
            self.initial.setdefault(
                "priorites", sorted(self.instance.situations_prioritaires.values_list("priorite_id", flat=True))
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("dalo_reconnu") and not cleaned.get("dalo_date_decision"):
            self.add_error("dalo_date_decision", "Indiquez la date de la décision DALO.")
        return cleaned


class DecisionDaloForm(FormulaireDsfr, forms.Form):
    """The decision of the commission de médiation DALO, recorded after registration (desk or State)."""

    titre = "Décision de la commission de médiation"
    DECISIONS = (
        ("reconnu", "Reconnu prioritaire et urgent"),
        ("non_reconnu", "Non reconnu prioritaire"),
        ("reorientation", "Réorienté vers un hébergement (DAHO)"),
    )
    #: The commission's decision as the DALO follow-up names it (``attrib.dalo.enums.SensDecision``).
    SENS = {"reconnu": "favorable", "non_reconnu": "defavorable", "reorientation": "reorientation_hebergement"}
    decision = forms.ChoiceField(
        label="Décision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la décision de la commission."},
    )
    date_decision = forms.DateField(
        label="Date de la décision",
        widget=ChampDate(),
        error_messages={"required": "Indiquez la date de la décision.", "invalid": "Date invalide."},
    )
    commission = forms.CharField(
        label="Commission de médiation",
        required=False,
        max_length=200,
        help_text="Par exemple « Commission de médiation de l'Aude ».",
    )

    def __init__(self, *args: Any, demande: Demande, **kwargs: Any) -> None:
        if demande.dalo_date_decision:
            kwargs["initial"] = {
                "decision": "reconnu" if demande.dalo_reconnu else "non_reconnu",
                "date_decision": demande.dalo_date_decision.isoformat(),
                "commission": demande.dalo_commission,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)

    def clean_date_decision(self) -> date:
        jour: date = self.cleaned_data["date_decision"]
        if jour > timezone.localdate():
            raise forms.ValidationError("La date de la décision ne peut pas être dans le futur.")
        return jour
