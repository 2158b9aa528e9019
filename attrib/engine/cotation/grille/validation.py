"""The cotation grid document: model, YAML loader (keeping line numbers), validator and writer.

A grid (``docs/cotation.md``) is a YAML document: identification and effective dates, named computed
values, sections of criteria (each with id, French label, legal basis, condition, points, validation
need), caps per section and in total, and the ranking rule (score used, tie-break order).

* :func:`charger_grille` reads a document (text or file), checks it against the published JSON schema
  (:mod:`attrib.engine.cotation.schema`), builds a :class:`Grille` and runs :func:`valider`. Every
  problem is reported as a :class:`MessageGrille` located by file, line and path
  (``socle.yaml, ligne 12 (sections[0].criteres[3].points) : …``); errors are raised together in
  :class:`GrilleInvalide`.
* :func:`valider` checks a :class:`Grille` (also one built in code): unique identifiers, signs of
  bonus and malus, caps, dates, types of the columns read, codes of the closed lists, and the legal
  block (a DALO criterion and an L441-1 criterion are mandatory, L441-2-8 / R441-2-10 CCH). It returns
  the warnings: L441-1 priorities left uncovered, residence-only criteria, protected grounds of
  Code pénal 225-1, columns unknown to the engine.
* :func:`grille_vers_yaml` writes a grid back; ``charger_grille(grille_vers_yaml(g)) == g``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from attrib.engine.cotation import catalogue
from attrib.engine.cotation.conditions import (
    Calcul,
    Champ,
    Comparaison,
    Condition,
    Constante,
    Contient,
    Genre,
    Non,
    Operande,
    Parmi,
    Probleme,
    Scalaire,
    Tous,
    Typage,
    UnDe,
    colonnes_condition,
    colonnes_operande,
    ecrire_condition,
    ecrire_operande,
    lire_condition,
    lire_operande,
    operandes_condition,
    sous_chemin,
    sous_operandes,
)
from attrib.engine.cotation.priorites import CODE_DALO, PrioriteLegale, charger_priorites, priorites_en_vigueur
from attrib.engine.cotation.schema import IDENTIFIANT, SCHEMA
from attrib.engine.cotation.tranches import chevauchements
from attrib.engine.erreurs import ErreurMoteur

Nature = Literal["critere", "bonus", "malus"]
Validation = Literal["aucune", "justificatif", "travailleur_social"]
Public = Literal["toutes", "premieres_demandes", "mutations"]
ScoreClassement = Literal["provisoire", "valide"]
Ordre = Literal["croissant", "decroissant"]
Niveau = Literal["erreur", "avertissement"]

#: Names of the output columns, forbidden as identifiers.
IDENTIFIANTS_RESERVES = frozenset(
    {"score", "score_provisoire", "score_valide", "rang", "numero_unique", "ligne", "grille", "valide", "plafond"}
)
LIBELLES_VALIDATION: Mapping[str, str] = {
    "aucune": "aucune",
    "justificatif": "un justificatif",
    "travailleur_social": "un travailleur social",
}


# --- model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Points:
    """Points of a criterion whose condition holds.

    Fixed: ``fixe``. Proportional (``par_unite`` and ``valeur`` set): ``fixe + par_unite × valeur``,
    truncated toward zero to a whole number of points; an empty ``valeur`` makes the criterion not
    apply. ``plafond`` caps the criterion's points in absolute value (a malus of −100 per refusal
    with ``plafond: 300`` stops at −300).
    """

    fixe: int = 0
    par_unite: int | float | None = None
    valeur: Operande | None = None
    plafond: int | None = None
    unite: str = ""

    @property
    def proportionnel(self) -> bool:
        return self.par_unite is not None and self.valeur is not None


@dataclass(frozen=True)
class Critere:
    id: str
    libelle: str
    base_legale: str
    points: Points
    condition: Condition | None = None
    nature: Nature = "critere"
    source: str = ""
    description: str = ""
    priorites_legales: tuple[str, ...] = ()
    validation: Validation = "aucune"
    date_debut: date | None = None
    date_fin: date | None = None

    @property
    def a_valider(self) -> bool:
        return self.validation != "aucune"

    def en_vigueur(self, jour: date) -> bool:
        return (self.date_debut is None or self.date_debut <= jour) and (self.date_fin is None or jour <= self.date_fin)


@dataclass(frozen=True)
class Section:
    """Criteria that add up (``exclusive``: only the most favourable one that applies counts, Paris rule),
    their total clamped to ``[plancher, plafond]``."""

    id: str
    libelle: str
    criteres: tuple[Critere, ...]
    exclusive: bool = False
    plafond: int | None = None
    plancher: int | None = None
    description: str = ""

    @property
    def bornee(self) -> bool:
        return self.plafond is not None or self.plancher is not None


@dataclass(frozen=True)
class ValeurNommee:
    """A value computed once per demand and read by name (``champ: id``) by the criteria."""

    id: str
    libelle: str
    calcul: Operande
    unite: str = ""
    source: str = ""
    description: str = ""


@dataclass(frozen=True)
class CleDepartage:
    champ: str
    ordre: Ordre = "croissant"


DEPARTAGE_PAR_DEFAUT: tuple[CleDepartage, ...] = (CleDepartage("date_depot_initiale"),)


@dataclass(frozen=True)
class Grille:
    identifiant: str
    libelle: str
    date_effet: date
    sections: tuple[Section, ...]
    version: str = ""
    public: Public = "toutes"
    territoire: str = ""
    source: str = ""
    description: str = ""
    date_fin: date | None = None
    valeurs: tuple[ValeurNommee, ...] = ()
    plafond_total: int | None = None
    plancher_total: int | None = None
    score_classement: ScoreClassement = "provisoire"
    departage: tuple[CleDepartage, ...] = DEPARTAGE_PAR_DEFAUT
    #: Name used in messages (file name) and line of each path of the document it was read from.
    origine: str = field(default="", compare=False)
    lignes: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}), compare=False, hash=False)

    def criteres(self) -> Iterator[tuple[Section, Critere]]:
        for section in self.sections:
            for critere in section.criteres:
                yield section, critere

    @property
    def a_validation(self) -> bool:
        """Whether some criterion needs a validation (then ``score_valide`` can differ)."""
        return any(c.a_valider for _, c in self.criteres())

    @property
    def bornee(self) -> bool:
        return self.plafond_total is not None or self.plancher_total is not None

    def en_vigueur(self, jour: date) -> bool:
        return self.date_effet <= jour and (self.date_fin is None or jour <= self.date_fin)

    @property
    def nom(self) -> str:
        return self.origine or f"grille {self.identifiant}"


def colonnes_lues(grille: Grille) -> frozenset[str]:
    """Columns of the demands the grid reads (named values excluded; ``criteres_valides`` included
    when a criterion needs validation). Tie-break columns are not included (see :func:`colonnes_departage`)."""
    noms: set[str] = set()
    for valeur in grille.valeurs:
        noms.update(colonnes_operande(valeur.calcul))
    for _, critere in grille.criteres():
        if critere.condition is not None:
            noms.update(colonnes_condition(critere.condition))
        if critere.points.valeur is not None:
            noms.update(colonnes_operande(critere.points.valeur))
    noms -= {v.id for v in grille.valeurs}
    if grille.a_validation:
        noms.add(catalogue.COLONNE_CRITERES_VALIDES)
    return frozenset(noms)


def colonnes_departage(grille: Grille) -> tuple[str, ...]:
    return tuple(cle.champ for cle in grille.departage)


# --- messages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageGrille:
    """A located problem of a grid: ``origine`` (file), ``ligne`` (1-based, when known), ``chemin`` (path)."""

    origine: str
    ligne: int | None
    chemin: str
    message: str
    niveau: Niveau = "erreur"

    def __str__(self) -> str:
        lieu = self.origine
        if self.ligne is not None:
            lieu += f", ligne {self.ligne}"
        if self.chemin:
            lieu += f" ({self.chemin})"
        return f"{lieu} : {self.message}"


Avertissement = MessageGrille


class DonneesInvalides(ErreurMoteur, ValueError):
    """Demands that a grid cannot score (missing column, column of the wrong type); the message is French."""


class GrilleInvalide(ErreurMoteur, ValueError):
    """A grid that cannot be used; ``messages`` lists every located error."""

    def __init__(self, messages: Sequence[MessageGrille]) -> None:
        self.messages = list(messages)
        detail = "\n".join(f"- {m}" for m in self.messages)
        super().__init__(f"Grille de cotation invalide ({len(self.messages)} erreur(s)) :\n{detail}")


def _ligne(lignes: Mapping[str, int], chemin: str) -> int | None:
    while True:
        if chemin in lignes:
            return lignes[chemin]
        if not chemin:
            return None
        coupe = max(chemin.rfind("."), chemin.rfind("["))
        chemin = chemin[: max(coupe, 0)]


def _localiser(
    origine: str, lignes: Mapping[str, int], problemes: Sequence[Probleme], niveau: Niveau
) -> list[MessageGrille]:
    return [MessageGrille(origine, _ligne(lignes, p.chemin), p.chemin, p.message, niveau) for p in problemes]


# --- YAML with line numbers ------------------------------------------------------------------------


class _Chargeur(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader; an impossible date (2026-13-01) stays text, for the schema to report it with its line."""


