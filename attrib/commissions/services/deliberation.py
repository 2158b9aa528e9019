"""Writes of the CALEOL, the offers and the leases (DOMAIN.md §1.6, §1.7). Every function is atomic; the
events the applicant must see (submission to the commission, decision, offer, refusal, attribution) are
recorded on the demand with ``visible_demandeur=True``. Errors are ``ValidationError`` with French messages
keyed by field.

Every write takes its actor (``auteur: Acteur``: the user of a request, or ``acteur_systeme(…)`` for a command
or the demonstration) and checks it with the predicates of ``attrib.commissions.permissions`` before it
writes anything: a refusal raises ``Refus`` (a ``PermissionDenied``) saying who may act."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attrib.commissions import courrier, parametres, permissions, proces_verbal, selectors
from attrib.commissions.enums import (
    DECISIONS_POSITIVES,
    Contingent,
    ModePresence,
    MotifRefus,
    QualiteMembre,
    SensVote,
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
    Presence,
    Seance,
    Vote,
)
from attrib.common.lots import Bilan, traiter
from attrib.common.services import evenement_enregistrer
from attrib.cotation.models import Cotation
from attrib.demandes.enums import MotifRadiation, StatutDemande
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_radier
from attrib.documents.models import Document
from attrib.flux.enums import CategorieConvention, StatutOrientation
from attrib.flux.models import Orientation
from attrib.flux.services import orientation_attribuer, orientation_du_logement_a_attribuer
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, User
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


#: A time given by a screen (to the minute) may run a little ahead of the server's clock.
_TOLERANCE_HORLOGE = timedelta(minutes=2)


def _aujourd_hui(aujourd_hui: date | None) -> date:
    return aujourd_hui or timezone.localdate()


def _horodatage(quand: datetime | None) -> datetime:
    return quand or timezone.now()


def _le(quand: datetime) -> str:
    return f"{timezone.localtime(quand):%d/%m/%Y à %H:%M}"


def _pas_dans_le_futur(quand: date | datetime, cle: str, quoi: str, erreurs: dict[str, list[str]]) -> None:
    """An event is recorded once it has happened: never later than now (today for a date)."""
    if isinstance(quand, datetime):
        if quand > timezone.now() + _TOLERANCE_HORLOGE:
            erreurs.setdefault(cle, []).append(f"{quoi} ({_le(quand)}) est dans le futur.")
    elif quand > timezone.localdate():
        erreurs.setdefault(cle, []).append(f"{quoi} ({quand:%d/%m/%Y}) est dans le futur.")


def _heure_de_seance(seance: Seance, *apres: datetime | None) -> datetime:
    """The time of an event of the session left unsaid: the clock when it is recorded on the session's day;
    recorded later, the session's own time (its opening, or the latest of ``apres``), never the day of the
    recording: a decision belongs to the session that took it."""
    if seance.date == timezone.localdate() or seance.ouverte_le is None:
        return timezone.now()
    return max([seance.ouverte_le, *(a for a in apres if a is not None)])


def _utilisateur(auteur: Acteur) -> User | None:
    """The user recorded in the ``…_par`` fields and the audit trail (none for the system)."""
    return auteur.utilisateur


def _exiger_gestion(auteur: Acteur, bailleur_id: int | None) -> None:
    auteur.exiger(
        permissions.gere_bailleur(auteur, bailleur_id),
        "Seuls les gestionnaires du bailleur gèrent ses commissions d'attribution, ses offres et ses baux.",
    )


def _exiger_inscription(auteur: Acteur, logement: Logement, bailleur_id: int | None) -> None:
    """Putting a dwelling on the agenda: the bailleur's managers, or the managers of the réservataire to which
    the dwelling is oriented (they designate its candidates, R441-3)."""
    if permissions.gere_bailleur(auteur, bailleur_id):
        return
    orientation = orientation_du_logement_a_attribuer(logement=logement)
    auteur.exiger(
        orientation is not None
        and orientation.reservataire_id is not None
        and auteur.est_membre(orientation.reservataire_id, ecriture=True),
        "Seuls les gestionnaires du bailleur, ou du réservataire auquel le logement est orienté, inscrivent ses "
        "candidats à l'ordre du jour.",
    )


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
    *,
    bailleur: Organisation,
    nom: str,
    membres: Sequence[dict[str, Any]] = (),
    quorum: int | None = None,
    auteur: Acteur,
) -> Commission:
    """Create a bailleur's CALEOL with its members (``membres``: dicts with ``nom``, ``qualite``, ``voix``
    and optionally ``organisation``, ``utilisateur``, ``president``). The vote of each kind of member follows
    L441-2 (``voix_par_qualite`` in ``caleol.yaml``). ``quorum``: the number of deliberative members its
    internal rules require (``None``: the default rule ``quorum_defaut`` of ``caleol.yaml``)."""
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
    utilisateurs = [m["utilisateur"].pk for m in membres if m.get("utilisateur") is not None]
    if len(utilisateurs) != len(set(utilisateurs)):
        erreurs.setdefault("membres", []).append("Un même compte utilisateur ne représente qu'un membre.")
    _verifier_quorum(quorum, sum(1 for m in membres if m.get("voix") == Voix.DELIBERATIVE), erreurs)
    if erreurs:
        raise ValidationError(erreurs)
    commission = Commission.objects.create(bailleur=bailleur, nom=nom, quorum=quorum)
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
        auteur=_utilisateur(auteur),
        organisation=bailleur,
    )
    return commission


def _verifier_quorum(quorum: int | None, deliberatifs: int, erreurs: dict[str, list[str]]) -> None:
    if quorum is None:
        return
    if isinstance(quorum, bool) or not isinstance(quorum, int) or quorum < 1:
        erreurs["quorum"] = ["Le quorum est un nombre de membres, au moins 1."]
    elif quorum > deliberatifs:
        erreurs["quorum"] = [
            f"Le quorum ({quorum}) dépasse le nombre de membres à voix délibérative ({deliberatifs}) : "
            "la commission ne pourrait jamais délibérer."
        ]


@transaction.atomic
def commission_quorum_fixer(*, commission: Commission, quorum: int | None, auteur: Acteur) -> Commission:
    """Record the quorum of the commission's internal rules (``None``: back to the default rule)."""
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    _exiger_gestion(auteur, commission.bailleur_id)
    erreurs: dict[str, list[str]] = {}
    _verifier_quorum(quorum, commission.membres.filter(voix=Voix.DELIBERATIVE).count(), erreurs)
    if erreurs:
        raise ValidationError(erreurs)
    avant = commission.quorum
    commission.quorum = quorum
    commission.save(update_fields=["quorum"])
    evenement_enregistrer(
        objet=commission,
        action="commission_quorum",
        resume=f"Quorum du règlement intérieur : {quorum if quorum is not None else 'règle par défaut'} "
        f"(auparavant : {avant if avant is not None else 'règle par défaut'}).",
        auteur=_utilisateur(auteur),
        organisation=commission.bailleur,
    )
    return commission


