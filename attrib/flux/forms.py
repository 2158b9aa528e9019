"""Forms of the gestion en flux screens (DSFR rendering of ``attrib.common.forms``). They only check
what a person can fix on the page; the services hold the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.common.imports import verifier_envoi
from attrib.flux.enums import Arbitrage, CategorieConvention, CritereMixite, NatureLiberation
from attrib.flux.models import ConventionReservation
from attrib.flux.moteur import parametres_flux
from attrib.organisations.models import Organisation
from attrib.territoires.models import Commune

TYPOLOGIES = [("", "Toutes"), *((str(n), f"T{n}") for n in range(1, 7))]


class ConventionForm(FormulaireDsfr, forms.Form):
    titre = "Convention"
    groupes = (
        ("Signataires", ("bailleur", "reservataire", "categorie", "libelle")),
        ("Part du flux annuel", ("part", "nombre_logements")),
        ("Territoire et mixité", ("communes", "mixite")),
        ("Propositions et durée", ("delai_proposition_jours", "echec_compte", "debut", "fin")),
    )
    bailleur = forms.ModelChoiceField(label="Bailleur", queryset=Organisation.objects.none(), empty_label=None)
    reservataire = forms.ModelChoiceField(label="Réservataire", queryset=Organisation.objects.none())
    categorie = forms.ChoiceField(
        label="Contingent",
        choices=[("", "— Choisir —"), *CategorieConvention.choices],
        help_text="L'État signe deux contingents : publics prioritaires et agents de l'État.",
    )
    libelle = forms.CharField(
        label="Libellé", required=False, max_length=200, help_text="Par défaut : le nom du réservataire."
    )
    part = forms.DecimalField(
        label="Part du flux (%)",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=3,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Pourcentage du flux annuel de logements libérés, par exemple 25 ou 12,5.",
    )
    nombre_logements = forms.IntegerField(
        label="Ou nombre de logements par an",
        required=False,
        min_value=0,
        help_text="Converti en part du flux avec le flux prévisionnel de l'année.",
    )
    communes = forms.MultipleChoiceField(
        label="Territoire",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucune commune cochée : tout le patrimoine du bailleur (convention départementale).",
    )
    mixite = forms.MultipleChoiceField(
        label="Mixité demandée",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=CritereMixite.choices,
        help_text="Les logements orientés suivent le flux dans chaque strate choisie.",
    )
    delai_proposition_jours = forms.IntegerField(
        label="Délai de proposition (jours)",
        required=False,
        min_value=1,
        help_text="Délai laissé au réservataire pour proposer des candidats ; vide : délai par défaut.",
    )
    echec_compte = forms.BooleanField(
        label="Un délai dépassé est décompté de la part du réservataire",
        required=False,
        initial=True,
        help_text="Décochée : le logement revenu au bailleur reste dû au réservataire.",
    )
    debut = forms.DateField(label="Début", widget=ChampDate())
    fin = forms.DateField(label="Fin", widget=ChampDate(), required=False, help_text="Vide : sans terme.")

    def __init__(
        self,
        *args: Any,
        bailleurs: Sequence[Organisation],
        communes: Sequence[Commune],
        convention: ConventionReservation | None = None,
        **kwargs: Any,
    ) -> None:
        if convention is not None:
            kwargs["initial"] = {
                "bailleur": convention.bailleur_id,
                "reservataire": convention.reservataire_id,
                "categorie": convention.categorie,
                "libelle": convention.libelle,
                "part": convention.part,
                "nombre_logements": convention.nombre_logements,
                "communes": list(convention.territoire.values_list("code_insee", flat=True)),
                "mixite": list(convention.mixite or []),
                "delai_proposition_jours": convention.delai_proposition_jours,
                "echec_compte": convention.echec_compte,
                "debut": convention.debut,
                "fin": convention.fin,
            }
        super().__init__(*args, **kwargs)
        self.fields[
            "delai_proposition_jours"
        ].help_text += f" ({parametres_flux().delai_proposition_defaut(convention.debut if convention else timezone.localdate()).jours} jours)."
        self.fields["bailleur"].queryset = Organisation.objects.filter(pk__in=[b.pk for b in bailleurs])  # type: ignore[attr-defined]
        if len(bailleurs) <= 1:
            self.fields["bailleur"].widget = forms.HiddenInput()
            if bailleurs:
                self.fields["bailleur"].initial = bailleurs[0].pk
        if convention is not None:
            self.fields["bailleur"].disabled = True
        self.fields["reservataire"].queryset = Organisation.objects.exclude(categorie_reservataire="").exclude(  # type: ignore[attr-defined]
            pk__in=[b.pk for b in bailleurs]
        )
        self.fields["communes"].choices = [(c.code_insee, f"{c.nom} ({c.code_insee})") for c in communes]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        if donnees.get("part") is None and donnees.get("nombre_logements") is None and not self.has_error("part"):
            self.add_error("part", "Indiquez la part du flux (en %) ou le nombre de logements par an.")
        return donnees


class ImportConventionsForm(FormulaireDsfr, forms.Form):
    titre = "Import"
    bailleur = forms.ModelChoiceField(label="Bailleur", queryset=Organisation.objects.none(), empty_label=None)
    fichier = forms.FileField(
        label="Fichier des conventions",
        help_text="CSV (séparateur « ; », UTF-8) ou Excel (.xlsx), au format de l'export.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_fichier(self) -> Any:
        return verifier_envoi(self.cleaned_data["fichier"])

    def __init__(self, *args: Any, bailleurs: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bailleur"].queryset = Organisation.objects.filter(pk__in=[b.pk for b in bailleurs])  # type: ignore[attr-defined]
        if len(bailleurs) <= 1:
            self.fields["bailleur"].widget = forms.HiddenInput()
            if bailleurs:
                self.fields["bailleur"].initial = bailleurs[0].pk


class ArbitrageForm(FormulaireDsfr, forms.Form):
    titre = "Arbitrage"
    arbitrage = forms.ChoiceField(
        label="Quand une convention demande une mixité, garantir d'abord",
        choices=Arbitrage.choices,
        widget=forms.RadioSelect,
        help_text="Les deux à la fois sont impossibles (voir la documentation du moteur).",
    )


class RechercheLogementForm(FormulaireDsfr, forms.Form):
    titre = "Recherche"
    marquer_facultatifs = False
    q = forms.CharField(
        label="Identifiant, résidence ou voie",
        required=False,
        help_text="Par exemple « Jean Moulin » ou un identifiant RPLS.",
    )
    commune = forms.ChoiceField(label="Commune", required=False)
    typologie = forms.ChoiceField(label="Typologie", required=False, choices=TYPOLOGIES)

    def __init__(self, *args: Any, communes: Sequence[Commune], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "Toutes"), *((c.code_insee, c.nom) for c in communes)]  # type: ignore[attr-defined]


class DeclarationForm(FormulaireDsfr, forms.Form):
    titre = "Déclaration"
    date_liberation = forms.DateField(
        label="Date de libération",
        widget=ChampDate(),
        help_text="Jour où le logement est (ou sera) libre : départ du locataire ou mise en service.",
    )
    nature = forms.ChoiceField(
        label="Nature", choices=NatureLiberation.choices, widget=forms.RadioSelect, initial=NatureLiberation.RELOCATION
    )
    motif_exclusion = forms.ChoiceField(
        label="Sortie de l'assiette du flux",
        required=False,
        help_text="Seulement si le logement ne compte pas dans le flux (R441-5 CCH).",
    )
    motif_exclusion_detail = forms.CharField(
        label="Précision du motif de sortie",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire avec un motif de sortie : quelle mutation, quelle opération.",
    )

    def __init__(self, *args: Any, jour: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exclusions = parametres_flux().exclusions(jour)
        self.fields["motif_exclusion"].choices = [  # type: ignore[attr-defined]
            ("", "Aucune : le logement entre dans le flux"),
            *((m.code, m.libelle) for m in exclusions),
        ]


class DerogationForm(FormulaireDsfr, forms.Form):
    titre = "Dérogation"
    reservataire = forms.ChoiceField(label="Orienter plutôt vers", choices=())
    motif = forms.CharField(
        label="Motif de la dérogation",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire ; il est tracé et figure dans l'explication de l'orientation.",
        error_messages={"required": "Le motif de la dérogation est obligatoire."},
    )

    def __init__(self, *args: Any, choix: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reservataire"].choices = [("", "— Choisir —"), *choix]  # type: ignore[attr-defined]


class EcheanceForm(FormulaireDsfr, forms.Form):
    titre = "Échéance"
    confirmation = forms.BooleanField(
        label="Je constate que le réservataire n'a proposé aucun candidat dans le délai",
        error_messages={"required": "Cochez la case pour constater le dépassement du délai."},
    )
