"""Values and conditions of a cotation grid: the syntax tree, read from and written to YAML data.

Both evaluators (:mod:`attrib.engine.cotation.vectorise`, :mod:`attrib.engine.cotation.reference`)
walk these trees; their shared meaning is stated here once:

* **values** (:data:`Operande`): a column or a named value of the grid (:class:`Champ`), a number
  (:class:`Constante`), the number of events of a date-list column dated less than N whole months
  before the reference date (:class:`Evenements`; an empty cell counts 0), the length of a list
  (:class:`Longueur`; an empty cell counts 0), the whole months elapsed since a date
  (:class:`MoisDepuis`, negative for a later date), and arithmetic (:class:`Calcul`: ``somme``,
  ``difference``, ``produit``, ``quotient``, ``min``, ``max``). Any empty (null) term makes the result
  empty; a division by zero is empty too.
* **conditions** (:data:`Condition`): a comparison, a range, a set membership, list containment or
  "is filled" on a value; ``tous`` (and), ``un_de`` (or), ``non`` (not). A test on an empty value is
  false (so ``non`` of it is true); ``renseigne`` tests emptiness itself (an empty text or list is
  not filled).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

# --- syntax tree ---------------------------------------------------------------------------------

Scalaire = bool | int | float | str | date
Genre = Literal["nombre", "texte", "booleen", "date", "liste", "liste_dates"]
GENRES: tuple[Genre, ...] = ("nombre", "texte", "booleen", "date", "liste", "liste_dates")
LIBELLES_GENRES: Mapping[str, str] = {
    "nombre": "nombre",
    "texte": "texte",
    "booleen": "booléen",
    "date": "date",
    "liste": "liste de codes",
    "liste_dates": "liste de dates",
}

Operation = Literal["somme", "difference", "produit", "quotient", "min", "max"]
OPERATIONS: tuple[Operation, ...] = ("somme", "difference", "produit", "quotient", "min", "max")
OperateurComparaison = Literal["egal", "different", "inf", "inf_egal", "sup", "sup_egal"]
COMPARAISONS: tuple[OperateurComparaison, ...] = ("egal", "different", "inf", "inf_egal", "sup", "sup_egal")
SYMBOLES: Mapping[str, str] = {
    "egal": "=",
    "different": "≠",
    "inf": "<",
    "inf_egal": "≤",
    "sup": ">",
    "sup_egal": "≥",
}
ModeContient = Literal["contient", "contient_un_de", "contient_tous"]
CONTIENT: tuple[ModeContient, ...] = ("contient", "contient_un_de", "contient_tous")
SUJETS = ("champ", "evenements", "longueur", "mois_depuis", "calcul")
OPERATEURS = (*COMPARAISONS, "entre", "parmi", "hors", *CONTIENT, "renseigne")
COMBINAISONS = ("tous", "un_de", "non")


@dataclass(frozen=True)
class Champ:
    """A column of the demands, or a named value of the grid (``valeurs``)."""

    nom: str


@dataclass(frozen=True)
class Constante:
    valeur: Scalaire


@dataclass(frozen=True)
class Evenements:
    """Number of dates of the list column ``champ`` that are less than ``mois`` whole months old."""

    champ: str
    mois: int


@dataclass(frozen=True)
class Longueur:
    champ: str


@dataclass(frozen=True)
class MoisDepuis:
    champ: str


@dataclass(frozen=True)
class Calcul:
    operation: Operation
    termes: tuple[Operande, ...]


Operande = Champ | Constante | Evenements | Longueur | MoisDepuis | Calcul


@dataclass(frozen=True)
class Comparaison:
    sujet: Operande
    operateur: OperateurComparaison
    valeur: Operande


@dataclass(frozen=True)
class Entre:
    """``minimum ≤ sujet ≤ maximum`` (both bounds included)."""

    sujet: Operande
    minimum: Scalaire
    maximum: Scalaire


@dataclass(frozen=True)
class Parmi:
    """``sujet`` is one of ``valeurs`` (``hors``: filled and none of them)."""

    sujet: Operande
    valeurs: tuple[Scalaire, ...]
    hors: bool = False


@dataclass(frozen=True)
class Contient:
    """The list column ``champ`` holds ``valeurs[0]`` / one of ``valeurs`` / all of ``valeurs``."""

    champ: str
    mode: ModeContient
    valeurs: tuple[Scalaire, ...]


@dataclass(frozen=True)
class Renseigne:
    sujet: Operande
    attendu: bool = True


@dataclass(frozen=True)
class Tous:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class UnDe:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Non:
    condition: Condition


Condition = Comparaison | Entre | Parmi | Contient | Renseigne | Tous | UnDe | Non


# --- problems ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probleme:
    """Something wrong at ``chemin`` (path in the document, e.g. ``sections[0].criteres[2].condition``)."""

    chemin: str
    message: str


def sous_chemin(chemin: str, cle: str | int) -> str:
    if isinstance(cle, int):
        return f"{chemin}[{cle}]"
    return f"{chemin}.{cle}" if chemin else cle


def _est_nombre(valeur: object) -> bool:
    return isinstance(valeur, (int, float)) and not isinstance(valeur, bool)


def _est_scalaire(valeur: object) -> bool:
    return isinstance(valeur, (bool, int, float, str, date))


def _texte(valeur: object) -> str:
    if isinstance(valeur, str):
        return f"« {valeur} »"
    return repr(valeur)


# --- reading -------------------------------------------------------------------------------------


def lire_operande(donnee: object, chemin: str, problemes: list[Probleme]) -> Operande | None:
    """A value inside ``calcul`` / ``valeur``: a text names a column, a number is a constant."""
    if isinstance(donnee, str):
        return Champ(donnee)
    if _est_nombre(donnee):
        assert isinstance(donnee, (int, float))
        return Constante(donnee)
    if isinstance(donnee, Mapping):
        return _lire_operande_dict(donnee, chemin, problemes)
    problemes.append(
        Probleme(chemin, f"valeur {_texte(donnee)} incomprise : attendu un nom de colonne, un nombre ou un calcul")
    )
    return None


def _lire_operande_dict(donnee: Mapping[str, Any], chemin: str, problemes: list[Probleme]) -> Operande | None:
    cles = set(donnee)
    operations = [c for c in OPERATIONS if c in cles]
    if len(operations) == 1 and cles == {operations[0]}:
        operation = operations[0]
        termes_bruts = donnee[operation]
        ici = sous_chemin(chemin, operation)
        if not isinstance(termes_bruts, list):
            problemes.append(Probleme(ici, f"« {operation} » attend une liste de valeurs"))
            return None
        attendu = 2 if operation in ("difference", "quotient") else None
        if (attendu is not None and len(termes_bruts) != attendu) or len(termes_bruts) < 2:
            nombre = "exactement 2" if attendu else "au moins 2"
            problemes.append(Probleme(ici, f"« {operation} » attend {nombre} valeurs, reçu {len(termes_bruts)}"))
            return None
        termes = [lire_operande(t, sous_chemin(ici, i), problemes) for i, t in enumerate(termes_bruts)]
        if any(t is None for t in termes):
            return None
        return Calcul(operation, tuple(t for t in termes if t is not None))
    sujet = _lire_sujet(donnee, chemin, problemes)
    if sujet is None:
        return None
    inattendues = cles - {"champ", "evenements", "mois", "longueur", "mois_depuis", "calcul"}
    if inattendues:
        problemes.append(Probleme(chemin, f"clé inattendue « {sorted(inattendues)[0]} » dans une valeur"))
        return None
    return sujet


def _lire_sujet(donnee: Mapping[str, Any], chemin: str, problemes: list[Probleme]) -> Operande | None:
    presents = [c for c in SUJETS if c in donnee]
    if len(presents) != 1:
        if not presents:
            cles = ", ".join(f"« {c} »" for c in donnee) or "aucune clé"
            problemes.append(
                Probleme(
                    chemin,
                    f"ce qui est testé manque ({cles}) : attendu l'une des clés {', '.join(SUJETS)}"
                    f"{_suggestion(donnee, SUJETS + OPERATIONS)}",
                )
            )
        else:
            problemes.append(
                Probleme(chemin, f"une seule valeur testée à la fois : {', '.join(presents)} sont présentes ensemble")
            )
        return None
    cle = presents[0]
    brut = donnee[cle]
    ici = sous_chemin(chemin, cle)
    if cle == "calcul":
        if not isinstance(brut, Mapping):
            problemes.append(Probleme(ici, "« calcul » attend un calcul (somme, difference, produit, quotient…)"))
            return None
        return lire_operande(brut, ici, problemes)
    if not isinstance(brut, str) or not brut:
        problemes.append(Probleme(ici, f"« {cle} » attend un nom de colonne, reçu {_texte(brut)}"))
        return None
    if cle == "evenements":
        mois = donnee.get("mois")
        if not isinstance(mois, int) or isinstance(mois, bool) or mois < 1:
            problemes.append(
                Probleme(
                    sous_chemin(chemin, "mois"),
                    f"« evenements » demande « mois » : la fenêtre en mois entiers (≥ 1), reçu {_texte(mois)}",
                )
            )
            return None
        return Evenements(brut, mois)
    if "mois" in donnee:
        problemes.append(Probleme(sous_chemin(chemin, "mois"), "« mois » ne s'emploie qu'avec « evenements »"))
        return None
    if cle == "longueur":
        return Longueur(brut)
    if cle == "mois_depuis":
        return MoisDepuis(brut)
    return Champ(brut)


def _suggestion(donnee: Mapping[str, Any], connues: Sequence[str]) -> str:
    for cle in donnee:
        proches = difflib.get_close_matches(str(cle), connues, n=1)
        if proches:
            return f" (vouliez-vous dire « {proches[0]} » au lieu de « {cle} » ?)"
    return ""


def lire_condition(donnee: object, chemin: str, problemes: list[Probleme]) -> Condition | None:
    """A condition (mapping) of the grid document; problems are appended to ``problemes``."""
    if not isinstance(donnee, Mapping) or not donnee:
        problemes.append(Probleme(chemin, "une condition est un dictionnaire (ex. {champ: dalo_reconnu, egal: true})"))
        return None
    combinaisons = [c for c in COMBINAISONS if c in donnee]
    if combinaisons:
        cle = combinaisons[0]
        if len(donnee) != 1:
            autres = ", ".join(f"« {c} »" for c in donnee if c != cle)
            problemes.append(
                Probleme(chemin, f"« {cle} » s'emploie seul ; placez {autres} dans une condition de la liste")
            )
            return None
        ici = sous_chemin(chemin, cle)
        if cle == "non":
            interne = lire_condition(donnee[cle], ici, problemes)
            return None if interne is None else Non(interne)
        elements = donnee[cle]
        if not isinstance(elements, list) or not elements:
            problemes.append(Probleme(ici, f"« {cle} » attend une liste non vide de conditions"))
            return None
        lues = [lire_condition(e, sous_chemin(ici, i), problemes) for i, e in enumerate(elements)]
        if any(c is None for c in lues):
            return None
        conditions = tuple(c for c in lues if c is not None)
        return Tous(conditions) if cle == "tous" else UnDe(conditions)
    operateurs = [c for c in OPERATEURS if c in donnee]
    if len(operateurs) != 1:
        if operateurs:
            message = f"un seul test par condition : {', '.join(operateurs)} sont présents ensemble (utilisez « tous »)"
        else:
            message = (
                f"test manquant : attendu l'un de {', '.join(OPERATEURS)}, ou une combinaison {', '.join(COMBINAISONS)}"
                f"{_suggestion(donnee, OPERATEURS + COMBINAISONS)}"
            )
        problemes.append(Probleme(chemin, message))
        return None
    connues = set(SUJETS) | {"mois"} | set(OPERATEURS)
    inconnues = [c for c in donnee if c not in connues]
    if inconnues:
        problemes.append(
            Probleme(
                sous_chemin(chemin, str(inconnues[0])),
                f"clé inconnue « {inconnues[0]} »{_suggestion({inconnues[0]: None}, tuple(connues))}",
            )
        )
        return None
    sujet = _lire_sujet(donnee, chemin, problemes)
    if sujet is None:
        return None
    operateur = operateurs[0]
    brut = donnee[operateur]
    ici = sous_chemin(chemin, operateur)
    if operateur in COMPARAISONS:
        valeur = _lire_valeur_comparee(brut, ici, problemes)
        if valeur is None:
            return None
        return Comparaison(sujet, operateur, valeur)
    if operateur == "entre":
        if not (isinstance(brut, list) and len(brut) == 2 and all(_est_scalaire(b) for b in brut)):
            problemes.append(Probleme(ici, "« entre » attend deux bornes [minimum, maximum], incluses"))
            return None
        return Entre(sujet, brut[0], brut[1])
    if operateur in ("parmi", "hors"):
        if not (isinstance(brut, list) and brut and all(_est_scalaire(b) for b in brut)):
            problemes.append(Probleme(ici, f"« {operateur} » attend une liste non vide de valeurs"))
            return None
        return Parmi(sujet, tuple(brut), hors=operateur == "hors")
    if operateur in CONTIENT:
        if not isinstance(sujet, Champ):
            problemes.append(Probleme(ici, f"« {operateur} » s'applique à une colonne liste (clé « champ »)"))
            return None
        if operateur == "contient":
            if not _est_scalaire(brut):
                problemes.append(Probleme(ici, "« contient » attend une seule valeur (« contient_un_de » : une liste)"))
                return None
            return Contient(sujet.nom, "contient", (brut,))
        if not (isinstance(brut, list) and brut and all(_est_scalaire(b) for b in brut)):
            problemes.append(Probleme(ici, f"« {operateur} » attend une liste non vide de valeurs"))
            return None
        return Contient(sujet.nom, operateur, tuple(brut))
    if not isinstance(brut, bool):
        problemes.append(Probleme(ici, "« renseigne » attend true (valeur présente) ou false (valeur absente)"))
        return None
    return Renseigne(sujet, brut)


def _lire_valeur_comparee(brut: object, chemin: str, problemes: list[Probleme]) -> Operande | None:
    """Right side of a comparison: a constant, or a value written as a mapping ({champ: …}, {calcul: …})."""
    if isinstance(brut, Mapping):
        if "calcul" in brut and len(brut) == 1:
            return lire_operande(brut["calcul"], sous_chemin(chemin, "calcul"), problemes)
        return lire_operande(brut, chemin, problemes)
    if _est_scalaire(brut):
        assert isinstance(brut, (bool, int, float, str, date))
        return Constante(brut)
    problemes.append(Probleme(chemin, f"valeur de comparaison {_texte(brut)} incomprise"))
    return None


# --- writing -------------------------------------------------------------------------------------


def ecrire_operande(operande: Operande) -> Any:
    """Data of ``operande`` as :func:`lire_operande` reads it back."""
    if isinstance(operande, Champ):
        return operande.nom
    if isinstance(operande, Constante):
        return operande.valeur
    if isinstance(operande, Calcul):
        return {operande.operation: [ecrire_operande(t) for t in operande.termes]}
    return _ecrire_sujet(operande)


def _ecrire_sujet(sujet: Operande) -> dict[str, Any]:
    if isinstance(sujet, Champ):
        return {"champ": sujet.nom}
    if isinstance(sujet, Evenements):
        return {"evenements": sujet.champ, "mois": sujet.mois}
    if isinstance(sujet, Longueur):
        return {"longueur": sujet.champ}
    if isinstance(sujet, MoisDepuis):
        return {"mois_depuis": sujet.champ}
    if isinstance(sujet, Calcul):
        return {"calcul": ecrire_operande(sujet)}
    return {"calcul": sujet.valeur}


def ecrire_condition(condition: Condition) -> dict[str, Any]:
    """Data of ``condition`` as :func:`lire_condition` reads it back."""
    if isinstance(condition, Tous):
        return {"tous": [ecrire_condition(c) for c in condition.conditions]}
    if isinstance(condition, UnDe):
        return {"un_de": [ecrire_condition(c) for c in condition.conditions]}
    if isinstance(condition, Non):
        return {"non": ecrire_condition(condition.condition)}
    if isinstance(condition, Contient):
        valeur: Any = condition.valeurs[0] if condition.mode == "contient" else list(condition.valeurs)
        return {"champ": condition.champ, condition.mode: valeur}
    donnee = _ecrire_sujet(condition.sujet)
    if isinstance(condition, Comparaison):
        droite = condition.valeur
        if isinstance(droite, Constante):
            donnee[condition.operateur] = droite.valeur
        elif isinstance(droite, Calcul):
            donnee[condition.operateur] = {"calcul": ecrire_operande(droite)}
        else:
            donnee[condition.operateur] = _ecrire_sujet(droite)
    elif isinstance(condition, Entre):
        donnee["entre"] = [condition.minimum, condition.maximum]
    elif isinstance(condition, Parmi):
        donnee["hors" if condition.hors else "parmi"] = list(condition.valeurs)
    else:
        donnee["renseigne"] = condition.attendu
    return donnee


# --- traversal -----------------------------------------------------------------------------------


def colonnes_operande(operande: Operande) -> Iterator[str]:
    """Names read by ``operande`` (columns or named values)."""
    if isinstance(operande, Champ):
        yield operande.nom
    elif isinstance(operande, (Evenements, Longueur, MoisDepuis)):
        yield operande.champ
    elif isinstance(operande, Calcul):
        for terme in operande.termes:
            yield from colonnes_operande(terme)


def operandes_condition(condition: Condition) -> Iterator[Operande]:
    """Values tested by ``condition`` (top-level ones; see :func:`sous_operandes` for their parts)."""
    if isinstance(condition, (Tous, UnDe)):
        for c in condition.conditions:
            yield from operandes_condition(c)
    elif isinstance(condition, Non):
        yield from operandes_condition(condition.condition)
    elif not isinstance(condition, Contient):
        yield condition.sujet
        if isinstance(condition, Comparaison):
            yield condition.valeur


def sous_operandes(operande: Operande) -> Iterator[Operande]:
    """``operande`` and every value inside it."""
    yield operande
    if isinstance(operande, Calcul):
        for terme in operande.termes:
            yield from sous_operandes(terme)


def colonnes_condition(condition: Condition) -> Iterator[str]:
    """Names read by ``condition`` (columns or named values)."""
    if isinstance(condition, (Tous, UnDe)):
        for c in condition.conditions:
            yield from colonnes_condition(c)
    elif isinstance(condition, Non):
        yield from colonnes_condition(condition.condition)
    elif isinstance(condition, Contient):
        yield condition.champ
    else:
        yield from colonnes_operande(condition.sujet)
        if isinstance(condition, Comparaison):
            yield from colonnes_operande(condition.valeur)


# --- types ---------------------------------------------------------------------------------------


def genre_constante(valeur: Scalaire) -> Genre:
    if isinstance(valeur, bool):
        return "booleen"
    if isinstance(valeur, (int, float)):
        return "nombre"
    if isinstance(valeur, date):
        return "date"
    return "texte"


class Typage:
    """Type checks of values and conditions against the kinds of the available columns.

    ``genres``: kind of each known column or named value (``None``: kind unknown, nothing checked).
    A name absent from ``genres`` is reported through ``inconnues`` (the caller decides whether it is
    an error or a warning).
    """

    def __init__(self, genres: Mapping[str, Genre | None]) -> None:
        self.genres = genres
        self.problemes: list[Probleme] = []
        self.inconnues: list[Probleme] = []

    def _colonne(self, nom: str, chemin: str, attendus: Sequence[Genre]) -> Genre | None:
        if nom not in self.genres:
            self.inconnues.append(Probleme(chemin, nom))
            return None
        genre = self.genres[nom]
        if genre is not None and genre not in attendus:
            self.problemes.append(
                Probleme(
                    chemin,
                    f"« {nom} » est de type {LIBELLES_GENRES[genre]} ; attendu : "
                    f"{' ou '.join(LIBELLES_GENRES[g] for g in attendus)}",
                )
            )
        return genre

    def operande(self, operande: Operande, chemin: str) -> Genre | None:
        if isinstance(operande, Champ):
            return self._colonne(operande.nom, chemin, GENRES)
        if isinstance(operande, Constante):
            return genre_constante(operande.valeur)
        if isinstance(operande, Evenements):
            self._colonne(operande.champ, chemin, ("liste_dates",))
            return "nombre"
        if isinstance(operande, Longueur):
            self._colonne(operande.champ, chemin, ("liste", "liste_dates"))
            return "nombre"
        if isinstance(operande, MoisDepuis):
            self._colonne(operande.champ, chemin, ("date",))
            return "nombre"
        for i, terme in enumerate(operande.termes):
            ici = sous_chemin(sous_chemin(chemin, operande.operation), i)
            genre = self.operande(terme, ici)
            if genre is not None and genre != "nombre":
                self.problemes.append(
                    Probleme(
                        ici, f"« {operande.operation} » calcule sur des nombres ; reçu un(e) {LIBELLES_GENRES[genre]}"
                    )
                )
        return "nombre"

    def _compatibles(self, chemin: str, sujet: Genre | None, valeurs: Sequence[Scalaire], quoi: str) -> None:
        if sujet is None:
            return
        for valeur in valeurs:
            genre = genre_constante(valeur)
            if genre != sujet:
                self.problemes.append(
                    Probleme(
                        chemin,
                        f"{quoi} {_texte(valeur)} ({LIBELLES_GENRES[genre]}) comparée à une valeur de type "
                        f"{LIBELLES_GENRES[sujet]}",
                    )
                )
                return

    def condition(self, condition: Condition, chemin: str) -> None:
        if isinstance(condition, (Tous, UnDe)):
            cle = "tous" if isinstance(condition, Tous) else "un_de"
            for i, c in enumerate(condition.conditions):
                self.condition(c, sous_chemin(sous_chemin(chemin, cle), i))
            return
        if isinstance(condition, Non):
            self.condition(condition.condition, sous_chemin(chemin, "non"))
            return
        if isinstance(condition, Contient):
            genre = self._colonne(condition.champ, sous_chemin(chemin, "champ"), ("liste",))
            if genre == "liste":
                self._compatibles(sous_chemin(chemin, condition.mode), "texte", condition.valeurs, "valeur")
            return
        sujet = self.operande(condition.sujet, chemin)
        if sujet in ("liste", "liste_dates") and not isinstance(condition, Renseigne):
            self.problemes.append(
                Probleme(
                    chemin,
                    "une liste se teste avec contient, contient_un_de, contient_tous, longueur ou evenements",
                )
            )
            return
        if isinstance(condition, Comparaison):
            ici = sous_chemin(chemin, condition.operateur)
            droite = self.operande(condition.valeur, ici)
            if sujet is not None and droite is not None and sujet != droite:
                self.problemes.append(
                    Probleme(
                        ici,
                        f"comparaison entre un(e) {LIBELLES_GENRES[sujet]} et un(e) {LIBELLES_GENRES[droite]}",
                    )
                )
            elif condition.operateur not in ("egal", "different") and sujet == "booleen":
                self.problemes.append(Probleme(ici, "un booléen se teste avec « egal » ou « different »"))
        elif isinstance(condition, Entre):
            ici = sous_chemin(chemin, "entre")
            self._compatibles(ici, sujet, (condition.minimum, condition.maximum), "borne")
            if sujet == "booleen":
                self.problemes.append(Probleme(ici, "« entre » ne s'applique pas à un booléen"))
            elif (
                genre_constante(condition.minimum) == genre_constante(condition.maximum)
                and condition.minimum > condition.maximum  # type: ignore[operator]
            ):
                self.problemes.append(Probleme(ici, f"bornes inversées : {condition.minimum} > {condition.maximum}"))
        elif isinstance(condition, Parmi):
            self._compatibles(
                sous_chemin(chemin, "hors" if condition.hors else "parmi"), sujet, condition.valeurs, "valeur"
            )
