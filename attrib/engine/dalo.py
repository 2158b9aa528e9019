"""Suivi DALO (L441-2-3 CCH, issue 15 point 4): the deadline of the préfet's offer after a favourable decision of
the commission de médiation, and the status of a recognised household on the follow-up board.

Pure logic, no Django: the rule (:class:`RegleDalo`) is read from the dated parameter tree
(``data/parametres/dalo.yaml``) for the day of the decision; the deadline (:func:`date_limite`) is the decision's
date moved by the délai in months (three months, six in the départements of the list: R441-16-1 CCH), clamped to
the calendar (30 November + 3 months → 28 or 29 February); the status (:func:`statut`) is:

- **relogé**: a lease was signed after the decision (whatever the date: late rehousing is still rehousing);
- **obligation levée**: the State recorded that the household refused an adapted offer (the préfet's obligation
  may end: DOMAIN « Refusal and DALO interplay »);
- otherwise, from the deadline and the day: **délai dépassé** (the day is after the deadline), **échéance proche**
  (at most ``fenetre_alerte_jours`` days left, deadline day included) or **dans le délai**.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from attrib.engine.parametres.arbre import valeur
from attrib.engine.validation import decaler_mois

BRANCHE = "dalo"


class StatutDalo(StrEnum):
    DANS_LE_DELAI = "dans_le_delai"
    ECHEANCE_PROCHE = "echeance_proche"
    DELAI_DEPASSE = "delai_depasse"
    RELOGE = "reloge"
    OBLIGATION_LEVEE = "obligation_levee"


LIBELLES: dict[StatutDalo, str] = {
    StatutDalo.DANS_LE_DELAI: "Dans le délai",
    StatutDalo.ECHEANCE_PROCHE: "Échéance proche",
    StatutDalo.DELAI_DEPASSE: "Délai dépassé",
    StatutDalo.RELOGE: "Relogé",
    StatutDalo.OBLIGATION_LEVEE: "Obligation levée",
}
#: The statuses still waiting for an offer (the household is not rehoused and the obligation holds).
EN_ATTENTE: frozenset[StatutDalo] = frozenset(
    {StatutDalo.DANS_LE_DELAI, StatutDalo.ECHEANCE_PROCHE, StatutDalo.DELAI_DEPASSE}
)


@dataclass(frozen=True)
class RegleDalo:
    """The rule in force on a day: délai in months (general and long), départements of the long délai, alert
    window in days, and the first day a commission could decide."""

    delai_mois: int
    delai_long_mois: int
    departements_longs: frozenset[str]
    fenetre_alerte_jours: int
    premieres_decisions: date

    def delai(self, departement: str) -> int:
        """The délai in months for a household of ``departement`` (``"11"``, ``"011"``, ``"974"``, ``"2A"``)."""
        return (
            self.delai_long_mois if normaliser_departement(departement) in self.departements_longs else self.delai_mois
        )


def normaliser_departement(code: str) -> str:
    """``"011"`` → ``"11"``, ``"02A"`` → ``"2A"``; an overseas code (``"974"``) stays; blanks removed."""
    code = code.strip().upper()
    if len(code) == 3 and code.startswith("0"):
        return code[1:]
    return code


def regle(jour: date) -> RegleDalo:
    """The rule in force on ``jour`` (the day of the decision for the délai; today for the alert window)."""

    def v(nom: str) -> object:
        return valeur(f"{BRANCHE}.{nom}", jour).valeur

    departements = v("departements_delai_long")
    assert isinstance(departements, list)
    premieres = v("date_premieres_decisions")
    assert isinstance(premieres, date)
    return RegleDalo(
        delai_mois=int(str(v("delai_proposition_mois"))),
        delai_long_mois=int(str(v("delai_proposition_long_mois"))),
        departements_longs=frozenset(normaliser_departement(str(d)) for d in departements),
        fenetre_alerte_jours=int(str(v("fenetre_alerte_jours"))),
        premieres_decisions=premieres,
    )


def date_limite(date_decision: date, delai_mois: int) -> date:
    """Last day for the offer: the decision's date moved by ``delai_mois`` months, clamped to the calendar."""
    if delai_mois < 1:
        raise ValueError("Le délai de proposition est d'au moins un mois.")
    return decaler_mois(date_decision, delai_mois)


def jours_restants(limite: date, jour: date) -> int:
    """Days left until the deadline (0 on the deadline's day, negative once past)."""
    return (limite - jour).days


def statut(
    *,
    limite: date,
    jour: date,
    fenetre_alerte_jours: int,
    reloge: bool = False,
    obligation_levee: bool = False,
) -> StatutDalo:
    """The board's status of a favourable decision on ``jour`` (see the module's docstring)."""
    if reloge:
        return StatutDalo.RELOGE
    if obligation_levee:
        return StatutDalo.OBLIGATION_LEVEE
    reste = jours_restants(limite, jour)
    if reste < 0:
        return StatutDalo.DELAI_DEPASSE
    if reste <= fenetre_alerte_jours:
        return StatutDalo.ECHEANCE_PROCHE
    return StatutDalo.DANS_LE_DELAI


def echeance_texte(limite: date, jour: date) -> str:
    """« 12 jours restants », « échéance aujourd'hui », « dépassée de 3 jours »: the board's column."""
    reste = jours_restants(limite, jour)
    if reste == 0:
        return "Échéance aujourd'hui"
    if reste > 0:
        return f"{reste} jour{'s' if reste > 1 else ''} restant{'s' if reste > 1 else ''}"
    return f"Dépassée de {-reste} jour{'s' if reste < -1 else ''}"


__all__ = [
    "EN_ATTENTE",
    "LIBELLES",
    "RegleDalo",
    "StatutDalo",
    "date_limite",
    "echeance_texte",
    "jours_restants",
    "normaliser_departement",
    "regle",
    "statut",
]
