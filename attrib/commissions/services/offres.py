"""The written offers after an attribution decision: to the best-ranked candidate, then to the next after a
refusal; the applicant's answer; unanswered offers refused at their deadline (R441-10)."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.commissions import courrier, parametres, permissions, selectors
from attrib.commissions.enums import MotifRefus, StatutOffre
from attrib.commissions.models import Decision, Offre
from attrib.commissions.services._commun import (
    _aujourd_hui,
    _bail_en_cours,
    _erreur_deja_attribue,
    _exiger_gestion,
    _logement_en_clair,
    _logement_verrouille,
    _pas_dans_le_futur,
    _texte,
    _utilisateur,
)
from attrib.common.lots import Bilan, traiter
from attrib.common.services import evenement_enregistrer
from attrib.demandes.enums import StatutDemande
from attrib.organisations.acteurs import Acteur
from attrib.patrimoine.models import Logement


def prochaine_decision(logement: Logement) -> Decision | None:
    """The candidate the dwelling would be offered to next (read only; ``offre_emettre`` decides): the
    best-ranked positive decision of the dwelling's latest session that has positive decisions, whose demand
    is still active and has not had an offer for this dwelling."""
    positives = Decision.objects.filter(logement=logement, rang__isnull=False).select_related("seance", "demande")
    derniere = positives.order_by("-seance__date", "-seance_id").first()
    if derniere is None:
        return None
    deja = Offre.objects.filter(logement=logement).values("demande_id")
    return (
        positives.filter(seance=derniere.seance, demande__statut=StatutDemande.ACTIVE)
        .exclude(demande_id__in=deja)
        .order_by("rang")
        .first()
    )


def _emettre(*, logement: Logement, envoyee_le: date, auteur: Acteur, apres: Offre | None = None) -> Offre:
    if (bail := _bail_en_cours(logement)) is not None:
        raise _erreur_deja_attribue(logement, bail)
    attente = Offre.objects.filter(logement=logement, statut=StatutOffre.EN_ATTENTE).select_related("demande").first()
    if attente is not None:
        raise ValidationError(
            {
                "logement": [
                    f"Une offre du logement {logement.identifiant} attend la réponse de la demande "
                    f"{attente.demande.numero_unique} jusqu'au {attente.date_limite:%d/%m/%Y}."
                ]
            }
        )
    if Offre.objects.filter(logement=logement, statut=StatutOffre.ACCEPTEE, bail__isnull=True).exists():
        raise ValidationError(
            {"logement": [f"Une offre du logement {logement.identifiant} est acceptée : signez le bail."]}
        )
    decision = prochaine_decision(logement)
    if decision is None:
        raise ValidationError(
            {
                "logement": [
                    f"Plus aucun candidat retenu par la commission pour le logement {logement.identifiant} : "
                    "inscrivez-le à une nouvelle séance."
                ]
            }
        )
    erreurs: dict[str, list[str]] = {}
    _pas_dans_le_futur(envoyee_le, "envoyee_le", "L'envoi de l'offre", erreurs)
    decidee = timezone.localtime(decision.decide_le).date()
    if envoyee_le < decidee:
        erreurs.setdefault("envoyee_le", []).append(
            f"L'offre ({envoyee_le:%d/%m/%Y}) ne peut précéder la décision de la commission du {decidee:%d/%m/%Y}."
        )
    if apres is not None and apres.repondue_le is not None and envoyee_le < apres.repondue_le:
        erreurs.setdefault("envoyee_le", []).append(
            f"L'offre au candidat suivant ({envoyee_le:%d/%m/%Y}) ne peut précéder la réponse à l'offre précédente "
            f"({apres.repondue_le:%d/%m/%Y})."
        )
    if erreurs:
        raise ValidationError(erreurs)
    offre = Offre.objects.create(
        decision=decision,
        logement=logement,
        demande=decision.demande,
        envoyee_le=envoyee_le,
        date_limite=parametres.date_limite_reponse(envoyee_le),
        emise_par=_utilisateur(auteur),
    )
    loyer = f", loyer {logement.loyer_principal} € par mois hors charges" if logement.loyer_principal else ""
    message = (
        f"Le bailleur vous propose {_logement_en_clair(logement)} ({selectors.adresse(logement)}{loyer}), offre envoyée le "
        f"{envoyee_le:%d/%m/%Y}. Répondez au plus tard le {offre.date_limite:%d/%m/%Y} : sans réponse à cette "
        "date, l'offre est considérée comme refusée."
    )
    courrier.figer(offre, auteur=auteur)
    evenement_enregistrer(
        objet=decision.demande,
        action="offre_emise",
        resume=message,
        auteur=_utilisateur(auteur),
        organisation=logement.residence.bailleur,
        visible_demandeur=True,
        details={
            "offre": offre.pk,
            "logement": logement.pk,
            "date_limite": offre.date_limite.isoformat(),
            "message": message,
        },
    )
    return offre


@transaction.atomic
def offre_emettre(*, logement: Logement, envoyee_le: date | None = None, auteur: Acteur) -> Offre:
    """Offer the dwelling to the best-ranked candidate with an attribution decision; the answer deadline
    comes from ``caleol.yaml`` (R441-10: 10 days)."""
    logement = _logement_verrouille(logement)
    _exiger_gestion(auteur, logement.residence.bailleur_id)
    return _emettre(logement=logement, envoyee_le=_aujourd_hui(envoyee_le), auteur=auteur)


@transaction.atomic
def offre_suivante(*, offre: Offre, envoyee_le: date | None = None, auteur: Acteur) -> Offre:
    """After a refusal (or no answer), offer the dwelling to the next ranked candidate."""
    logement = _logement_verrouille(offre.logement)
    _exiger_gestion(auteur, logement.residence.bailleur_id)
    offre = Offre.objects.get(pk=offre.pk)
    if offre.statut not in (StatutOffre.REFUSEE, StatutOffre.EXPIREE):
        raise ValidationError(
            {"offre": [f"L'offre est {offre.get_statut_display().lower()} : le candidat suivant attend un refus."]}
        )
    return _emettre(logement=logement, envoyee_le=_aujourd_hui(envoyee_le), auteur=auteur, apres=offre)


@transaction.atomic
def offre_repondre(
    *,
    offre: Offre,
    accepte: bool,
    motif_refus: str = "",
    motif_refus_detail: str = "",
    logement_adapte: bool | None = None,
    repondue_le: date | None = None,
    auteur: Acteur,
) -> Offre:
    """Record the applicant's answer. A refusal carries a structured reason (``MotifRefus``) and whether the
    dwelling was adapted to the household's needs and means (R441-2-10 11°, for the cotation).

    Recorded by the bailleur's managers (an answer by letter, phone, at the desk: ``repondue_le`` is the day it
    was given) or given by the household itself online (``permissions.repond_a_l_offre``): then it is dated the
    day it is given, and the same rules apply (decision 0028)."""
    offre = (
        Offre.objects.select_for_update(of=("self", "logement", "logement__residence"))
        .select_related("logement__residence", "demande")
        .get(pk=offre.pk)
    )
    auteur.exiger(permissions.repond_a_l_offre(auteur, offre), permissions.REFUS_REPONSE)
    jour = timezone.localdate() if auteur.est_demandeur else _aujourd_hui(repondue_le)
    erreurs: dict[str, list[str]] = {}
    detail = _texte(motif_refus_detail, "motif_refus_detail", erreurs)
    if offre.statut != StatutOffre.EN_ATTENTE:
        raise ValidationError({"offre": [f"L'offre a déjà une réponse : {offre.get_statut_display().lower()}."]})
    _pas_dans_le_futur(jour, "repondue_le", "La réponse", erreurs)
    if jour < offre.envoyee_le:
        erreurs["repondue_le"] = [f"La réponse précède l'envoi de l'offre ({offre.envoyee_le:%d/%m/%Y})."]
    elif jour > offre.date_limite:
        erreurs["repondue_le"] = [
            f"Le délai de réponse a expiré le {offre.date_limite:%d/%m/%Y} : l'absence de réponse vaut refus (R441-10)."
        ]
    if not accepte:
        motifs = [m for m in MotifRefus.values if m != MotifRefus.SANS_REPONSE]
        if motif_refus not in motifs:
            erreurs["motif_refus"] = [
                f"Indiquez le motif du refus parmi : {', '.join(MotifRefus(m).label.lower() for m in motifs)}."
            ]
        elif motif_refus == MotifRefus.AUTRE and not detail:
            erreurs["motif_refus_detail"] = ["Motif « autre » : précisez la raison du refus."]
        if logement_adapte is None:
            erreurs["logement_adapte"] = [
                "Indiquez si le logement refusé était adapté aux besoins et aux capacités du ménage."
            ]
    elif motif_refus or detail or logement_adapte is not None:
        erreurs["motif_refus"] = ["Une acceptation ne porte pas de motif de refus."]
    if erreurs:
        raise ValidationError(erreurs)
    offre.repondue_le = jour
    if accepte:
        offre.statut = StatutOffre.ACCEPTEE
        resume = f"Vous avez accepté l'offre du logement {offre.logement.identifiant} le {jour:%d/%m/%Y}."
    else:
        offre.statut = StatutOffre.REFUSEE
        offre.motif_refus = motif_refus
        offre.motif_refus_detail = detail
        offre.logement_adapte = logement_adapte
        resume = (
            f"Vous avez refusé l'offre du logement {offre.logement.identifiant} le {jour:%d/%m/%Y}. Motif : "
            f"{MotifRefus(motif_refus).label}{f' ({detail})' if detail else ''}."
        )
    offre.save(update_fields=["statut", "repondue_le", "motif_refus", "motif_refus_detail", "logement_adapte"])
    evenement_enregistrer(
        objet=offre.demande,
        action="offre_acceptee" if accepte else "offre_refusee",
        resume=resume,
        auteur=_utilisateur(auteur),
        organisation=offre.logement.residence.bailleur,
        visible_demandeur=True,
        details={
            "offre": offre.pk,
            "motif": motif_refus,
            "logement_adapte": logement_adapte,
            "message": resume,
            "en_ligne": auteur.est_demandeur,
        },
    )
    return offre


@transaction.atomic
def offres_expirer(*, auteur: Acteur, aujourd_hui: date | None = None, bilan: Bilan | None = None) -> int:
    """Offers still waiting after their deadline are refused for lack of answer (R441-10). Returns how many.
    With ``bilan``, an offer that cannot be handled is noted there (which, why) and the others are
    handled; without, its error is raised. The demands concerned are re-scored (an unanswered offer
    counts as a refusal). Every bailleur's offers: the system (command ``expirer_offres``) or a superuser."""
    auteur.exiger(
        auteur.voit_tout,
        "Seuls Attrib (commande expirer_offres) et un superutilisateur constatent les offres sans réponse de "
        "tous les bailleurs.",
    )
    jour = _aujourd_hui(aujourd_hui)
    erreurs: dict[str, list[str]] = {}
    _pas_dans_le_futur(jour, "aujourd_hui", "Le constat des offres sans réponse", erreurs)
    if erreurs:
        raise ValidationError(erreurs)
    echues = list(
        Offre.objects.select_for_update(of=("self",))
        .filter(statut=StatutOffre.EN_ATTENTE, date_limite__lt=jour)
        .select_related("logement__residence", "demande")
    )
    faites = [
        offre
        for offre in echues
        if traiter(
            bilan,
            f"offre du logement {offre.logement.identifiant} à la demande {offre.demande.numero_unique}",
            partial(_offre_expirer, offre, jour),
        )
    ]
    from attrib.cotation.services import cotations_actualiser  # the cotation reads the offers

    cotations_actualiser(demandes=[offre.demande_id for offre in faites], jour=jour, auteur=auteur)
    return len(faites)


def _offre_expirer(offre: Offre, jour: date) -> None:
    offre.statut = StatutOffre.EXPIREE
    offre.repondue_le = jour
    offre.motif_refus = MotifRefus.SANS_REPONSE
    offre.save(update_fields=["statut", "repondue_le", "motif_refus"])
    evenement_enregistrer(
        objet=offre.demande,
        action="offre_expiree",
        resume=f"Sans réponse de votre part au {offre.date_limite:%d/%m/%Y}, l'offre du logement "
        f"{offre.logement.identifiant} est considérée comme refusée (article R441-10 du code de la construction "
        "et de l'habitation).",
        organisation=offre.logement.residence.bailleur,
        visible_demandeur=True,
        details={"offre": offre.pk},
    )
