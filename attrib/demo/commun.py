"""What the demonstration's simulations share: the mention that their data are fictitious, and the
réservataire's proposal of candidates for an oriented dwelling (the flux year of ``attrib.demo.flux``, the
dwellings freed this year in ``attrib.demo.caleol``)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from attrib.flux.models import Orientation
from attrib.flux.services import orientation_candidats_proposer
from attrib.organisations.acteurs import Acteur

MENTION = "Données de démonstration (fictives)"


def jour_de_proposition(liberation: date, limite: date, rng: random.Random) -> date:
    """The day the réservataire proposes its candidates: drawn from the day after ``liberation`` to its
    deadline ``limite`` (the day after when the deadline is that close)."""
    return liberation + timedelta(days=rng.randint(1, max(1, (limite - liberation).days)))


def candidats_proposer(orientation: Orientation, *, nombre: int, jour: date, auteur: Acteur) -> None:
    """The réservataire proposes ``nombre`` candidates on ``jour``, the comment saying the data are fictitious."""
    orientation_candidats_proposer(
        auteur=auteur,
        orientation=orientation,
        nombre_candidats=nombre,
        commentaire=f"{MENTION} : candidats proposés par le réservataire.",
        aujourd_hui=jour,
    )
