"""Forms of the rapprochement screens (DSFR rendering of ``attrib.common.forms``). They only check what
a person can fix on the page; the services hold the rules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from attrib.commissions import parametres as parametres_caleol
from attrib.commissions.models import Seance
from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.common.imports import verifier_envoi
from attrib.organisations.models import Organisation
from attrib.rapprochement.selectors import PUBLICS
from attrib.territoires.models import EPCI

NOMBRES = [("10", "10"), ("20", "20"), ("50", "50")]


class FiltresForm(FormulaireDsfr, forms.Form):
    titre = "Filtres"
    marquer_facultatifs = False
    public = forms.ChoiceField(label="Ménages", choices=list(PUBLICS.items()), required=False)
    nombre = forms.ChoiceField(label="Nombre de demandes éligibles affichées", choices=NOMBRES, required=False)
    cotisantes = forms.BooleanField(label="Seulement les salariés d'une entreprise cotisante", required=False)


class DesignationForm(FormulaireDsfr, forms.Form):
    """The session and, when fewer candidates than the minimum are designated, the exception (caleol.yaml).
    The candidates are the boxes ticked in the shortlist table (``candidats``)."""

    titre = "Désignation"
    seance = forms.ModelChoiceField(
        label="Séance de la commission d'attribution",
        queryset=Seance.objects.none(),
        help_text="Séances prévues de la commission du bailleur.",
    )
    exception = forms.ChoiceField(
        label="Exception au minimum de candidats",
        required=False,
        help_text="Seulement si vous désignez moins de candidats que le minimum (R441-3 CCH).",
    )
    derogation_offre = forms.CharField(
        label="Motif de la désignation d'un ménage ayant une offre en cours",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Un ménage n'a qu'une attribution à la fois : ne le désignez ailleurs que par une décision "
        "motivée, inscrite au journal de sa demande.",
    )

    def __init__(self, *args: Any, seances: Any, jour: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        jour = jour or timezone.localdate()
        champ: Any = self.fields["seance"]
        champ.queryset = seances
        champ.label_from_instance = lambda s: f"{s.commission.nom} — {s.date:%d/%m/%Y}"
        exceptions = parametres_caleol.exceptions_candidats(jour)
        self.fields[
            "exception"
        ].label = f"Exception à la règle des {parametres_caleol.candidats_minimum_en_lettres(jour)} candidats"
        self.fields["exception"].choices = [("", "— Aucune —"), *exceptions.items()]  # type: ignore[attr-defined]


class LotForm(FormulaireDsfr, forms.Form):
    titre = "Propositions par lot"
    organisation = forms.ModelChoiceField(
        label="Pour le compte de", queryset=Organisation.objects.none(), empty_label=None
    )
    epci = forms.ModelChoiceField(label="Territoire", queryset=EPCI.objects.none(), empty_label=None)
    debut = forms.DateField(label="Début de la période", widget=ChampDate())
    fin = forms.DateField(label="Fin de la période", widget=ChampDate())

    def __init__(self, *args: Any, organisations: list[Organisation], epcis: Any, **kwargs: Any) -> None:
        jour = timezone.localdate()
        kwargs.setdefault("initial", {"debut": jour, "fin": jour + timedelta(days=30)})
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        ).order_by("nom")
        self.fields["epci"].queryset = epcis  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin de la période précède son début.")
        return donnees


class ImportCotisantesForm(FormulaireDsfr, forms.Form):
    titre = "Import"
    reservataire = forms.ModelChoiceField(label="Réservataire", queryset=Organisation.objects.none(), empty_label=None)
    fichier = forms.FileField(
        label="Fichier des entreprises cotisantes",
        help_text="CSV (séparateur « ; », UTF-8) ou Excel (.xlsx) ; colonnes « SIRET », « Raison sociale », "
        "« Cotisante depuis le » et, facultative, « Cotisante jusqu'au » (dates JJ/MM/AAAA).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_fichier(self) -> Any:
        return verifier_envoi(self.cleaned_data["fichier"])

    def __init__(self, *args: Any, reservataires: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reservataire"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[r.pk for r in reservataires]
        ).order_by("nom")
        if len(reservataires) <= 1:
            self.fields["reservataire"].widget = forms.HiddenInput()
            if reservataires:
                self.fields["reservataire"].initial = reservataires[0].pk
