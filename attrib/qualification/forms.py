"""Forms of the rating campaign screens (DSFR rendering of ``attrib.common.forms``). They only check
what a person can fix on the page; the services hold the rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils import timezone

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.common.imports import verifier_envoi
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Residence
from attrib.qualification.parametres import parametres
from attrib.qualification.services import COMMENTAIRE_MAX
from attrib.territoires.models import Commune


def _choix_notes(vide: str) -> list[tuple[str, str]]:
    return [("", vide), *((str(n), libelle) for n, libelle in parametres().choix_notes())]


class CampagneForm(FormulaireDsfr, forms.Form):
    titre = "Nouvelle campagne"
    organisation = forms.ModelChoiceField(label="EPCI", queryset=Organisation.objects.none(), empty_label=None)
    annee = forms.IntegerField(label="Année de la campagne", min_value=2000, max_value=2100)
    date_limite = forms.DateField(
        label="Date limite de notation",
        widget=ChampDate(),
        help_text="Les communes et les bailleurs notent jusqu'à cette date ; l'EPCI clôture ensuite la campagne.",
    )
    communes = forms.MultipleChoiceField(
        label="Périmètre de la campagne",
        widget=forms.CheckboxSelectMultiple,
        help_text="Les communes dont les résidences sont notées.",
    )

    def __init__(self, *args: Any, epcis: Sequence[Organisation], communes: Iterable[Commune], **kwargs: Any) -> None:
        communes = list(communes)
        kwargs["initial"] = {
            "annee": timezone.localdate().year,
            "communes": [c.code_insee for c in communes],
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in epcis])  # type: ignore[attr-defined]
        if len(epcis) <= 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            if epcis:
                self.fields["organisation"].initial = epcis[0].pk
        self.fields["communes"].choices = [(c.code_insee, f"{c.nom} ({c.code_insee})") for c in communes]  # type: ignore[attr-defined]


class NotationsForm(FormulaireDsfr, forms.Form):
    """One page of the rater's residences: a note and a comment per residence (fields ``note_<id>`` and
    ``commentaire_<id>``)."""

    titre = "Notation"
    marquer_facultatifs = False

    def __init__(self, *args: Any, residences: Sequence[Residence], **kwargs: Any) -> None:
        initial = {}
        for r in residences:
            note = getattr(r, "ma_note", None)
            initial[f"note_{r.pk}"] = "" if note is None else str(note)
            initial[f"commentaire_{r.pk}"] = getattr(r, "mon_commentaire", None) or ""
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.residences = list(residences)
        for r in self.residences:
            nom = r.nom or r.adresse or r.identifiant
            self.fields[f"note_{r.pk}"] = forms.ChoiceField(
                label=f"Note de la résidence {nom}", choices=_choix_notes("— Non notée —"), required=False
            )
            self.fields[f"commentaire_{r.pk}"] = forms.CharField(
                label=f"Commentaire sur la résidence {nom}", required=False, max_length=COMMENTAIRE_MAX
            )

    def lignes(self) -> list[tuple[Residence, Any, Any]]:
        return [(r, self[f"note_{r.pk}"], self[f"commentaire_{r.pk}"]) for r in self.residences]

    def saisies_modifiees(self) -> dict[int, tuple[int | None, str]]:
        """The residences whose note or comment changed on the page."""
        saisies = {}
        for r in self.residences:
            note_brute = self.cleaned_data.get(f"note_{r.pk}") or ""
            note = int(note_brute) if note_brute else None
            commentaire = (self.cleaned_data.get(f"commentaire_{r.pk}") or "").strip()
            if note != getattr(r, "ma_note", None) or commentaire != (getattr(r, "mon_commentaire", None) or ""):
                saisies[r.pk] = (note, commentaire)
        return saisies


class ImportNotationsForm(FormulaireDsfr, forms.Form):
    titre = "Import"
    fichier = forms.FileField(
        label="Classeur Excel rempli",
        help_text="Le fichier exporté depuis cette page, colonne « Note » remplie (format .xlsx).",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    tout_ou_rien = forms.BooleanField(
        label="Tout ou rien",
        required=False,
        help_text="Si une seule ligne est en erreur, aucune note n'est enregistrée. Sinon, les lignes valides le sont.",
    )

    def clean_fichier(self) -> Any:
        return verifier_envoi(self.cleaned_data["fichier"])


class ClotureForm(FormulaireDsfr, forms.Form):
    titre = "Clôture"
    confirmation = forms.BooleanField(
        label="Je confirme la clôture de la campagne",
        help_text="Après la clôture, plus aucune note ne change et chacun voit les notes des deux parties.",
        error_messages={"required": "Cochez la case pour confirmer la clôture."},
    )


class HarmonisationForm(FormulaireDsfr, forms.Form):
    titre = "Note harmonisée"
    note = forms.ChoiceField(
        label="Note convenue", choices=(), error_messages={"required": "Choisissez la note convenue."}
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Organisations qui ont convenu de la note",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    participants = forms.CharField(
        label="Participants",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Noms et qualités des personnes présentes qui ont convenu de la note.",
        error_messages={"required": "Indiquez qui a convenu de la note (noms et organisations présentes)."},
    )
    motif = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pourquoi cette note a été retenue.",
        error_messages={"required": "Indiquez pourquoi cette note a été retenue."},
    )

    def __init__(self, *args: Any, organisations: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].choices = _choix_notes("— Choisir —")  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])  # type: ignore[attr-defined]


class EnjeuMixiteForm(FormulaireDsfr, forms.Form):
    titre = "Enjeu de mixité sociale"
    decision = forms.ChoiceField(label="Décision", widget=forms.RadioSelect, choices=())
    motif = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Les raisons de la décision (indicateurs d'occupation, note de la résidence, orientations de la CIA…).",
        error_messages={"required": "Indiquez le motif de la décision."},
    )

    def __init__(self, *args: Any, marquee: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if marquee:
            self.fields["decision"].choices = [  # type: ignore[attr-defined]
                ("marquer", "Garder le marquage et mettre à jour son motif"),
                ("retirer", "Retirer le marquage"),
            ]
        else:
            self.fields["decision"].choices = [  # type: ignore[attr-defined]
                ("marquer", "Marquer la résidence à enjeux prioritaires de mixité sociale")
            ]
            self.fields["decision"].initial = "marquer"
