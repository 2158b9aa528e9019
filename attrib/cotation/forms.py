"""Forms of the cotation screens (DSFR rendering of ``attrib.common.forms``).

The criterion form turns what a person types into a criterion of the grid document (``docs/cotation.md``
§3): fixed or proportional points, and a condition that is either simple (a column, a test, a value)
or written in the document's syntax. It only checks what the page can say; the engine validates the
whole grid when the service stores it, and :func:`placer_erreurs_grille` puts each located error of the
engine on the field it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.cotation.enums import TypeGrille
from attrib.cotation.lisible import libelle_colonne
from attrib.demandes.models import PrioriteLegale
from attrib.engine.cotation.catalogue import COLONNES_COTATION
from attrib.engine.yaml_borne import YamlRefuse, charger_yaml_borne, ecrire_yaml
from attrib.organisations.models import Organisation

SEPARATEUR = ";"
OPERATEURS = (
    ("egal", "est égal à"),
    ("different", "est différent de"),
    ("inf", "est inférieur à"),
    ("inf_egal", "est inférieur ou égal à"),
    ("sup", "est supérieur à"),
    ("sup_egal", "est supérieur ou égal à"),
    ("entre", "est compris entre (deux bornes incluses)"),
    ("parmi", "est l'une des valeurs"),
    ("hors", "n'est aucune des valeurs"),
    ("contient", "(liste) contient la valeur"),
    ("contient_un_de", "(liste) contient l'une des valeurs"),
    ("contient_tous", "(liste) contient toutes les valeurs"),
    ("renseigne", "est renseigné (oui) ou vide (non)"),
)
OPERATEURS_LISTE = frozenset({"parmi", "hors", "contient_un_de", "contient_tous", "entre"})
GENRES = {c.nom: c.genre for c in COLONNES_COTATION}
_VRAI = frozenset({"oui", "o", "vrai", "true", "1"})
_FAUX = frozenset({"non", "n", "faux", "false", "0"})
_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _yaml_ou_erreur(form: forms.Form, champ: str, texte: str) -> Any:
    """``texte`` read by the bounded YAML loader; a refusal becomes the field's French error (value ``None``)."""
    try:
        return charger_yaml_borne(texte)
    except YamlRefuse as exc:
        ligne = f" (ligne {exc.ligne})" if exc.ligne is not None else ""
        form.add_error(champ, f"Valeur illisible{ligne} : {exc.raison}.")
        return None


class ImportGrilleForm(FormulaireDsfr, forms.Form):
    titre = "Importer une grille"
    organisation = forms.ModelChoiceField(label="EPCI", queryset=Organisation.objects.none(), empty_label=None)
    type_grille = forms.ChoiceField(
        label="Type de grille",
        choices=TypeGrille.choices,
        widget=forms.RadioSelect,
        help_text="La grille des mutations cote les demandes des locataires du parc social (R441-2-10 CCH).",
    )
    fichier = forms.FileField(
        label="Document de la grille (YAML)",
        help_text="Format décrit dans la documentation de la cotation ; UTF-8, 500 ko au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )

    def __init__(self, *args: Any, epcis: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in epcis])  # type: ignore[attr-defined]
        if len(epcis) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = epcis[0].pk
        self.fields["type_grille"].initial = TypeGrille.GENERALE

    def clean_fichier(self) -> Any:
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith((".yaml", ".yml")):
            raise ValidationError("Choisissez un fichier .yaml ou .yml.")
        return fichier


class EnteteForm(FormulaireDsfr, forms.Form):
    titre = "En-tête de la grille"
    libelle = forms.CharField(label="Libellé de la grille", max_length=300)
    version = forms.CharField(label="Version indiquée dans le document", max_length=50, required=False)
    date_effet = forms.DateField(label="Date d'effet", widget=ChampDate())
    date_fin = forms.DateField(label="Date de fin", widget=ChampDate(), required=False)
    plafond_total = forms.IntegerField(label="Score maximal", required=False)
    plancher_total = forms.IntegerField(label="Score minimal", required=False)
    score_classement = forms.ChoiceField(
        label="Score qui classe les demandes",
        choices=(("provisoire", "Score provisoire (situations déclarées)"), ("valide", "Score validé")),
    )

    @staticmethod
    def initial_de(donnees: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "libelle": donnees.get("libelle", ""),
            "version": donnees.get("version", ""),
            "date_effet": donnees.get("date_effet"),
            "date_fin": donnees.get("date_fin"),
            "plafond_total": donnees.get("plafond_total"),
            "plancher_total": donnees.get("plancher_total"),
            "score_classement": (donnees.get("classement") or {}).get("score", "provisoire"),
        }


