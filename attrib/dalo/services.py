"""Writes of the DALO follow-up (décision 0036). Every function is atomic, keyword-only, takes its ``auteur`` and
raises ``ValidationError({champ: [French message]})`` on a bad value, ``Refus`` on a missing right.

- :func:`decision_dalo_enregistrer`: the commission de médiation's decision on a demand (favourable, défavorable,
  réorientation vers un hébergement), through the demand's own service (which checks the right, writes the
  demand's ``dalo_*`` fields and journals the event); its listener :func:`decision_suivre` keeps the history.
- :func:`decision_suivre`: called after every write of a demand's DALO fields (``attrib.demandes.suites``), in
  the same transaction: the decision in force is replaced (or annulled when the fields are cleared), the deadline
  of a favourable decision computed from ``data/parametres/dalo.yaml`` and frozen.
- :func:`designation_enregistrer`: the préfet designates the household to a bailleur.
- :func:`obligation_lever`: the household refused an adapted offer; the préfet's obligation ends.
- :func:`recours_enregistrer`: the household went to the administrative court after the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.commissions.enums import Contingent, StatutOffre
from attrib.commissions.models import Offre
from attrib.common.services import evenement_enregistrer
from attrib.dalo import labels, permissions
from attrib.dalo.enums import EtatDecision, SensDecision
from attrib.dalo.models import DecisionDalo, DesignationPrefet
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_decision_dalo_enregistrer
from attrib.engine import dalo as moteur
from attrib.engine.erreurs import ParametreNonRenseigne
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.models import Logement

CHAMP_DATE = "dalo_date_decision"


def _jour(jour: date | None) -> date:
    return jour or timezone.localdate()


@transaction.atomic
def decision_dalo_enregistrer(
    *,
    demande: Demande,
    auteur: Acteur,
    sens: str,
    date_decision: date | None,
    commission: str = "",
    organisation: Organisation | None = None,
) -> DecisionDalo:
    """Record the commission de médiation's decision on ``demande`` and return the decision now in force.
    Possible at any time in the demand's life, by a desk or the State (the demand's own right)."""
    if sens not in SensDecision.values:
        raise ValidationError({"sens": ["Choisissez la décision de la commission de médiation."]})
    demande_decision_dalo_enregistrer(
        demande=demande,
        auteur=auteur,
        reconnu=sens == SensDecision.FAVORABLE,
        date_decision=date_decision,
        commission=commission,
        organisation=organisation,
        sens=sens,
    )
    return DecisionDalo.objects.get(demande=demande, etat=EtatDecision.EN_VIGUEUR)


def _verifier_date(date_decision: date, en_vigueur: DecisionDalo | None, jour: date) -> moteur.RegleDalo:
    """A decision's date: not in the future, not before the first commissions (1 January 2008), not before the
    decision it replaces. It may precede the demand's registration or renewal: a household recognised by the
    commission registers (or renews) its demand afterwards, the recognition stands (décision 0036)."""
    if date_decision > jour:
        raise ValidationError({CHAMP_DATE: ["La date de la décision DALO ne peut pas être dans le futur."]})
    premieres = moteur.regle(jour).premieres_decisions
    if date_decision < premieres:
        raise ValidationError(
            {
                CHAMP_DATE: [
                    f"Les commissions de médiation DALO décident depuis le {premieres:%d/%m/%Y} : "
                    f"vérifiez la date du {date_decision:%d/%m/%Y}."
                ]
            }
        )
    if en_vigueur is not None and date_decision < en_vigueur.date_decision:
        raise ValidationError(
            {
                CHAMP_DATE: [
                    f"La décision en vigueur date du {en_vigueur.date_decision:%d/%m/%Y} : une nouvelle décision ne "
                    "peut pas lui être antérieure."
                ]
            }
        )
    try:
        return moteur.regle(date_decision)
    except ParametreNonRenseigne as exc:  # pragma: no cover - the file covers every day since 2008
        raise ValidationError({CHAMP_DATE: ["Le délai DALO applicable à cette date n'est pas renseigné."]}) from exc


def decision_suivre(*, demande: Demande, auteur: Acteur, sens: str = "") -> DecisionDalo | None:
    """Make the decision history match ``demande``'s DALO fields (listener of ``attrib.demandes.suites``, called
    inside the demand's write). Returns the decision in force, or None when the decision was cleared."""
    en_vigueur = DecisionDalo.objects.select_for_update().filter(demande=demande, etat=EtatDecision.EN_VIGUEUR).first()
    maintenant = timezone.now()
    if demande.dalo_date_decision is None:
        if en_vigueur is not None:
            _clore(en_vigueur, EtatDecision.ANNULEE, maintenant, auteur)
        return None
    voulu: SensDecision | None
    if demande.dalo_reconnu:
        voulu = SensDecision.FAVORABLE
    else:
        voulu = SensDecision(sens) if sens in (SensDecision.DEFAVORABLE, SensDecision.REORIENTATION) else None
        if voulu is None:  # the demand's forms say « non reconnu » only: keep a réorientation already recorded
            meme_date = en_vigueur is not None and en_vigueur.date_decision == demande.dalo_date_decision
            garde = meme_date and en_vigueur is not None and en_vigueur.sens == SensDecision.REORIENTATION
            voulu = SensDecision.REORIENTATION if garde else SensDecision.DEFAVORABLE
    if (
        en_vigueur is not None
        and en_vigueur.date_decision == demande.dalo_date_decision
        and en_vigueur.sens == voulu
        and en_vigueur.commission == demande.dalo_commission
    ):
        return en_vigueur
    regle = _verifier_date(demande.dalo_date_decision, en_vigueur, timezone.localdate())
    if en_vigueur is not None:
        _clore(en_vigueur, EtatDecision.REMPLACEE, maintenant, auteur, remplacee_par=voulu)
    delai = regle.delai(demande.departement) if voulu == SensDecision.FAVORABLE else None
    decision = DecisionDalo.objects.create(
        demande=demande,
        date_decision=demande.dalo_date_decision,
        commission=demande.dalo_commission,
        departement=demande.departement,
        sens=voulu,
        delai_mois=delai,
        date_limite_relogement=moteur.date_limite(demande.dalo_date_decision, delai) if delai else None,
        enregistree_par=auteur.utilisateur,
    )
    if decision.favorable:
        labels.poser(decision=decision, auteur=auteur)
    return decision