@transaction.atomic
def seance_creer(*, commission: Commission, date_seance: date, a_distance: bool = False, auteur: Acteur) -> Seance:
    _exiger_gestion(auteur, commission.bailleur_id)
    seance = Seance.objects.create(
        commission=commission, date=date_seance, a_distance=a_distance, cree_par=_utilisateur(auteur)
    )
    evenement_enregistrer(
        objet=seance,
        action="seance_creee",
        resume=f"Séance de « {commission.nom} » prévue le {date_seance:%d/%m/%Y}.",
        auteur=_utilisateur(auteur),
        organisation=commission.bailleur,
    )
    return seance


# --- attendance, opening, votes, closing ----------------------------------------------------------


def _seance_verrouillee(seance: Seance) -> Seance:
    return Seance.objects.select_for_update().select_related("commission__bailleur").get(pk=seance.pk)


@transaction.atomic
def presences_enregistrer(*, seance: Seance, presences: Mapping[int, str], auteur: Acteur) -> list[Presence]:
    """Record who attends the session: ``presences`` maps each member's id to ``seance`` (in the room),
    ``distance`` (remotely, only in a remote session) or ``""`` (absent). Members left out keep their state.
    A member who has already voted stays present."""
    seance = _seance_verrouillee(seance)
    _exiger_gestion(auteur, seance.commission.bailleur_id)
    erreurs: dict[str, list[str]] = {}
    if seance.statut not in (StatutSeance.PREVUE, StatutSeance.OUVERTE):
        raise ValidationError(
            {"seance": [f"La séance du {seance.date:%d/%m/%Y} est {seance.get_statut_display().lower()}."]}
        )
    membres = {m.pk: m for m in seance.commission.membres.all()}
    actuelles = {p.membre_id: p for p in seance.presences.all()}
    votants = set(Vote.objects.filter(presence__seance=seance).values_list("presence__membre_id", flat=True))
    for membre_id, mode in presences.items():
        cle = f"membre_{membre_id}"
        membre = membres.get(membre_id)
        if membre is None:
            erreurs.setdefault("presences", []).append("Un membre indiqué ne siège pas dans cette commission.")
            continue
        if mode and mode not in ModePresence.values:
            erreurs[cle] = [f"{membre.nom} : présence « {mode} » inconnue."]
        elif mode == ModePresence.DISTANCE and not seance.a_distance:
            erreurs[cle] = [
                f"{membre.nom} : la séance n'est pas ouverte à la participation à distance (CAL numérique)."
            ]
        elif not mode and membre_id in votants:
            erreurs[cle] = [f"{membre.nom} a déjà voté : sa présence ne peut plus être retirée."]
    if erreurs:
        raise ValidationError(erreurs)
    for membre_id, mode in presences.items():
        presence = actuelles.get(membre_id)
        if not mode:
            if presence is not None:
                presence.delete()
        elif presence is None:
            actuelles[membre_id] = Presence.objects.create(
                seance=seance,
                membre=membres[membre_id],
                mode=mode,
                voix=membres[membre_id].voix,
                enregistree_par=_utilisateur(auteur),
            )
        elif presence.mode != mode:
            presence.mode = mode
            presence.save(update_fields=["mode"])
    etat = selectors.quorum(seance)
    evenement_enregistrer(
        objet=seance,
        action="seance_presences",
        resume=f"Présences enregistrées. {etat.phrase}",
        auteur=_utilisateur(auteur),
        organisation=seance.commission.bailleur,
        details={str(m): mode for m, mode in presences.items()},  # JSON keys are strings
    )
    return list(seance.presences.select_related("membre"))


