"""The DALO label of a recognised household (décision 0036): a favourable decision of the commission de médiation
gives the demand the validated label « dalo » (``attrib.labellisation``), a later unfavourable or annulled decision
withdraws it, in the decision's transaction. The pilotage counts a réservataire's DALO attributions from the labels
in force on the attribution's date.

The labellisation app is built in parallel (helper « labels »); until its services are merged into this branch,
:func:`poser` and :func:`retirer` write nothing and the demand's ``dalo_reconnu`` stays the only mark."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from attrib.dalo.models import DecisionDalo
    from attrib.organisations.acteurs import Acteur

TYPE_LABEL = "dalo"


def poser(*, decision: DecisionDalo, auteur: Acteur) -> None:
    """Give the demand the validated DALO label from the decision's date."""


def retirer(*, decision: DecisionDalo, auteur: Acteur) -> None:
    """Withdraw the DALO label the decision gave."""
