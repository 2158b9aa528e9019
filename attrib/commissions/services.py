"""Writes of the CALEOL, the offers and the leases (DOMAIN.md §1.6, §1.7). Every function is atomic; the
events the applicant must see (submission to the commission, decision, offer, refusal, attribution) are
recorded on the demand with ``visible_demandeur=True``. Errors are ``ValidationError`` with French messages
keyed by field."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attrib.commissions import parametres
from attrib.commissions.enums import (
    DECISIONS_POSITIVES,
    Contingent,
    MotifRefus,
    QualiteMembre,
    StatutOffre,
    StatutSeance,
    TypeDecision,
    Voix,
)
from attrib.commissions.models import (
    MOTIF_MAX,
    Bail,
    Commission,
    Decision,
    Examen,
    MembreCommission,
    Offre,
    Seance,
)
from attrib.common.services import evenement_enregistrer
from attrib.demandes.enums import MotifRadiation, StatutDemande
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_radier
from attrib.flux import permissions as permissions_flux
from attrib.flux.enums import CategorieConvention, StatutOrientation
from attrib.flux.models import Orientation
from attrib.organisations.models import Organisation
from attrib.patrimoine.enums import Financement
from attrib.patrimoine.models import Logement

#: Contingent charged in the SNE for each category of reservation agreement of the flux.
CONTINGENT_PAR_CATEGORIE = {
    CategorieConvention.ETAT: Contingent.ETAT_PRIORITAIRES,
    CategorieConvention.ETAT_AGENTS: Contingent.ETAT_FONCTIONNAIRES,
    CategorieConvention.ACTION_LOGEMENT: Contingent.ACTION_LOGEMENT,
    CategorieConvention.COMMUNE: Contingent.COLLECTIVITES,
    CategorieConvention.EPCI: Contingent.COLLECTIVITES,
    CategorieConvention.AUTRE: Contingent.AUTRE,
}


def _aujourd_hui(aujourd_hui: date | None) -> date:
    return aujourd_hui or timezone.localdate()


def _utilisateur(auteur: Any) -> Any:
    return auteur if getattr(auteur, "is_authenticated", False) else None


def _exiger_gestion(auteur: Any, bailleur_id: int | None) -> None:
    if auteur is not None and not permissions_flux.peut_gerer(auteur, bailleur_id):
        raise PermissionDenied("Seuls les gestionnaires du bailleur gèrent ses commissions d'attribution.")


def _logement_verrouille(logement: Logement) -> Logement:
    """Lock the dwelling row: every write that could attribute it goes one at a time."""
    verrouille = Logement.objects.select_for_update().get(pk=logement.pk)
    return Logement.objects.select_related("residence", "residence__bailleur").get(pk=verrouille.pk)


def _bail_en_cours(logement: Logement) -> Bail | None:
    return Bail.objects.select_related("demande").filter(logement=logement, date_fin__isnull=True).first()


def _erreur_deja_attribue(logement: Logement, bail: Bail) -> ValidationError:
    return ValidationError(
        {
            "logement": [
                f"Le logement {logement.identifiant} est déjà attribué (bail signé le "
                f"{bail.date_signature:%d/%m/%Y} avec la demande {bail.demande.numero_unique}) : "
                "il ne peut pas être attribué deux fois."
            ]
        }
    )


def _texte(valeur: str, cle: str, erreurs: dict[str, list[str]]) -> str:
    valeur = (valeur or "").strip()
    if len(valeur) > MOTIF_MAX:
        erreurs.setdefault(cle, []).append(f"Le texte dépasse {MOTIF_MAX} caractères.")
    return valeur


# --- commissions and sessions -------------------------------------------------------------------


@transaction.atomic
def commission_creer(
    *, bailleur: Organisation, nom: str, membres: Sequence[dict[str, Any]] = (), auteur: Any = None
) -> Commission:
    """Create a bailleur's CALEOL with its members (``membres``: dicts with ``nom``, ``qualite``, ``voix``
    and optionally ``organisation``, ``utilisateur``, ``president``). The vote of each kind of member follows
    L441-2 (``voix_par_qualite`` in ``caleol.yaml``)."""
    _exiger_gestion(auteur, bailleur.pk)
    erreurs: dict[str, list[str]] = {}
    nom = (nom or "").strip()
    if not nom:
        erreurs["nom"] = ["Indiquez le nom de la commission."]
    elif Commission.objects.filter(bailleur=bailleur, nom=nom).exists():
        erreurs["nom"] = [f"{bailleur} a déjà une commission nommée « {nom} »."]
    voix_admises = parametres.valeur("voix_par_qualite", timezone.localdate())
    presidents = 0
    for i, m in enumerate(membres, start=1):
        cle = f"membres[{i}]"
        qualite, voix = m.get("qualite", ""), m.get("voix", "")
        if not (m.get("nom") or "").strip():
            erreurs.setdefault(f"{cle}.nom", []).append(f"Membre {i} : indiquez son nom.")
        if qualite not in QualiteMembre.values:
            erreurs.setdefault(f"{cle}.qualite", []).append(f"Membre {i} : qualité « {qualite} » inconnue.")
        elif voix not in voix_admises.get(qualite, []):
            attendu = " ou ".join(Voix(v).label.lower() for v in voix_admises.get(qualite, []))
            erreurs.setdefault(f"{cle}.voix", []).append(
                f"Membre {i} ({QualiteMembre(qualite).label.lower()}) : {attendu} selon L441-2 CCH."
            )
        if m.get("president"):
            presidents += 1
            if voix != Voix.DELIBERATIVE or qualite != QualiteMembre.ADMINISTRATEUR:
                erreurs.setdefault(f"{cle}.president", []).append(
                    f"Membre {i} : le président est élu parmi les membres désignés par le conseil d'administration."
                )
    if presidents > 1:
        erreurs.setdefault("membres", []).append("La commission n'a qu'un président.")
    if erreurs:
        raise ValidationError(erreurs)
    commission = Commission.objects.create(bailleur=bailleur, nom=nom)
    MembreCommission.objects.bulk_create(
        MembreCommission(
            commission=commission,
            nom=m["nom"].strip(),
            qualite=m["qualite"],
            voix=m["voix"],
            organisation=m.get("organisation"),
            utilisateur=m.get("utilisateur"),
            president=bool(m.get("president")),
        )
        for m in membres
    )
    evenement_enregistrer(
        objet=commission,
        action="commission_creee",
        resume=f"Commission « {nom} » créée avec {len(membres)} membre(s).",
        auteur=auteur,
        organisation=bailleur,
    )
    return commission


@transaction.atomic
def seance_creer(*, commission: Commission, date_seance: date, a_distance: bool = False, auteur: Any = None) -> Seance:
    _exiger_gestion(auteur, commission.bailleur_id)
    seance = Seance.objects.create(
        commission=commission, date=date_seance, a_distance=a_distance, cree_par=_utilisateur(auteur)
    )
    evenement_enregistrer(
        objet=seance,
        action="seance_creee",
        resume=f"Séance de « {commission.nom} » prévue le {date_seance:%d/%m/%Y}.",
        auteur=auteur,
        organisation=commission.bailleur,
    )
    return seance


@transaction.atomic
def examen_inscrire(
    *,
    seance: Seance,
    logement: Logement,
    candidats: Sequence[Demande],
    exception: str = "",
    auteur: Any = None,
) -> list[Examen]:
    """Put a dwelling on the session's agenda with its candidates, in the order proposed (rank 1 first).
    At least ``candidats_minimum`` candidates (R441-3), unless ``exception`` names a case of
    ``exceptions_candidats_minimum``: a DALO designation (every candidate recognised DALO) or a PLAI adapté
    dwelling (financed in PLAI)."""
    seance = Seance.objects.select_for_update().select_related("commission__bailleur").get(pk=seance.pk)
    logement = _logement_verrouille(logement)
    _exiger_gestion(auteur, seance.commission.bailleur_id)
    erreurs: dict[str, list[str]] = {}
    if seance.statut != StatutSeance.PREVUE:
        erreurs["seance"] = [f"La séance du {seance.date:%d/%m/%Y} est {seance.get_statut_display().lower()}."]
    if logement.residence.bailleur_id != seance.commission.bailleur_id:
        erreurs["logement"] = [
            f"Le logement {logement.identifiant} n'appartient pas au patrimoine de {seance.commission.bailleur}."
        ]
    elif Examen.objects.filter(seance=seance, logement=logement).exists():
        erreurs["logement"] = [f"Le logement {logement.identifiant} est déjà inscrit à cette séance."]
    elif (bail := _bail_en_cours(logement)) is not None:
        erreurs["logement"] = _erreur_deja_attribue(logement, bail).message_dict["logement"]
    demandes = list(Demande.objects.filter(pk__in=[d.pk for d in candidats]).in_bulk().values())
    par_pk = {d.pk: d for d in demandes}
    vus: set[int] = set()
    for i, d in enumerate(candidats, start=1):
        if d.pk in vus:
            erreurs.setdefault(f"candidats[{i}]", []).append(f"Candidat {i} : la demande {d} est déjà dans la liste.")
        vus.add(d.pk)
        if d.pk in par_pk and par_pk[d.pk].statut != StatutDemande.ACTIVE:
            erreurs.setdefault(f"candidats[{i}]", []).append(
                f"Candidat {i} : la demande {par_pk[d.pk].numero_unique} est radiée."
            )
    minimum = parametres.candidats_minimum(seance.date)
    exceptions = parametres.exceptions_candidats(seance.date)
    exception = (exception or "").strip()
    if exception and exception not in exceptions:
        erreurs["exception"] = [f"Exception « {exception} » inconnue (attendu : {', '.join(exceptions)})."]
    elif exception == "plai_adapte" and logement.financement != Financement.PLAI:
        erreurs["exception"] = [
            f"Le logement {logement.identifiant} n'est pas financé en PLAI : l'exception PLAI adapté ne s'applique pas."
        ]
    elif exception == "designation_dalo":
        for i, d in enumerate(candidats, start=1):
            if d.pk in par_pk and not par_pk[d.pk].dalo_reconnu:
                erreurs.setdefault(f"candidats[{i}]", []).append(
                    f"Candidat {i} : la demande {par_pk[d.pk].numero_unique} n'est pas reconnue prioritaire DALO."
                )
    if not candidats:
        erreurs.setdefault("candidats", []).append("Inscrivez au moins un candidat.")
    elif len(candidats) < minimum and not exception:
        erreurs.setdefault("candidats", []).append(
            f"La commission examine au moins {minimum} candidats par logement (R441-3 CCH) : "
            f"{len(candidats)} proposé(s) pour le logement {logement.identifiant}. Ajoutez des candidats ou "
            f"indiquez l'exception qui s'applique ({' ; '.join(exceptions.values())})."
        )
    if erreurs:
        raise ValidationError(erreurs)
    examens = [
        Examen.objects.create(
            seance=seance,
            logement=logement,
            demande=par_pk[d.pk],
            rang_propose=rang,
            exception_candidats=exception if len(candidats) < minimum else "",
        )
        for rang, d in enumerate(candidats, start=1)
    ]
    for e in examens:
        evenement_enregistrer(
            objet=e.demande,
            action="caleol_inscription",
            resume=f"Votre demande est présentée à la commission d'attribution du {seance.date:%d/%m/%Y} pour un "
            f"logement T{logement.nb_pieces} à {logement.residence.commune_id} (rang proposé : {e.rang_propose}).",
            auteur=auteur,
            organisation=seance.commission.bailleur,
            visible_demandeur=True,
            details={"seance": seance.pk, "logement": logement.pk, "examen": e.pk},
        )
    return examens


# --- decisions ---------------------------------------------------------------------------------


@transaction.atomic
def decision_enregistrer(
    *,
    examen: Examen,
    type_decision: str,
    rang: int | None = None,
    motif: str = "",
    piece_manquante: str = "",
    date_limite_piece: date | None = None,
    auteur: Any = None,
) -> Decision:
    """Record the commission's decision for one candidate (R441-3 a–e). An attribution (a) is rank 1; an
    attribution by rank (b) or under a suspensive condition (c) carries its rank; (c) also names the missing
    document and the deadline to produce it; a non-attribution (d) or a rejection (e) carries its reason."""
    examen = (
        Examen.objects.select_for_update().select_related("seance__commission", "logement", "demande").get(pk=examen.pk)
    )
    _exiger_gestion(auteur, examen.seance.commission.bailleur_id)
    erreurs: dict[str, list[str]] = {}
    motif = _texte(motif, "motif", erreurs)
    piece_manquante = (piece_manquante or "").strip()
    if Decision.objects.filter(examen=examen).exists():
        erreurs["examen"] = [f"La commission a déjà statué sur la demande {examen.demande.numero_unique}."]
    if examen.seance.statut == StatutSeance.ANNULEE:
        erreurs["examen"] = ["La séance est annulée."]
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
    )
    resume = f"Décision de la commission du {examen.seance.date:%d/%m/%Y} : {decision.get_type_display()}"
    if type_decision == TypeDecision.ATTRIBUTION_CLASSEMENT:
        resume += f", rang {rang}"
    if type_decision == TypeDecision.ATTRIBUTION_CONDITION:
        resume += f", sous réserve de produire « {piece_manquante} » avant le {date_limite_piece:%d/%m/%Y}"
    if motif:
        resume += f". Motif : {motif}"
    evenement_enregistrer(
        objet=examen.demande,
        action="caleol_decision",
        resume=resume + ".",
        auteur=auteur,
        organisation=examen.seance.commission.bailleur,
        visible_demandeur=True,
        details={"decision": decision.pk, "type": type_decision, "rang": rang, "logement": examen.logement_id},
    )
    return decision


# --- offers ------------------------------------------------------------------------------------


def _prochaine_decision(logement: Logement) -> Decision | None:
    """The best-ranked positive decision of the dwelling's latest session that has positive decisions,
    whose demand is still active and has not had an offer for this dwelling."""
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


def _emettre(*, logement: Logement, envoyee_le: date, auteur: Any) -> Offre:
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
    decision = _prochaine_decision(logement)
    if decision is None:
        raise ValidationError(
            {
                "logement": [
                    f"Plus aucun candidat retenu par la commission pour le logement {logement.identifiant} : "
                    "inscrivez-le à une nouvelle séance."
                ]
            }
        )
    offre = Offre.objects.create(
        decision=decision,
        logement=logement,
        demande=decision.demande,
        envoyee_le=envoyee_le,
        date_limite=parametres.date_limite_reponse(envoyee_le),
        emise_par=_utilisateur(auteur),
    )
    evenement_enregistrer(
        objet=decision.demande,
        action="offre_emise",
        resume=f"Offre du logement T{logement.nb_pieces} {logement.identifiant} envoyée le {envoyee_le:%d/%m/%Y} : "
        f"répondez au plus tard le {offre.date_limite:%d/%m/%Y} (sans réponse, l'offre est réputée refusée).",
        auteur=auteur,
        organisation=logement.residence.bailleur,
        visible_demandeur=True,
        details={"offre": offre.pk, "logement": logement.pk, "date_limite": offre.date_limite.isoformat()},
    )
    return offre


@transaction.atomic
def offre_emettre(*, logement: Logement, envoyee_le: date | None = None, auteur: Any = None) -> Offre:
    """Offer the dwelling to the best-ranked candidate with an attribution decision; the answer deadline
    comes from ``caleol.yaml`` (R441-10: 10 days)."""
    logement = _logement_verrouille(logement)
    _exiger_gestion(auteur, logement.residence.bailleur_id)
    return _emettre(logement=logement, envoyee_le=_aujourd_hui(envoyee_le), auteur=auteur)


@transaction.atomic
def offre_suivante(*, offre: Offre, envoyee_le: date | None = None, auteur: Any = None) -> Offre:
    """After a refusal (or no answer), offer the dwelling to the next ranked candidate."""
    logement = _logement_verrouille(offre.logement)
    _exiger_gestion(auteur, logement.residence.bailleur_id)
    offre = Offre.objects.get(pk=offre.pk)
    if offre.statut not in (StatutOffre.REFUSEE, StatutOffre.EXPIREE):
        raise ValidationError(
            {"offre": [f"L'offre est {offre.get_statut_display().lower()} : le candidat suivant attend un refus."]}
        )
    return _emettre(logement=logement, envoyee_le=_aujourd_hui(envoyee_le), auteur=auteur)


@transaction.atomic
def offre_repondre(
    *,
    offre: Offre,
    accepte: bool,
    motif_refus: str = "",
    motif_refus_detail: str = "",
    logement_adapte: bool | None = None,
    repondue_le: date | None = None,
    auteur: Any = None,
) -> Offre:
    """Record the applicant's answer. A refusal carries a structured reason (``MotifRefus``) and whether the
    dwelling was adapted to the household's needs and means (R441-2-10 11°, for the cotation)."""
    offre = Offre.objects.select_for_update().select_related("logement__residence", "demande").get(pk=offre.pk)
    _exiger_gestion(auteur, offre.logement.residence.bailleur_id)
    jour = _aujourd_hui(repondue_le)
    erreurs: dict[str, list[str]] = {}
    detail = _texte(motif_refus_detail, "motif_refus_detail", erreurs)
    if offre.statut != StatutOffre.EN_ATTENTE:
        raise ValidationError({"offre": [f"L'offre a déjà une réponse : {offre.get_statut_display().lower()}."]})
    if jour < offre.envoyee_le:
        erreurs["repondue_le"] = [f"La réponse précède l'envoi de l'offre ({offre.envoyee_le:%d/%m/%Y})."]
    elif jour > offre.date_limite:
        erreurs["repondue_le"] = [
            f"Le délai de réponse a expiré le {offre.date_limite:%d/%m/%Y} : l'absence de réponse vaut refus (R441-10)."
        ]
    if not accepte:
        motifs = [m for m in MotifRefus.values if m != MotifRefus.SANS_REPONSE]
        if motif_refus not in motifs:
            erreurs["motif_refus"] = [f"Indiquez le motif du refus parmi : {', '.join(motifs)}."]
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
            f"Refus de l'offre du logement {offre.logement.identifiant} le {jour:%d/%m/%Y} : "
            f"{MotifRefus(motif_refus).label}{f' ({detail})' if detail else ''}."
        )
    offre.save(update_fields=["statut", "repondue_le", "motif_refus", "motif_refus_detail", "logement_adapte"])
    evenement_enregistrer(
        objet=offre.demande,
        action="offre_acceptee" if accepte else "offre_refusee",
        resume=resume,
        auteur=auteur,
        organisation=offre.logement.residence.bailleur,
        visible_demandeur=True,
        details={"offre": offre.pk, "motif": motif_refus, "logement_adapte": logement_adapte},
    )
    return offre