@transaction.atomic
def seance_ouvrir(*, seance: Seance, ouverte_le: datetime | None = None, auteur: Acteur) -> Seance:
    """Open the session: the quorum must hold (members present in the room, and remotely in a remote session).
    ``ouverte_le`` is the time of the opening (now by default): on the day of the session, never in the future."""
    seance = _seance_verrouillee(seance)
    quand = _horodatage(ouverte_le)
    _exiger_gestion(auteur, seance.commission.bailleur_id)
    if seance.statut != StatutSeance.PREVUE:
        raise ValidationError(
            {"seance": [f"La séance du {seance.date:%d/%m/%Y} est {seance.get_statut_display().lower()}."]}
        )
    erreurs: dict[str, list[str]] = {}
    _pas_dans_le_futur(quand, "ouverte_le", "L'ouverture de la séance", erreurs)
    if not erreurs and timezone.localtime(quand).date() != seance.date:
        erreurs["ouverte_le"] = [
            f"La séance est prévue le {seance.date:%d/%m/%Y} : elle s'ouvre ce jour-là (ouverture indiquée : "
            f"{_le(quand)}). Indiquez l'heure d'ouverture de la séance tenue ce jour."
        ]
    etat = selectors.quorum(seance)
    if not etat.atteint:
        erreurs["presences"] = [f"{etat.phrase} La séance ne peut pas s'ouvrir."]
    if erreurs:
        raise ValidationError(erreurs)
    seance.statut = StatutSeance.OUVERTE
    seance.ouverte_le = quand
    seance.save(update_fields=["statut", "ouverte_le"])
    evenement_enregistrer(
        objet=seance,
        action="seance_ouverte",
        resume=f"Séance ouverte le {_le(quand)}. {etat.phrase}",
        auteur=_utilisateur(auteur),
        organisation=seance.commission.bailleur,
        details={"ouverte_le": quand.isoformat()},
    )
    return seance


