"""Bands of a criterion: the interval of one numeric value its condition selects.

A criterion is a *band* when its whole condition is a range on one value: a comparison with a number
(``sup: 12``), ``entre: [12, 24]``, or ``tous`` of such tests on the same value. Two bands of an
additive section (not ``exclusive``) on the same value that overlap give their points twice to a demand
in the overlap, which is almost always a drafting error (``ancienneté de 12 à 24 mois`` and
``ancienneté de 24 mois et plus`` both hold at 24 months). :func:`chevauchements` lists them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from attrib.engine.cotation.conditions import (
    Champ,
    Comparaison,
    Condition,
    Constante,
    Entre,
    Operande,
    Tous,
    ecrire_operande,
)


@dataclass(frozen=True)
class Borne:
    valeur: float
    incluse: bool


@dataclass(frozen=True)
class Intervalle:
    bas: Borne
    haut: Borne

    @property
    def vide(self) -> bool:
        return self.bas.valeur > self.haut.valeur or (
            self.bas.valeur == self.haut.valeur and not (self.bas.incluse and self.haut.incluse)
        )

    def inter(self, autre: Intervalle) -> Intervalle:
        bas = max(self.bas, autre.bas, key=lambda b: (b.valeur, not b.incluse))
        haut = min(self.haut, autre.haut, key=lambda b: (b.valeur, b.incluse))
        return Intervalle(bas, haut)

    def texte(self) -> str:
        """« de 12 à 24 », « 24 et plus », « moins de 12 », « exactement 3 » (French, bounds stated)."""
        bas, haut = self.bas, self.haut
        if bas.valeur == haut.valeur:
            return f"exactement {_nombre(bas.valeur)}"
        if math.isinf(haut.valeur):
            return f"{_nombre(bas.valeur)} et plus" if bas.incluse else f"plus de {_nombre(bas.valeur)}"
        if math.isinf(bas.valeur):
            return f"jusqu'à {_nombre(haut.valeur)}" if haut.incluse else f"moins de {_nombre(haut.valeur)}"
        debut = "de" if bas.incluse else "plus de"
        fin = "à" if haut.incluse else "jusqu'à moins de"
        return f"{debut} {_nombre(bas.valeur)} {fin} {_nombre(haut.valeur)}"


TOUT = Intervalle(Borne(-math.inf, False), Borne(math.inf, False))


def _nombre(valeur: float) -> str:
    if float(valeur).is_integer():
        return str(int(valeur))
    return str(valeur).replace(".", ",")


def _est_nombre(valeur: object) -> bool:
    return isinstance(valeur, (int, float)) and not isinstance(valeur, bool)


def _sujet_numerique(sujet: Operande) -> bool:
    return not isinstance(sujet, Constante)


def _feuille(condition: Condition) -> tuple[Operande, Intervalle] | None:
    if isinstance(condition, Comparaison) and isinstance(condition.valeur, Constante):
        v = condition.valeur.valeur
        if not _est_nombre(v) or not _sujet_numerique(condition.sujet):
            return None
        x = float(v)  # type: ignore[arg-type]
        bornes = {
            "sup": Intervalle(Borne(x, False), TOUT.haut),
            "sup_egal": Intervalle(Borne(x, True), TOUT.haut),
            "inf": Intervalle(TOUT.bas, Borne(x, False)),
            "inf_egal": Intervalle(TOUT.bas, Borne(x, True)),
            "egal": Intervalle(Borne(x, True), Borne(x, True)),
        }
        intervalle = bornes.get(condition.operateur)
        return None if intervalle is None else (condition.sujet, intervalle)
    if isinstance(condition, Entre) and _est_nombre(condition.minimum) and _est_nombre(condition.maximum):
        return condition.sujet, Intervalle(
            Borne(float(condition.minimum), True),  # type: ignore[arg-type]
            Borne(float(condition.maximum), True),  # type: ignore[arg-type]
        )
    return None


def tranche(condition: Condition | None) -> tuple[Operande, Intervalle] | None:
    """(value, interval) when the whole condition is a range on one numeric value, else None."""
    if condition is None:
        return None
    if isinstance(condition, Tous):
        morceaux = [_feuille(c) for c in condition.conditions]
        if not morceaux or any(m is None for m in morceaux):
            return None
        sujets = {m[0] for m in morceaux if m is not None}
        if len(sujets) != 1:
            return None
        intervalle = TOUT
        for m in morceaux:
            assert m is not None
            intervalle = intervalle.inter(m[1])
        return next(iter(sujets)), intervalle
    return _feuille(condition)


def nom_valeur(sujet: Operande) -> str:
    """How a value is named in a message: its column, or its formula as written in the document."""
    if isinstance(sujet, Champ):
        return sujet.nom
    ecrit = ecrire_operande(sujet)
    return str(ecrit)


@dataclass(frozen=True)
class Chevauchement:
    premier: int  # index of the criterion in the section
    second: int
    valeur: str
    intervalle_premier: Intervalle
    intervalle_second: Intervalle
    commun: Intervalle


def chevauchements(conditions: Sequence[Condition | None]) -> list[Chevauchement]:
    """Pairs of bands (by index in ``conditions``) on the same value whose intervals share a point."""
    bandes = [(i, t) for i, c in enumerate(conditions) if (t := tranche(c)) is not None and not t[1].vide]
    trouves: list[Chevauchement] = []
    for a, (i, (sujet_i, inter_i)) in enumerate(bandes):
        for j, (sujet_j, inter_j) in bandes[a + 1 :]:
            if sujet_i != sujet_j:
                continue
            commun = inter_i.inter(inter_j)
            if not commun.vide:
                trouves.append(Chevauchement(i, j, nom_valeur(sujet_i), inter_i, inter_j, commun))
    return trouves


__all__ = ["Borne", "Chevauchement", "Intervalle", "chevauchements", "nom_valeur", "tranche"]