class SectionForm(FormulaireDsfr, forms.Form):
    titre = "Section"
    libelle = forms.CharField(label="Libellé de la section", max_length=300)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    exclusive = forms.BooleanField(
        label="Section exclusive : seul le critère le plus favorable compte (règle de Paris)", required=False
    )
    plafond = forms.IntegerField(label="Plafond de la section (points)", required=False)
    plancher = forms.IntegerField(label="Plancher de la section (points)", required=False)

    @staticmethod
    def initial_de(section: Mapping[str, Any]) -> dict[str, Any]:
        return {k: section.get(k) for k in ("libelle", "description", "exclusive", "plafond", "plancher")}


def _nombre(texte: str) -> int | float:
    propre = texte.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        valeur = float(propre)
    except ValueError:
        raise ValidationError(f"« {texte.strip()} » n'est pas un nombre.") from None
    return int(valeur) if valeur.is_integer() else valeur


def _date(texte: str) -> date:
    t = texte.strip()
    m = _DATE_FR.fullmatch(t)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(t)
    except ValueError:
        raise ValidationError(f"« {t} » n'est pas une date (JJ/MM/AAAA).") from None


def valeur_typee(texte: str, genre: str | None) -> Any:
    """A value typed in the simple condition, converted for a column of ``genre``."""
    t = texte.strip()
    if genre == "booleen":
        if t.lower() in _VRAI:
            return True
        if t.lower() in _FAUX:
            return False
        raise ValidationError(f"« {t} » : attendu oui ou non.")
    if genre == "nombre":
        return _nombre(t)
    if genre == "date":
        return _date(t)
    return t


def _texte_valeur(valeur: Any) -> str:
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, (date, datetime)):
        return f"{valeur:%d/%m/%Y}"
    if isinstance(valeur, list):
        return f" {SEPARATEUR} ".join(_texte_valeur(v) for v in valeur)
    if isinstance(valeur, float):
        return str(valeur).replace(".", ",")
    return str(valeur)


def _flux(donnee: Any) -> str:
    return ecrire_yaml(donnee, allow_unicode=True, default_flow_style=True, sort_keys=False, width=400).strip()


def condition_simple(condition: Any) -> tuple[str, str, Any] | None:
    """``(champ, operateur, valeur)`` when ``condition`` is one test of one column on constants."""
    if not isinstance(condition, dict) or len(condition) != 2 or "champ" not in condition:
        return None
    operateur = next(k for k in condition if k != "champ")
    valeur = condition[operateur]
    if operateur not in dict(OPERATEURS) or isinstance(valeur, dict):
        return None
    return str(condition["champ"]), operateur, valeur


