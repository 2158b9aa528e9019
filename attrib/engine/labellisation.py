"""Priority labels (issue 15 point 1): the life cycle of a label, its validity and who may validate it.

Pure logic, no Django. A label is proposed (``propose``), then validated (``valide``) or refused (``refuse``) by
the organisation holding the right; a validated label expires at the end of its validity (``expire``) or is
withdrawn (``retire``); a proposal may be withdrawn too. Refused, expired and withdrawn labels are closed: a
household proposes a new label (a renewal names the label it renews).

- :data:`TRANSITIONS` and :func:`exiger_transition`: the allowed moves of the state machine;
- :func:`fin_validite`: the last day of a validity of ``n`` calendar months (``None``: no expiry);
- :func:`en_vigueur`: a label is in force on a day when it is validated and the day lies in its validity;
- :func:`fenetre_renouvellement` / :func:`renouvelable`: from how many days before its end a renewal may be
  proposed (an expired label may be renewed too);
- :func:`regle_en_vigueur`: among dated local rules, the one in force on a day (the latest started).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol, TypeVar

PROPOSE = "propose"
VALIDE = "valide"
REFUSE = "refuse"
EXPIRE = "expire"
RETIRE = "retire"

STATUTS: tuple[str, ...] = (PROPOSE, VALIDE, REFUSE, EXPIRE, RETIRE)

#: Allowed moves. A refused, expired or withdrawn label is closed for good.
TRANSITIONS: dict[str, frozenset[str]] = {
    PROPOSE: frozenset({VALIDE, REFUSE, RETIRE}),
    VALIDE: frozenset({EXPIRE, RETIRE}),
    REFUSE: frozenset(),
    EXPIRE: frozenset(),
    RETIRE: frozenset(),
}

#: Statuses of a label still open (proposed and waiting, or validated).
OUVERTS: frozenset[str] = frozenset({PROPOSE, VALIDE})

_LIBELLES = {
    PROPOSE: "proposé",
    VALIDE: "validé",
    REFUSE: "refusé",
    EXPIRE: "expiré",
    RETIRE: "retiré",
}


class TransitionInterdite(ValueError):
    """A move the life cycle does not allow; its message is French."""


def transition_permise(de: str, vers: str) -> bool:
    return vers in TRANSITIONS.get(de, frozenset())


def exiger_transition(de: str, vers: str) -> None:
    if not transition_permise(de, vers):
        raise TransitionInterdite(
            f"Un label {_LIBELLES.get(de, de)} ne peut pas être {_LIBELLES.get(vers, vers)}"
            + (" : il est clos." if not TRANSITIONS.get(de) else ".")
        )


def ajouter_mois(jour: date, mois: int) -> date:
    """``jour`` moved by ``mois`` calendar months; the 31st falls back to the month's last day."""
    index = jour.year * 12 + (jour.month - 1) + mois
    annee, mois0 = divmod(index, 12)
    dernier = calendar.monthrange(annee, mois0 + 1)[1]
    return date(annee, mois0 + 1, min(jour.day, dernier))


def fin_validite(debut: date, duree_mois: int | None) -> date | None:
    """Last day of a validity of ``duree_mois`` calendar months starting on ``debut`` (the day before the same
    date ``duree_mois`` months later); ``None`` when the label does not expire."""
    if duree_mois is None:
        return None
    if duree_mois < 1:
        raise ValueError("Une durée de validité compte au moins un mois.")
    return ajouter_mois(debut, duree_mois) - timedelta(days=1)


class LabelDate(Protocol):
    @property
    def statut(self) -> str: ...
    @property
    def valide_du(self) -> date | None: ...
    @property
    def valide_jusqu_au(self) -> date | None: ...


def en_vigueur(label: LabelDate, jour: date) -> bool:
    """Validated, started on or before ``jour`` and not ended before it."""
    if label.statut != VALIDE or label.valide_du is None:
        return False
    return label.valide_du <= jour and (label.valide_jusqu_au is None or jour <= label.valide_jusqu_au)


def a_expirer(label: LabelDate, jour: date) -> bool:
    """Validated but its validity ended before ``jour``: the batch closes it."""
    return label.statut == VALIDE and label.valide_jusqu_au is not None and label.valide_jusqu_au < jour


def fenetre_renouvellement(valide_jusqu_au: date | None, jours: int) -> date | None:
    """First day a renewal may be proposed (``None``: a label without end is never renewed)."""
    if valide_jusqu_au is None:
        return None
    return valide_jusqu_au - timedelta(days=jours)


def renouvelable(label: LabelDate, jour: date, jours: int) -> bool:
    """A validated label within its renewal window, or an expired one."""
    if label.statut == EXPIRE:
        return True
    if label.statut != VALIDE:
        return False
    debut = fenetre_renouvellement(label.valide_jusqu_au, jours)
    return debut is not None and debut <= jour


def proche_expiration(label: LabelDate, jour: date, jours: int) -> bool:
    """In force and within its renewal window: the staff and the household are told."""
    return en_vigueur(label, jour) and renouvelable(label, jour, jours)


@dataclass(frozen=True, slots=True)
class RegleDatee:
    """A dated local rule: who validates (an organisation id), from when, until when, for how long."""

    validateur_id: int
    debut: date
    fin: date | None = None
    duree_mois: int | None = None
    ident: int | None = None

    def en_vigueur(self, jour: date) -> bool:
        return self.debut <= jour and (self.fin is None or jour <= self.fin)


R = TypeVar("R", bound=RegleDatee)


def regle_en_vigueur(regles: Iterable[R], jour: date) -> R | None:
    """The rule in force on ``jour``: among those whose period covers it, the latest started (a newer rule
    overrides an open-ended older one); ties go to the highest id."""
    candidates = [r for r in regles if r.en_vigueur(jour)]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.debut, r.ident or 0))


def duree_applicable(regle: RegleDatee | None, duree_par_defaut: int | None) -> int | None:
    """The rule's validity when it sets one, else the data file's."""
    if regle is not None and regle.duree_mois is not None:
        return regle.duree_mois
    return duree_par_defaut


def chevauchements(regles: Sequence[RegleDatee]) -> list[tuple[RegleDatee, RegleDatee]]:
    """Pairs of rules whose periods overlap (shown to whoever sets them; the latest started wins)."""
    paires = []
    tries = sorted(regles, key=lambda r: r.debut)
    for i, a in enumerate(tries):
        for b in tries[i + 1 :]:
            if a.fin is None or b.debut <= a.fin:
                paires.append((a, b))
    return paires


__all__ = [
    "EXPIRE",
    "OUVERTS",
    "PROPOSE",
    "REFUSE",
    "RETIRE",
    "STATUTS",
    "TRANSITIONS",
    "VALIDE",
    "LabelDate",
    "RegleDatee",
    "TransitionInterdite",
    "a_expirer",
    "ajouter_mois",
    "chevauchements",
    "duree_applicable",
    "en_vigueur",
    "exiger_transition",
    "fenetre_renouvellement",
    "fin_validite",
    "proche_expiration",
    "regle_en_vigueur",
    "renouvelable",
    "transition_permise",
]
