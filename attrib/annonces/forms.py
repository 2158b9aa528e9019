"""Forms of the location voulue screens (DSFR rendering of ``attrib.common.forms``). They only check what a person
can fix on the page; the services (``attrib.annonces.services``) hold the rules and their French messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from attrib.annonces.enums import PublicAnnonce, StatutAnnonce
from attrib.annonces.services import FINANCEMENTS
from attrib.commissions.models import Seance
from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.organisations.models import Organisation
from attrib.patrimoine.enums import Financement
from attrib.territoires.models import Commune

#: What the bailleur's own share is called where a réservataire is chosen.
PART_BAILLEUR = "Part du bailleur (logements non réservés)"
#: The value of the list's filter for the bailleur's own share.
FLUX_BAILLEUR = "bailleur"


class RegleForm(FormulaireDsfr, forms.Form):
    """A dated rule of a bailleur × réservataire pair (``services.regle_enregistrer``)."""

    titre = "Règle de location voulue"
    groupes = (
        ("Le flux concerné", ("bailleur", "reservataire", "part")),
        (
            "Les logements qui peuvent être proposés",
            ("typologie_min", "typologie_max", "hors_qpv_seulement", "financements"),
        ),
        ("Durée et période", ("duree_publication_jours", "debut", "fin")),
    )
    bailleur = forms.ModelChoiceField(label="Bailleur", queryset=Organisation.objects.none(), empty_label=None)
    reservataire = forms.ModelChoiceField(
        label="Flux du réservataire",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Vide : la part du bailleur (logements non réservés).",
    )
    part = forms.IntegerField(
        label="Part du flux proposée en location voulue (%)",
        min_value=0,
        max_value=100,
        help_text="Part des logements libérés orientés vers ce flux qui sont publiés en annonce, de 0 à 100.",
    )
    typologie_min = forms.IntegerField(label="Typologie minimale (nombre de pièces)", required=False, min_value=1)
    typologie_max = forms.IntegerField(label="Typologie maximale (nombre de pièces)", required=False, min_value=1)
    hors_qpv_seulement = forms.BooleanField(
        label="Seulement les logements hors quartier prioritaire de la politique de la ville (QPV)", required=False
    )
    financements = forms.MultipleChoiceField(
        label="Financements retenus",
        required=False,
        choices=[(f, Financement(f).label) for f in FINANCEMENTS],
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : tous les financements.",
    )
    duree_publication_jours = forms.IntegerField(
        label="Durée de publication d'une annonce (jours)",
        required=False,
        min_value=1,
        help_text="Vide : la durée fixée par le territoire.",
    )
    debut = forms.DateField(label="En vigueur à partir du", widget=ChampDate())
    fin = forms.DateField(label="En vigueur jusqu'au", required=False, widget=ChampDate())

    def __init__(self, *args: Any, bailleurs: list[Organisation], reservataires: QuerySet[Organisation], **kwargs: Any):
        kwargs.setdefault("initial", {"debut": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["bailleur"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[b.pk for b in bailleurs]
        ).order_by("nom")
        champ: Any = self.fields["reservataire"]
        champ.queryset = reservataires
        champ.empty_label = PART_BAILLEUR

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        mini, maxi = donnees.get("typologie_min"), donnees.get("typologie_max")
        if mini and maxi and maxi < mini:
            self.add_error("typologie_max", "La typologie maximale n'est pas inférieure à la typologie minimale.")
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin de la règle ne précède pas son début.")
        return donnees


class AnnonceForm(FormulaireDsfr, forms.Form):
    """What the bailleur writes of a draft advert (``services.annonce_modifier``); the dwelling's figures are copied
    from the stock."""

    titre = "Annonce"
    groupes = (
        ("Le texte de l'annonce", ("titre_annonce", "description", "quartier")),
        ("Qui peut candidater", ("public", "motif_public")),
    )
    # ``titre`` is the form's own title (error summary): the advert's title is ``titre_annonce`` here, ``titre``
    # for the service.
    titre_annonce = forms.CharField(label="Titre de l'annonce", max_length=200)
    description = forms.CharField(
        label="Description du logement",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Les pièces, l'exposition, les équipements : ce qu'un ménage veut savoir avant de candidater.",
    )
    quartier = forms.CharField(
        label="La résidence et son quartier",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Commerces, écoles, transports, services à proximité.",
    )
    public = forms.ChoiceField(label="Public de l'annonce", choices=PublicAnnonce.choices, widget=forms.RadioSelect)
    motif_public = forms.CharField(
        label="Motif de la restriction",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire si l'annonce est réservée à un public : l'objectif de la convention intercommunale "
        "d'attribution qui le justifie. Il est affiché sur l'annonce.",
    )

    def champs_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "titre": d["titre_annonce"],
            "description": d.get("description") or "",
            "quartier": d.get("quartier") or "",
            "public": d["public"],
            "motif_public": d.get("motif_public") or "",
        }


class PhotoForm(FormulaireDsfr, forms.Form):
    """A photo of a draft advert with its alternative text (``services.photo_ajouter`` checks the image)."""

    titre = "Ajouter une photo"
    image = forms.FileField(
        label="Photo",
        help_text="Formats acceptés : JPEG, PNG ou WebP.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    texte_alternatif = forms.CharField(
        label="Texte alternatif",
        max_length=250,
        help_text="Ce que montre la photo, pour les personnes qui ne la voient pas (lu par les lecteurs d'écran). "
        "Par exemple : « Séjour lumineux avec une porte-fenêtre sur le balcon ».",
        error_messages={
            "required": "Décrivez ce que montre la photo : ce texte est lu aux personnes qui ne la voient pas."
        },
    )


class RetraitAnnonceForm(FormulaireDsfr, forms.Form):
    titre = "Retrait de l'annonce"
    motif = forms.CharField(
        label="Motif du retrait",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il est dit aux ménages qui avaient candidaté.",
        error_messages={"required": "Dites pourquoi l'annonce est retirée : ce motif est dit aux ménages candidats."},
    )


class PresentationForm(FormulaireDsfr, forms.Form):
    """The session of the bailleur's commission to which the first applications go."""

    titre = "Présentation à la commission"
    seance = forms.ModelChoiceField(
        label="Séance de la commission d'attribution",
        queryset=Seance.objects.none(),
        help_text="Séances prévues de la commission du bailleur.",
    )

    def __init__(self, *args: Any, seances: QuerySet[Seance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champ: Any = self.fields["seance"]
        champ.queryset = seances
        champ.label_from_instance = lambda s: f"{s.commission.nom} — séance du {s.date:%d/%m/%Y}"


class FiltresAnnoncesForm(FormulaireDsfr, forms.Form):
    titre = "Filtres"
    marquer_facultatifs = False
    statut = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *StatutAnnonce.choices])
    commune = forms.ModelChoiceField(label="Commune", required=False, queryset=Commune.objects.none())
    flux = forms.ChoiceField(label="Flux", required=False)

    def __init__(
        self, *args: Any, communes: QuerySet[Commune], reservataires: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        champ: Any = self.fields["commune"]
        champ.queryset = communes
        champ.empty_label = "Toutes"
        self.fields["flux"].choices = [  # type: ignore[attr-defined]
            ("", "Tous"),
            (FLUX_BAILLEUR, PART_BAILLEUR),
            *((str(o.pk), o.nom) for o in reservataires),
        ]
