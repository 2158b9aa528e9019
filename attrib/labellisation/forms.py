"""Forms of the labels' screens: propose a label with its proof, examine a proposal, validate a criterion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.labellisation import parametres
from attrib.labellisation.enums import Proposant
from attrib.organisations.models import Organisation
from attrib.territoires.models import EPCI


class PropositionForm(FormulaireDsfr, forms.Form):
    type_label = forms.ChoiceField(label="Label proposé")
    motif = forms.CharField(
        label="Pourquoi le ménage relève de ce label",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    piece = forms.FileField(label="Justificatif (facultatif)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_label"].choices = [("", "Choisissez")] + [  # type: ignore[attr-defined]
            (t.code, t.libelle) for t in parametres.types_label().values()
        ]


class ExamenForm(FormulaireDsfr, forms.Form):
    decision = forms.ChoiceField(
        label="Décision", choices=[("valider", "Valider le label"), ("refuser", "Refuser le label")]
    )
    texte = forms.CharField(
        label="Commentaire (validation) ou motif (refus, obligatoire)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class CritereForm(FormulaireDsfr, forms.Form):
    evaluation = forms.CharField(
        label="Évaluation sociale qui fonde la validation", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    fichier = forms.FileField(label="Évaluation jointe (facultatif)", required=False)


class PropositionMenageForm(FormulaireDsfr, forms.Form):
    """The household proposes a label from its space, with a document (the kinds it may propose that day)."""

    titre = "Demander la reconnaissance d'une situation prioritaire"
    type_label = forms.ChoiceField(
        label="Situation", error_messages={"required": "Choisissez la situation à faire reconnaître."}
    )
    motif = forms.CharField(
        label="Expliquez votre situation en quelques phrases",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Expliquez votre situation."},
    )
    piece = forms.FileField(
        label="Justificatif",
        help_text="PDF, photo JPEG ou image PNG.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
        error_messages={"required": "Joignez un justificatif de votre situation.", "empty": "Le fichier est vide."},
    )

    def __init__(self, *args: Any, jour: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_label"].choices = [("", "Choisissez")] + [  # type: ignore[attr-defined]
            (t.code, t.libelle)
            for t in parametres.types_label(jour).values()
            if Proposant.DEMANDEUR.value in t.proposants
        ]


class RegleForm(FormulaireDsfr, forms.Form):
    """A dated local rule of an EPCI (``services.regle_enregistrer``): who validates a kind of label, for how long."""

    titre = "Règle locale de labellisation"
    epci = forms.ModelChoiceField(
        label="Intercommunalité",
        queryset=EPCI.objects.none(),
        empty_label="Choisissez",
        error_messages={"required": "Choisissez l'intercommunalité de la règle."},
    )
    type_label = forms.ChoiceField(label="Label", error_messages={"required": "Choisissez le label concerné."})
    validateur = forms.ModelChoiceField(
        label="Organisation qui valide",
        queryset=Organisation.objects.none(),
        empty_label="Choisissez",
        error_messages={"required": "Choisissez l'organisation qui valide ce label."},
    )
    debut = forms.DateField(
        label="En vigueur à partir du",
        widget=ChampDate(),
        error_messages={"required": "Donnez la date d'entrée en vigueur.", "invalid": "Saisissez une date valide."},
    )
    fin = forms.DateField(
        label="En vigueur jusqu'au (facultatif)",
        required=False,
        widget=ChampDate(),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    duree_mois = forms.IntegerField(
        label="Durée de validité d'un label validé (mois, facultatif)",
        required=False,
        help_text="Vide : la durée prévue pour ce label.",
        error_messages={"invalid": "Saisissez un nombre entier de mois."},
    )
    acte = forms.CharField(
        label="Acte qui fonde la règle",
        max_length=300,
        help_text="Délibération, convention ou arrêté, avec sa date.",
        error_messages={"required": "Nommez l'acte qui fonde la règle (délibération, convention, arrêté)."},
    )

    def __init__(self, *args: Any, epcis: list[EPCI], jour: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"debut": timezone.localdate()})
        super().__init__(*args, **kwargs)
        sirens = [e.pk for e in epcis]
        self.fields["epci"].queryset = EPCI.objects.filter(pk__in=sirens).order_by("nom")  # type: ignore[attr-defined]
        self.fields["validateur"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(Q(epci_id__in=sirens) | Q(perimetre__epci_id__in=sirens))
            .distinct()
            .order_by("nom")
        )
        self.fields["type_label"].choices = [("", "Choisissez")] + [  # type: ignore[attr-defined]
            (t.code, t.libelle) for t in parametres.types_label(jour).values()
        ]
