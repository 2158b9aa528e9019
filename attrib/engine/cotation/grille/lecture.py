"""Document → model: :func:`lire_grille` (syntax and schema) and :func:`charger_grille` (then :func:`valider`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from attrib.engine.cotation.conditions import Constante, Probleme, lire_condition, lire_operande, sous_chemin
from attrib.engine.cotation.grille.controle_schema import problemes_schema
from attrib.engine.cotation.grille.lecture_yaml import _yaml_avec_lignes
from attrib.engine.cotation.grille.messages import GrilleInvalide, MessageGrille, _localiser
from attrib.engine.cotation.grille.modele import (
    DEPARTAGE_PAR_DEFAUT,
    CleDepartage,
    Critere,
    Grille,
    Points,
    Section,
    ValeurNommee,
)
from attrib.engine.cotation.grille.validation import valider


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
