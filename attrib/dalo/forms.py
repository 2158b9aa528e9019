"""Forms of the DALO follow-up (DSFR rendering of ``attrib.common.forms``). They only check what a person can fix
on the page; the services (``attrib.dalo.services``) hold the rules and their French messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attrib.commissions.enums import Contingent
from attrib.commissions.models import Offre
from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.dalo.selectors import STATUTS_CHOIX
from attrib.organisations.models import Organisation, TypeOrganisation


class FiltresForm(FormulaireDsfr, forms.Form):
    titre = "Filtres"
    marquer_facultatifs = False
    statut = forms.ChoiceField(label="Situation", required=False)
    commune = forms.ChoiceField(label="Commune souhaitée", required=False)
    reservataire = forms.ChoiceField(label="Réservataire mobilisé", required=False)

    def __init__(self, *args: Any, choix: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champs: Any = self.fields
        champs["statut"].choices = [("", "Toutes"), *STATUTS_CHOIX]
        champs["commune"].choices = [("", "Toutes"), *choix["communes"]]
        champs["reservataire"].choices = [("", "Tous"), *choix["reservataires"]]


class DesignationForm(FormulaireDsfr, forms.Form):
    titre = "Désignation du préfet"
    bailleur = forms.ModelChoiceField(label="Bailleur désigné", queryset=Organisation.objects.none())
    date_designation = forms.DateField(label="Date de la désignation", widget=ChampDate())
    contingent = forms.ChoiceField(
        label="Contingent imputé", choices=Contingent.choices, initial=Contingent.ETAT_PRIORITAIRES
    )
    reservataire = forms.ModelChoiceField(
        label="Réservataire dont le contingent est mobilisé",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Vide : le contingent de l'État.",
    )
    logement = forms.CharField(
        label="Identifiant du logement désigné",
        required=False,
        max_length=60,
        help_text="Facultatif : l'identifiant, chez le bailleur, du logement proposé s'il est déjà connu.",
    )
    motif = forms.CharField(label="Observations", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champs: Any = self.fields
        champs["bailleur"].queryset = Organisation.objects.filter(type=TypeOrganisation.BAILLEUR).order_by("nom")
        champs["reservataire"].queryset = Organisation.objects.exclude(categorie_reservataire="").order_by("nom")
        if not self.is_bound:
            self.initial.setdefault("date_designation", timezone.localdate().isoformat())


class LeveeForm(FormulaireDsfr, forms.Form):
    titre = "Levée de l'obligation de relogement"
    offre = forms.ModelChoiceField(label="Offre adaptée refusée", queryset=Offre.objects.none())
    date_levee = forms.DateField(label="Date de la levée", widget=ChampDate())
    motif = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pourquoi l'offre refusée était adaptée aux besoins et capacités du ménage.",
    )

    def __init__(self, *args: Any, offres: list[Offre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champ: Any = self.fields["offre"]
        champ.queryset = Offre.objects.filter(pk__in=[o.pk for o in offres]).select_related("logement")
        champ.label_from_instance = lambda o: (
            f"Offre du {o.envoyee_le:%d/%m/%Y}, logement {o.logement.identifiant} ({o.get_statut_display().lower()})"
        )
        if not self.is_bound:
            self.initial.setdefault("date_levee", timezone.localdate().isoformat())


class RecoursForm(FormulaireDsfr, forms.Form):
    titre = "Recours devant le tribunal administratif"
    date_recours = forms.DateField(label="Date du recours", widget=ChampDate())