class CritereForm(FormulaireDsfr, forms.Form):
    titre = "Critère"
    # Which fields are needed depends on the type of points and of condition: the hints say it.
    marquer_facultatifs = False
    groupes = (
        ("Identification", ("id", "libelle", "nature", "base_legale", "source")),
        ("Priorités légales et validation", ("priorites_legales", "validation")),
        ("Points", ("type_points", "points_fixes", "base", "par_unite", "valeur", "plafond_points", "unite")),
        ("Condition", ("mode_condition", "champ", "operateur", "valeur_condition", "condition_ecrite")),
    )

    id = forms.CharField(
        label="Identifiant",
        max_length=60,
        help_text="Lettres minuscules sans accent, chiffres et « _ » ; il nomme la colonne du détail.",
    )
    libelle = forms.CharField(label="Libellé (montré à l'agent et au demandeur)", max_length=300)
    nature = forms.ChoiceField(
        label="Nature", choices=(("critere", "Critère"), ("bonus", "Bonus"), ("malus", "Malus (points négatifs)"))
    )
    base_legale = forms.CharField(
        label="Base légale", max_length=300, help_text="Article, ou « PPGD (critère local) »."
    )
    source = forms.CharField(
        label="Source", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Facultatif."
    )
    priorites_legales = forms.MultipleChoiceField(
        label="Priorités légales mises en œuvre",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Facultatif. La grille doit mettre en œuvre le DALO et les priorités de l'article L441-1.",
    )
    validation = forms.ChoiceField(
        label="Validation",
        choices=(
            ("aucune", "Aucune"),
            ("justificatif", "Sur justificatif (provisoire jusque-là)"),
            ("travailleur_social", "Par un travailleur social (provisoire jusque-là)"),
        ),
    )
    type_points = forms.ChoiceField(
        label="Type de points",
        choices=(("fixes", "Points fixes"), ("proportionnels", "Points proportionnels à une valeur")),
        widget=forms.RadioSelect,
    )
    points_fixes = forms.IntegerField(
        label="Points (fixes)", required=False, help_text="Pour des points fixes. Négatifs pour un malus."
    )
    base = forms.IntegerField(
        label="Points de base (proportionnels)", required=False, help_text="Pour des points proportionnels ; 0 si vide."
    )
    par_unite = forms.DecimalField(
        label="Points par unité",
        required=False,
        max_digits=12,
        decimal_places=4,
        help_text="Pour des points proportionnels.",
    )
    valeur = forms.ChoiceField(label="Valeur multipliée", required=False, help_text="Pour des points proportionnels.")
    plafond_points = forms.IntegerField(
        label="Plafond des points du critère",
        required=False,
        min_value=0,
        help_text="Facultatif. Borne la valeur absolue des points.",
    )
    unite = forms.CharField(label="Unité (pour l'explication)", max_length=40, required=False, help_text="Facultatif.")
    mode_condition = forms.ChoiceField(
        label="Le critère s'applique",
        choices=(
            ("aucune", "Toujours (pas de condition)"),
            ("simple", "Si une colonne remplit un test"),
            ("ecrite", "Si la condition écrite au format de la grille est remplie"),
        ),
        widget=forms.RadioSelect,
    )
    champ = forms.ChoiceField(label="Colonne testée", required=False, help_text="Pour une condition simple.")
    operateur = forms.ChoiceField(
        label="Test", required=False, choices=(("", "— Choisir —"), *OPERATEURS), help_text="Pour une condition simple."
    )
    valeur_condition = forms.CharField(
        label="Valeur du test",
        required=False,
        max_length=500,
        help_text=f"Pour une condition simple. Plusieurs valeurs : séparées par « {SEPARATEUR} ». Oui ou non pour "
        "un booléen ; date JJ/MM/AAAA.",
    )
    condition_ecrite = forms.CharField(
        label="Condition écrite",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="Pour une condition écrite, dans la syntaxe du document de grille, ex. "
        "{un_de: [{champ: priorites, contient: l441_a}, "
        "{champ: nb_handicap, sup: 0}]}",
    )

    def __init__(
        self,
        *args: Any,
        existant: Mapping[str, Any] | None,
        valeurs_nommees: Sequence[str],
        **kwargs: Any,
    ) -> None:
        self.existant = dict(existant or {})
        kwargs.setdefault("initial", self.initial_de(self.existant))
        super().__init__(*args, **kwargs)
        self.fields["priorites_legales"].choices = [  # type: ignore[attr-defined]
            (p.code, f"{p.lettre}) {p.libelle}" if p.lettre else p.libelle)
            for p in PrioriteLegale.objects.order_by("ordre", "code")
        ]
        nombres = [c.nom for c in COLONNES_COTATION if c.genre == "nombre"]
        choix_valeur = [("", "— Choisir —")]
        choix_valeur += [(v, f"{v} — valeur calculée par la grille") for v in valeurs_nommees]
        choix_valeur += [(n, libelle_colonne(n)) for n in nombres]
        actuelle = self.initial.get("valeur")
        if actuelle and actuelle not in dict(choix_valeur):
            choix_valeur.append((actuelle, f"{actuelle} — valeur écrite dans le document"))
        self.fields["valeur"].choices = choix_valeur  # type: ignore[attr-defined]
        self.fields["champ"].choices = [  # type: ignore[attr-defined]
            ("", "— Choisir —"),
            *((v, f"{v} — valeur calculée par la grille") for v in valeurs_nommees),
            *((c.nom, libelle_colonne(c.nom)) for c in COLONNES_COTATION),
        ]
        self.genres: dict[str, str | None] = {**GENRES, **dict.fromkeys(valeurs_nommees, "nombre")}
        self.critere_donnees: dict[str, Any] = {}

    @staticmethod
    def initial_de(existant: Mapping[str, Any]) -> dict[str, Any]:
        if not existant:
            return {"nature": "critere", "validation": "aucune", "type_points": "fixes", "mode_condition": "simple"}
        initial: dict[str, Any] = {
            "id": existant.get("id", ""),
            "libelle": existant.get("libelle", ""),
            "nature": existant.get("nature", "critere"),
            "base_legale": existant.get("base_legale", ""),
            "source": existant.get("source", ""),
            "priorites_legales": list(existant.get("priorites_legales") or ()),
            "validation": existant.get("validation", "aucune"),
        }
        points = existant.get("points")
        if isinstance(points, dict):
            valeur = points.get("valeur")
            initial.update(
                type_points="proportionnels",
                base=points.get("base"),
                par_unite=points.get("par_unite"),
                valeur=valeur if isinstance(valeur, str) else _flux(valeur),
                plafond_points=points.get("plafond"),
                unite=points.get("unite", ""),
            )
        else:
            initial.update(type_points="fixes", points_fixes=points)
        condition = existant.get("condition")
        simple = condition_simple(condition)
        if condition is None:
            initial["mode_condition"] = "aucune"
        elif simple is not None:
            champ, operateur, valeur = simple
            initial.update(
                mode_condition="simple", champ=champ, operateur=operateur, valeur_condition=_texte_valeur(valeur)
            )
        else:
            initial.update(mode_condition="ecrite", condition_ecrite=_flux(condition))
        return initial

    # --- building the criterion -------------------------------------------------------------

    def _points(self, d: dict[str, Any]) -> Any:
        if d.get("type_points") == "proportionnels":
            if d.get("par_unite") is None:
                self.add_error("par_unite", "Indiquez les points par unité.")
            if not d.get("valeur") and "valeur" not in self.errors:
                self.add_error("valeur", "Choisissez la valeur multipliée.")
            if d.get("par_unite") is None or not d.get("valeur"):
                return None
            par_unite: Decimal = d["par_unite"]
            brute = d["valeur"]
            points: dict[str, Any] = {}
            if d.get("base"):
                points["base"] = d["base"]
            points["par_unite"] = int(par_unite) if par_unite == par_unite.to_integral_value() else float(par_unite)
            points["valeur"] = _yaml_ou_erreur(self, "valeur", brute) if brute.startswith("{") else brute
            if d.get("plafond_points") is not None:
                points["plafond"] = d["plafond_points"]
            if d.get("unite"):
                points["unite"] = d["unite"]
            return points
        if d.get("points_fixes") is None:
            self.add_error("points_fixes", "Indiquez le nombre de points.")
            return None
        return d["points_fixes"]

    def _condition(self, d: dict[str, Any]) -> Any:
        mode = d.get("mode_condition")
        if mode == "aucune":
            return None
        if mode == "ecrite":
            texte = d.get("condition_ecrite", "").strip()
            if not texte:
                self.add_error("condition_ecrite", "Écrivez la condition, ou choisissez un autre mode.")
                return None
            try:
                condition = charger_yaml_borne(texte)
            except YamlRefuse as exc:
                ligne = f" (ligne {exc.ligne})" if exc.ligne is not None else ""
                self.add_error(
                    "condition_ecrite",
                    f"Condition illisible{ligne} : {exc.raison} ; vérifiez les accolades et les « : ».",
                )
                return None
            if not isinstance(condition, dict):
                self.add_error(
                    "condition_ecrite", "Une condition est un dictionnaire, ex. {champ: dalo_reconnu, egal: true}."
                )
                return None
            return condition
        champ, operateur, texte = d.get("champ"), d.get("operateur"), d.get("valeur_condition", "")
        if not champ:
            self.add_error("champ", "Choisissez la colonne testée.")
        if not operateur:
            self.add_error("operateur", "Choisissez le test.")
        if not champ or not operateur:
            return None
        if not texte.strip():
            self.add_error("valeur_condition", "Indiquez la valeur du test.")
            return None
        genre = self.genres.get(champ)
        try:
            if operateur == "renseigne":
                valeur: Any = valeur_typee(texte, "booleen")
            elif operateur in OPERATEURS_LISTE:
                morceaux = [m for m in texte.split(SEPARATEUR) if m.strip()]
                valeur = [valeur_typee(m, None if genre == "liste" else genre) for m in morceaux]
                if operateur == "entre" and len(valeur) != 2:
                    raise ValidationError(f"Indiquez deux bornes séparées par « {SEPARATEUR} ».")
            else:
                valeur = valeur_typee(texte, None if genre == "liste" else genre)
        except ValidationError as exc:
            self.add_error("valeur_condition", exc)
            return None
        return {"champ": champ, operateur: valeur}

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        points = self._points(d)
        condition = self._condition(d)
        if self.errors:
            return d
        critere: dict[str, Any] = {"id": d["id"].strip(), "libelle": d["libelle"].strip()}
        if d["nature"] != "critere":
            critere["nature"] = d["nature"]
        critere["base_legale"] = d["base_legale"].strip()
        for cle in ("source", "description"):
            valeur = d.get(cle, "").strip() if cle == "source" else self.existant.get(cle)
            if valeur:
                critere[cle] = valeur
        if d.get("priorites_legales"):
            critere["priorites_legales"] = list(d["priorites_legales"])
        if d["validation"] != "aucune":
            critere["validation"] = d["validation"]
        for cle in ("date_debut", "date_fin"):
            if self.existant.get(cle) is not None:
                critere[cle] = self.existant[cle]
        if condition is not None:
            critere["condition"] = condition
        critere["points"] = points
        self.critere_donnees = critere
        return d


