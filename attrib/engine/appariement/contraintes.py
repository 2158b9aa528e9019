"""Objectives as linear constraints on a batch (:class:`ContraintePart`).

For an objective with rate ``p/q`` (exact fraction) and a scope of dwellings, the batch meets it when

    minimum:  q · (targets already + targets in batch) − p · (attributions already + in batch) ≥ 0
    maximum:  p · (attributions already + in batch) − q · (targets already + targets in batch) ≥ 0

so each candidature in scope adds ``± (q·[household is a target] − p)`` to an integer slack: the solver
works on integers, never on rounded shares. ``deja`` holds the attributions of the period already made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attrib.engine.appariement.instance import InstanceAppariement
from attrib.engine.rapprochement.objectifs import Compte, Objectif, Sens


@dataclass(frozen=True, eq=False)
class ContraintePart:
    objectif: Objectif
    portee: NDArray[np.bool_]  # over dwellings
    cible: NDArray[np.bool_]  # over households
    deja: Compte

    @property
    def code(self) -> str:
        return self.objectif.code

    @property
    def signe(self) -> int:
        return 1 if self.objectif.sens == Sens.MINIMUM else -1

    @property
    def p(self) -> int:
        return self.objectif.taux.numerator

    @property
    def q(self) -> int:
        return self.objectif.taux.denominator

    def compte(self, premier: NDArray[np.int64]) -> Compte:
        """Attributions in scope (already made + proposed first in ``premier``) and how many go to targets."""
        choisis = premier[self.portee & (premier >= 0)]
        return self.deja + Compte(int(choisis.shape[0]), int(np.count_nonzero(self.cible[choisis])))

    def marge(self, premier: NDArray[np.int64]) -> int:
        """Integer slack (≥ 0 when the objective is met)."""
        c = self.compte(premier)
        return self.signe * (self.q * c.cibles - self.p * c.attributions)

    def respectee(self, premier: NDArray[np.int64]) -> bool:
        return self.objectif.atteint(self.compte(premier))


def contraintes_objectifs(
    instance: InstanceAppariement, objectifs: Sequence[Objectif], etat: Mapping[str, Compte] | None = None
) -> tuple[ContraintePart, ...]:
    """One constraint per objective, on the instance's dwellings and households (``etat``: counts of the
    period already made, by objective code)."""
    deja = etat or {}
    return tuple(
        ContraintePart(
            objectif=o,
            portee=o.portee.masque(
                en_qpv=instance.en_qpv, reservataire=instance.reservataire, note=instance.note_residence
            ),
            cible=o.cible.masque(q1=instance.q1, dalo=instance.dalo, prioritaire=instance.prioritaire),
            deja=deja.get(o.code, Compte()),
        )
        for o in objectifs
    )
