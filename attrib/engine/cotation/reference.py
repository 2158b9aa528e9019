"""Per-demand reference evaluator, written for clarity: plain Python on one demand (a mapping).

:func:`evaluer_un` gives a :class:`ResultatCotation`: both scores, and for each criterion whether it
applies, its value (proportional points), its own points, what it brings to each score and why
(pending validation, set aside by an exclusive section). :func:`attrib.engine.cotation.expliquer`
turns it into French sentences.

Rules (``docs/cotation.md``):

1. A criterion applies when it is in force on the reference date, its condition holds and, for
   proportional points, its value is filled. Its points: ``fixe``, or ``fixe + par_unite × valeur``
   truncated toward zero; then capped in absolute value by ``plafond``.
2. ``score_provisoire`` counts every criterion that applies; ``score_valide`` counts a criterion that
   needs validation only when its id is in the demand's ``criteres_valides``.
3. In an exclusive section only the criterion with the most points among those that apply counts (the
   first one in the document on a tie).
4. A section's total is clamped to ``[plancher, plafond]``, then the sum of the sections to
   ``[plancher_total, plafond_total]``; each clamp is an adjustment line, so that the detail adds up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from attrib.engine.cotation.catalogue import COLONNE_CRITERES_VALIDES
from attrib.engine.cotation.conditions import (
    Calcul,
    Champ,
    Comparaison,
    Condition,
    Constante,
    Contient,
    Entre,
    Evenements,
    Longueur,
    MoisDepuis,
    Non,
    Operande,
    Parmi,
    Renseigne,
    Tous,
    UnDe,
)
from attrib.engine.cotation.grille import Critere, DonneesInvalides, Grille, Section, colonnes_lues
from attrib.engine.cotation.vectorise import PLAFOND_TOTAL, PREFIXE_PLAFOND, PREFIXE_VALIDE
from attrib.engine.menage import jours_du_mois

Nombre = int | float


def mois_ecoules(depuis: date, jour: date) -> int:
    """Whole months from ``depuis`` to ``jour``: the largest n such that ``depuis`` + n months (day
    clamped to the month's end) is not after ``jour``; negative when ``depuis`` is after ``jour``."""
    mois = (jour.year - depuis.year) * 12 + jour.month - depuis.month
    anniversaire = min(depuis.day, jours_du_mois(jour))
    return mois - 1 if anniversaire > jour.day else mois


# --- values and conditions -------------------------------------------------------------------------


class _Demande:
    """One demand and the named values of the grid computed for it."""

    def __init__(self, grille: Grille, demande: Mapping[str, Any], jour: date) -> None:
        self.demande = demande
        self.jour = jour
        self.valeurs: dict[str, Any] = {}
        for valeur in grille.valeurs:
            self.valeurs[valeur.id] = self.valeur(valeur.calcul)

    def lire(self, nom: str) -> Any:
        if nom in self.valeurs:
            return self.valeurs[nom]
        return self.demande[nom]

    def valeur(self, o: Operande) -> Any:
        if isinstance(o, Champ):
            return self.lire(o.nom)
        if isinstance(o, Constante):
            return o.valeur
        if isinstance(o, Evenements):
            dates = self.lire(o.champ) or []
            return sum(1 for d in dates if d is not None and 0 <= mois_ecoules(d, self.jour) < o.mois)
        if isinstance(o, Longueur):
            return len(self.lire(o.champ) or [])
        if isinstance(o, MoisDepuis):
            depuis = self.lire(o.champ)
            return None if depuis is None else mois_ecoules(depuis, self.jour)
        return self.calcul(o)

    def calcul(self, o: Calcul) -> Nombre | None:
        termes = [self.valeur(t) for t in o.termes]
        if any(t is None for t in termes):
            return None
        match o.operation:
            case "somme":
                total = termes[0]
                for t in termes[1:]:
                    total = total + t
                return total  # type: ignore[no-any-return]
            case "produit":
                produit = termes[0]
                for t in termes[1:]:
                    produit = produit * t
                return produit  # type: ignore[no-any-return]
            case "difference":
                return termes[0] - termes[1]  # type: ignore[no-any-return]
            case "quotient":
                return None if termes[1] == 0 else termes[0] / termes[1]
            case "min":
                return min(termes)  # type: ignore[no-any-return]
        return max(termes)  # type: ignore[no-any-return]

    def condition(self, c: Condition) -> bool:
        if isinstance(c, Tous):
            return all(self.condition(x) for x in c.conditions)
        if isinstance(c, UnDe):
            return any(self.condition(x) for x in c.conditions)
        if isinstance(c, Non):
            return not self.condition(c.condition)
        if isinstance(c, Contient):
            liste = self.lire(c.champ)
            if liste is None:
                return False
            if c.mode == "contient_tous":
                return all(v in liste for v in c.valeurs)
            return any(v in liste for v in c.valeurs)
        if isinstance(c, Renseigne):
            valeur = self.valeur(c.sujet)
            rempli = valeur is not None and not (isinstance(valeur, (str, list)) and len(valeur) == 0)
            return rempli == c.attendu
        sujet = self.valeur(c.sujet)
        if sujet is None:
            return False
        if isinstance(c, Parmi):
            return (sujet not in c.valeurs) if c.hors else (sujet in c.valeurs)
        if isinstance(c, Entre):
            return bool(c.minimum <= sujet <= c.maximum)
        assert isinstance(c, Comparaison)
        droite = self.valeur(c.valeur)
        if droite is None:
            return False
        match c.operateur:
            case "egal":
                return bool(sujet == droite)
            case "different":
                return bool(sujet != droite)
            case "inf":
                return bool(sujet < droite)
            case "inf_egal":
                return bool(sujet <= droite)
            case "sup":
                return bool(sujet > droite)
        return bool(sujet >= droite)


# --- result --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneCritere:
    """What one criterion does for one demand.

    ``points``: the criterion's own points when it applies (0 otherwise). ``points_provisoires`` /
    ``points_valides``: what it brings to each score, after exclusivity. ``valeur``: the value of
    proportional points (e.g. 26 months). ``ecarte``: set aside by its exclusive section (for the
    provisional score) in favour of ``retenu_a_sa_place``.
    """

    critere: Critere
    section: Section
    en_vigueur: bool
    applique: bool
    valeur: Nombre | None
    points_bruts: int
    points: int
    valide: bool
    points_provisoires: int
    points_valides: int
    ecarte: bool = False
    retenu_a_sa_place: str | None = None

    @property
    def en_attente(self) -> bool:
        """Applies, needs a validation that has not been given."""
        return self.applique and self.critere.a_valider and not self.valide


@dataclass(frozen=True)
class Ajustement:
    """A clamp of a section (``section`` set) or of the total: points added (floor) or removed (cap)."""

    cle: str
    libelle: str
    avant: int
    plancher: int | None
    plafond: int | None
    provisoire: int
    valide: int


@dataclass(frozen=True)
class ResultatCotation:
    grille: Grille
    date_reference: date
    score: int
    score_provisoire: int
    score_valide: int
    lignes: tuple[LigneCritere, ...]
    ajustements: tuple[Ajustement, ...] = field(default=())

    def detail(self) -> dict[str, int]:
        """Same keys and values as the detail columns of :func:`attrib.engine.cotation.evaluer`."""
        provisoire: dict[str, int] = {}
        valide: dict[str, int] = {}
        ajustements = {a.cle: a for a in self.ajustements}
        for section in self.grille.sections:
            for ligne in (ligne for ligne in self.lignes if ligne.section.id == section.id):
                provisoire[ligne.critere.id] = ligne.points_provisoires
                valide[PREFIXE_VALIDE + ligne.critere.id] = ligne.points_valides
            if section.bornee:
                a = ajustements[PREFIXE_PLAFOND + section.id]
                provisoire[a.cle] = a.provisoire
                valide[PREFIXE_VALIDE + a.cle] = a.valide
        if self.grille.bornee:
            a = ajustements[PLAFOND_TOTAL]
            provisoire[a.cle] = a.provisoire
            valide[PREFIXE_VALIDE + a.cle] = a.valide
        return provisoire | valide if self.grille.a_validation else provisoire

    def ligne(self, critere_id: str) -> LigneCritere:
        for ligne in self.lignes:
            if ligne.critere.id == critere_id:
                return ligne
        raise KeyError(critere_id)


def _borner(valeur: int, plancher: int | None, plafond: int | None) -> int:
    if plafond is not None:
        valeur = min(valeur, plafond)
    if plancher is not None:
        valeur = max(valeur, plancher)
    return valeur


def _points(critere: Critere, demande: _Demande) -> tuple[bool, Nombre | None, int, int]:
    """(applies, value, points before the criterion's cap, points)."""
    if critere.condition is not None and not demande.condition(critere.condition):
        return False, None, 0, 0
    p = critere.points
    if not p.proportionnel:
        return True, None, p.fixe, p.fixe
    assert p.valeur is not None and p.par_unite is not None
    valeur = demande.valeur(p.valeur)
    if valeur is None:
        return False, None, 0, 0
    brut = math.trunc(p.fixe + p.par_unite * valeur)
    points = brut if p.plafond is None else max(-p.plafond, min(brut, p.plafond))
    return True, valeur, brut, points


def _gagnant(candidats: Sequence[tuple[int, bool, int]]) -> int | None:
    """Index of the criterion an exclusive section keeps: most points among those that apply, first on a tie."""
    gagnant: int | None = None
    for index, applique, points in candidats:
        if applique and (gagnant is None or points > candidats[gagnant][2]):
            gagnant = index
    return gagnant


def evaluer_un(grille: Grille, demande: Mapping[str, Any], *, date_reference: date) -> ResultatCotation:
    """Score one demand (keys: the columns the grid reads, see :func:`colonnes_lues`)."""
    manquantes = sorted(n for n in colonnes_lues(grille) if n not in demande)
    if manquantes:
        raise DonneesInvalides(f"Demande sans les données lues par la grille : {', '.join(manquantes)}.")
    lue = _Demande(grille, demande, date_reference)
    valides = set(demande.get(COLONNE_CRITERES_VALIDES) or ())
    lignes: list[LigneCritere] = []
    ajustements: list[Ajustement] = []
    totaux_provisoires: list[int] = []
    totaux_valides: list[int] = []
    for section in grille.sections:
        calculs = []
        for critere in section.criteres:
            en_vigueur = critere.en_vigueur(date_reference)
            applique, valeur, brut, points = _points(critere, lue) if en_vigueur else (False, None, 0, 0)
            valide = applique and (not critere.a_valider or critere.id in valides)
            calculs.append((critere, en_vigueur, applique, valeur, brut, points, valide))
        if section.exclusive:
            gagnant_p = _gagnant([(i, c[2], c[5]) for i, c in enumerate(calculs)])
            gagnant_v = _gagnant([(i, c[6], c[5]) for i, c in enumerate(calculs)])
        for i, (critere, en_vigueur, applique, valeur, brut, points, valide) in enumerate(calculs):
            if section.exclusive:
                provisoire = points if i == gagnant_p else 0
                pour_valide = points if i == gagnant_v else 0
                ecarte = applique and i != gagnant_p
                a_sa_place = calculs[gagnant_p][0].id if ecarte and gagnant_p is not None else None
            else:
                provisoire = points if applique else 0
                pour_valide = points if valide else 0
                ecarte, a_sa_place = False, None
            lignes.append(
                LigneCritere(
                    critere=critere,
                    section=section,
                    en_vigueur=en_vigueur,
                    applique=applique,
                    valeur=valeur,
                    points_bruts=brut,
                    points=points,
                    valide=valide,
                    points_provisoires=provisoire,
                    points_valides=pour_valide,
                    ecarte=ecarte,
                    retenu_a_sa_place=a_sa_place,
                )
            )
        somme_p = sum(ligne.points_provisoires for ligne in lignes[-len(calculs) :])
        somme_v = sum(ligne.points_valides for ligne in lignes[-len(calculs) :])
        borne_p = _borner(somme_p, section.plancher, section.plafond)
        borne_v = _borner(somme_v, section.plancher, section.plafond)
        if section.bornee:
            ajustements.append(
                Ajustement(
                    cle=PREFIXE_PLAFOND + section.id,
                    libelle=section.libelle,
                    avant=somme_p,
                    plancher=section.plancher,
                    plafond=section.plafond,
                    provisoire=borne_p - somme_p,
                    valide=borne_v - somme_v,
                )
            )
        totaux_provisoires.append(borne_p)
        totaux_valides.append(borne_v)
    total_p, total_v = sum(totaux_provisoires), sum(totaux_valides)
    score_p = _borner(total_p, grille.plancher_total, grille.plafond_total)
    score_v = _borner(total_v, grille.plancher_total, grille.plafond_total)
    if grille.bornee:
        ajustements.append(
            Ajustement(
                cle=PLAFOND_TOTAL,
                libelle="Score total",
                avant=total_p,
                plancher=grille.plancher_total,
                plafond=grille.plafond_total,
                provisoire=score_p - total_p,
                valide=score_v - total_v,
            )
        )
    return ResultatCotation(
        grille=grille,
        date_reference=date_reference,
        score=score_v if grille.score_classement == "valide" else score_p,
        score_provisoire=score_p,
        score_valide=score_v,
        lignes=tuple(lignes),
        ajustements=tuple(ajustements),
    )
