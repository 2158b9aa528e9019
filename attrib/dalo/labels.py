"""The DALO label of a recognised household (décision 0036): a favourable decision of the commission de médiation
gives the demand the validated label « dalo » (``attrib.labellisation.services.label_attribuer``); a later decision
that is not favourable, or the decision's annulment, withdraws it (``label_retirer``) — in the decision's
transaction. The pilotage counts a réservataire's DALO attributions from the labels in force on the lease's date.

The label is a consequence of the decision, whose right was checked by the demand's service (a desk or the State):
it is written by the system in the author's name (``acteur_systeme``), as the demand's other consequences are. Only
the holder of the right to validate DALO labels (the State by default, ``labellisation.yaml``) makes it validated at
once: a decision recorded by a desk (the household's CERFA, the desk's decision page) makes it *proposed*, for the
State to check the decision and validate it; until then the DALO points stay provisional, as they did when only
the decision letter's validation could confirm them. A file import or any other system write is no agent of the
State either: it proposes. A label belongs to
the demand: when the commission decided before the demand was filed (décision 0036), the label starts on the
demand's first filing date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from attrib.labellisation.enums import StatutLabel
from attrib.labellisation.models import Label
from attrib.labellisation.selectors import peut_valider
from attrib.labellisation.services import label_attribuer, label_proposer, label_retirer
from attrib.organisations.acteurs import Acteur, acteur_systeme

if TYPE_CHECKING:
    from attrib.dalo.models import DecisionDalo

TYPE_LABEL = "dalo"


def _systeme(auteur: Acteur, quoi: str) -> Acteur:
    return acteur_systeme(f"suivi DALO : {quoi} enregistrée par {auteur.libelle}")


def poser(*, decision: DecisionDalo, auteur: Acteur) -> Label:
    """Give the demand the DALO label from the decision's date (or the demand's filing date): validated when the
    author holds the right, proposed otherwise."""
    demande = decision.demande
    debut = max(decision.date_decision, demande.date_depot_initiale)
    existant = (
        Label.objects.filter(demande=demande, type_label=TYPE_LABEL, statut=StatutLabel.VALIDE)
        .order_by("-valide_du")
        .first()
    )
    if existant is not None and existant.valide_du is not None and existant.valide_du >= debut:
        return existant  # the same recognition, recorded again (a corrected commission name)
    commission = f" ({decision.commission})" if decision.commission else ""
    if not (auteur.est_agent and peut_valider(auteur, demande, TYPE_LABEL, timezone.localdate())):
        en_attente = Label.objects.filter(demande=demande, type_label=TYPE_LABEL, statut=StatutLabel.PROPOSE).first()
        if en_attente is not None:
            return en_attente
        return label_proposer(
            demande=demande,
            type_label=TYPE_LABEL,
            auteur=_systeme(auteur, "décision de la commission de médiation"),
            motif=f"Décision favorable de la commission de médiation du {decision.date_decision:%d/%m/%Y}"
            f"{commission}, enregistrée par {auteur.libelle} : à vérifier par l'organisation qui valide ce label.",
        )
    return label_attribuer(
        demande=demande,
        type_label=TYPE_LABEL,
        auteur=_systeme(auteur, "décision de la commission de médiation"),
        date_decision=debut,
        motif=f"Décision favorable de la commission de médiation du {decision.date_decision:%d/%m/%Y}{commission}.",
    )


def retirer(*, decision: DecisionDalo, auteur: Acteur) -> list[Label]:
    """Withdraw the DALO labels in force or waiting on the demand (the favourable decision no longer holds)."""
    retires = []
    statuts = [StatutLabel.VALIDE, StatutLabel.PROPOSE]
    for label in Label.objects.filter(demande_id=decision.demande_id, type_label=TYPE_LABEL, statut__in=statuts):
        retires.append(
            label_retirer(
                label=label,
                auteur=_systeme(auteur, "nouvelle décision ou annulation"),
                motif=f"La décision favorable de la commission de médiation du {decision.date_decision:%d/%m/%Y} "
                f"ne vaut plus ({decision.get_etat_display().lower()}).",
            )
        )
    return retires