def _clore(
    decision: DecisionDalo,
    etat: EtatDecision,
    maintenant: datetime,
    auteur: Acteur,
    *,
    remplacee_par: SensDecision | None = None,
) -> None:
    decision.etat = etat
    decision.close_le = maintenant
    decision.save(update_fields=["etat", "close_le"])
    if decision.favorable and remplacee_par != SensDecision.FAVORABLE:
        labels.retirer(decision=decision, auteur=auteur)


def _exiger_gestion(auteur: Acteur, decision: DecisionDalo) -> DecisionDalo:
    auteur.exiger(permissions.peut_gerer_suivi(auteur), permissions.REFUS_GERER)
    visible = DecisionDalo.objects.visible_to(auteur).select_for_update(of=("self",)).filter(pk=decision.pk).first()
    auteur.exiger(visible is not None, permissions.REFUS_VOIR)
    assert visible is not None
    return visible


def _exiger_obligation_ouverte(decision: DecisionDalo, champ: str) -> None:
    if decision.etat != EtatDecision.EN_VIGUEUR or not decision.favorable:
        raise ValidationError({champ: ["Seule une décision favorable en vigueur ouvre l'obligation de relogement."]})
    if decision.obligation_levee_le is not None:
        raise ValidationError(
            {champ: [f"L'obligation de relogement a été levée le {decision.obligation_levee_le:%d/%m/%Y}."]}
        )


def _verifier_jour(valeur: date, decision: DecisionDalo, jour: date, champ: str, quoi: str) -> None:
    if valeur > jour:
        raise ValidationError({champ: [f"La date {quoi} ne peut pas être dans le futur."]})
    if valeur < decision.date_decision:
        raise ValidationError(
            {
                champ: [
                    f"La date {quoi} ne peut pas précéder la décision de la commission de médiation du "
                    f"{decision.date_decision:%d/%m/%Y}."
                ]
            }
        )


