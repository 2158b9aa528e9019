"""A session's course: attendance, opening on the quorum, the agenda (a dwelling and its candidates,
R441-3), the members' votes, closing with its minutes and their correction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.commissions import parametres, permissions, proces_verbal, selectors
from attrib.commissions.enums import ModePresence, SensVote, StatutSeance, Voix
from attrib.commissions.models import Decision, Examen, MembreCommission, Presence, Seance, Vote
from attrib.commissions.services._commun import (
    _bail_en_cours,
    _erreur_deja_attribue,
    _exiger_gestion,
    _heure_de_seance,
    _horodatage,
    _journaliser_derogation,
    _le,
    _logement_en_clair,
    _logement_verrouille,
    _pas_dans_le_futur,
    _texte,
    _utilisateur,
)
from attrib.common.services import evenement_enregistrer
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.documents.models import Document
from attrib.flux.services import orientation_du_logement_a_attribuer
from attrib.organisations.acteurs import Acteur
from attrib.patrimoine.enums import Financement
from attrib.patrimoine.models import Logement


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
    commentaires: Sequence[str] | None = None,
) -> list[Examen]:
    """Put a dwelling on the session's agenda with its candidates, in the order proposed (rank 1 first).
    ``commentaires``: what the réservataire who chose them says of each (same order), shown on the agenda.
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
    if commentaires is not None and len(commentaires) != len(candidats):
        erreurs.setdefault("candidats", []).append("Un commentaire par candidat, dans l'ordre des candidats.")
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
            commentaire_reservataire=(commentaires[rang - 1] if commentaires else "").strip(),
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
