"""Forms of the reception service: a household's booking, and the desk's place, hours and slot series. The rules
live in the services; the forms carry the fields, their French labels and what a person can fix on the page."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.organisations.models import Organisation
from attrib.siad.enums import Accessibilite, JourSemaine, Service
from attrib.siad.horaires import HoraireInvalide, lire_exceptions, lire_plages
from attrib.territoires.models import Commune


class ReservationForm(FormulaireDsfr, forms.Form):
    nom = forms.CharField(
        label="Nom et prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label="Adresse de courriel",
        required=False,
        max_length=254,
        help_text="Pour recevoir la confirmation et le lien d'annulation. Format attendu : prenom.nom@exemple.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    telephone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=20,
        help_text="Si vous n'avez pas d'adresse de courriel. Format attendu : 06 12 34 56 78",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    motif = forms.ChoiceField(label="Motif du rendez-vous", choices=())
    marquer_facultatifs = True

    def __init__(self, *args: Any, services: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choix = [(s.value, s.label) for s in Service if not services or s.value in services]
        motif = self.fields["motif"]
        assert isinstance(motif, forms.ChoiceField)
        motif.choices = [("", "— Choisir —"), *choix]


class LieuForm(FormulaireDsfr, forms.Form):
    groupes = (
        ("Le lieu", ("organisation", "nom", "adresse", "complement", "code_postal", "commune")),
        ("Pour le joindre", ("telephone", "courriel")),
        ("Ce que l'on y trouve", ("services", "accessibilite", "informations")),
        ("Ouverture", ("rendez_vous_en_ligne", "actif")),
    )
    organisation = forms.ModelChoiceField(
        label="Organisation qui tient l'accueil", queryset=Organisation.objects.none()
    )
    nom = forms.CharField(label="Nom du lieu", max_length=200)
    adresse = forms.CharField(label="Adresse", max_length=300, help_text="Numéro et voie.")
    complement = forms.CharField(label="Complément d'adresse", max_length=200, required=False)
    code_postal = forms.CharField(label="Code postal", max_length=5, help_text="Cinq chiffres.")
    commune = forms.ModelChoiceField(label="Commune", queryset=Commune.objects.none())
    telephone = forms.CharField(label="Téléphone", max_length=20, required=False)
    courriel = forms.CharField(label="Adresse de courriel", max_length=254, required=False)
    services = forms.MultipleChoiceField(
        label="Services proposés", choices=Service.choices, widget=forms.CheckboxSelectMultiple
    )
    accessibilite = forms.MultipleChoiceField(
        label="Accessibilité", choices=Accessibilite.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    informations = forms.CharField(
        label="Informations pratiques",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Comment venir, ce qu'il faut apporter… Ce texte est lu par les ménages : rien de personnel.",
    )
    rendez_vous_en_ligne = forms.BooleanField(label="Les ménages réservent leurs rendez-vous en ligne", required=False)
    actif = forms.BooleanField(
        label="Le lieu est ouvert au public et figure sur les pages du territoire", required=False
    )

    def __init__(self, *args: Any, organisations: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]


_JOURS = [(j, f"horaires_{j.value}") for j in JourSemaine]


class HorairesForm(FormulaireDsfr, forms.Form):
    """One text per weekday (« 9h-12h, 13h30-17h », empty: closed) and the exceptional days, one per line."""

    exceptions = forms.CharField(
        label="Jours exceptionnels à venir",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Un jour par ligne : « 25/12/2026 : fermé (Noël) » ou « 24/12/2026 : 9h-12h ».",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champs: dict[str, forms.Field] = {}
        for jour, nom in _JOURS:
            champs[nom] = forms.CharField(
                label=f"Horaires du {jour.label}",
                required=False,
                max_length=200,
                help_text="Par exemple 9h-12h, 13h30-17h. Laissez vide si le lieu est fermé ce jour-là.",
            )
        champs["exceptions"] = self.fields.pop("exceptions")
        self.fields.update(champs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        plages: dict[int, list[tuple[time, time]]] = {}
        for jour, nom in _JOURS:
            try:
                plages[jour.value] = lire_plages(cleaned.get(nom) or "")
            except HoraireInvalide as exc:
                self.add_error(nom, str(exc))
        try:
            cleaned["exceptions_lues"] = lire_exceptions(cleaned.get("exceptions") or "")
        except HoraireInvalide as exc:
            self.add_error("exceptions", str(exc))
        cleaned["plages"] = {j: p for j, p in plages.items() if p}
        return cleaned


class SerieForm(FormulaireDsfr, forms.Form):
    groupes = (
        ("Période", ("premier_jour", "dernier_jour", "jours")),
        ("Chaque jour choisi", ("heure_debut", "heure_fin", "duree_minutes", "capacite")),
    )
    premier_jour = forms.DateField(label="Premier jour", widget=ChampDate())
    dernier_jour = forms.DateField(label="Dernier jour", widget=ChampDate())
    jours = forms.TypedMultipleChoiceField(
        label="Jours de la semaine",
        choices=[(j.value, j.label.capitalize()) for j in JourSemaine],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    heure_debut = forms.TimeField(
        label="Heure du premier rendez-vous", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    heure_fin = forms.TimeField(
        label="Heure de fin des rendez-vous", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duree_minutes = forms.IntegerField(label="Durée d'un rendez-vous (minutes)", min_value=5, max_value=480, initial=20)
    capacite = forms.IntegerField(
        label="Ménages reçus en même temps", min_value=1, max_value=50, initial=1, help_text="1 pour un guichet."
    )