# --- errors of the engine on the fields -------------------------------------------------------------

_CHAMPS_CRITERE = {
    "id": "id",
    "libelle": "libelle",
    "nature": "nature",
    "base_legale": "base_legale",
    "source": "source",
    "priorites_legales": "priorites_legales",
    "validation": "validation",
}
_CHAMPS_POINTS = {"plafond": "plafond_points", "valeur": "valeur", "par_unite": "par_unite", "base": "base"}


def champ_de_chemin(chemin: str, prefixe: str, form: forms.Form) -> str | None:
    """The field of ``form`` an engine path (``sections[1].criteres[0].points.plafond``) designates."""
    if not chemin.startswith(prefixe):
        return None
    reste = chemin[len(prefixe) :].lstrip(".")
    tete = re.split(r"[.\[]", reste, maxsplit=1)[0]
    if isinstance(form, CritereForm):
        if tete == "points":
            sous = reste[len("points") :].lstrip(".")
            sous_tete = re.split(r"[.\[]", sous, maxsplit=1)[0]
            if sous_tete in _CHAMPS_POINTS:
                return _CHAMPS_POINTS[sous_tete]
            return "points_fixes" if form.cleaned_data.get("type_points") == "fixes" else "par_unite"
        if tete == "condition":
            return "condition_ecrite" if form.cleaned_data.get("mode_condition") == "ecrite" else "valeur_condition"
        return _CHAMPS_CRITERE.get(tete)
    if tete in form.fields:
        return tete
    return None


def placer_erreurs_grille(exc: ValidationError, form: forms.Form, prefixe: str) -> None:
    """Put the engine's located errors on ``form``'s fields (those under ``prefixe``) or on the form,
    with their path so that nothing is lost."""
    erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for chemin, messages in erreurs.items():
        champ = champ_de_chemin(chemin, prefixe, form) if chemin != "__all__" else None
        for message in messages:
            if champ is not None:
                form.add_error(champ, message)
            elif chemin in ("__all__", "section", "critere"):
                form.add_error(None, message)
            else:
                form.add_error(None, f"Grille ({chemin}) : {message}")
