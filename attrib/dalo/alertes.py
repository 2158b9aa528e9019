"""The nightly alert of the DALO follow-up (issue 15, point 4): each recognised household whose deadline is near
(``fenetre_alerte_jours`` of ``data/parametres/dalo.yaml``) or past, still waiting for an offer, gets one internal
notice (:class:`attrib.dalo.models.AlerteDalo`) per State organisation that follows it (a réservataire of category
« État » whose perimeter holds a commune the household wishes), once per nature: a second run writes nothing
again, a household whose deadline passes after an « échéance proche » notice gets the « délai dépassé » one.

A batch never stops on one bad record: a decision that cannot be read is named in the report, the others are
done. Run by the worker (``attrib.dalo.taches``), queued each night by ``manage.py alerter_dalo``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from attrib.dalo import selectors
from attrib.dalo.enums import NatureAlerte
from attrib.dalo.models import AlerteDalo, DecisionDalo
from attrib.demandes.models import CommuneSouhaitee
from attrib.engine import dalo as moteur
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import CategorieReservataire, Organisation

journal = logging.getLogger(__name__)

NATURES: dict[moteur.StatutDalo, NatureAlerte] = {
    moteur.StatutDalo.ECHEANCE_PROCHE: NatureAlerte.ECHEANCE_PROCHE,
    moteur.StatutDalo.DELAI_DEPASSE: NatureAlerte.DELAI_DEPASSE,
}


@dataclass
class RapportAlertesDalo:
    jour: date
    examinees: int = 0
    ecrites: int = 0
    deja_ecrites: int = 0
    sans_destinataire: list[str] = field(default_factory=list)
    sautees: list[str] = field(default_factory=list)

    @property
    def resume(self) -> str:
        texte = (
            f"Alertes DALO du {self.jour:%d/%m/%Y} : {self.examinees} ménage(s) à l'échéance proche ou dépassée, "
            f"{self.ecrites} alerte(s) écrite(s), {self.deja_ecrites} déjà adressée(s)"
        )
        if self.sans_destinataire:
            texte += f", {len(self.sans_destinataire)} sans organisation de l'État destinataire"
        if self.sautees:
            texte += f", {len(self.sautees)} ignorée(s) (illisibles)"
        return texte + "."


def _texte(ligne: selectors.LigneSuivi, nature: NatureAlerte) -> str:
    d = ligne.decision
    assert d.date_limite_relogement is not None
    if nature == NatureAlerte.DELAI_DEPASSE:
        quoi = f"le délai de l'offre de logement est dépassé depuis le {d.date_limite_relogement:%d/%m/%Y}"
    else:
        quoi = f"l'offre de logement est due au plus tard le {d.date_limite_relogement:%d/%m/%Y}"
    return (
        f"Ménage {ligne.menage} (demande {d.demande.numero_unique}), reconnu prioritaire et urgent le "
        f"{d.date_decision:%d/%m/%Y} : {quoi}."
    )


def _destinataires(decision: DecisionDalo) -> list[Organisation]:
    communes = CommuneSouhaitee.objects.filter(demande_id=decision.demande_id).values("commune_id")
    return list(
        Organisation.objects.filter(categorie_reservataire=CategorieReservataire.ETAT, perimetre__in=communes)
        .distinct()
        .order_by("pk")
    )


def alertes_dalo_ecrire(*, auteur: Acteur, jour: date) -> RapportAlertesDalo:
    """Write the alerts of ``jour`` (see the module's docstring); returns the report."""
    rapport = RapportAlertesDalo(jour=jour)
    for ligne in selectors.lignes(selectors.decisions_suivies(auteur), jour):
        nature = NATURES.get(ligne.statut)
        if nature is None:
            continue
        rapport.examinees += 1
        decision = ligne.decision
        try:
            with transaction.atomic():
                destinataires = _destinataires(decision)
                if not destinataires:
                    rapport.sans_destinataire.append(decision.demande.numero_unique)
                    continue
                for organisation in destinataires:
                    assert decision.date_limite_relogement is not None
                    _, creee = AlerteDalo.objects.get_or_create(
                        decision=decision,
                        organisation=organisation,
                        nature=nature,
                        defaults={
                            "date_limite": decision.date_limite_relogement,
                            "jour": jour,
                            "texte": _texte(ligne, nature),
                        },
                    )
                    if creee:
                        rapport.ecrites += 1
                    else:
                        rapport.deja_ecrites += 1
        except Exception:  # one bad record never stops the batch: it is named in the report
            journal.exception("Alerte DALO de la décision %s non écrite", decision.pk)
            rapport.sautees.append(f"Demande {decision.demande.numero_unique} : alerte non écrite.")
    return rapport