@transaction.atomic
def designation_enregistrer(
    *,
    decision: DecisionDalo,
    auteur: Acteur,
    bailleur: Organisation,
    date_designation: date,
    contingent: str = Contingent.ETAT_PRIORITAIRES,
    reservataire: Organisation | None = None,
    logement: Logement | None = None,
    motif: str = "",
    jour: date | None = None,
) -> DesignationPrefet:
    """The préfet designates the recognised household to ``bailleur``, which charges the attribution to
    ``contingent`` (the State's priority contingent by default; another réservataire's when the préfet mobilises
    it, L441-2-3 II). The designation is an exception to the three candidates rule (R441-3)."""
    decision = _exiger_gestion(auteur, decision)
    _exiger_obligation_ouverte(decision, "__all__")
    erreurs: dict[str, list[str]] = {}
    if bailleur.type != TypeOrganisation.BAILLEUR:
        erreurs["bailleur"] = [f"« {bailleur} » n'est pas un bailleur social."]
    if contingent not in Contingent.values:
        erreurs["contingent"] = ["Choisissez le contingent imputé."]
    if reservataire is not None and not reservataire.categorie_reservataire:
        erreurs["reservataire"] = [f"« {reservataire} » ne détient pas de droits de réservation."]
    if logement is not None and logement.residence.bailleur_id != bailleur.pk:
        erreurs["logement"] = [f"Le logement {logement.identifiant} n'appartient pas au bailleur désigné."]
    try:
        _verifier_jour(date_designation, decision, _jour(jour), "date_designation", "de la désignation")
    except ValidationError as exc:
        erreurs.update(exc.message_dict)
    if hasattr(decision.demande, "bail") and decision.demande.bail.date_signature >= decision.date_decision:
        erreurs.setdefault("__all__", []).append("Le ménage est déjà relogé : un bail a été signé.")
    if erreurs:
        raise ValidationError(erreurs)
    designation = DesignationPrefet.objects.create(
        decision=decision,
        bailleur=bailleur,
        date_designation=date_designation,
        contingent=contingent,
        reservataire=reservataire,
        logement=logement,
        motif=motif.strip(),
        enregistree_par=auteur.utilisateur,
    )
    evenement_enregistrer(
        objet=decision.demande,
        action="designation_dalo",
        auteur=auteur.utilisateur,
        resume=f"Ménage DALO désigné par le préfet le {date_designation:%d/%m/%Y} à {bailleur} "
        f"({Contingent(contingent).label}).",
        details={"designation": designation.pk, "bailleur": bailleur.pk, "contingent": contingent},
    )
    return designation


@transaction.atomic
def obligation_lever(
    *,
    decision: DecisionDalo,
    auteur: Acteur,
    offre: Offre,
    date_levee: date,
    motif: str,
    jour: date | None = None,
) -> DecisionDalo:
    """The household refused an offer adapted to its needs and capacities (or did not answer it in time): the
    préfet records that its obligation ends, with the offer and the reason."""
    decision = _exiger_gestion(auteur, decision)
    _exiger_obligation_ouverte(decision, "__all__")
    erreurs: dict[str, list[str]] = {}
    if offre.demande_id != decision.demande_id:
        erreurs["offre"] = ["Cette offre n'a pas été faite à ce ménage."]
    elif offre.envoyee_le < decision.date_decision:
        erreurs["offre"] = ["Cette offre précède la décision de la commission de médiation."]
    elif offre.statut == StatutOffre.REFUSEE and offre.logement_adapte is not True:
        erreurs["offre"] = ["Le refus de cette offre est noté pour un logement inadapté : l'obligation demeure."]
    elif offre.statut not in (StatutOffre.REFUSEE, StatutOffre.EXPIREE):
        erreurs["offre"] = ["Choisissez une offre refusée par le ménage (ou restée sans réponse dans le délai)."]
    if not motif.strip():
        erreurs["motif"] = ["Indiquez pourquoi l'offre refusée était adaptée aux besoins et capacités du ménage."]
    try:
        _verifier_jour(date_levee, decision, _jour(jour), "date_levee", "de la levée")
    except ValidationError as exc:
        erreurs.update(exc.message_dict)
    if "offre" not in erreurs and offre.repondue_le and date_levee < offre.repondue_le:
        erreurs.setdefault("date_levee", []).append(
            f"La levée suit le refus de l'offre, constaté le {offre.repondue_le:%d/%m/%Y}."
        )
    if erreurs:
        raise ValidationError(erreurs)
    decision.obligation_levee_le = date_levee
    decision.offre_refusee = offre
    decision.motif_levee = motif.strip()
    decision.save(update_fields=["obligation_levee_le", "offre_refusee", "motif_levee"])
    evenement_enregistrer(
        objet=decision.demande,
        action="obligation_dalo_levee",
        auteur=auteur.utilisateur,
        resume=f"Obligation de relogement DALO levée le {date_levee:%d/%m/%Y} après le refus d'une offre adaptée.",
        details={"decision": decision.pk, "offre": offre.pk},
    )
    return decision


