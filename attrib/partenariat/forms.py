"""Forms of the partner committee's screens. They only check what a person can fix on the page; the services hold
the rules and their French messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.labellisation.parametres import types_label
from attrib.organisations.models import Organisation
from attrib.partenariat.enums import MesureAccompagnement, MotifCloture, NatureDecision, QualiteMembre, SensAvis
from attrib.partenariat.models import SeancePartenariale


class SeanceForm(FormulaireDsfr, forms.Form):
    titre = "Nouvelle séance"
    date_seance = forms.DateField(label="Date de la séance", widget=ChampDate())
    lieu = forms.CharField(label="Lieu", max_length=200)


class MembreForm(FormulaireDsfr, forms.Form):
    titre = "Nouveau membre"
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.none())
    qualite = forms.ChoiceField(label="Qualité", choices=QualiteMembre.choices)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class SaisineForm(FormulaireDsfr, forms.Form):
    titre = "Saisine de la commission"
    organisation = forms.ModelChoiceField(label="Au nom de", queryset=Organisation.objects.none(), empty_label=None)
    motif = forms.CharField(
        label="Motif de la saisine",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce qui bloque le relogement du ménage et ce que vous attendez des partenaires.",
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        )


class InscriptionForm(FormulaireDsfr, forms.Form):
    titre = "Inscription à l'ordre du jour"
    seance = forms.ModelChoiceField(label="Séance", queryset=SeancePartenariale.objects.none())

    def __init__(self, *args: Any, seances: QuerySet[SeancePartenariale], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seance"].queryset = seances  # type: ignore[attr-defined]


class EvaluationForm(FormulaireDsfr, forms.Form):
    titre = "Évaluation sociale"
    organisation = forms.ModelChoiceField(label="Au nom de", queryset=Organisation.objects.none(), empty_label=None)
    date_evaluation = forms.DateField(label="Date de l'évaluation", widget=ChampDate())
    texte = forms.CharField(label="Évaluation", widget=forms.Textarea(attrs={"rows": 8}))
    fichier = forms.FileField(label="Pièce jointe (PDF)", required=False)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        )


class AvisForm(FormulaireDsfr, forms.Form):
    titre = "Avis"
    organisation = forms.ModelChoiceField(label="Au nom de", queryset=Organisation.objects.none(), empty_label=None)
    sens = forms.ChoiceField(label="Avis", choices=SensAvis.choices, widget=forms.RadioSelect)
    texte = forms.CharField(
        label="Motivation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour un avis réservé ou défavorable.",
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        )


class DecisionForm(FormulaireDsfr, forms.Form):
    titre = "Décision de la commission"
    nature = forms.ChoiceField(label="Décision", choices=NatureDecision.choices, widget=forms.RadioSelect)
    type_label = forms.ChoiceField(label="Label", required=False, help_text="Pour un label.")
    valide_jusqu_au = forms.DateField(
        label="Label valable jusqu'au", required=False, widget=ChampDate(), help_text="Vide : la durée du territoire."
    )
    organisation_cible = forms.ModelChoiceField(
        label="Orienté vers (bailleur ou réservataire)",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Pour une orientation.",
    )
    echeance = forms.DateField(
        label="Échéance du relogement", required=False, widget=ChampDate(), help_text="Pour une orientation."
    )
    mesure = forms.ChoiceField(
        label="Mesure d'accompagnement",
        choices=[("", "— Non renseigné —"), *MesureAccompagnement.choices],
        required=False,
        help_text="Pour une mesure d'accompagnement.",
    )
    operateur = forms.CharField(label="Opérateur de la mesure", max_length=200, required=False)
    motif = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour un ajournement.",
    )

    def __init__(self, *args: Any, cibles: QuerySet[Organisation], jour: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation_cible"].queryset = cibles  # type: ignore[attr-defined]
        self.fields["type_label"].choices = [  # type: ignore[attr-defined]
            ("", "— Non renseigné —"),
            *[(code, t.libelle) for code, t in types_label(jour).items()],
        ]


class ClotureForm(FormulaireDsfr, forms.Form):
    titre = "Clôture du dossier"
    motif = forms.ChoiceField(label="Motif", choices=MotifCloture.choices, widget=forms.RadioSelect)
    precision = forms.CharField(
        label="Précision", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Pour un autre motif."
    )


class PresencesForm(FormulaireDsfr, forms.Form):
    titre = "Présences"
    membres = forms.MultipleChoiceField(label="Membres présents", widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, membres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membres"].choices = membres  # type: ignore[attr-defined]
