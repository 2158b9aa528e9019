"""The shared form library of the product, rendered with the French State design system (DSFR).

Every field is rendered by a template of ``attrib/templates/common/champs/`` that puts the label,
the hint and the error message (``fr-error-text``) next to the input; a form may group its
fields in fieldsets (``groupes``). The forms only check what a person can fix on the page;
the services stay the single source of truth for the business rules.

``FormulaireDsfr`` is the mixin of every form of every app; ``resume_erreurs`` builds the error summary of a
page; ``ChampDate`` is the date widget.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core import validators as django_validators
from django.db import models
from django.forms.formsets import BaseFormSet
from django.utils import timezone
from django.utils.text import capfirst

from attrib.engine import validation

# --- DSFR rendering -------------------------------------------------------------------------

_GABARITS = {
    "checkbox": "common/champs/case.html",
    "checkboxselectmultiple": "common/champs/cases.html",
    "radioselect": "common/champs/radios.html",
}
_CLASSES = {"select": "fr-select", "selectmultiple": "fr-select", "clearablefile": "fr-upload", "file": "fr-upload"}
_SANS_CLASSE = {"checkbox", "checkboxselectmultiple", "radioselect", "hidden"}


class ChampDsfr(forms.BoundField):
    """A bound field that knows its DSFR template and error classes."""

    @property
    def template_name(self) -> str:  # type: ignore[override]
        return _GABARITS.get(self.widget_type, "common/champs/saisie.html")

    @property
    def classe_groupe(self) -> str:
        if self.widget_type in ("select", "selectmultiple"):
            return "fr-select-group"
        if self.widget_type in ("clearablefile", "file"):
            return "fr-upload-group"
        return "fr-input-group"

    @property
    def ancre(self) -> str:
        """The id to link to from the error summary (first box of a group of boxes)."""
        if self.widget_type in ("checkboxselectmultiple", "radioselect"):
            return f"{self.auto_id}-groupe"
        return str(self.id_for_label or self.auto_id)

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        classe = _CLASSES.get(self.widget_type, "fr-input")
        if self.widget_type not in _SANS_CLASSE:
            existantes = str(attrs.get("class", ""))
            classes = f"{existantes} {classe}".strip() if classe not in existantes else existantes
            attrs["class"] = f"{classes} {classe}--error" if self.errors else classes
        return attrs


_BORNES_DJANGO = (
    django_validators.MaxLengthValidator,
    django_validators.MinValueValidator,
    django_validators.MaxValueValidator,
    django_validators.DecimalValidator,
)


#: Digits of an integer key that every database can compare (a longer one is no choice of any list).
_CHIFFRES_CLE = 18


def _borner_choix_modele(champ: forms.Field) -> None:
    """A choice among rows keyed by an integer refuses a value no key can have (``99…9`` would overflow the
    database's integer) with the field's own « choix valide » message, instead of querying the database."""
    if not isinstance(champ, forms.ModelChoiceField) or getattr(champ, "_borne", False):
        return
    modele = champ.queryset.model  # type: ignore[union-attr]
    cle = modele._meta.pk if not champ.to_field_name else modele._meta.get_field(champ.to_field_name)
    if not isinstance(cle, models.IntegerField):
        return
    original = champ.clean

    def clean(valeur: Any) -> Any:
        for v in valeur if isinstance(valeur, (list, tuple)) else [valeur]:
            if isinstance(v, (modele, int)) and not isinstance(v, bool) and abs(getattr(v, "pk", v) or 0) < 2**63:
                continue
            texte = str(v).strip() if v is not None else ""
            chiffres = texte.removeprefix("-")
            if texte and not (chiffres.isascii() and chiffres.isdigit() and len(chiffres) <= _CHIFFRES_CLE):
                raise forms.ValidationError(
                    champ.error_messages["invalid_choice"], code="invalid_choice", params={"value": texte[:50]}
                )
        return original(valeur)

    champ.clean = clean  # type: ignore[method-assign, assignment]
    champ._borne = True  # type: ignore[attr-defined]


class FormulaireDsfr:
    """Mixin for ``forms.Form`` / ``forms.ModelForm``: DSFR fields, fieldsets, error summary."""

    bound_field_class: type[forms.BoundField] | None = ChampDsfr
    template_name = "common/formulaire.html"
    #: ``((légende, (champ, …)), …)``; fields left out are shown after the groups.
    groupes: Sequence[tuple[str, Sequence[str]]] = ()
    #: Title of the form when several forms share a page (used by the error summary).
    titre = ""
    #: Say "Facultatif" under the label of optional fields (not on a search form, where all are).
    marquer_facultatifs = True
    #: Fields the page requires although the model allows them blank.
    obligatoires: Sequence[str] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: Any = self
        for nom in self.obligatoires:
            if nom in form.fields:
                form.fields[nom].required = True
        for champ in form.fields.values():
            vide = "— Choisir —" if champ.required else "— Non renseigné —"
            if isinstance(champ, forms.ModelChoiceField):
                if champ.empty_label is not None:
                    champ.empty_label = vide
            elif isinstance(champ, forms.ChoiceField) and not isinstance(
                champ.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)
            ):
                champ.choices = [(v, vide if v == "" and lib == "---------" else lib) for v, lib in champ.choices]  # type: ignore[misc,union-attr]

    def _objet_regles(self) -> str | None:
        """The rule set of ``attrib.engine.validation`` this form follows, if any (``"demande"``,
        ``"personne"``): the demand forms name it from their model."""
        return None

    def full_clean(self) -> None:
        form: Any = self
        for champ in form.fields.values():
            _borner_choix_modele(champ)
        objet = self._objet_regles()
        if objet:
            # The rule set gives the message of its fields (the same one as the API and the import).
            for nom in validation.champs_regles(objet) & set(form.fields):
                form.fields[nom].validators = [
                    v for v in form.fields[nom].validators if not isinstance(v, _BORNES_DJANGO)
                ]
                if isinstance(form.fields[nom], forms.DecimalField):
                    form.fields[nom].max_digits = form.fields[nom].decimal_places = None
                    form.fields[nom].min_value = form.fields[nom].max_value = None
        super().full_clean()  # type: ignore[misc]

    def clean(self) -> dict[str, Any]:
        """Every text refuses control characters and bidirectional overrides; the fields of a demand or
        a person follow their rule set (``attrib.engine.validation``)."""
        form: Any = self
        cleaned: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        jour = timezone.localdate()
        objet = self._objet_regles()
        erreurs: dict[str, list[str]] = {}
        if objet:
            regis = {k: v for k, v in cleaned.items() if k in validation.champs_regles(objet)}
            if objet == "demande":
                depot = form.instance.date_depot_initiale if form.instance.pk else None
                erreurs = validation.erreurs_demande(regis, jour=jour, depot=depot)
            else:
                regis["enfant_a_naitre"] = cleaned.get("enfant_a_naitre")
                erreurs = validation.erreurs_personne(regis, jour=jour)
        for nom, champ in form.fields.items():
            valeur = cleaned.get(nom)
            if nom not in erreurs and isinstance(champ, forms.CharField) and isinstance(valeur, str) and valeur:
                message = validation.erreur_texte(
                    valeur,
                    libelle=capfirst(str(champ.label or nom)),
                    longueur_max=champ.max_length or len(valeur),
                    multiligne=isinstance(champ.widget, forms.Textarea),
                )
                if message:
                    erreurs[nom] = [message]
        for nom, messages in erreurs.items():
            if nom in form.fields and nom in cleaned:
                form.add_error(nom, messages)
        return cleaned

    def sections(self) -> list[tuple[str, list[ChampDsfr]]]:
        """``(légende, champs)`` for each fieldset; an empty legend for the fields outside any group."""
        form: Any = self
        vus: set[str] = set()
        resultat: list[tuple[str, list[ChampDsfr]]] = []
        for legende, noms in self.groupes:
            champs = [form[n] for n in noms if n in form.fields and not form[n].is_hidden]
            vus.update(noms)
            if champs:
                resultat.append((legende, champs))
        reste = [form[n] for n in form.fields if n not in vus and not form[n].is_hidden]
        if reste:
            resultat.append(("", reste))
        return resultat

    @property
    def id_section(self) -> str:
        return f"formulaire-{getattr(self, 'prefix', None) or 'principal'}"


def resume_erreurs(formulaires: Iterable[Any]) -> list[dict[str, str]]:
    """Every error of the given forms and formsets as ``{"ancre", "libelle", "message"}``, in page order."""
    erreurs: list[dict[str, str]] = []
    formulaires = list(formulaires)
    plusieurs = len(formulaires) > 1

    def _un(form: Any, contexte: str) -> None:
        if not form.is_bound:
            return
        for message in form.non_field_errors():
            erreurs.append({"ancre": form.id_section, "libelle": contexte or "Formulaire", "message": message})
        for nom in form.fields:
            champ = form[nom]
            for message in champ.errors:
                libelle = f"{contexte} — {champ.label}" if contexte else str(champ.label)
                erreurs.append({"ancre": champ.ancre, "libelle": libelle, "message": message})

    for f in formulaires:
        if isinstance(f, BaseFormSet):
            if not f.is_bound:
                continue
            for message in f.non_form_errors():
                erreurs.append({"ancre": f"formset-{f.prefix}", "libelle": getattr(f, "titre", ""), "message": message})  # type: ignore[dict-item]
            for i, form in enumerate(f.forms):
                _un(form, f"{f.libelle_ligne} {i + 1}")  # type: ignore[attr-defined]
        else:
            _un(f, f.titre if plusieurs else "")
    return erreurs


class ChampDate(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
