"""The commission's decision for one candidate (R441-3 a–e), checked against the tally of the votes, and the
sentence that tells it to the applicant."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.commissions import parametres, selectors
from attrib.commissions.enums import DECISIONS_POSITIVES, SensVote, StatutSeance, TypeDecision, Voix
from attrib.commissions.models import Decision, Examen, Presence, Vote
from attrib.commissions.services._commun import (
    _exiger_gestion,
    _heure_de_seance,
    _journaliser_derogation,
    _le,
    _logement_en_clair,
    _pas_dans_le_futur,
    _texte,
    _utilisateur,
)
from attrib.common.services import evenement_enregistrer
from attrib.cotation.models import Cotation
from attrib.organisations.acteurs import Acteur


def _votes_enregistrer(examen: Examen, votes: dict[Presence, str], auteur: Acteur) -> None:
    """Record (or replace) the vote of each present member on ``examen``: one read of the votes already
    recorded, one insert of the new ones, one update of the others (what ``update_or_create`` per member
    writes, without a query and a savepoint per member)."""
    if not votes:
        return
    saisi_par = _utilisateur(auteur)
    existants = {v.presence_id: v for v in Vote.objects.filter(examen=examen, presence__in=list(votes))}
    nouveaux, modifies = [], []
    maintenant = timezone.now()
    for presence, sens in votes.items():
        vote = existants.get(presence.pk)
        if vote is None:
            nouveaux.append(
                Vote(
                    examen=examen,
                    presence=presence,
                    voix=Voix.DELIBERATIVE,
                    sens=sens,
                    a_distance=False,
                    saisi_par=saisi_par,
                )
            )
            continue
        vote.voix, vote.sens, vote.a_distance, vote.saisi_par, vote.saisi_le = (
            Voix.DELIBERATIVE,
            sens,
            False,
            saisi_par,
            maintenant,
        )
        modifies.append(vote)
    Vote.objects.bulk_create(nouveaux)
    Vote.objects.bulk_update(modifies, ["voix", "sens", "a_distance", "saisi_par", "saisi_le"])


@transaction.atomic
def decision_enregistrer(
    *,
    examen: Examen,
    type_decision: str,
    rang: int | None = None,
    motif: str = "",
    piece_manquante: str = "",
    date_limite_piece: date | None = None,
    votes: Mapping[int, str] | None = None,
    decide_le: datetime | None = None,
    derogation_attribution: str = "",
    auteur: Acteur,
) -> Decision:
    """Record the commission's decision for one candidate (R441-3 a–e). An attribution (a) is rank 1; an
    attribution by rank (b) or under a suspensive condition (c) carries its rank; (c) also names the missing
    document and the deadline to produce it; a non-attribution (d) or a rejection (e) carries its reason.

    The session must be open and hold its quorum. ``votes`` (member id → ``pour`` / ``contre`` /
    ``abstention``) records the votes cast in the room by deliberative members present, beside the remote
    votes already cast; the tally must agree with the decision: an attribution (a, b, c) needs the
    attribution adopted (majority of the votes cast, casting vote on a tie), a non-attribution or a
    rejection needs it not adopted. The tally is kept on the decision for the minutes, and so is the candidate's
    score of that moment (the minutes show the score the commission saw, not today's).

    ``decide_le`` is the time of the decision (now by default): within the session (after its opening), never
    in the future. A household holding an offer waiting for its answer or accepted (for another dwelling) is
    attributed only with ``derogation_attribution``, the reason of that explicit choice, journalled."""
    examen = (
        Examen.objects.select_for_update(of=("self", "seance", "seance__commission", "logement"))
        .select_related("seance__commission", "logement", "demande")
        .get(pk=examen.pk)
    )
    _exiger_gestion(auteur, examen.seance.commission.bailleur_id)
    erreurs: dict[str, list[str]] = {}
    motif = _texte(motif, "motif", erreurs)
    piece_manquante = (piece_manquante or "").strip()
    if Decision.objects.filter(examen=examen).exists():
        erreurs["examen"] = [f"La commission a déjà statué sur la demande {examen.demande.numero_unique}."]
    seance = examen.seance
    quand = decide_le or _heure_de_seance(seance)
    _pas_dans_le_futur(quand, "decide_le", "La décision", erreurs)
    if seance.ouverte_le is not None and quand < seance.ouverte_le:
        erreurs.setdefault("decide_le", []).append(
            f"La décision ({_le(quand)}) précède l'ouverture de la séance ({_le(seance.ouverte_le)})."
        )
    etat_quorum = selectors.quorum(seance)
    if seance.statut != StatutSeance.OUVERTE:
        erreurs["examen"] = [
            f"La séance du {seance.date:%d/%m/%Y} est {seance.get_statut_display().lower()} : "
            "la commission statue en séance ouverte."
        ]
    elif not etat_quorum.atteint:
        erreurs["examen"] = [f"{etat_quorum.phrase} La commission ne peut pas délibérer."]
    presences = {p.membre_id: p for p in seance.presences.select_related("membre")}
    for membre_id, sens in (votes or {}).items():
        p = presences.get(membre_id)
        cle = f"vote_{membre_id}"
        if p is None:
            erreurs[cle] = ["Ce membre n'est pas noté présent : il ne vote pas."]
        elif p.voix != Voix.DELIBERATIVE:
            erreurs[cle] = [f"{p.membre.nom} a voix consultative : il ne vote pas."]
        elif sens not in SensVote.values:
            erreurs[cle] = [f"{p.membre.nom} : votez pour, contre ou abstention."]
    if type_decision not in TypeDecision.values:
        erreurs["type_decision"] = [f"Décision « {type_decision} » inconnue (R441-3 a à e)."]
        raise ValidationError(erreurs)
    if type_decision == TypeDecision.ATTRIBUTION:
        if rang not in (None, 1):
            erreurs["rang"] = ["Une attribution simple est au rang 1 ; pour classer, choisissez « par classement »."]
        rang = 1
    elif type_decision in DECISIONS_POSITIVES:
        if type_decision == TypeDecision.ATTRIBUTION_CONDITION and rang is None:
            rang = 1
        if rang is None or isinstance(rang, bool) or not isinstance(rang, int) or rang < 1:
            erreurs["rang"] = ["Indiquez le rang du candidat dans le classement (1, 2, 3…)."]
    else:
        if rang is not None:
            erreurs["rang"] = ["Une non-attribution ou un rejet n'a pas de rang."]
        if not motif:
            libelle = TypeDecision(type_decision).label
            erreurs["motif"] = [f"{libelle} : le motif est obligatoire (il est notifié au demandeur)."]
    if type_decision == TypeDecision.ATTRIBUTION_CONDITION:
        if not piece_manquante:
            erreurs["piece_manquante"] = ["Attribution sous condition suspensive : indiquez la pièce manquante."]
        if date_limite_piece is None:
            erreurs["date_limite_piece"] = [
                "Attribution sous condition suspensive : indiquez le délai fixé pour produire la pièce."
            ]
        elif date_limite_piece < examen.seance.date:
            erreurs["date_limite_piece"] = ["Le délai pour produire la pièce précède la séance."]
    elif piece_manquante or date_limite_piece:
        erreurs["piece_manquante"] = ["Seule une attribution sous condition suspensive porte une pièce manquante."]
    derogation_attribution = _texte(derogation_attribution, "derogation_attribution", erreurs)
    tenue = None
    if type_decision in DECISIONS_POSITIVES:
        tenue = selectors.offres_en_cours([examen.demande_id], sauf_logement=examen.logement_id).get(examen.demande_id)
        if tenue is not None and not derogation_attribution:
            erreurs["derogation_attribution"] = [
                f"La demande {examen.demande.numero_unique} a déjà une offre en cours "
                f"({selectors.phrase_offre_en_cours(tenue).removeprefix('Offre en cours : ').rstrip('.')}) : un "
                "ménage n'a qu'une attribution à la fois. Pour lui attribuer aussi ce logement, indiquez le motif "
                "de cette décision."
            ]
    elif derogation_attribution:
        derogation_attribution = ""
    if (
        rang is not None
        and "rang" not in erreurs
        and Decision.objects.filter(seance=examen.seance, logement=examen.logement, rang=rang).exists()
    ):
        erreurs["rang"] = [
            f"Le rang {rang} est déjà donné à un autre candidat pour le logement {examen.logement.identifiant}."
        ]
    if erreurs:
        raise ValidationError(erreurs)
    _votes_enregistrer(examen, {presences[membre_id]: sens for membre_id, sens in (votes or {}).items()}, auteur)
    tally = selectors.decompte(examen)
    if tally.votants == 0:
        raise ValidationError({"votes": ["Aucun vote n'est enregistré sur cette candidature : recueillez les votes."]})
    positive = type_decision in DECISIONS_POSITIVES
    if positive and not tally.adopte:
        raise ValidationError(
            {"type_decision": [f"Vote : {tally.phrase} La décision ne peut pas être une attribution."]}
        )
    if not positive and tally.adopte:
        raise ValidationError(
            {"type_decision": [f"Vote : {tally.phrase} La décision ne peut pas être une non-attribution ni un rejet."]}
        )
    cotation = Cotation.objects.filter(demande_id=examen.demande_id).first()
    decision = Decision.objects.create(
        examen=examen,
        seance=examen.seance,
        logement=examen.logement,
        demande=examen.demande,
        type=type_decision,
        rang=rang,
        motif=motif,
        piece_manquante=piece_manquante,
        date_limite_piece=date_limite_piece,
        decide_par=_utilisateur(auteur),
        votes_pour=tally.pour,
        votes_contre=tally.contre,
        abstentions=tally.abstentions,
        presents_deliberatifs=etat_quorum.presents,
        quorum_requis=etat_quorum.requis,
        voix_preponderante=tally.voix_preponderante,
        decide_le=quand,
        cotation_figee=True,
        score=None if cotation is None else cotation.score,
        raisons=[] if cotation is None else list(cotation.explication or []),
        raisons_restreintes=[] if cotation is None else list(cotation.explication_restreinte or []),
        derogation_attribution=derogation_attribution if tenue is not None else "",
    )
    if tenue is not None:
        _journaliser_derogation(
            demande=examen.demande,
            offre=tenue,
            action="attribution_malgre_offre",
            quoi=f"Décision « {decision.get_type_display()} » pour le logement {examen.logement.identifiant} "
            f"(séance du {seance.date:%d/%m/%Y})",
            motif=derogation_attribution,
            auteur=auteur,
            organisation=seance.commission.bailleur,
            details={"decision": decision.pk, "seance": seance.pk},
        )
    message = _message_decision(decision, examen)
    evenement_enregistrer(
        objet=examen.demande,
        action="caleol_decision",
        resume=message,
        auteur=_utilisateur(auteur),
        organisation=examen.seance.commission.bailleur,
        visible_demandeur=True,
        details={
            "decision": decision.pk,
            "type": type_decision,
            "rang": rang,
            "logement": examen.logement_id,
            "votes": {"pour": tally.pour, "contre": tally.contre, "abstentions": tally.abstentions},
            "message": message,
        },
    )
    return decision


def _message_decision(decision: Decision, examen: Examen) -> str:
    """What the applicant is told of the decision, in plain French (R441-3: a refusal is reasoned)."""
    jour = f"{examen.seance.date:%d/%m/%Y}"
    logement = _logement_en_clair(examen.logement)
    if decision.type == TypeDecision.ATTRIBUTION:
        return (
            f"La commission d'attribution du {jour} vous a attribué {logement}. Le bailleur va vous adresser "
            f"une offre écrite ; vous aurez {parametres.delai_reponse_en_lettres(examen.seance.date)} pour y répondre."
        )
    if decision.type == TypeDecision.ATTRIBUTION_CLASSEMENT:
        if decision.rang == 1:
            return (
                f"La commission d'attribution du {jour} vous a classé au 1er rang pour {logement}. Le bailleur va "
                "vous adresser une offre écrite."
            )
        return (
            f"La commission d'attribution du {jour} vous a classé au rang {decision.rang} pour {logement} : il vous "
            "sera proposé si les candidats mieux classés le refusent."
        )
    if decision.type == TypeDecision.ATTRIBUTION_CONDITION:
        return (
            f"La commission d'attribution du {jour} vous a attribué {logement} (rang {decision.rang}) sous "
            f"condition : vous devez fournir « {decision.piece_manquante} » avant le "
            f"{decision.date_limite_piece:%d/%m/%Y}."
        )
    if decision.type == TypeDecision.NON_ATTRIBUTION:
        return (
            f"La commission d'attribution du {jour} ne vous a pas attribué {logement}. Motif : {decision.motif} "
            "Votre demande reste active."
        )
    return (
        f"La commission d'attribution du {jour} a rejeté votre candidature pour {logement} : les conditions "
        f"légales d'accès au logement social ne sont pas remplies. Motif : {decision.motif}"
    )
