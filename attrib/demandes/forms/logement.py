"""Steps 4 and 5 of the CERFA: the current dwelling and the motives, the dwelling sought with its ordered
communes, the declared priorities and the DALO decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from attrib.common.forms import ChampDate
from attrib.demandes import enums
from attrib.demandes.forms._commun import (
    _TYPOLOGIES_A_CHOISIR,
    _FormulaireSaisie,
    _montants,
    _montants_a_zero,
    verifier_date_expulsion,
)
from attrib.demandes.models import Demande

_LOGEMENT_ACTUEL = (
    "statut_logement_actuel",
    "bailleur_actuel",
    "rpls_logement_actuel",
    "type_logement_actuel",
    "nb_pieces_actuel",
    "surface_actuelle",
    "logement_actuel_depuis",
)
_COUT = ("loyer_actuel", "charges_actuelles", "allocation_logement")
_DIFFICULTES = ("procedure_expulsion", "expulsion_date_etape", "logement_non_decent", "arrete_insalubrite")


class LogementActuelForm(_FormulaireSaisie, forms.ModelForm):
    titre = "Logement actuel et motifs"
    groupes = (
        ("Logement actuel", _LOGEMENT_ACTUEL),
        ("Coût du logement actuel", _COUT),
        ("Difficultés", _DIFFICULTES),
        ("Motifs de la demande", ("motif_principal", "motifs_secondaires")),
    )
    motifs_secondaires = forms.MultipleChoiceField(
        label="Autres motifs",
        choices=enums.Motif.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Demande
        fields = (*_LOGEMENT_ACTUEL, *_COUT, *_DIFFICULTES, "motif_principal")
        widgets = {"logement_actuel_depuis": ChampDate(), "expulsion_date_etape": ChampDate()}

    MONTANTS = _COUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _montants(self, Demande, self.MONTANTS)
        self.fields["bailleur_actuel"].help_text = "Pour un locataire HLM (demande de mutation)."

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _montants_a_zero(cleaned, self.MONTANTS)
        principal = cleaned.get("motif_principal")
        if principal and principal in cleaned.get("motifs_secondaires", []):
            self.add_error("motifs_secondaires", "Le motif principal ne doit pas être coché une seconde fois ici.")
        if cleaned.get(
            "statut_logement_actuel"
        ) == enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL and not cleaned.get("bailleur_actuel"):
            self.add_error("bailleur_actuel", "Indiquez le bailleur social actuel d'un locataire HLM.")
        verifier_date_expulsion(self, cleaned)
        return cleaned


NB_COMMUNES = 5
CHAMPS_COMMUNES = tuple(f"commune_{i}" for i in range(1, NB_COMMUNES + 1))
_RECHERCHE = ("typologie_min", "typologie_max", "type_logement_recherche", "loyer_max")
_BESOINS = ("besoin_fauteuil", "besoin_logement_adapte", "besoin_rdc_ou_ascenseur", "besoin_parking")
_DALO = ("dalo_reconnu", "dalo_date_decision", "dalo_commission")


class _CommunesMixin:
    """The dwelling sought: a minimal typology not above the maximal one, up to five ordered communes chosen
    among the communes offered (the EPCI's)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    add_error: Any

    def _ajouter_communes(self, choix: Sequence[tuple[str, str]]) -> None:
        for i, nom in enumerate(CHAMPS_COMMUNES, start=1):
            self.fields[nom] = forms.ChoiceField(
                label=f"Commune souhaitée n° {i}",
                choices=[("", "— Aucune —" if i > 1 else "— Choisir —"), *choix],
                required=i == 1,
                help_text="Par ordre de préférence." if i == 1 else "",
            )

    def _verifier_typologies(self, cleaned: dict[str, Any]) -> None:
        mini, maxi = cleaned.get("typologie_min"), cleaned.get("typologie_max")
        if mini and maxi and mini > maxi:
            self.add_error(
                "typologie_max", "La typologie maximale doit être supérieure ou égale à la typologie minimale."
            )

    def _verifier_communes(self) -> None:
        vues: dict[str, int] = {}
        for i, nom in enumerate(CHAMPS_COMMUNES, start=1):
            code = self.cleaned_data.get(nom)
            if not code:
                continue
            if code in vues:
                self.add_error(nom, f"Cette commune est déjà choisie en n° {vues[code]}.")
            vues.setdefault(code, i)

    def communes(self) -> list[str]:
        return [c for c in (self.cleaned_data.get(n) for n in CHAMPS_COMMUNES) if c]

    def champ_commune(self, rang: int) -> str:
        """The field holding the ``rang``-th (0-based) commune actually chosen."""
        remplis = [n for n in CHAMPS_COMMUNES if self.cleaned_data.get(n)]
        return remplis[rang] if rang < len(remplis) else CHAMPS_COMMUNES[0]


class LogementRechercheForm(_CommunesMixin, _FormulaireSaisie, forms.ModelForm):
    titre = "Logement recherché"
    groupes = (
        ("Logement recherché", _RECHERCHE),
        ("Besoins liés au handicap ou à la mobilité", _BESOINS),
        ("Communes souhaitées", CHAMPS_COMMUNES),
        ("Situations prioritaires (article L441-1 du CCH)", ("priorites",)),
        ("Droit au logement opposable (DALO)", _DALO),
    )
    typologie_min = forms.TypedChoiceField(label="Typologie minimale", choices=_TYPOLOGIES_A_CHOISIR, coerce=int)
    typologie_max = forms.TypedChoiceField(label="Typologie maximale", choices=_TYPOLOGIES_A_CHOISIR, coerce=int)
    priorites = forms.MultipleChoiceField(
        label="Situations déclarées",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Elles restent à valider sur pièces justificatives.",
    )

    class Meta:
        model = Demande
        fields = (*_RECHERCHE, *_BESOINS, *_DALO)
        widgets = {"dalo_date_decision": ChampDate()}

    def __init__(
        self,
        *args: Any,
        communes: Sequence[tuple[str, str]],
        priorites: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._ajouter_communes(communes)
        self.fields["priorites"].choices = list(priorites)  # type: ignore[attr-defined]
        self.fields["loyer_max"].help_text = "En euros par mois, charges comprises."
        self.fields["dalo_date_decision"].help_text = "Date de la décision de la commission de médiation."

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        self._verifier_typologies(cleaned)
        if cleaned.get("dalo_reconnu") and not cleaned.get("dalo_date_decision"):
            self.add_error("dalo_date_decision", "Indiquez la date de la décision DALO.")
        self._verifier_communes()
        return cleaned
