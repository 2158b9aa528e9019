"""Long work of the rapprochement, run by the worker (``attrib.taches``): the batch proposals of a period.
The run keeps its detailed report (``LotPropositions``: certificate, proposals), linked from the job; nothing
else is written until the user puts proposals on an agenda from the batch's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from attrib.journal.contexte import contexte_journal
from attrib.organisations.models import Organisation
from attrib.rapprochement import services
from attrib.rapprochement.enums import StatutLot
from attrib.rapprochement.models import LotPropositions
from attrib.taches.execution import Contexte, EchecTravail, Resultat, executer, travail_lancer
from attrib.taches.models import Travail
from attrib.territoires.models import EPCI

RIEN_INSCRIT = "Aucune proposition n'a été inscrite à l'ordre du jour d'une commission."


def _proposer(contexte: Contexte, organisation_id: int, epci_id: str, debut: str, fin: str) -> Resultat:
    with contexte_journal(
        origine=f"travail {contexte.travail.pk} : {contexte.travail.libelle}", auteur=contexte.acteur
    ):
        try:
            lot = services.lot_proposer(
                organisation=Organisation.objects.get(pk=organisation_id),
                epci=EPCI.objects.get(pk=epci_id),
                debut=date.fromisoformat(debut),
                fin=date.fromisoformat(fin),
                auteur=contexte.acteur,
                progression=contexte.progression,
                travail_id=contexte.travail.pk,
            )
        except ValidationError as exc:
            raise EchecTravail(f"Calcul impossible : {' '.join(exc.messages)}", conserve=RIEN_INSCRIT) from None
    if lot.statut == StatutLot.ECHEC:
        raise EchecTravail(lot.message, conserve=RIEN_INSCRIT)
    return Resultat(
        resume=lot.message, lien_vue="rapprochement:lot", lien_args=[lot.pk], lien_libelle="Voir le lot de propositions"
    )


def lot_interrompu_clore(*, travail_id: int, message: str, **_signal: object) -> int:
    """The worker running the job ``travail_id`` died: its batch, still « en cours », is closed as failed with
    ``message`` (nothing was put on an agenda). Connected to ``attrib.taches.interruptions.travail_interrompu``."""
    return LotPropositions.objects.filter(travail_id=travail_id, statut=StatutLot.EN_COURS).update(
        statut=StatutLot.ECHEC, message=message, termine_le=timezone.now()
    )


@task()
def proposer_lot(*, travail_id: int, organisation_id: int, epci_id: str, debut: str, fin: str) -> str:
    return executer(travail_id, lambda contexte: _proposer(contexte, organisation_id, epci_id, debut, fin))


def lot_lancer(*, organisation: Organisation, epci: EPCI, debut: date, fin: date, user: Any) -> Travail:
    """Launch the batch proposals of ``organisation`` on ``epci`` for the sessions of [debut, fin]."""
    return travail_lancer(
        lance_par_id=user.pk,
        nature="rapprochement.lot",
        libelle=f"Propositions par lot — {organisation}, du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}",
        tache=proposer_lot,
        etapes=LotPropositions.ETAPES,
        unite="logements",
        conserve=RIEN_INSCRIT,
        arguments={
            "organisation_id": organisation.pk,
            "epci_id": str(epci.pk),
            "debut": debut.isoformat(),
            "fin": fin.isoformat(),
        },
    )
