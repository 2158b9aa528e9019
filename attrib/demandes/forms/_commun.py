"""What several topic modules of the demand forms share: the rule-set form base, the amount field, the
typologies, the eviction-date check and the field groups of a person."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst

from attrib.common.forms import FormulaireDsfr
from attrib.demandes import enums
from attrib.demandes.models import MESSAGE_DATE_EXPULSION, Demande, Personne


class _FormulaireSaisie(FormulaireDsfr):
    """A form of the demand file: a form of a demand or a person follows that object's rule set."""

    def _objet_regles(self) -> str | None:
        modele = getattr(getattr(self, "_meta", None), "model", None)
        return {Demande: "demande", Personne: "personne"}.get(modele)  # type: ignore[call-overload, arg-type]


def _montant(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        help_text="En euros par mois.",
    )


def _montants(form: forms.BaseForm, modele: type[models.Model], noms: Iterable[str]) -> None:
    """The amount fields ``noms`` of the form, labelled as the model's fields."""
    for nom in noms:
        form.fields[nom] = _montant(capfirst(str(modele._meta.get_field(nom).verbose_name)))  # type: ignore[union-attr]


TYPOLOGIES = [(1, "T1"), (2, "T2"), (3, "T3"), (4, "T4"), (5, "T5"), (6, "T6 et plus")]
_TYPOLOGIES_A_CHOISIR = [("", "— Choisir —"), *TYPOLOGIES]


def verifier_date_expulsion(form: Any, cleaned: dict[str, Any]) -> None:
    """A stage date of the eviction procedure only with a procedure in progress (message of the model's rule)."""
    if cleaned.get("expulsion_date_etape") and cleaned.get("procedure_expulsion") == enums.ProcedureExpulsion.AUCUNE:
        form.add_error("expulsion_date_etape", MESSAGE_DATE_EXPULSION)


def _montants_a_zero(cleaned: dict[str, Any], noms: Iterable[str]) -> None:
    for nom in noms:
        if nom in cleaned and cleaned[nom] is None:
            cleaned[nom] = Decimal("0")


_IDENTITE = ("civilite", "nom", "nom_naissance", "prenoms", "date_naissance", "lieu_naissance")
_NATIONALITE = ("nationalite", "titre_sejour_type", "titre_sejour_fin")
_SITUATION = (
    "situation_familiale",
    "situation_professionnelle",
    "employeur_nom",
    "employeur_commune",
    "employeur_siret",
    "employeur_cotisant_action_logement",
    "emploi_non_teletravaillable",
    "secteur_essentiel",
    "handicap",
)
_EMPLOI = ("situation_professionnelle", "emploi_non_teletravaillable", "secteur_essentiel")
_COORDONNEES = ("adresse", "code_postal", "ville", "telephone", "email")
