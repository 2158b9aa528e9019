"""The life cycle of a demand (R441-2-5 to R441-2-8 CCH), pure: its statuses, the actions that change or
keep them, and why an action is refused, in French, with the field at fault.

* ``enregistrer``: a new demand is active (from no status);
* ``modifier`` (the DALO decision included) and ``renouveler``: an active demand stays active; a demand
  renewed after its expiry date is refused (the day after the échéance it is struck off);
* ``radier``: an active demand is struck off (R441-2-8 reasons);
* a struck-off demand is final: it is neither modified, nor renewed, nor struck off again (a new demand is
  filed instead).

The durations (validity, notice before the échéance) are dated data (``cycle_demande.yaml``) read by
``attrib.demandes.regles``; this module holds the transitions. ``attrib.demandes.services`` asks
:func:`transition` before each write.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum


class Statut(StrEnum):
    ACTIVE = "active"
    RADIEE = "radiee"


class Action(StrEnum):
    ENREGISTRER = "enregistrer"
    MODIFIER = "modifier"
    RENOUVELER = "renouveler"
    RADIER = "radier"


#: ``(status before, action) -> status after``; ``None`` before: a demand not yet registered.
TRANSITIONS: Mapping[tuple[Statut | None, Action], Statut] = {
    (None, Action.ENREGISTRER): Statut.ACTIVE,
    (Statut.ACTIVE, Action.MODIFIER): Statut.ACTIVE,
    (Statut.ACTIVE, Action.RENOUVELER): Statut.ACTIVE,
    (Statut.ACTIVE, Action.RADIER): Statut.RADIEE,
}

#: Why an action is refused from a status (the sentence follows « La demande … »).
REFUS: Mapping[tuple[Statut | None, Action], str] = {
    (Statut.ACTIVE, Action.ENREGISTRER): "est déjà enregistrée : elle ne peut pas l'être une seconde fois",
    (Statut.RADIEE, Action.ENREGISTRER): "est radiée : une nouvelle demande doit être déposée",
    (Statut.RADIEE, Action.MODIFIER): "est radiée : elle ne peut plus être modifiée",
    (Statut.RADIEE, Action.RENOUVELER): "est radiée : une demande radiée ne peut pas être renouvelée",
    (Statut.RADIEE, Action.RADIER): "est déjà radiée : elle ne peut pas être radiée une seconde fois",
    (None, Action.MODIFIER): "n'est pas enregistrée : elle ne peut pas être modifiée",
    (None, Action.RENOUVELER): "n'est pas enregistrée : elle ne peut pas être renouvelée",
    (None, Action.RADIER): "n'est pas enregistrée : elle ne peut pas être radiée",
}


class TransitionRefusee(ValueError):
    """An action the life cycle refuses: ``champ`` is the field at fault, ``message`` says why in French."""

    def __init__(self, champ: str, message: str) -> None:
        super().__init__(message)
        self.champ = champ
        self.message = message


def statuts_de_depart(action: Action) -> frozenset[Statut]:
    """The statuses from which ``action`` is allowed (e.g. the demands a batch may strike off)."""
    return frozenset(s for (s, a) in TRANSITIONS if a == action and s is not None)


def transition(
    statut: Statut | str | None,
    action: Action | str,
    *,
    numero: str = "",
    echeance: date | None = None,
    jour: date | None = None,
) -> Statut:
    """The status after ``action``, or :class:`TransitionRefusee`. ``echeance`` and ``jour``: a renewal is
    refused once the échéance is past (both required to renew)."""
    avant = Statut(statut) if statut is not None else None
    act = Action(action)
    qui = f"La demande {numero}".rstrip()
    apres = TRANSITIONS.get((avant, act))
    if apres is None:
        raise TransitionRefusee("statut", f"{qui} {REFUS[(avant, act)]}.")
    if act == Action.RENOUVELER:
        if echeance is None or jour is None:
            raise ValueError("Renouvellement : l'échéance et le jour sont requis.")
        if echeance < jour:
            raise TransitionRefusee(
                "date_echeance", f"La demande a expiré le {echeance:%d/%m/%Y} : elle ne peut plus être renouvelée."
            )
    return apres
