"""The score of a demand as its household reads it: one line per criterion or limit that gives points, in plain
French, with what it rests on (CRPA R311-3-1-2, point by point: the criteria, their weight for this demand, their
source), and the wording checked by :mod:`attrib.engine.lisibilite` (``tests/information/test_langage_clair.py``).

:func:`lignes_points` is the one reading of a stored detail (``{"provisoire": {colonne: points}, "valide":
{…}}``) against its grid: the staff's score section (``attrib.cotation.selectors.lignes_detail``) and the
applicant's (``attrib.information.selectors``) both read it, with the criteria to keep confidential
(``masques``) named :data:`LIBELLE_CONFIDENTIEL_DEMANDEUR` here and the staff's own label there.

The staff's explanation (:mod:`attrib.engine.cotation.explication`) keeps the legal references as the grid
writes them; the applicant's (:func:`phrases_demandeur`, :func:`source_demandeur`) says them in words: no
article abbreviation, no section of the grid, no code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from attrib.engine.cotation.grille import Critere, Grille, Section
from attrib.engine.cotation.vectorise import PLAFOND_TOTAL, PREFIXE_PLAFOND

_ESPACE = "\u00a0"
LIBELLE_CONFIDENTIEL_DEMANDEUR = "Situation particulière (confidentielle)"
#: « What would change my position » for a confidential criterion: neither its name nor who validates it.
ACTION_CONFIDENTIELLE = "Faire confirmer votre situation particulière (confidentielle)"
CODE_DALO = "dalo"

#: The codes a grid's legal references cite, in words.
_CODES = {
    "CCH": "du code de la construction et de l'habitation",
    "CASF": "du code de l'action sociale et des familles",
    "CRPA": "du code des relations entre le public et l'administration",
}
_ARTICLE = re.compile(r"\b([LRD])\s?(\d+(?:-\d+)*)\b[^;]*?\b(CCH|CASF|CRPA)\b")
_MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@dataclass(frozen=True)
class LignePoints:
    """One criterion or limit with points in a stored detail. ``critere`` None: the limit of ``section`` (or of
    the total, ``section`` None too). ``confidentiel``: a criterion the reader may not see by name."""

    cle: str
    points: int
    points_valides: int
    section: Section | None = None
    critere: Critere | None = None
    confidentiel: bool = False

    @property
    def provisoire(self) -> bool:
        """Points that count in the provisional score only, waiting for a validation."""
        return self.critere is not None and self.critere.a_valider and bool(self.points) and not self.points_valides


def lignes_points(
    grille: Grille, detail: Mapping[str, Mapping[str, int]], *, masques: frozenset[str] = frozenset()
) -> tuple[LignePoints, ...]:
    """Every criterion and limit of ``grille`` that gives or takes points in ``detail``, in the grid's order:
    they add up to both scores."""
    provisoire = detail.get("provisoire", {})
    valide = detail.get("valide", provisoire)
    lignes: list[LignePoints] = []
    for section in grille.sections:
        for critere in section.criteres:
            p, v = int(provisoire.get(critere.id, 0)), int(valide.get(critere.id, 0))
            if p or v:
                lignes.append(LignePoints(critere.id, p, v, section, critere, critere.id in masques))
        cle = PREFIXE_PLAFOND + section.id
        if provisoire.get(cle) or valide.get(cle):
            lignes.append(LignePoints(cle, int(provisoire.get(cle, 0)), int(valide.get(cle, 0)), section))
    if provisoire.get(PLAFOND_TOTAL) or valide.get(PLAFOND_TOTAL):
        lignes.append(
            LignePoints(PLAFOND_TOTAL, int(provisoire.get(PLAFOND_TOTAL, 0)), int(valide.get(PLAFOND_TOTAL, 0)))
        )
    return tuple(lignes)


# --- words ---------------------------------------------------------------------------------------------------


def entier(valeur: int | float) -> str:
    texte = f"{abs(valeur):,.2f}".rstrip("0").rstrip(".") if isinstance(valeur, float) else f"{abs(valeur):,}"
    return texte.replace(",", _ESPACE).replace(".", ",")


def points_en_mots(valeur: int) -> str:
    """« 260 points », « 1 point », « 300 points en moins »."""
    texte = f"{entier(valeur)} point{'s' if abs(valeur) > 1 else ''}"
    return f"{texte} en moins" if valeur < 0 else texte


def date_en_mots(jour: date) -> str:
    """« 1er janvier 2026 »."""
    return f"{'1er' if jour.day == 1 else jour.day} {_MOIS[jour.month - 1]} {jour.year}"


def article_en_clair(reference: str) -> str:
    """The first article of a legal reference, its code spelt out: « L441-1 a) CCH » → « article L441-1 du code de
    la construction et de l'habitation » (the letter is left out: it would tell which priority). Empty when the
    reference cites no article of a known code."""
    trouve = _ARTICLE.search(reference)
    if trouve is None:
        return ""
    return f"article {trouve.group(1)}{trouve.group(2)} {_CODES[trouve.group(3)]}"


# --- one line ---------------------------------------------------------------------------------------------------


def libelle_demandeur(ligne: LignePoints) -> str:
    if ligne.critere is not None:
        return LIBELLE_CONFIDENTIEL_DEMANDEUR if ligne.confidentiel else ligne.critere.libelle
    if ligne.section is not None:
        return f"Limite de la partie « {ligne.section.libelle} »"
    return "Limite du score total"


def etat_demandeur(ligne: LignePoints) -> str:
    """Where the line's points stand, in one sentence."""
    critere = ligne.critere
    if critere is None:
        return "La grille limite les points de cette partie." if ligne.section else "La grille limite le score total."
    if not critere.a_valider:
        return "Acquis : rien à fournir."
    if ligne.provisoire:
        if ligne.confidentiel:
            return "En attente : ces points seront acquis quand la situation sera confirmée."
        if critere.validation == "travailleur_social":
            return "En attente : ces points seront acquis quand un travailleur social aura confirmé la situation."
        return "En attente : ces points seront acquis quand votre pièce sera acceptée."
    if not ligne.points:
        return "Ces points comptent dans le score validé. Dans l'autre score, une situation encore en attente rapporte plus."
    if ligne.confidentiel:
        return "Ces points sont acquis."
    if critere.validation == "travailleur_social":
        return "Acquis : un travailleur social a confirmé la situation."
    return "Acquis : votre pièce a été acceptée."