@transaction.atomic
def seance_cloturer(*, seance: Seance, close_le: datetime | None = None, auteur: Acteur) -> Seance:
    """Close the session (statut « tenue »): every candidate on the agenda has its decision. ``close_le`` is the
    time of the closing (now by default): after the opening and every decision, never in the future."""
    seance = _seance_verrouillee(seance)
    derniere = seance.decisions.order_by("-decide_le").first()
    quand = close_le or _heure_de_seance(seance, derniere.decide_le if derniere is not None else None)
    _exiger_gestion(auteur, seance.commission.bailleur_id)
    if seance.statut != StatutSeance.OUVERTE:
        raise ValidationError(
            {"seance": [f"Seule une séance ouverte se clôt (celle-ci est {seance.get_statut_display().lower()})."]}
        )
    sans = list(
        seance.examens.filter(decision__isnull=True)
        .select_related("demande", "logement")
        .order_by("logement__identifiant", "rang_propose")
    )
    if sans:
        liste = ", ".join(f"{e.demande.numero_unique} ({e.logement.identifiant})" for e in sans)
        raise ValidationError(
            {"seance": [f"La commission n'a pas encore statué sur {len(sans)} candidature(s) : {liste}."]}
        )
    erreurs: dict[str, list[str]] = {}
    _pas_dans_le_futur(quand, "close_le", "La clôture de la séance", erreurs)
    if seance.ouverte_le is not None and quand < seance.ouverte_le:
        erreurs.setdefault("close_le", []).append(
            f"La clôture ({_le(quand)}) précède l'ouverture de la séance ({_le(seance.ouverte_le)})."
        )
    # A time typed on a screen is to the minute: a closing in the minute of the last decision follows it.
    if derniere is not None and quand < derniere.decide_le.replace(second=0, microsecond=0):
        erreurs.setdefault("close_le", []).append(
            f"La clôture ({_le(quand)}) précède la dernière décision de la séance ({_le(derniere.decide_le)})."
        )
    if erreurs:
        raise ValidationError(erreurs)
    seance.statut = StatutSeance.TENUE
    seance.close_le = quand
    seance.save(update_fields=["statut", "close_le"])
    evenement_enregistrer(
        objet=seance,
        action="seance_close",
        resume=f"Séance du {seance.date:%d/%m/%Y} close le {_le(quand)} : {seance.decisions.count()} décision(s).",
        auteur=_utilisateur(auteur),
        organisation=seance.commission.bailleur,
        details={"close_le": quand.isoformat()},
    )
    proces_verbal.figer(seance, auteur=auteur)
    return seance


@transaction.atomic
def proces_verbal_corriger(*, seance: Seance, motif: str, auteur: Acteur) -> Document:
    """A corrected version of the minutes of a closed session, beside the first one (``motif`` required)."""
    seance = _seance_verrouillee(seance)
    _exiger_gestion(auteur, seance.commission.bailleur_id)
    if seance.statut != StatutSeance.TENUE:
        raise ValidationError({"seance": ["Seul le procès-verbal d'une séance close se corrige."]})
    if not (motif or "").strip():
        raise ValidationError({"motif": ["Indiquez le motif de la correction du procès-verbal."]})
    return proces_verbal.figer(seance, motif=motif, auteur=auteur)


@transaction.atomic
def vote_enregistrer(
    *, examen: Examen, membre: MembreCommission, sens: str, a_distance: bool = False, auteur: Acteur
) -> Vote:
    """Record (or change, until the decision) the vote of a deliberative member on the attribution of the
    dwelling to one candidate, during an open session. In the room the bailleur's secretary records it; a
    remote vote (``a_distance``) is cast by the member's own account in a remote session, and the member's
    connection counts as remote attendance."""
    examen = Examen.objects.select_for_update().select_related("seance__commission__bailleur").get(pk=examen.pk)
    seance = examen.seance
    membre = MembreCommission.objects.get(pk=membre.pk)
    if a_distance:
        auteur.exiger(
            auteur.est_systeme or (auteur.user_id is not None and auteur.user_id == membre.utilisateur_id),
            "Un vote à distance s'exprime depuis le compte du membre.",
        )
    else:
        _exiger_gestion(auteur, seance.commission.bailleur_id)
    erreurs: dict[str, list[str]] = {}
    if membre.commission_id != seance.commission_id:
        erreurs["membre"] = [f"{membre.nom} ne siège pas dans cette commission."]
    elif membre.voix != Voix.DELIBERATIVE:
        erreurs["membre"] = [f"{membre.nom} a voix consultative : seuls les membres à voix délibérative votent."]
    if sens not in SensVote.values:
        erreurs["sens"] = ["Votez pour, contre ou abstention."]
    if seance.statut != StatutSeance.OUVERTE:
        erreurs["seance"] = [f"La séance est {seance.get_statut_display().lower()} : on ne vote qu'en séance ouverte."]
    elif a_distance and not seance.a_distance:
        erreurs["seance"] = ["Cette séance ne prévoit pas de vote à distance."]
    if Decision.objects.filter(examen=examen).exists():
        erreurs["examen"] = [f"La commission a déjà statué sur la demande {examen.demande.numero_unique}."]
    if erreurs:
        raise ValidationError(erreurs)
    presence = Presence.objects.filter(seance=seance, membre=membre).first()
    if presence is None:
        if not a_distance:
            raise ValidationError({"membre": [f"{membre.nom} n'est pas noté présent : enregistrez sa présence."]})
        presence = Presence.objects.create(
            seance=seance,
            membre=membre,
            mode=ModePresence.DISTANCE,
            voix=membre.voix,
            enregistree_par=membre.utilisateur,
        )
    vote, _ = Vote.objects.update_or_create(
        examen=examen,
        presence=presence,
        defaults={"voix": presence.voix, "sens": sens, "a_distance": a_distance, "saisi_par": _utilisateur(auteur)},
    )
    evenement_enregistrer(
        objet=seance,
        action="vote",
        resume=f"{membre.nom} : {SensVote(sens).label.lower()} (demande {examen.demande.numero_unique}, "
        f"logement {examen.logement.identifiant}){' à distance' if a_distance else ''}.",
        auteur=_utilisateur(auteur),
        organisation=seance.commission.bailleur,
        details={"examen": examen.pk, "membre": membre.pk, "sens": sens},
    )
    return vote


