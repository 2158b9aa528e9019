"""Forms of the online filing (decision 0029): the desk's own forms of the CERFA (``attrib.demandes.forms``), each
following the rule set of its object (``attrib.engine.validation``), split into the steps a household fills on a
phone; plus the contact step and the consent of the last step."""

from __future__ import annotations

from typing import Any

from django import forms

from attrib.common.forms import FormulaireDsfr
from attrib.demandes.forms import (
    CodemandeurForm,
    DemandeurForm,
    LogementActuelForm,
    LogementRechercheForm,
    PersonnesFormSet,
    RessourcesMenageForm,
    RessourcesPersonneForm,
)
from attrib.demandes.forms._commun import _COORDONNEES, _IDENTITE, _NATIONALITE, _SITUATION, _FormulaireSaisie
from attrib.demandes.models import Personne

__all__ = [
    "CodemandeurForm",
    "ConsentementForm",
    "ContactDepotForm",
    "DemandeurDepotForm",
    "LogementActuelDepotForm",
    "LogementRechercheForm",
    "PersonnesFormSet",
    "RessourcesMenageForm",
    "RessourcesPersonneForm",
]


class DemandeurDepotForm(DemandeurForm):
    """The applicant's identity, nationality and situation; the contact details have their own step."""

    titre = "Vous, le demandeur"
    groupes = (  # type: ignore[assignment]  # fewer groups than the desk's form
        ("Votre identité", _IDENTITE),
        ("Votre nationalité", _NATIONALITE),
        ("Votre situation familiale et professionnelle", _SITUATION),
    )

    class Meta(DemandeurForm.Meta):
        fields = (*_IDENTITE, *_NATIONALITE, *_SITUATION)  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # DemandeurForm sets attributes on its contact fields, absent here: start from its parent.
        super(DemandeurForm, self).__init__(*args, **kwargs)


class LogementActuelDepotForm(LogementActuelForm):
    """The current dwelling and the motives, without the RPLS identifier of the dwelling (a desk's reference)."""

    groupes = tuple(  # type: ignore[assignment]
        (legende, tuple(c for c in champs if c != "rpls_logement_actuel"))
        for legende, champs in LogementActuelForm.groupes
    )

    class Meta(LogementActuelForm.Meta):
        fields = tuple(c for c in LogementActuelForm.Meta.fields if c != "rpls_logement_actuel")  # type: ignore[assignment]


class ContactDepotForm(_FormulaireSaisie, forms.ModelForm):
    """Where the household is reached: its address, telephone and e-mail (required online: the attestation and
    every notice are sent there)."""

    titre = "Vos coordonnées"
    obligatoires = ("adresse", "code_postal", "ville", "email")
    groupes = (("Vos coordonnées", _COORDONNEES),)

    class Meta:
        model = Personne
        fields = _COORDONNEES

    clean_code_postal = DemandeurForm.clean_code_postal

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "email"
        ].help_text = "L'attestation d'enregistrement et les nouvelles de votre demande y seront envoyées."
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["telephone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["code_postal"].widget.attrs.update(
            {"inputmode": "numeric", "pattern": "[0-9]{5}", "autocomplete": "postal-code"}
        )


class ConsentementForm(FormulaireDsfr, forms.Form):
    """The household's word on the last step: what it declared is exact, and it agrees to the processing of its data
    as the notice above the form describes it."""

    titre = "Votre accord"
    exactitude = forms.BooleanField(
        label="Je certifie que les renseignements de cette demande sont exacts.",
        error_messages={"required": "Cochez cette case pour certifier l'exactitude de vos renseignements."},
    )
    consentement = forms.BooleanField(
        label=(
            "J'ai lu les informations sur le traitement de mes données et j'accepte que ma demande soit enregistrée et "
            "partagée comme elles le décrivent."
        ),
        error_messages={
            "required": "Cochez cette case pour déposer votre demande : sans votre accord, elle ne peut pas être "
            "enregistrée."
        },
    )