@transaction.atomic
def offres_expirer(*, aujourd_hui: date | None = None) -> int:
    """Offers still waiting after their deadline are refused for lack of answer (R441-10). Returns how many."""
    jour = _aujourd_hui(aujourd_hui)
    echues = list(
        Offre.objects.select_for_update()
        .filter(statut=StatutOffre.EN_ATTENTE, date_limite__lt=jour)
        .select_related("logement__residence", "demande")
    )
    for offre in echues:
        offre.statut = StatutOffre.EXPIREE
        offre.repondue_le = jour
        offre.motif_refus = MotifRefus.SANS_REPONSE
        offre.save(update_fields=["statut", "repondue_le", "motif_refus"])
        evenement_enregistrer(
            objet=offre.demande,
            action="offre_expiree",
            resume=f"Sans réponse au {offre.date_limite:%d/%m/%Y}, l'offre du logement {offre.logement.identifiant} "
            "est réputée refusée (R441-10 CCH).",
            organisation=offre.logement.residence.bailleur,
            visible_demandeur=True,
            details={"offre": offre.pk},
        )
    return len(echues)


# --- lease -------------------------------------------------------------------------------------


def _orientation_du_logement(logement: Logement) -> Orientation | None:
    return (
        Orientation.objects.select_for_update(of=("self",))
        .select_related("convention")
        .filter(logement_libere__logement=logement, actuelle=True)
        .exclude(statut=StatutOrientation.ATTRIBUEE)
        .order_by("-logement_libere__date_liberation", "-pk")
        .first()
    )