@transaction.atomic
def examen_inscrire(
    *,
    seance: Seance,
    logement: Logement,
    candidats: Sequence[Demande],
    exception: str = "",
    derogation_offre: str = "",
    auteur: Acteur,
) -> list[Examen]:
    """Put a dwelling on the session's agenda with its candidates, in the order proposed (rank 1 first).
    At least ``candidats_minimum`` candidates (R441-3), unless ``exception`` names a case of
    ``exceptions_candidats_minimum``: a DALO designation (every candidate recognised DALO) or a PLAI adapté
    dwelling (financed in PLAI).

    One household, one attribution at a time: a candidate holding an offer waiting for its answer or accepted
    (for another dwelling) is put on the agenda only with ``derogation_offre``, the reason of that explicit
    decision, journalled on the demand; otherwise refused with a French message naming the offer."""
    seance = Seance.objects.select_for_update().select_related("commission__bailleur").get(pk=seance.pk)
    logement = _logement_verrouille(logement)
    _exiger_inscription(auteur, logement, seance.commission.bailleur_id)
    erreurs: dict[str, list[str]] = {}
    if seance.statut not in (StatutSeance.PREVUE, StatutSeance.OUVERTE):
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
    derogation_offre = _texte(derogation_offre, "derogation_offre", erreurs)
    tenus = selectors.offres_en_cours([d.pk for d in candidats], sauf_logement=logement.pk)
    if not derogation_offre:
        for i, d in enumerate(candidats, start=1):
            if d.pk in tenus:
                erreurs.setdefault(f"candidats[{i}]", []).append(
                    f"Candidat {i} : la demande {d.numero_unique} a déjà une offre en cours "
                    f"({selectors.phrase_offre_en_cours(tenus[d.pk]).removeprefix('Offre en cours : ').rstrip('.')}) :"
                    " un ménage n'a qu'une attribution à la fois. Pour l'inscrire malgré tout, indiquez le motif "
                    "de cette décision."
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
        if e.demande_id in tenus:
            _journaliser_derogation(
                demande=e.demande,
                offre=tenus[e.demande_id],
                action="designation_malgre_offre",
                quoi=f"Inscription à la séance du {seance.date:%d/%m/%Y} pour le logement {logement.identifiant}",
                motif=derogation_offre,
                auteur=auteur,
                organisation=seance.commission.bailleur,
                details={"examen": e.pk, "seance": seance.pk},
            )
        evenement_enregistrer(
            objet=e.demande,
            action="caleol_inscription",
            resume=f"Votre demande est présentée à la commission d'attribution du {seance.date:%d/%m/%Y} pour "
            f"{_logement_en_clair(logement)} (rang proposé : {e.rang_propose}).",
            auteur=_utilisateur(auteur),
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
    for membre_id, sens in (votes or {}).items():
        Vote.objects.update_or_create(
            examen=examen,
            presence=presences[membre_id],
            defaults={"voix": Voix.DELIBERATIVE, "sens": sens, "a_distance": False, "saisi_par": _utilisateur(auteur)},
        )
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


def _journaliser_derogation(
    *,
    demande: Demande,
    offre: Offre,
    action: str,
    quoi: str,
    motif: str,
    auteur: Acteur,
    organisation: Organisation | None,
    details: dict[str, Any],
) -> None:
    """The explicit decision to go past « one household, one attribution at a time », with its reason."""
    evenement_enregistrer(
        objet=demande,
        action=action,
        resume=f"{quoi} malgré l'offre en cours (logement {offre.logement.identifiant}). Motif : {motif}",
        auteur=_utilisateur(auteur),
        organisation=organisation,
        details={**details, "offre_en_cours": offre.pk, "statut_offre": offre.statut, "motif": motif},
    )


def _logement_en_clair(logement: Logement) -> str:
    return f"le logement T{logement.nb_pieces} {logement.identifiant} à {logement.residence.commune.nom}"


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
    dwelling was adapted to the household's needs and means (R441-2-10 11°, for the cotation)."""
    offre = (
        Offre.objects.select_for_update(of=("self", "logement", "logement__residence"))
        .select_related("logement__residence", "demande")
        .get(pk=offre.pk)
    )
    _exiger_gestion(auteur, offre.logement.residence.bailleur_id)
    jour = _aujourd_hui(repondue_le)
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
        details={"offre": offre.pk, "motif": motif_refus, "logement_adapte": logement_adapte, "message": resume},
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


# --- lease -------------------------------------------------------------------------------------


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
    auteur: Acteur,
) -> Bail:
    """Record the lease after an accepted offer, with the SNE attribution fields (bailleur SIREN, lease date,
    RPLS id or address, QPV, contingent charged from the flux orientation, DALO, accord collectif, already a
    tenant), strike the demand off with the reason « attribution » and mark the flux orientation attributed.
    The dwelling row is locked and a lease in progress is unique per dwelling: a dwelling is never attributed
    twice, even by concurrent calls (the losers get a French error and write nothing)."""
    logement = _logement_verrouille(offre.logement)
    _exiger_gestion(auteur, logement.residence.bailleur_id)
    offre = (
        Offre.objects.select_for_update(of=("self", "decision")).select_related("decision", "demande").get(pk=offre.pk)
    )
    if (bail := _bail_en_cours(logement)) is not None:
        raise _erreur_deja_attribue(logement, bail)
    erreurs: dict[str, list[str]] = {}
    demande = offre.demande
    if offre.statut != StatutOffre.ACCEPTEE:
        erreurs["offre"] = [f"L'offre est {offre.get_statut_display().lower()} : le bail suit une offre acceptée."]
    if demande.statut != StatutDemande.ACTIVE:
        erreurs["demande"] = [f"La demande {demande.numero_unique} est radiée."]
    _pas_dans_le_futur(date_signature, "date_signature", "La signature du bail", erreurs)
    if date_signature < offre.envoyee_le:
        erreurs.setdefault("date_signature", []).append(
            f"Le bail ne peut précéder l'offre du {offre.envoyee_le:%d/%m/%Y}."
        )
    elif offre.repondue_le is not None and date_signature < offre.repondue_le:
        erreurs.setdefault("date_signature", []).append(
            f"Le bail ne peut précéder l'acceptation de l'offre le {offre.repondue_le:%d/%m/%Y}."
        )
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
    orientation = orientation_du_logement_a_attribuer(logement=logement)
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
    if orientation is not None:
        orientation_attribuer(orientation=orientation, demande=demande, date_attribution=date_signature, auteur=auteur)
    evenement_enregistrer(
        objet=demande,
        action="attribution",
        resume=f"Bail signé le {date_signature:%d/%m/%Y} pour {_logement_en_clair(logement)} : votre demande est "
        "satisfaite, elle est radiée du fichier (motif : attribution d'un logement).",
        auteur=_utilisateur(auteur),
        organisation=bailleur,
        visible_demandeur=True,
        details={"bail": bail.pk, "logement": logement.pk, "contingent": bail.contingent},
    )
    return bail


def prochaine_decision(logement: Logement) -> Decision | None:
    """The candidate the dwelling would be offered to next (read only; ``offre_emettre`` decides)."""
    return _prochaine_decision(logement)