def regle_demandeur(ligne: LignePoints) -> str:
    """How a criterion's points are counted when they depend on a number (« 10 points par mois, 600 au
    plus »); empty otherwise."""
    critere = ligne.critere
    if critere is None or ligne.confidentiel or not critere.points.proportionnel:
        return ""
    p = critere.points
    assert p.par_unite is not None
    unite = p.unite or "unité"
    par = float(p.par_unite)
    verbe = "retire" if par < 0 else "donne"
    nombre = entier(int(abs(par))) if par.is_integer() else entier(abs(par))
    texte = f"La grille {verbe} {nombre} point{'s' if abs(par) > 1 else ''} par {unite}"
    if p.plafond:
        texte += f", {points_en_mots(p.plafond)} au plus"
    return texte + "."


def source_demandeur(ligne: LignePoints, *, articles: Mapping[str, str]) -> str:
    """What the line rests on, in words: a priority set by law (its article spelt out), a criterion chosen by the
    territory, a limit of the grid. ``articles``: the legal reference of each legal priority code
    (``attrib.engine.cotation.priorites``)."""
    critere = ligne.critere
    if critere is None:
        return "Règle de la grille de cotation."
    if ligne.confidentiel:
        return "Le détail ne vous est pas donné ici."
    if critere.priorites_legales:
        reference = next((articles[c] for c in critere.priorites_legales if c in articles), critere.base_legale)
        article = article_en_clair(reference)
        quoi = (
            "Priorité fixée par la loi pour le droit au logement opposable"
            if CODE_DALO in critere.priorites_legales
            else "Priorité fixée par la loi"
        )
        return f"{quoi} ({article})." if article else f"{quoi}."
    return "Critère choisi par le territoire."


def origine_demandeur(*, organisation: str, date_effet: date) -> str:
    """The first sentence: who adopted the grid, and since when it applies."""
    return (
        f"Ces critères viennent de la grille de cotation adoptée par {organisation}. "
        f"Elle s'applique depuis le {date_en_mots(date_effet)}."
    )


def phrase_demandeur(ligne: LignePoints) -> list[str]:
    """The sentences of one line: its points, how they are counted, where they stand."""
    libelle = libelle_demandeur(ligne)
    points = ligne.points if ligne.points or not ligne.points_valides else ligne.points_valides
    phrases = [f"{libelle} : {points_en_mots(points)}."]
    if regle := regle_demandeur(ligne):
        phrases.append(regle)
    if ligne.critere is not None and ligne.critere.a_valider:
        phrases.append(etat_demandeur(ligne))
    return phrases


def phrases_score(score_provisoire: int, score_valide: int) -> list[str]:
    if score_provisoire == score_valide:
        return [f"Votre score : {points_en_mots(score_provisoire)}."]
    return [
        f"Votre score provisoire : {points_en_mots(score_provisoire)}.",
        "Il compte aussi les situations qui attendent une confirmation.",
        f"Votre score validé : {points_en_mots(score_valide)}.",
    ]


def phrases_demandeur(lignes: tuple[LignePoints, ...], *, score_provisoire: int, score_valide: int) -> list[str]:
    """The whole score in sentences: each line, then the score(s)."""
    phrases: list[str] = []
    for ligne in lignes:
        phrases += phrase_demandeur(ligne)
    if not lignes:
        phrases.append("Aucun critère de la grille ne vous donne de points pour l'instant.")
    return phrases + phrases_score(score_provisoire, score_valide)
