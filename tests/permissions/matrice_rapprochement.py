"""Rapprochement: the shortlist of a freed dwelling is seen by its bailleur, the réservataire it is oriented
to and the EPCI of its territory; only the réservataire (or the bailleur for its own share) designates.
Batch proposals: bailleurs, réservataires and EPCI; a run belongs to the organisation it was made for."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from attrib.territoires.models import EPCI
from tests.permissions.outils import FLUX, R

LIGNES = [
    R("rapprochement:preselection", {"bailleur", "etat", "epci"}, args=("flux_libere_etat",)),
    R("rapprochement:preselection", {"bailleur", "epci"}, args=("flux_libere_propre",)),
    R("rapprochement:preselection", set(), args=("flux_libere_hors",)),
    R("rapprochement:preselection", {"etat"}, methode="post", args=("flux_libere_etat",), donnees={}),
    R("rapprochement:preselection", {"bailleur"}, methode="post", args=("flux_libere_propre",), donnees={}),
    R("rapprochement:preselection", set(), methode="post", args=("flux_libere_hors",), donnees={}),
    R("rapprochement:propositions", FLUX),
    R("rapprochement:propositions", FLUX, methode="post", donnees={}),
    R("rapprochement:progression", FLUX),
    R("rapprochement:lot", {"bailleur"}, args=("rap_lot",)),
    R("rapprochement:lot_etat", {"bailleur"}, args=("rap_lot",)),
    R("rapprochement:lot_inscrire", {"bailleur"}, methode="post", args=("rap_lot",), donnees={}),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    """A batch run of the bailleur on the Grand Narbonne for today."""
    from attrib.rapprochement.services import lot_proposer

    jour = timezone.localdate()
    lot = lot_proposer(
        auteur=acteur_systeme("test"),
        organisation=orgs["bailleur"],
        epci=EPCI.objects.get(pk="241100593"),
        debut=jour,
        fin=jour,
    )
    return {"rap_lot": lot}