def _contingent(orientation: Orientation | None) -> str:
    if orientation is None or orientation.statut == StatutOrientation.ECHUE or orientation.convention is None:
        return Contingent.NON_RESERVE
    return CONTINGENT_PAR_CATEGORIE[CategorieConvention(orientation.convention.categorie)]


def _adresse(logement: Logement) -> str:
    r = logement.residence
    rue = " ".join(p for p in (r.numero_voie, r.indice_repetition, r.type_voie, r.nom_voie) if p)
    return ", ".join(p for p in (rue, f"{r.code_postal} {r.commune_id}".strip()) if p)


@transaction.atomic
def bail_signer(
    *,
    offre: Offre,
    date_signature: date,
    accord_collectif: bool,
    deja_locataire: bool,
    auteur: Any = None,
) -> Bail:
    """Record the lease after an accepted offer, with the SNE attribution fields (bailleur SIREN, lease date,
    RPLS id or address, QPV, contingent charged from the flux orientation, DALO, accord collectif, already a
    tenant), strike the demand off with the reason « attribution » and mark the flux orientation attributed.
    The dwelling row is locked and a lease in progress is unique per dwelling: a dwelling is never attributed
    twice, even by concurrent calls (the losers get a French error and write nothing)."""
    logement = _logement_verrouille(offre.logement)
    _exiger_gestion(auteur, logement.residence.bailleur_id)
    offre = Offre.objects.select_for_update().select_related("decision", "demande").get(pk=offre.pk)
    if (bail := _bail_en_cours(logement)) is not None:
        raise _erreur_deja_attribue(logement, bail)
    erreurs: dict[str, list[str]] = {}
    demande = offre.demande
    if offre.statut != StatutOffre.ACCEPTEE:
        erreurs["offre"] = [f"L'offre est {offre.get_statut_display().lower()} : le bail suit une offre acceptée."]
    if demande.statut != StatutDemande.ACTIVE:
        erreurs["demande"] = [f"La demande {demande.numero_unique} est radiée."]
    if date_signature < offre.envoyee_le:
        erreurs["date_signature"] = [f"Le bail ne peut précéder l'offre du {offre.envoyee_le:%d/%m/%Y}."]
    decision = offre.decision
    if (
        decision.type == TypeDecision.ATTRIBUTION_CONDITION
        and decision.date_limite_piece is not None
        and date_signature > decision.date_limite_piece
    ):
        erreurs["date_signature"] = [
            f"Attribution sous condition suspensive : la pièce « {decision.piece_manquante} » était attendue avant "
            f"le {decision.date_limite_piece:%d/%m/%Y}."
        ]
    bailleur = logement.residence.bailleur
    if bailleur is None:
        erreurs["logement"] = [f"Le logement {logement.identifiant} n'a pas de bailleur connu."]
    elif not (bailleur.siren.isdigit() and len(bailleur.siren) == 9):
        erreurs["siren_bailleur"] = [
            f"Le SIREN de {bailleur} (9 chiffres) manque ou est invalide : il est transmis au SNE avec l'attribution."
        ]
    adresse = _adresse(logement)
    if not logement.identifiant_rpls and not adresse:
        erreurs["logement"] = [f"Le logement {logement.identifiant} n'a ni identifiant RPLS ni adresse."]
    if erreurs:
        raise ValidationError(erreurs)
    assert bailleur is not None
    orientation = _orientation_du_logement(logement)
    try:
        with transaction.atomic():
            bail = Bail.objects.create(
                logement=logement,
                demande=demande,
                offre=offre,
                bailleur=bailleur,
                date_signature=date_signature,
                siren_bailleur=bailleur.siren,
                identifiant_rpls=logement.identifiant_rpls,
                adresse=adresse,
                typologie=logement.nb_pieces,
                surface_habitable=logement.surface_habitable,
                loyer_principal=logement.loyer_principal,
                en_qpv=logement.residence.en_qpv,
                contingent=_contingent(orientation),
                orientation=orientation,
                dalo=demande.dalo_reconnu,
                accord_collectif=accord_collectif,
                deja_locataire=deja_locataire,
                enregistre_par=_utilisateur(auteur),
            )
    except IntegrityError:
        raise ValidationError(
            {
                "logement": [
                    f"Le logement {logement.identifiant} vient d'être attribué : il ne peut pas l'être deux fois."
                ]
            }
        ) from None
    demande_radier(
        demande=demande,
        auteur=auteur,
        motif=MotifRadiation.ATTRIBUTION,
        organisation=bailleur,
        date_radiation=date_signature,
        commentaire=f"Bail du logement {logement.identifiant} signé le {date_signature:%d/%m/%Y}.",
    )
    if orientation is not None and orientation.statut != StatutOrientation.ECHUE:
        orientation.statut = StatutOrientation.ATTRIBUEE
        orientation.demande_attribuee = demande
        orientation.attribuee_le = date_signature
        orientation.save(update_fields=["statut", "demande_attribuee", "attribuee_le"])
    evenement_enregistrer(
        objet=demande,
        action="attribution",
        resume=f"Logement {logement.identifiant} attribué : bail signé le {date_signature:%d/%m/%Y}.",
        auteur=auteur,
        organisation=bailleur,
        visible_demandeur=True,
        details={"bail": bail.pk, "logement": logement.pk, "contingent": bail.contingent},
    )
    return bail