def _date_ou_texte(chargeur: Any, noeud: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(chargeur, noeud)
    except ValueError:
        return str(noeud.value)


_Chargeur.add_constructor("tag:yaml.org,2002:timestamp", _date_ou_texte)


def _yaml_avec_lignes(texte: str, origine: str) -> tuple[Any, dict[str, int]]:
    chargeur = _Chargeur(texte)
    try:
        noeud = chargeur.get_single_node()
        donnees = None if noeud is None else chargeur.construct_document(noeud)
    except yaml.MarkedYAMLError as exc:
        marque = exc.problem_mark or exc.context_mark
        ligne = None if marque is None else marque.line + 1
        raison = exc.problem or "syntaxe incorrecte"
        raise GrilleInvalide(
            [MessageGrille(origine, ligne, "", f"YAML illisible : {_traduire_yaml(raison)}")]
        ) from None
    except yaml.YAMLError as exc:
        raise GrilleInvalide([MessageGrille(origine, None, "", f"YAML illisible : {exc}")]) from None
    finally:
        chargeur.dispose()
    lignes: dict[str, int] = {"": 1}
    doublons: list[tuple[str, int, str]] = []
    if noeud is not None:
        _parcourir(noeud, "", lignes, doublons)
    if doublons:
        raise GrilleInvalide([MessageGrille(origine, ligne, chemin, message) for chemin, ligne, message in doublons])
    return donnees, lignes


_TRADUCTIONS_YAML = (
    ("mapping values are not allowed", "« : » inattendu (un texte contenant « : » doit être entre guillemets)"),
    ("could not find expected ':'", "« : » attendu après une clé"),
    ("found character '\\t' that cannot start any token", "tabulation interdite : indentez avec des espaces"),
    ("expected <block end>, but found", "indentation incohérente"),
    ("found undefined alias", "alias non défini"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet ou crochet non fermé ?)"),
)


def _traduire_yaml(raison: str) -> str:
    for anglais, francais in _TRADUCTIONS_YAML:
        if anglais in raison:
            return francais
    return raison


def _parcourir(noeud: yaml.Node, chemin: str, lignes: dict[str, int], doublons: list[tuple[str, int, str]]) -> None:
    if isinstance(noeud, yaml.MappingNode):
        vues: dict[str, int] = {}
        for cle, valeur in noeud.value:
            nom = str(cle.value)
            ici = sous_chemin(chemin, nom)
            if nom in vues:
                doublons.append(
                    (ici, cle.start_mark.line + 1, f"clé « {nom} » présente deux fois (déjà ligne {vues[nom]})")
                )
            vues[nom] = cle.start_mark.line + 1
            lignes.setdefault(ici, cle.start_mark.line + 1)
            _parcourir(valeur, ici, lignes, doublons)
    elif isinstance(noeud, yaml.SequenceNode):
        for i, element in enumerate(noeud.value):
            ici = sous_chemin(chemin, i)
            lignes.setdefault(ici, element.start_mark.line + 1)
            _parcourir(element, ici, lignes, doublons)


# --- JSON schema, worded in French -------------------------------------------------------------------

_VALIDATEUR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
_TYPES_JSON: Mapping[str, str] = {
    "string": "un texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "object": "un dictionnaire",
    "array": "une liste",
    "null": "rien (null)",
}


def _pour_schema(donnee: Any) -> Any:
    """The document as JSON sees it (dates as ISO text, keys as text)."""
    if isinstance(donnee, dict):
        return {str(k): _pour_schema(v) for k, v in donnee.items()}
    if isinstance(donnee, list):
        return [_pour_schema(v) for v in donnee]
    if isinstance(donnee, date):
        return donnee.isoformat()
    return donnee


def _chemin_json(elements: Sequence[str | int]) -> str:
    chemin = ""
    for e in elements:
        chemin = sous_chemin(chemin, e)
    return chemin


def _repr(valeur: object) -> str:
    if isinstance(valeur, str):
        return f"« {valeur} »"
    if isinstance(valeur, (dict, list)):
        return "un dictionnaire" if isinstance(valeur, dict) else "une liste"
    if valeur is None:
        return "rien"
    return str(valeur).lower() if isinstance(valeur, bool) else str(valeur)


def _message_schema(erreur: ValidationError) -> Probleme:
    chemin = _chemin_json(list(erreur.absolute_path))
    instance = erreur.instance
    valeur = erreur.validator_value
    match erreur.validator:
        case "required":
            manquantes = [k for k in valeur if isinstance(instance, dict) and k not in instance]
            return Probleme(chemin, f"clé obligatoire « {manquantes[0] if manquantes else valeur} » absente")
        case "additionalProperties":
            connues = list(erreur.schema.get("properties", {}))
            extras = [k for k in instance if k not in connues]
            cle = extras[0] if extras else "?"
            proches = difflib.get_close_matches(cle, connues, n=1)
            suggestion = f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
            return Probleme(
                sous_chemin(chemin, cle), f"clé inconnue « {cle} »{suggestion} ; clés admises : {', '.join(connues)}"
            )
        case "type":
            types = [valeur] if isinstance(valeur, str) else list(valeur)
            attendu = " ou ".join(_TYPES_JSON.get(t, t) for t in types)
            return Probleme(chemin, f"attendu {attendu}, reçu {_repr(instance)}")
        case "enum":
            return Probleme(
                chemin, f"valeur {_repr(instance)} non admise ; valeurs admises : {', '.join(map(str, valeur))}"
            )
        case "minItems":
            if valeur == 1:
                return Probleme(chemin, "liste vide : au moins un élément attendu")
            return Probleme(chemin, f"au moins {valeur} éléments attendus, reçu {len(instance)}")
        case "maxItems":
            return Probleme(chemin, f"au plus {valeur} éléments attendus, reçu {len(instance)}")
        case "minLength":
            return Probleme(chemin, "texte vide")
        case "minimum":
            return Probleme(chemin, f"valeur {instance} inférieure au minimum {valeur}")
        case "minProperties":
            return Probleme(chemin, "dictionnaire vide")
        case "pattern":
            if valeur == IDENTIFIANT:
                return Probleme(
                    chemin,
                    f"identifiant {_repr(instance)} invalide : lettres minuscules sans accent, chiffres et « _ », "
                    "en commençant par une lettre",
                )
            return Probleme(chemin, f"valeur {_repr(instance)} de forme incorrecte")
        case "format":
            return Probleme(chemin, f"date {_repr(instance)} invalide (format AAAA-MM-JJ)")
        case "anyOf" | "oneOf":
            return _message_alternative(erreur, chemin)
    return Probleme(chemin, f"valeur {_repr(instance)} incorrecte")


def _message_alternative(erreur: ValidationError, chemin: str) -> Probleme:
    instance = erreur.instance
    branches: list[dict[str, Any]] = list(erreur.validator_value)
    if isinstance(instance, dict):
        internes = [e for e in erreur.context or [] if branches[e.schema_path[0]].get("type") == "object"]
        if internes:
            meilleure = best_match(internes)
            if meilleure is not None:
                return _message_schema(meilleure)
    types: list[str] = []
    for branche in branches:
        t = branche.get("type", "")
        types += [t] if isinstance(t, str) else list(t)
    attendu = " ou ".join(dict.fromkeys(_TYPES_JSON.get(t, t) for t in types if t))
    if chemin.endswith("points"):
        attendu = "un nombre entier de points ou un dictionnaire {par_unite, valeur, plafond…}"
    return Probleme(chemin, f"attendu {attendu}, reçu {_repr(instance)}")


def problemes_schema(donnees: object) -> list[Probleme]:
    """Violations of the published schema, worded in French (at most one per path)."""
    problemes: list[Probleme] = []
    vus: set[str] = set()
    erreurs = sorted(_VALIDATEUR.iter_errors(_pour_schema(donnees)), key=lambda e: [str(p) for p in e.absolute_path])
    for erreur in erreurs:
        probleme = _message_schema(erreur)
        if probleme.chemin not in vus:
            vus.add(probleme.chemin)
            problemes.append(probleme)
    return problemes


# --- document → model ------------------------------------------------------------------------------


def _date(valeur: object) -> date | None:
    if valeur is None or isinstance(valeur, date):
        return valeur
    return date.fromisoformat(str(valeur))


def _entier(valeur: object) -> int | None:
    if valeur is None:
        return None
    assert isinstance(valeur, (int, float))
    return int(valeur)


def _nombre(valeur: object) -> int | float:
    assert isinstance(valeur, (int, float)) and not isinstance(valeur, bool)
    return int(valeur) if isinstance(valeur, float) and valeur.is_integer() else valeur


class _Lecture:
    def __init__(self) -> None:
        self.problemes: list[Probleme] = []

    def points(self, donnee: Any, chemin: str) -> Points:
        if not isinstance(donnee, dict):
            return Points(fixe=int(donnee))
        valeur = lire_operande(donnee["valeur"], sous_chemin(chemin, "valeur"), self.problemes)
        return Points(
            fixe=int(donnee.get("base", 0)),
            par_unite=_nombre(donnee["par_unite"]),
            valeur=valeur,
            plafond=_entier(donnee.get("plafond")),
            unite=str(donnee.get("unite", "")),
        )

    def critere(self, donnee: dict[str, Any], chemin: str) -> Critere:
        condition = None
        if "condition" in donnee:
            condition = lire_condition(donnee["condition"], sous_chemin(chemin, "condition"), self.problemes)
        return Critere(
            id=donnee["id"],
            libelle=donnee["libelle"],
            base_legale=donnee["base_legale"],
            points=self.points(donnee["points"], sous_chemin(chemin, "points")),
            condition=condition,
            nature=donnee.get("nature", "critere"),
            source=donnee.get("source", ""),
            description=donnee.get("description", ""),
            priorites_legales=tuple(donnee.get("priorites_legales", ())),
            validation=donnee.get("validation", "aucune"),
            date_debut=_date(donnee.get("date_debut")),
            date_fin=_date(donnee.get("date_fin")),
        )

    def section(self, donnee: dict[str, Any], chemin: str) -> Section:
        return Section(
            id=donnee["id"],
            libelle=donnee["libelle"],
            criteres=tuple(
                self.critere(c, sous_chemin(sous_chemin(chemin, "criteres"), i))
                for i, c in enumerate(donnee["criteres"])
            ),
            exclusive=bool(donnee.get("exclusive", False)),
            plafond=_entier(donnee.get("plafond")),
            plancher=_entier(donnee.get("plancher")),
            description=donnee.get("description", ""),
        )

    def valeur(self, donnee: dict[str, Any], chemin: str) -> ValeurNommee:
        calcul = lire_operande(donnee["calcul"], sous_chemin(chemin, "calcul"), self.problemes)
        return ValeurNommee(
            id=donnee["id"],
            libelle=donnee["libelle"],
            calcul=calcul if calcul is not None else Constante(0),
            unite=donnee.get("unite", ""),
            source=donnee.get("source", ""),
            description=donnee.get("description", ""),
        )

    def grille(self, donnee: dict[str, Any], origine: str, lignes: Mapping[str, int]) -> Grille:
        classement = donnee.get("classement") or {}
        departage = classement.get("departage")
        return Grille(
            identifiant=donnee["identifiant"],
            libelle=donnee["libelle"],
            date_effet=_date(donnee["date_effet"]) or date.min,
            sections=tuple(self.section(s, f"sections[{i}]") for i, s in enumerate(donnee["sections"])),
            version=str(donnee.get("version", "")),
            public=donnee.get("public", "toutes"),
            territoire=donnee.get("territoire", ""),
            source=donnee.get("source", ""),
            description=donnee.get("description", ""),
            date_fin=_date(donnee.get("date_fin")),
            valeurs=tuple(self.valeur(v, f"valeurs[{i}]") for i, v in enumerate(donnee.get("valeurs", ()))),
            plafond_total=_entier(donnee.get("plafond_total")),
            plancher_total=_entier(donnee.get("plancher_total")),
            score_classement=classement.get("score", "provisoire"),
            departage=(
                DEPARTAGE_PAR_DEFAUT
                if departage is None
                else tuple(CleDepartage(d["champ"], d.get("ordre", "croissant")) for d in departage)
            ),
            origine=origine,
            lignes=MappingProxyType(dict(lignes)),
        )


def lire_grille(texte: str, *, origine: str = "grille") -> Grille:
    """Build a :class:`Grille` from YAML text, checking the syntax and the schema only (no :func:`valider`)."""
    donnees, lignes = _yaml_avec_lignes(texte, origine)
    if not isinstance(donnees, dict):
        raise GrilleInvalide(
            [MessageGrille(origine, 1, "", "le document doit être un dictionnaire (identifiant, libelle, sections…)")]
        )
    problemes = problemes_schema(donnees)
    if problemes:
        raise GrilleInvalide(_localiser(origine, lignes, problemes, "erreur"))
    lecture = _Lecture()
    grille = lecture.grille(donnees, origine, lignes)
    if lecture.problemes:
        raise GrilleInvalide(_localiser(origine, lignes, lecture.problemes, "erreur"))
    return grille


def charger_grille(texte_ou_chemin: str | Path, *, origine: str | None = None) -> Grille:
    """Read and validate a grid: a :class:`~pathlib.Path`, a path to an existing ``.yaml`` file, or YAML text.

    Raises :class:`GrilleInvalide` (every located error). Warnings: call :func:`valider`.
    """
    if isinstance(texte_ou_chemin, Path) or (
        "\n" not in texte_ou_chemin and texte_ou_chemin.endswith((".yaml", ".yml"))
    ):
        chemin = Path(texte_ou_chemin)
        try:
            texte = chemin.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise GrilleInvalide([MessageGrille(str(chemin), None, "", "fichier introuvable")]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise GrilleInvalide([MessageGrille(str(chemin), None, "", f"fichier illisible ({exc})")]) from None
        nom = origine or chemin.name
    else:
        texte, nom = texte_ou_chemin, origine or "grille"
    grille = lire_grille(texte, origine=nom)
    valider(grille)
    return grille


# --- model → document ------------------------------------------------------------------------------


def _points_vers_donnees(points: Points) -> Any:
    if not points.proportionnel:
        return points.fixe
    assert points.valeur is not None
    donnee: dict[str, Any] = {}
    if points.fixe:
        donnee["base"] = points.fixe
    donnee["par_unite"] = points.par_unite
    donnee["valeur"] = ecrire_operande(points.valeur)
    if points.plafond is not None:
        donnee["plafond"] = points.plafond
    if points.unite:
        donnee["unite"] = points.unite
    return donnee


def _critere_vers_donnees(critere: Critere) -> dict[str, Any]:
    donnee: dict[str, Any] = {"id": critere.id, "libelle": critere.libelle}
    if critere.nature != "critere":
        donnee["nature"] = critere.nature
    donnee["base_legale"] = critere.base_legale
    if critere.source:
        donnee["source"] = critere.source
    if critere.description:
        donnee["description"] = critere.description
    if critere.priorites_legales:
        donnee["priorites_legales"] = list(critere.priorites_legales)
    if critere.validation != "aucune":
        donnee["validation"] = critere.validation
    if critere.date_debut is not None:
        donnee["date_debut"] = critere.date_debut
    if critere.date_fin is not None:
        donnee["date_fin"] = critere.date_fin
    if critere.condition is not None:
        donnee["condition"] = ecrire_condition(critere.condition)
    donnee["points"] = _points_vers_donnees(critere.points)
    return donnee


def grille_vers_donnees(grille: Grille) -> dict[str, Any]:
    """The document of ``grille`` as plain data (dates as :class:`datetime.date`)."""
    donnee: dict[str, Any] = {"identifiant": grille.identifiant, "libelle": grille.libelle}
    if grille.version:
        donnee["version"] = grille.version
    if grille.public != "toutes":
        donnee["public"] = grille.public
    for cle in ("territoire", "source", "description"):
        if getattr(grille, cle):
            donnee[cle] = getattr(grille, cle)
    donnee["date_effet"] = grille.date_effet
    if grille.date_fin is not None:
        donnee["date_fin"] = grille.date_fin
    if grille.plafond_total is not None:
        donnee["plafond_total"] = grille.plafond_total
    if grille.plancher_total is not None:
        donnee["plancher_total"] = grille.plancher_total
    donnee["classement"] = {
        "score": grille.score_classement,
        "departage": [{"champ": c.champ, "ordre": c.ordre} for c in grille.departage],
    }
    if grille.valeurs:
        donnee["valeurs"] = []
        for v in grille.valeurs:
            valeur: dict[str, Any] = {"id": v.id, "libelle": v.libelle, "calcul": ecrire_operande(v.calcul)}
            for cle in ("unite", "source", "description"):
                if getattr(v, cle):
                    valeur[cle] = getattr(v, cle)
            donnee["valeurs"].append(valeur)
    donnee["sections"] = []
    for s in grille.sections:
        section: dict[str, Any] = {"id": s.id, "libelle": s.libelle}
        if s.description:
            section["description"] = s.description
        if s.exclusive:
            section["exclusive"] = True
        if s.plafond is not None:
            section["plafond"] = s.plafond
        if s.plancher is not None:
            section["plancher"] = s.plancher
        section["criteres"] = [_critere_vers_donnees(c) for c in s.criteres]
        donnee["sections"].append(section)
    return donnee


def grille_vers_yaml(grille: Grille) -> str:
    """YAML text of ``grille`` (comments of the original file are not kept)."""
    texte: str = yaml.safe_dump(
        grille_vers_donnees(grille), allow_unicode=True, sort_keys=False, width=110, default_flow_style=False
    )
    return texte


# --- validation ----------------------------------------------------------------------------------


def _chemins(grille: Grille) -> Iterator[tuple[str, Section, Critere]]:
    for i, section in enumerate(grille.sections):
        for j, critere in enumerate(section.criteres):
            yield f"sections[{i}].criteres[{j}]", section, critere


def _points_max(points: Points) -> int | None:
    """Largest number of points a criterion can give (None: unbounded)."""
    if not points.proportionnel:
        return points.fixe
    return points.plafond


def _codes_connus() -> dict[str, tuple[str, ...]]:
    codes = {c.nom: c.codes for c in catalogue.COLONNES_COTATION if c.codes}
    codes["priorites"] = tuple(p.code for p in charger_priorites())
    return codes


class _Validation:
    def __init__(self, grille: Grille) -> None:
        self.grille = grille
        self.erreurs: list[Probleme] = []
        self.avertissements: list[Probleme] = []
        self.valeurs = {v.id for v in grille.valeurs}

    def identifiants(self) -> None:
        # Two namespaces: sections; criteria and named values (criteria name the detail columns, values
        # are read by name).
        vus: dict[str, str] = {}
        vues_sections: dict[str, str] = {}

        def voir(ident: str, chemin: str, vus: dict[str, str] = vus) -> None:
            if not re.fullmatch(IDENTIFIANT, ident):
                self.erreurs.append(
                    Probleme(
                        sous_chemin(chemin, "id"),
                        f"identifiant « {ident} » invalide : lettres minuscules sans accent, chiffres et « _ », "
                        "en commençant par une lettre",
                    )
                )
            elif ident in IDENTIFIANTS_RESERVES:
                self.erreurs.append(
                    Probleme(sous_chemin(chemin, "id"), f"identifiant « {ident} » réservé (colonne du résultat)")
                )
            if ident in vus:
                self.erreurs.append(
                    Probleme(sous_chemin(chemin, "id"), f"identifiant « {ident} » déjà employé ({vus[ident]})")
                )
            vus[ident] = chemin

        for i, v in enumerate(self.grille.valeurs):
            voir(v.id, f"valeurs[{i}]")
        for i, s in enumerate(self.grille.sections):
            voir(s.id, f"sections[{i}]", vues_sections)
        for chemin, _, c in _chemins(self.grille):
            voir(c.id, chemin)

    def bornes(self) -> None:
        g = self.grille
        if g.date_fin is not None and g.date_fin < g.date_effet:
            self.erreurs.append(
                Probleme("date_fin", f"date de fin {g.date_fin} antérieure à la date d'effet {g.date_effet}")
            )
        if g.plafond_total is not None and g.plancher_total is not None and g.plancher_total > g.plafond_total:
            self.erreurs.append(
                Probleme("plancher_total", f"plancher {g.plancher_total} supérieur au plafond {g.plafond_total}")
            )
        if not g.sections:
            self.erreurs.append(Probleme("sections", "la grille n'a aucune section"))
        for i, s in enumerate(g.sections):
            if s.plafond is not None and s.plancher is not None and s.plancher > s.plafond:
                self.erreurs.append(
                    Probleme(f"sections[{i}].plancher", f"plancher {s.plancher} supérieur au plafond {s.plafond}")
                )
            if not s.criteres:
                self.erreurs.append(Probleme(f"sections[{i}].criteres", "section sans critère"))
        for chemin, _, c in _chemins(g):
            if c.date_debut is not None and c.date_fin is not None and c.date_fin < c.date_debut:
                self.erreurs.append(
                    Probleme(
                        sous_chemin(chemin, "date_fin"), f"date de fin {c.date_fin} antérieure au début {c.date_debut}"
                    )
                )
            elif (c.date_fin is not None and c.date_fin < g.date_effet) or (
                c.date_debut is not None and g.date_fin is not None and c.date_debut > g.date_fin
            ):
                self.avertissements.append(
                    Probleme(chemin, f"le critère « {c.id} » n'est jamais en vigueur pendant la validité de la grille")
                )

    def points(self) -> None:
        for chemin, _, c in _chemins(self.grille):
            ici = sous_chemin(chemin, "points")
            p = c.points
            if p.plafond is not None and p.plafond < 0:
                self.erreurs.append(Probleme(sous_chemin(ici, "plafond"), "un plafond est un nombre de points positif"))
            signes = [p.fixe] + ([p.par_unite] if p.par_unite is not None else [])
            if c.nature == "malus":
                if any(s > 0 for s in signes) or all(s == 0 for s in signes):
                    self.erreurs.append(
                        Probleme(ici, f"un malus retire des points : attendu des points négatifs pour « {c.id} »")
                    )
            elif any(s < 0 for s in signes):
                self.erreurs.append(
                    Probleme(ici, f"points négatifs pour « {c.id} » : déclarez « nature: malus » pour un malus")
                )

    def types(self) -> None:
        genres: dict[str, Genre | None] = dict(catalogue.GENRES_CONNUS)
        typage = Typage(genres)
        for i, v in enumerate(self.grille.valeurs):
            chemin = f"valeurs[{i}].calcul"
            posterieures = {w.id for w in self.grille.valeurs[i:]}
            for nom in colonnes_operande(v.calcul):
                if nom in posterieures:
                    self.erreurs.append(
                        Probleme(chemin, f"« {nom} » est défini plus loin (ou est cette valeur) : ordonnez les valeurs")
                    )
            genres[v.id] = typage.operande(v.calcul, chemin)
        for chemin, _, c in _chemins(self.grille):
            if c.condition is not None:
                typage.condition(c.condition, sous_chemin(chemin, "condition"))
                self.codes(c.condition, sous_chemin(chemin, "condition"))
            if c.points.valeur is not None:
                ici = sous_chemin(sous_chemin(chemin, "points"), "valeur")
                genre = typage.operande(c.points.valeur, ici)
                if genre is not None and genre != "nombre":
                    self.erreurs.append(
                        Probleme(ici, f"des points proportionnels demandent un nombre, pas un(e) {genre}")
                    )
        self.erreurs += typage.problemes
        self.diviseurs()
        for p in typage.inconnues:
            proches = difflib.get_close_matches(p.message, list(genres), n=1)
            suggestion = f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
            self.avertissements.append(
                Probleme(
                    p.chemin,
                    f"colonne « {p.message} » inconnue du format d'échange et du moteur{suggestion} : "
                    "elle devra être fournie avec les demandes",
                )
            )
        for i, cle in enumerate(self.grille.departage):
            if cle.champ not in genres and cle.champ not in self.valeurs:
                self.avertissements.append(
                    Probleme(f"classement.departage[{i}].champ", f"colonne de départage « {cle.champ} » inconnue")
                )

    def diviseurs(self) -> None:
        """A divisor must depend on the demand: dividing by a constant is written as a product by its
        inverse (both evaluators then compute exactly the same floating-point number)."""
        racines: list[tuple[str, Operande]] = [
            (f"valeurs[{i}].calcul", v.calcul) for i, v in enumerate(self.grille.valeurs)
        ]
        for chemin, _, c in _chemins(self.grille):
            if c.condition is not None:
                racines += [(sous_chemin(chemin, "condition"), o) for o in operandes_condition(c.condition)]
            if c.points.valeur is not None:
                racines.append((sous_chemin(sous_chemin(chemin, "points"), "valeur"), c.points.valeur))
        for chemin, racine in racines:
            for o in sous_operandes(racine):
                if isinstance(o, Calcul) and o.operation == "quotient" and not any(colonnes_operande(o.termes[1])):
                    self.erreurs.append(
                        Probleme(
                            chemin,
                            "diviseur constant : écrivez un produit par l'inverse (ex. produit: [x, 0.01] plutôt "
                            "que quotient: [x, 100])",
                        )
                    )

    def codes(self, condition: Condition, chemin: str) -> None:
        connus = _codes_connus()

        def verifier(colonne: str, valeurs: Sequence[Scalaire], ici: str) -> None:
            if colonne in self.valeurs or colonne not in connus:
                return
            for valeur in valeurs:
                if isinstance(valeur, str) and valeur not in connus[colonne]:
                    proches = difflib.get_close_matches(valeur, connus[colonne], n=1)
                    suggestion = f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
                    self.erreurs.append(Probleme(ici, f"code « {valeur} » inconnu pour « {colonne} »{suggestion}"))

        if isinstance(condition, (Tous, UnDe)):
            cle = "tous" if isinstance(condition, Tous) else "un_de"
            for i, c in enumerate(condition.conditions):
                self.codes(c, sous_chemin(sous_chemin(chemin, cle), i))
        elif isinstance(condition, Non):
            self.codes(condition.condition, sous_chemin(chemin, "non"))
        elif isinstance(condition, Contient):
            verifier(condition.champ, condition.valeurs, sous_chemin(chemin, condition.mode))
        elif isinstance(condition, (Parmi, Comparaison)) and isinstance(condition.sujet, Champ):
            if isinstance(condition, Parmi):
                verifier(
                    condition.sujet.nom, condition.valeurs, sous_chemin(chemin, "hors" if condition.hors else "parmi")
                )
            elif isinstance(condition.valeur, Constante):
                verifier(condition.sujet.nom, (condition.valeur.valeur,), sous_chemin(chemin, condition.operateur))

    def bloc_legal(self) -> None:
        g = self.grille
        priorites = charger_priorites()
        connues = {p.code: p for p in priorites}
        couvertes: set[str] = set()
        dalo: Critere | None = None
        for chemin, _, c in _chemins(g):
            debut_critere = max(g.date_effet, c.date_debut or g.date_effet)
            for k, code in enumerate(c.priorites_legales):
                if code not in connues:
                    proches = difflib.get_close_matches(code, list(connues), n=1)
                    suggestion = f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
                    self.erreurs.append(
                        Probleme(
                            f"{chemin}.priorites_legales[{k}]",
                            f"priorité légale « {code} » inconnue{suggestion} ; codes : {', '.join(connues)}",
                        )
                    )
                elif connues[code].date_debut > debut_critere:
                    p = connues[code]
                    self.avertissements.append(
                        Probleme(
                            f"{chemin}.priorites_legales[{k}]",
                            f"la priorité légale {_nom_priorite(p)} n'existe qu'à partir du {p.date_debut:%d/%m/%Y} "
                            f"({p.base_legale}) : le critère « {c.id} » s'applique dès le {debut_critere:%d/%m/%Y} "
                            "et ne met en œuvre aucune priorité légale avant cette date",
                        )
                    )
                couvertes.add(code)
            if CODE_DALO in c.priorites_legales and dalo is None:
                dalo = c
        bloc_dalo = connues.get(CODE_DALO)
        if CODE_DALO not in couvertes:
            if bloc_dalo is not None and bloc_dalo.date_debut > g.date_effet:
                self.avertissements.append(
                    Probleme(
                        "sections",
                        f"la grille prend effet le {g.date_effet:%d/%m/%Y}, avant l'existence du bloc légal DALO "
                        f"({bloc_dalo.base_legale}, en vigueur à partir du {bloc_dalo.date_debut:%d/%m/%Y}) : il "
                        "n'est pas exigé à cette date, il le sera pour toute version prenant effet après",
                    )
                )
            else:
                self.erreurs.append(
                    Probleme(
                        "sections",
                        "la grille n'a pas de bloc « priorités légales » : aucun critère ne met en œuvre le DALO "
                        "(« priorites_legales: [dalo] »). La cotation doit mettre en œuvre les priorités de l'article "
                        "L441-1 CCH, en particulier les ménages reconnus DALO (L441-2-8 et R441-2-10 CCH)",
                    )
                )
        en_vigueur = [p for p in priorites_en_vigueur(g.date_effet) if p.code != CODE_DALO]
        if not en_vigueur:
            self.avertissements.append(Probleme("sections", _bloc_l441_pas_encore(g.date_effet, priorites)))
        elif not couvertes & {p.code for p in en_vigueur}:
            self.erreurs.append(
                Probleme(
                    "sections",
                    "aucun critère ne met en œuvre les priorités de l'article L441-1 CCH "
                    f"(« priorites_legales: » parmi {', '.join(p.code for p in en_vigueur)}) : le bloc légal est "
                    "obligatoire (L441-2-8 et R441-2-10 CCH)",
                )
            )
        else:
            manquantes = [p for p in en_vigueur if p.code not in couvertes]
            if manquantes:
                self.avertissements.append(
                    Probleme(
                        "sections",
                        "priorités de l'article L441-1 CCH en vigueur qu'aucun critère ne met en œuvre : "
                        + ", ".join(f"{p.lettre}) ({p.code})" for p in manquantes)
                        + " ; ajoutez leur code à « priorites_legales » du critère qui les prend en compte",
                    )
                )
        if dalo is not None:
            self._dalo_en_tete(dalo)

    def _dalo_en_tete(self, dalo: Critere) -> None:
        points_dalo = _points_max(dalo.points)
        if points_dalo is None:
            return
        for chemin, _, c in _chemins(self.grille):
            if c.priorites_legales or c.nature == "malus":
                continue
            maximum = _points_max(c.points)
            if maximum is not None and maximum > points_dalo:
                self.avertissements.append(
                    Probleme(
                        sous_chemin(chemin, "points"),
                        f"« {c.libelle} » peut rapporter {maximum} points, plus que le critère DALO "
                        f"({points_dalo}) : les ménages DALO doivent passer en premier (L441-1 CCH)",
                    )
                )

    def risques(self) -> None:
        for chemin, _, c in _chemins(self.grille):
            colonnes: set[str] = set()
            if c.condition is not None:
                colonnes = set(colonnes_condition(c.condition))
                if _residence_suffit(c.condition, self.valeurs_residence()):
                    self.avertissements.append(
                        Probleme(
                            sous_chemin(chemin, "condition"),
                            f"« {c.libelle} » peut être rempli par le seul lieu de résidence : risque juridique "
                            "(L441-1 CCH : l'absence de lien avec la commune ne peut à elle seule motiver un refus ; "
                            "Code pénal 225-1 : le lieu de résidence est un motif de discrimination). Associez-le à "
                            "un lien objectif (emploi, famille, rapprochement du travail)",
                        )
                    )
            if c.points.valeur is not None:
                colonnes |= set(colonnes_operande(c.points.valeur))
            colonnes |= self._colonnes_des_valeurs(colonnes)
            motifs = {catalogue.MOTIFS_PROTEGES[n] for n in colonnes if n in catalogue.MOTIFS_PROTEGES}
            if c.priorites_legales:
                motifs -= catalogue.MOTIFS_ADMIS_SI_PRIORITE
            libelle = c.libelle.lower()
            motifs |= {motif for mot, motif in catalogue.MOTS_PROTEGES.items() if re.search(rf"\b{mot}", libelle)}
            if motifs:
                self.avertissements.append(
                    Probleme(
                        chemin,
                        f"« {c.libelle} » repose sur {', '.join(sorted(motifs))} : motif de discrimination de "
                        "l'article 225-1 du Code pénal. Ne l'employez que pour mettre en œuvre une priorité "
                        "prévue par la loi, et citez-la dans « base_legale »",
                    )
                )

    def tranches(self) -> None:
        """Overlapping bands on the same value in an additive section (the overlap scores twice)."""
        for i, section in enumerate(self.grille.sections):
            if section.exclusive:
                continue
            for ch in chevauchements([c.condition for c in section.criteres]):
                a, b = section.criteres[ch.premier], section.criteres[ch.second]
                if not _periodes_communes(a, b):
                    continue
                self.avertissements.append(
                    Probleme(
                        f"sections[{i}].criteres[{ch.second}].condition",
                        f"section « {section.libelle} » (points cumulés) : les tranches des critères « {a.id} » "
                        f"({ch.valeur} {ch.intervalle_premier.texte()}) et « {b.id} » ({ch.valeur} "
                        f"{ch.intervalle_second.texte()}) se chevauchent ({ch.valeur} {ch.commun.texte()}) : une "
                        "demande dans cet intervalle reçoit les points des deux. Rendez les tranches disjointes "
                        "ou déclarez la section « exclusive »",
                    )
                )

    def valeurs_residence(self) -> frozenset[str]:
        """Residence columns, and the named values computed from residence columns only."""
        residence = set(catalogue.COLONNES_RESIDENCE)
        for v in self.grille.valeurs:
            lues = set(colonnes_operande(v.calcul))
            if lues and lues <= residence:
                residence.add(v.id)
        return frozenset(residence)

    def _colonnes_des_valeurs(self, noms: set[str]) -> set[str]:
        resultat: set[str] = set()
        for v in self.grille.valeurs:
            if v.id in noms:
                resultat |= set(colonnes_operande(v.calcul))
        return resultat


def _nom_priorite(p: PrioriteLegale) -> str:
    return f"{p.lettre}) ({p.code})" if p.lettre else f"« {p.code} »"


def _bloc_l441_pas_encore(jour: date, priorites: Sequence[PrioriteLegale]) -> str:
    """Why no L441-1 priority can be required of a grid taking effect on ``jour``: which block, from when."""
    futures = sorted((p for p in priorites if p.code != CODE_DALO and p.date_debut > jour), key=lambda p: p.date_debut)
    par_date: dict[date, list[PrioriteLegale]] = {}
    for p in futures:
        par_date.setdefault(p.date_debut, []).append(p)
    etapes = " ; ".join(
        f"à partir du {d:%d/%m/%Y} : " + ", ".join(f"{p.lettre})" if p.lettre else p.code for p in groupe)
        for d, groupe in par_date.items()
    )
    return (
        f"la grille prend effet le {jour:%d/%m/%Y}, avant l'existence du bloc légal « priorités de l'article L441-1 "
        f"CCH » dans sa rédaction actuelle ({etapes}) : aucune de ces priorités ne peut être exigée à cette date. "
        "Vérifiez les priorités en vigueur à la date de la grille avant de la publier"
    )


def _periodes_communes(a: Critere, b: Critere) -> bool:
    debut = max((d for d in (a.date_debut, b.date_debut) if d is not None), default=None)
    fin = min((d for d in (a.date_fin, b.date_fin) if d is not None), default=None)
    return debut is None or fin is None or debut <= fin


def _residence_suffit(condition: Condition, residence: frozenset[str]) -> bool:
    """Whether ``condition`` can hold because of residence columns alone."""
    if isinstance(condition, Tous):
        lues = {n for c in condition.conditions for n in colonnes_condition(c)}
        return bool(lues) and lues <= residence
    if isinstance(condition, UnDe):
        return any(_residence_suffit(c, residence) for c in condition.conditions)
    lues = set(colonnes_condition(condition))
    return bool(lues) and lues <= residence


def valider(grille: Grille) -> list[MessageGrille]:
    """Check ``grille``; raise :class:`GrilleInvalide` on errors, return the (located) warnings."""
    v = _Validation(grille)
    v.identifiants()
    v.bornes()
    v.points()
    v.types()
    v.bloc_legal()
    v.risques()
    v.tranches()
    if v.erreurs:
        raise GrilleInvalide(_localiser(grille.nom, grille.lignes, v.erreurs, "erreur"))
    return _localiser(grille.nom, grille.lignes, v.avertissements, "avertissement")


__all__ = [
    "Avertissement",
    "CleDepartage",
    "Critere",
    "DonneesInvalides",
    "Grille",
    "GrilleInvalide",
    "MessageGrille",
    "Points",
    "Section",
    "ValeurNommee",
    "charger_grille",
    "colonnes_departage",
    "colonnes_lues",
    "grille_vers_donnees",
    "grille_vers_yaml",
    "lire_grille",
    "valider",
]
