"""Demonstration data of the DALO follow-up (issue 15, point 4), made through the real services after the CALEOL
year (offers, refusals, leases) so that the board shows every situation:

- the demo demands generated as recognised DALO (bulk insertion) get their decision history
  (``decisions_reprendre``): those the CALEOL year rehoused read « relogé », the others mostly « délai dépassé »;
- active demo households newly recognised by the COMED of the Aude: two within their deadline (one designated by
  the préfet to a demo bailleur on the State's contingent), one near it (designated, with its dwelling when the
  bailleur has one), one past it (the household went to the administrative court);
- a household that refused an offer judged adapted during the CALEOL year: recognised before the offer, its
  obligation lifted by the State after the refusal (when the year holds such a refusal).

Every value chosen here is a hypothesis of the demonstration; the journal says the data are fictitious."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from attrib.commissions.enums import Contingent, StatutOffre
from attrib.commissions.models import Offre
from attrib.dalo.enums import SensDecision
from attrib.dalo.services import (
    decision_dalo_enregistrer,
    decisions_reprendre,
    designation_enregistrer,
    obligation_lever,
    recours_enregistrer,
)
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.engine.dalo import regle
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Logement

DEMO = acteur_systeme("démonstration (charger_demo) : suivi DALO")
COMED = "Commission de médiation de l'Aude"


@dataclass
class RapportDemoDalo:
    reprises: int = 0
    reconnues: int = 0
    designations: int = 0
    levees: int = 0
    recours: int = 0
    non_fait: list[str] = field(default_factory=list)

    def texte(self) -> str:
        texte = (
            f"Suivi DALO : {self.reprises} décision(s) reprise(s), {self.reconnues} ménage(s) reconnu(s) par la "
            f"COMED, {self.designations} désignation(s), {self.levees} obligation(s) levée(s), {self.recours} "
            "recours."
        )
        return texte + (f" Non fait : {' ; '.join(self.non_fait)}." if self.non_fait else "")


def _logement(bailleur: Organisation) -> Logement | None:
    return Logement.objects.filter(residence__bailleur=bailleur).order_by("pk").first()


def dalo_demo_creer(
    *, demandes: QuerySet[Demande], bailleurs: Sequence[Organisation], jour: date, graine: int
) -> RapportDemoDalo:
    rapport = RapportDemoDalo()
    rapport.reprises = decisions_reprendre(auteur=DEMO).creees
    tirage = random.Random(graine + 15)
    libres = list(
        demandes.filter(statut=StatutDemande.ACTIVE, dalo_reconnu=False, dalo_date_decision__isnull=True)
        .exclude(offres__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    tirage.shuffle(libres)
    fenetre = regle(jour).fenetre_alerte_jours
    # (days since the decision, designate?, litigation?): within, within, near, past.
    scenarios = [(20, False, False), (45, True, False), (92 - fenetre // 2, True, True), (150, True, True)]
    bailleurs = sorted(bailleurs, key=lambda b: b.pk)
    for i, (anciennete, designer, recours) in enumerate(scenarios):
        if not libres:
            rapport.non_fait.append("plus de demande active à reconnaître")
            break
        demande = Demande.objects.get(pk=libres.pop())
        try:
            decision = decision_dalo_enregistrer(
                demande=demande,
                auteur=DEMO,
                sens=SensDecision.FAVORABLE,
                date_decision=jour - timedelta(days=anciennete),
                commission=COMED,
            )
            rapport.reconnues += 1
            if designer and bailleurs:
                bailleur = bailleurs[i % len(bailleurs)]
                designation_enregistrer(
                    decision=decision,
                    auteur=DEMO,
                    bailleur=bailleur,
                    date_designation=decision.date_decision + timedelta(days=10),
                    contingent=Contingent.ETAT_PRIORITAIRES,
                    logement=_logement(bailleur) if anciennete < 90 else None,
                    motif="Désignation sur le contingent préfectoral (démonstration).",
                    jour=jour,
                )
                rapport.designations += 1
            limite = decision.date_limite_relogement
            if recours and limite is not None and limite < jour:
                recours_enregistrer(decision=decision, auteur=DEMO, date_recours=limite + timedelta(days=5), jour=jour)
                rapport.recours += 1
        except ValidationError as exc:
            rapport.non_fait.append(f"demande {demande.numero_unique} : {' '.join(exc.messages)}")
    _levee(demandes, jour, rapport)
    return rapport


def _levee(demandes: QuerySet[Demande], jour: date, rapport: RapportDemoDalo) -> None:
    """A household that refused an offer judged adapted: recognised a month before the offer, obligation lifted."""
    offre = (
        Offre.objects.filter(
            demande__in=demandes.filter(statut=StatutDemande.ACTIVE, dalo_reconnu=False),
            statut=StatutOffre.REFUSEE,
            logement_adapte=True,
        )
        .order_by("-envoyee_le", "pk")
        .first()
    )
    if offre is None or offre.repondue_le is None:
        rapport.non_fait.append("aucun refus d'offre adaptée dans l'année de la CALEOL : pas de levée d'obligation")
        return
    try:
        decision = decision_dalo_enregistrer(
            demande=offre.demande,
            auteur=DEMO,
            sens=SensDecision.FAVORABLE,
            date_decision=offre.envoyee_le - timedelta(days=30),
            commission=COMED,
        )
        rapport.reconnues += 1
        obligation_lever(
            decision=decision,
            auteur=DEMO,
            offre=offre,
            date_levee=min(jour, offre.repondue_le + timedelta(days=7)),
            motif="Logement adapté à la composition et aux ressources du ménage, refusé sans motif légitime "
            "(démonstration).",
            jour=jour,
        )
        rapport.levees += 1
    except ValidationError as exc:
        rapport.non_fait.append(f"levée sur la demande {offre.demande.numero_unique} : {' '.join(exc.messages)}")