@transaction.atomic
def recours_enregistrer(
    *, decision: DecisionDalo, auteur: Acteur, date_recours: date, jour: date | None = None
) -> DecisionDalo:
    """The household went to the administrative court (recours en injonction, L441-2-3-1): only once the
    deadline of the offer has passed (R441-16-1)."""
    decision = _exiger_gestion(auteur, decision)
    if decision.etat != EtatDecision.EN_VIGUEUR or not decision.favorable:
        raise ValidationError({"__all__": ["Seule une décision favorable en vigueur ouvre le recours."]})
    _verifier_jour(date_recours, decision, _jour(jour), "date_recours", "du recours")
    assert decision.date_limite_relogement is not None
    if date_recours <= decision.date_limite_relogement:
        raise ValidationError(
            {
                "date_recours": [
                    "Le recours devant le tribunal administratif n'est ouvert qu'après l'échéance du "
                    f"{decision.date_limite_relogement:%d/%m/%Y}."
                ]
            }
        )
    decision.recours_le = date_recours
    decision.save(update_fields=["recours_le"])
    evenement_enregistrer(
        objet=decision.demande,
        action="recours_dalo",
        auteur=auteur.utilisateur,
        resume=f"Recours DALO devant le tribunal administratif enregistré (le {date_recours:%d/%m/%Y}).",
        details={"decision": decision.pk},
    )
    return decision


@dataclass
class RapportReprise:
    examinees: int = 0
    creees: int = 0
    sautees: list[str] = field(default_factory=list)

    @property
    def resume(self) -> str:
        texte = f"Décisions DALO reprises : {self.creees} sur {self.examinees} demande(s)"
        return texte + (f", {len(self.sautees)} ignorée(s)." if self.sautees else ".")


def decisions_reprendre(*, auteur: Acteur) -> RapportReprise:
    """Give a decision history to the demands whose DALO fields were written without it (data loaded before the
    follow-up existed, bulk insertions of the demo): each demand in its own transaction; one that cannot be read
    (a date outside the rule) is named in the report, the others are done. The system and superusers only."""
    auteur.exiger(auteur.voit_tout, "Seul Attrib (commande reprendre_decisions_dalo) reprend les décisions DALO.")
    rapport = RapportReprise()
    demandes = Demande.objects.filter(dalo_date_decision__isnull=False).exclude(
        decisions_dalo__etat=EtatDecision.EN_VIGUEUR
    )
    for demande in demandes.order_by("pk").iterator():
        rapport.examinees += 1
        try:
            with transaction.atomic():
                decision_suivre(demande=demande, auteur=auteur)
        except ValidationError as exc:
            rapport.sautees.append(f"Demande {demande.numero_unique} : {' '.join(exc.messages)}")
        else:
            rapport.creees += 1
    return rapport


__all__ = [
    "RapportReprise",
    "decision_dalo_enregistrer",
    "decisions_reprendre",
    "decision_suivre",
    "designation_enregistrer",
    "obligation_lever",
    "recours_enregistrer",
]
