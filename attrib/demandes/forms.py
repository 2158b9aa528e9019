"""Forms of the demand screens, built on the shared DSFR form library (``attrib.common.forms``).

The forms only check what a person can fix on the page; the services stay the single source of truth for the
business rules. A form of a demand or a person follows that object's rule set (``attrib.engine.validation``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.text import capfirst

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.demandes import enums, regles
from attrib.demandes.models import MESSAGE_DATE_EXPULSION, Demande, Personne
from attrib.engine import validation
from attrib.organisations.models import Organisation


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


TYPOLOGIES = [(1, "T1"), (2, "T2"), (3, "T3"), (4, "T4"), (5, "T5"), (6, "T6 et plus")]
_TYPOLOGIES_A_CHOISIR = [("", "— Choisir —"), *TYPOLOGIES]
_VIDE = [("", "— Choisir —")]
_OUI_NON_TOUS = [("", "Toutes"), ("oui", "Oui"), ("non", "Non")]


def verifier_date_expulsion(form: Any, cleaned: dict[str, Any]) -> None:
    """A stage date of the eviction procedure only with a procedure in progress (message of the model's rule)."""
    if cleaned.get("expulsion_date_etape") and cleaned.get("procedure_expulsion") == enums.ProcedureExpulsion.AUCUNE:
        form.add_error("expulsion_date_etape", MESSAGE_DATE_EXPULSION)


def _montants_a_zero(cleaned: dict[str, Any], noms: Iterable[str]) -> None:
    for nom in noms:
        if nom in cleaned and cleaned[nom] is None:
            cleaned[nom] = Decimal("0")


# --- Registration: step 1 (demandeur, co-demandeur) -----------------------------------------


class EnregistrementForm(FormulaireDsfr, forms.Form):
    titre = "Enregistrement"
    guichet = forms.ModelChoiceField(
        label="Guichet enregistreur",
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text="Le guichet au nom duquel la demande est enregistrée.",
    )
    date_depot = forms.DateField(
        label="Date de dépôt de la demande",
        widget=ChampDate(),
        help_text="Jour où le demandeur a déposé sa demande complète ; point de départ de l'ancienneté.",
    )

    def __init__(self, *args: Any, guichets: Sequence[Organisation], **kwargs: Any) -> None:
        kwargs["initial"] = {"date_depot": timezone.localdate().isoformat(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["guichet"].queryset = Organisation.objects.filter(pk__in=[g.pk for g in guichets])  # type: ignore[attr-defined]
        if len(guichets) <= 1:
            self.fields["guichet"].widget = forms.HiddenInput()
            if guichets:
                self.fields["guichet"].initial = guichets[0].pk

    def clean_date_depot(self) -> date:
        jour: date = self.cleaned_data["date_depot"]
        message = validation.erreur_date_depot(jour, jour=timezone.localdate())
        if message:
            raise forms.ValidationError(message)
        return jour


class _PersonneForm(_FormulaireSaisie, forms.ModelForm):
    """Identity of someone to be housed; the date of birth may be in the future only for an unborn child."""

    class Meta:
        model = Personne
        fields: Sequence[str] = ()
        widgets = {"date_naissance": ChampDate(), "titre_sejour_fin": ChampDate()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "nom" in self.fields:
            self.fields["nom"].widget.attrs.setdefault("autocomplete", "off")
        if "prenoms" in self.fields:
            self.fields["prenoms"].help_text = "Tous les prénoms, dans l'ordre de l'état civil."
        if "secteur_essentiel" in self.fields:
            preparer_champs_emploi(self)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("nationalite") == enums.Nationalite.HORS_UE and not cleaned.get("titre_sejour_type"):
            self.add_error(
                "titre_sejour_type", "Indiquez le titre de séjour : il est exigé d'une personne hors Union européenne."
            )
        return cleaned


def choix_secteurs_essentiels(actuel: str = "") -> list[tuple[str, str]]:
    """The sectors of the list in force (a stored code of an older list stays selectable)."""
    from attrib.engine.travailleurs_essentiels import liste_en_vigueur, tous_les_secteurs

    choix = [(s.code, s.libelle) for s in liste_en_vigueur(timezone.localdate()).secteurs]
    if actuel and actuel not in dict(choix):
        choix += [(s.code, s.libelle) for s in tous_les_secteurs() if s.code == actuel]
    return [("", "— Aucun —"), *choix]


def preparer_champs_emploi(form: Any) -> None:
    """The two essential-worker fields of a person form: labels a person understands, the CIL's list."""
    actuel = form.instance.secteur_essentiel if getattr(form, "instance", None) else ""
    form.fields["secteur_essentiel"] = forms.ChoiceField(
        label="Secteur essentiel de cet emploi",
        choices=choix_secteurs_essentiels(actuel or str(form.initial.get("secteur_essentiel") or "")),
        required=False,
        help_text=(
            "Seulement si l'emploi ne peut pas être exercé en télétravail. Liste arrêtée par la conférence "
            "intercommunale du logement ; ce n'est pas un critère de priorité."
        ),
    )
    form.fields["emploi_non_teletravaillable"].label = "Cet emploi ne peut pas être exercé en télétravail"
    form.fields[
        "emploi_non_teletravaillable"
    ].help_text = "Pour une personne en emploi (CDI ou fonctionnaire, CDD, apprenti, indépendant)."


_IDENTITE = ("civilite", "nom", "nom_naissance", "prenoms", "date_naissance", "lieu_naissance")
_NATIONALITE = ("nationalite", "titre_sejour_type", "titre_sejour_fin")
_SITUATION = (
    "situation_familiale",
    "situation_professionnelle",
    "employeur_nom",
    "employeur_commune",
    "employeur_cotisant_action_logement",
    "emploi_non_teletravaillable",
    "secteur_essentiel",
    "handicap",
)
_EMPLOI = ("situation_professionnelle", "emploi_non_teletravaillable", "secteur_essentiel")
_COORDONNEES = ("adresse", "code_postal", "ville", "telephone", "email")


class DemandeurForm(_PersonneForm):
    titre = "Demandeur"
    obligatoires = ("civilite",)
    groupes = (
        ("Identité du demandeur", _IDENTITE),
        ("Nationalité", _NATIONALITE),
        ("Situation familiale et professionnelle", _SITUATION),
        ("Coordonnées", _COORDONNEES),
    )

    class Meta(_PersonneForm.Meta):
        fields = (*_IDENTITE, *_NATIONALITE, *_SITUATION, *_COORDONNEES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["code_postal"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9]{5}"})

    def clean_code_postal(self) -> str:
        code: str = self.cleaned_data.get("code_postal", "").strip()
        if code and not (len(code) == 5 and code.isdigit()):
            raise forms.ValidationError("Le code postal compte cinq chiffres, par exemple 11100.")
        return code


class CodemandeurForm(_PersonneForm):
    titre = "Co-demandeur"
    obligatoires = ("lien", "civilite")
    groupes = (
        ("Identité du co-demandeur", ("lien", *_IDENTITE)),
        ("Nationalité du co-demandeur", _NATIONALITE),
        ("Situation du co-demandeur", _SITUATION),
    )

    class Meta(_PersonneForm.Meta):
        fields = ("lien", *_IDENTITE, *_NATIONALITE, *_SITUATION)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"lien": enums.LienParente.CONJOINT, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


# --- Step 2: other persons (formset) --------------------------------------------------------


class PersonneALogerForm(_PersonneForm):
    titre = "Personne à loger"
    obligatoires = ("lien",)

    class Meta(_PersonneForm.Meta):
        fields = (
            "lien",
            "civilite",
            "nom",
            "prenoms",
            "date_naissance",
            "a_charge",
            "garde_alternee",
            "enfant_a_naitre",
            "handicap",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_naissance"].help_text = "Pour un enfant à naître : la date prévue de naissance."


class _PersonnesFormSet(BaseFormSet):  # type: ignore[type-arg]
    titre = "Autres personnes à loger"
    libelle_ligne = "Personne"

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        # A row left blank is ignored, whether it was shown first or added later.
        kwargs["empty_permitted"] = True
        return super()._construct_form(i, **kwargs)  # type: ignore[no-any-return, misc]

    def lignes_remplies(self) -> list[tuple[int, dict[str, Any]]]:
        """``(row index, cleaned data)`` of the rows that were filled in (after ``is_valid``)."""
        return [(i, f.cleaned_data) for i, f in enumerate(self.forms) if f.has_changed() and f.cleaned_data]


PersonnesFormSet = formset_factory(PersonneALogerForm, formset=_PersonnesFormSet, extra=0, max_num=20)


# --- Step 3: resources ----------------------------------------------------------------------

RESSOURCES_PERSONNE = (*Personne.RESSOURCES, "pension_alimentaire_versee")


class RessourcesPersonneForm(_FormulaireSaisie, forms.ModelForm):
    titre = "Ressources mensuelles du demandeur"

    class Meta:
        model = Personne
        fields = RESSOURCES_PERSONNE

    def __init__(self, *args: Any, titre: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if titre:
            self.titre = titre
        for nom in RESSOURCES_PERSONNE:
            modele = Personne._meta.get_field(nom)
            self.fields[nom] = _montant(capfirst(str(modele.verbose_name)))  # type: ignore[union-attr]
        self.groupes = ((self.titre, RESSOURCES_PERSONNE),)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _montants_a_zero(cleaned, RESSOURCES_PERSONNE)
        return cleaned


class RessourcesMenageForm(_FormulaireSaisie, forms.ModelForm):
    titre = "Revenu fiscal de référence"
    groupes = (
        (
            "Revenu fiscal de référence du ménage",
            ("revenu_fiscal_reference", "annee_revenu_fiscal", "revenu_n1_si_baisse"),
        ),
    )

    class Meta:
        model = Demande
        fields = ("revenu_fiscal_reference", "annee_revenu_fiscal", "revenu_n1_si_baisse")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "revenu_fiscal_reference"
        ].help_text = (
            "Somme des revenus fiscaux de référence des personnes du ménage, en euros par an (avis d'imposition N-2)."
        )
        self.fields["annee_revenu_fiscal"].help_text = "Année des revenus (par exemple 2024 pour l'avis reçu en 2025)."
        jour = timezone.localdate()
        self.fields["revenu_n1_si_baisse"].label = regles.libelle_revenus_en_baisse(jour)
        self.fields[
            "revenu_n1_si_baisse"
        ].help_text = f"Seulement si les revenus ont baissé d'au moins {regles.baisse_revenus_minimum(jour)}."
        if self.instance.pk is None:
            # A new demand: the amount must be typed (0 included), the year defaults to the usual N-2.
            if "revenu_fiscal_reference" not in (kwargs.get("initial") or {}):
                self.initial["revenu_fiscal_reference"] = None
            if not self.initial.get("annee_revenu_fiscal"):
                self.initial["annee_revenu_fiscal"] = timezone.localdate().year - 2


# --- Step 4: current dwelling and motives ---------------------------------------------------


class LogementActuelForm(_FormulaireSaisie, forms.ModelForm):
    titre = "Logement actuel et motifs"
    groupes = (
        (
            "Logement actuel",
            (
                "statut_logement_actuel",
                "bailleur_actuel",
                "rpls_logement_actuel",
                "type_logement_actuel",
                "nb_pieces_actuel",
                "surface_actuelle",
                "logement_actuel_depuis",
            ),
        ),
        ("Coût du logement actuel", ("loyer_actuel", "charges_actuelles", "allocation_logement")),
        (
            "Difficultés",
            ("procedure_expulsion", "expulsion_date_etape", "logement_non_decent", "arrete_insalubrite"),
        ),
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
        fields = (
            "statut_logement_actuel",
            "bailleur_actuel",
            "rpls_logement_actuel",
            "type_logement_actuel",
            "nb_pieces_actuel",
            "surface_actuelle",
            "logement_actuel_depuis",
            "loyer_actuel",
            "charges_actuelles",
            "allocation_logement",
            "procedure_expulsion",
            "expulsion_date_etape",
            "logement_non_decent",
            "arrete_insalubrite",
            "motif_principal",
        )
        widgets = {"logement_actuel_depuis": ChampDate(), "expulsion_date_etape": ChampDate()}

    MONTANTS = ("loyer_actuel", "charges_actuelles", "allocation_logement")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for nom in self.MONTANTS:
            self.fields[nom] = _montant(capfirst(str(Demande._meta.get_field(nom).verbose_name)))  # type: ignore[union-attr]
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


# --- Step 5: wished dwelling, communes, priorities ------------------------------------------

NB_COMMUNES = 5
CHAMPS_COMMUNES = tuple(f"commune_{i}" for i in range(1, NB_COMMUNES + 1))
_RECHERCHE = ("typologie_min", "typologie_max", "type_logement_recherche", "loyer_max")
_BESOINS = ("besoin_fauteuil", "besoin_logement_adapte", "besoin_rdc_ou_ascenseur", "besoin_parking")


class _CommunesMixin:
    """Up to five ordered communes, chosen among the communes offered (the EPCI's)."""

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
        ("Droit au logement opposable (DALO)", ("dalo_reconnu", "dalo_date_decision", "dalo_commission")),
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
        fields = (*_RECHERCHE, *_BESOINS, "dalo_reconnu", "dalo_date_decision", "dalo_commission")
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
        mini, maxi = cleaned.get("typologie_min"), cleaned.get("typologie_max")
        if mini and maxi and mini > maxi:
            self.add_error(
                "typologie_max", "La typologie maximale doit être supérieure ou égale à la typologie minimale."
            )
        if cleaned.get("dalo_reconnu") and not cleaned.get("dalo_date_decision"):
            self.add_error("dalo_date_decision", "Indiquez la date de la décision DALO.")
        self._verifier_communes()
        return cleaned


# --- Renewal, radiation, modification -------------------------------------------------------


class RenouvellementForm(_FormulaireSaisie, forms.ModelForm):
    """Renewal, with the updates the applicant brings (resources, current dwelling)."""

    titre = "Mises à jour"
    groupes = (
        ("Ressources", ("revenu_fiscal_reference", "annee_revenu_fiscal", "revenu_n1_si_baisse")),
        (
            "Situation de logement",
            ("statut_logement_actuel", "loyer_actuel", "procedure_expulsion", "expulsion_date_etape"),
        ),
    )

    class Meta:
        model = Demande
        fields = (
            "revenu_fiscal_reference",
            "annee_revenu_fiscal",
            "revenu_n1_si_baisse",
            "statut_logement_actuel",
            "loyer_actuel",
            "procedure_expulsion",
            "expulsion_date_etape",
        )
        widgets = {"expulsion_date_etape": ChampDate()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loyer_actuel"] = _montant("Loyer mensuel actuel")
        self.fields["revenu_n1_si_baisse"].label = regles.libelle_revenus_en_baisse(timezone.localdate())

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _montants_a_zero(cleaned, ("loyer_actuel",))
        verifier_date_expulsion(self, cleaned)
        return cleaned

    def modifications(self) -> dict[str, Any]:
        """The fields whose value differs from the demand's."""
        return {n: self.cleaned_data[n] for n in self.changed_data if n in self.cleaned_data}


class RadiationForm(FormulaireDsfr, forms.Form):
    titre = "Radiation"
    motif = forms.ChoiceField(
        label="Motif de radiation",
        choices=[*_VIDE, *enums.MotifRadiation.choices],
        error_messages={"required": "Choisissez le motif de la radiation."},
    )
    date_radiation = forms.DateField(label="Date de radiation", widget=ChampDate())
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple la référence du courrier de renonciation.",
    )
    confirmation = forms.BooleanField(
        label="Je confirme la radiation de cette demande",
        error_messages={"required": "Cochez cette case pour confirmer la radiation."},
        help_text="Une demande radiée ne peut plus être modifiée ni renouvelée.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"date_radiation": timezone.localdate().isoformat(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean_date_radiation(self) -> date:
        jour: date = self.cleaned_data["date_radiation"]
        message = validation.erreur_date_passee(jour, libelle="Date de radiation", jour=timezone.localdate())
        if message:
            raise forms.ValidationError(message)
        return jour


class ModificationRechercheForm(_CommunesMixin, _FormulaireSaisie, forms.ModelForm):
    titre = "Logement recherché"
    prefix = "recherche"
    groupes = (
        ("Logement recherché", _RECHERCHE),
        ("Besoins liés au handicap ou à la mobilité", _BESOINS),
        ("Communes souhaitées", CHAMPS_COMMUNES),
    )
    typologie_min = forms.TypedChoiceField(label="Typologie minimale", choices=_TYPOLOGIES_A_CHOISIR, coerce=int)
    typologie_max = forms.TypedChoiceField(label="Typologie maximale", choices=_TYPOLOGIES_A_CHOISIR, coerce=int)

    class Meta:
        model = Demande
        fields = (*_RECHERCHE, *_BESOINS)

    def __init__(self, *args: Any, communes: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ajouter_communes(communes)
        for i, code in enumerate(
            self.instance.communes_souhaitees.order_by("rang").values_list("commune_id", flat=True)[:NB_COMMUNES]
        ):
            self.initial.setdefault(CHAMPS_COMMUNES[i], code)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        mini, maxi = cleaned.get("typologie_min"), cleaned.get("typologie_max")
        if mini and maxi and mini > maxi:
            self.add_error(
                "typologie_max", "La typologie maximale doit être supérieure ou égale à la typologie minimale."
            )
        self._verifier_communes()
        return cleaned


class ModificationRessourcesForm(RessourcesMenageForm):
    prefix = "ressources"


class CoordonneesForm(_FormulaireSaisie, forms.ModelForm):
    titre = "Coordonnées du demandeur"
    prefix = "coordonnees"
    groupes = (("Coordonnées du demandeur", _COORDONNEES),)

    class Meta:
        model = Personne
        fields = _COORDONNEES

    clean_code_postal = DemandeurForm.clean_code_postal


class EmploiForm(_FormulaireSaisie, forms.ModelForm):
    """Situation professionnelle of the applicant or co-applicant on the modification page, with the
    essential-worker declaration (L441-1 CCH 35th paragraph)."""

    titre = "Emploi du demandeur"

    class Meta:
        model = Personne
        fields = _EMPLOI

    def __init__(self, *args: Any, titre: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if titre:
            self.titre = titre
        preparer_champs_emploi(self)
        self.groupes = ((self.titre, _EMPLOI),)


class ModificationLogementForm(LogementActuelForm):
    """Current dwelling, eviction procedure and motives of a registered demand."""

    prefix = "logement"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault(
                "motifs_secondaires", sorted(self.instance.motifs_secondaires.values_list("motif", flat=True))
            )


_DALO = ("dalo_reconnu", "dalo_date_decision", "dalo_commission")


class ModificationSituationsForm(_FormulaireSaisie, forms.ModelForm):
    """Declared L441-1 priorities and the DALO decision of a registered demand."""

    titre = "Situations prioritaires et DALO"
    prefix = "situations"
    groupes = (
        ("Situations prioritaires (article L441-1 du CCH)", ("priorites",)),
        ("Droit au logement opposable (DALO)", _DALO),
    )
    priorites = forms.MultipleChoiceField(
        label="Situations déclarées",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Une situation ajoutée reste à valider sur pièces justificatives ; une situation déjà validée "
        "et laissée cochée garde sa validation.",
    )

    class Meta:
        model = Demande
        fields = _DALO
        widgets = {"dalo_date_decision": ChampDate()}

    def __init__(self, *args: Any, priorites: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priorites"].choices = list(priorites)  # type: ignore[attr-defined]
        self.fields["dalo_date_decision"].help_text = "Date de la décision de la commission de médiation."
        if self.instance.pk:
            self.initial.setdefault(
                "priorites", sorted(self.instance.situations_prioritaires.values_list("priorite_id", flat=True))
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("dalo_reconnu") and not cleaned.get("dalo_date_decision"):
            self.add_error("dalo_date_decision", "Indiquez la date de la décision DALO.")
        return cleaned


class DecisionDaloForm(FormulaireDsfr, forms.Form):
    """The decision of the commission de médiation DALO, recorded after registration (desk or State)."""

    titre = "Décision de la commission de médiation"
    DECISIONS = (("reconnu", "Reconnu prioritaire et urgent"), ("non_reconnu", "Non reconnu prioritaire"))
    decision = forms.ChoiceField(
        label="Décision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la décision de la commission."},
    )
    date_decision = forms.DateField(
        label="Date de la décision",
        widget=ChampDate(),
        error_messages={"required": "Indiquez la date de la décision.", "invalid": "Date invalide."},
    )
    commission = forms.CharField(
        label="Commission de médiation",
        required=False,
        max_length=200,
        help_text="Par exemple « Commission de médiation de l'Aude ».",
    )

    def __init__(self, *args: Any, demande: Demande, **kwargs: Any) -> None:
        if demande.dalo_date_decision:
            kwargs["initial"] = {
                "decision": "reconnu" if demande.dalo_reconnu else "non_reconnu",
                "date_decision": demande.dalo_date_decision.isoformat(),
                "commission": demande.dalo_commission,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)

    def clean_date_decision(self) -> date:
        jour: date = self.cleaned_data["date_decision"]
        if jour > timezone.localdate():
            raise forms.ValidationError("La date de la décision ne peut pas être dans le futur.")
        return jour


# --- Household of a registered demand -------------------------------------------------------

_ROLES_MENAGE = enums.RolePersonne.choices
_FLAGS_PERSONNE = ("a_charge", "garde_alternee", "enfant_a_naitre", "handicap")
CHAMPS_PERSONNE_MENAGE = (
    "role",
    "lien",
    *_IDENTITE,
    *_NATIONALITE,
    *_SITUATION,
    *_FLAGS_PERSONNE[:3],
    *_COORDONNEES,
    *RESSOURCES_PERSONNE,
)


class PersonneMenageForm(_PersonneForm):
    """One person of a registered household, every CERFA field of a person: role, identity, nationality,
    situation and employment, contact, monthly resources."""

    titre = "Personne"
    groupes = (
        ("Rôle dans le ménage", ("role", "lien")),
        ("Identité", _IDENTITE),
        ("Nationalité", _NATIONALITE),
        ("Situation familiale et professionnelle", _SITUATION),
        ("Enfant ou personne à charge", _FLAGS_PERSONNE[:3]),
        ("Coordonnées", _COORDONNEES),
        ("Ressources mensuelles", RESSOURCES_PERSONNE),
    )

    class Meta(_PersonneForm.Meta):
        fields = CHAMPS_PERSONNE_MENAGE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].help_text = "Un seul demandeur et au plus un co-demandeur par ménage."
        for nom in RESSOURCES_PERSONNE:
            self.fields[nom] = _montant(capfirst(str(Personne._meta.get_field(nom).verbose_name)))  # type: ignore[union-attr]
        self.fields["date_naissance"].help_text = "Pour un enfant à naître : la date prévue de naissance."

    clean_code_postal = DemandeurForm.clean_code_postal

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _montants_a_zero(cleaned, RESSOURCES_PERSONNE)
        if cleaned.get("role") == enums.RolePersonne.PERSONNE_A_LOGER and not cleaned.get("lien"):
            self.add_error("lien", "Indiquez le lien de cette personne avec le demandeur.")
        return cleaned


class _MenageFormSet(BaseFormSet):  # type: ignore[type-arg]
    titre = "Personnes à loger"
    libelle_ligne = "Personne"

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        # A row added and left blank is ignored; the rows of the persons already recorded are always checked.
        kwargs["empty_permitted"] = i >= self.initial_form_count()
        return super()._construct_form(i, **kwargs)  # type: ignore[no-any-return, misc]

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        initial = self.initial or []
        if index is not None and index < len(initial) and initial[index].get("role") == enums.RolePersonne.DEMANDEUR:
            # The applicant stays: the household is theirs (another person may become the applicant instead).
            form.fields.pop("DELETE", None)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Retirer cette personne du ménage"
            form.fields["DELETE"].help_text = "Elle sera retirée à l'enregistrement des modifications."

    def lignes_gardees(self) -> list[tuple[int, dict[str, Any]]]:
        """``(row index, cleaned data)`` of the rows kept (not removed, not a blank added row), after ``is_valid``."""
        gardees = []
        for i, f in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(f):  # type: ignore[attr-defined]
                continue
            if i >= self.initial_form_count() and not f.has_changed():
                continue
            gardees.append((i, {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}))
        return gardees


MenageFormSet = formset_factory(PersonneMenageForm, formset=_MenageFormSet, extra=0, can_delete=True, max_num=20)


# --- List, duplicates, documents, import ----------------------------------------------------


class RechercheForm(FormulaireDsfr, forms.Form):
    """Search box and filters of the list (GET). Keys are those of ``selectors.FILTRES``."""

    marquer_facultatifs = False

    q = forms.CharField(
        label="Numéro unique ou nom",
        required=False,
        max_length=100,
        help_text="Début du numéro unique, ou nom et prénom d'une personne du ménage (accents facultatifs).",
    )
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *enums.StatutDemande.choices])
    commune = forms.ChoiceField(label="Commune souhaitée", required=False)
    typologie = forms.TypedChoiceField(
        label="Typologie", required=False, choices=[("", "Toutes"), *TYPOLOGIES], coerce=int, empty_value=None
    )
    dalo = forms.ChoiceField(label="Reconnue DALO", required=False, choices=_OUI_NON_TOUS)
    mutation = forms.ChoiceField(label="Demande de mutation", required=False, choices=_OUI_NON_TOUS)
    echeance_proche = forms.BooleanField(label="Échéance dans moins d'un mois", required=False)

    FILTRES = ("statut", "commune", "typologie", "dalo", "mutation", "echeance_proche")

    def __init__(self, *args: Any, communes: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "Toutes"), *communes]  # type: ignore[attr-defined]

    def filtres(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {
            k: ("oui" if v is True else v)
            for k in self.FILTRES
            if (v := self.cleaned_data.get(k)) not in (None, "", False)
        }

    def recherche(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class DoublonDecisionForm(FormulaireDsfr, forms.Form):
    titre = "Décision"
    statut = forms.ChoiceField(
        label="Décision",
        choices=[
            (enums.StatutDoublon.CONFIRME, "Même personne"),
            (enums.StatutDoublon.ECARTE, "Personnes différentes"),
        ],
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PieceDepotForm(FormulaireDsfr, forms.Form):
    titre = "Déposer une pièce"
    fichier = forms.FileField(label="Fichier", help_text="PDF, JPEG ou PNG.")


class PieceRefusForm(FormulaireDsfr, forms.Form):
    titre = "Refuser une pièce"
    motif = forms.CharField(label="Motif du refus", max_length=300)


class ImportForm(FormulaireDsfr, forms.Form):
    titre = "Import"
    guichet = forms.ModelChoiceField(
        label="Guichet enregistreur", queryset=Organisation.objects.none(), empty_label=None
    )
    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="Format d'échange d'Attrib : séparateur point-virgule, encodage UTF-8, une demande par ligne.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    tout_ou_rien = forms.BooleanField(
        label="Tout ou rien",
        required=False,
        help_text="Si une seule ligne est invalide, aucune demande n'est importée. Sinon, les lignes valides sont importées.",
    )

    def __init__(self, *args: Any, guichets: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guichet"].queryset = Organisation.objects.filter(pk__in=[g.pk for g in guichets])  # type: ignore[attr-defined]
        if len(guichets) <= 1:
            self.fields["guichet"].widget = forms.HiddenInput()
            if guichets:
                self.fields["guichet"].initial = guichets[0].pk
