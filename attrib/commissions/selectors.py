"""Reads of the CALEOL screens: commissions and sessions visible to an actor, the quorum of a session, the
tally of the votes on a candidate, the agenda grouped by dwelling (with the flux orientation and each
candidate's score and its reasons), the offers of a bailleur, and the applicant's notifications."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from attrib.commissions import parametres

# The quorum and the tally are reads of the screens (re-exported here); their rules are the engine's
# (attrib.engine.caleol), applied to the stored presences and votes by attrib.commissions.deliberation.
from attrib.commissions.deliberation import decompte
from attrib.commissions.deliberation import quorum as quorum
from attrib.commissions.deliberation import quorum_requis as quorum_requis
from attrib.commissions.deliberation import votes_comptes as votes_comptes
from attrib.commissions.enums import StatutOffre, StatutSeance, Voix
from attrib.commissions.models import (
    STATUTS_OFFRE_EN_COURS,
    Commission,
    Decision,
    Examen,
    MembreCommission,
    Offre,
    Presence,
    Seance,
    Vote,
)
from attrib.commissions.permissions import bailleurs_suivis_ids
from attrib.common.models import Evenement
from attrib.demandes.models import Demande
from attrib.engine.caleol import Decompte
from attrib.flux.models import Orientation
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.patrimoine.models import Logement

#: Events of the CALEOL and the offers that the applicant is told about (in the order of the procedure).
ACTIONS_NOTIFIEES = {
    "caleol_inscription": "Présentation en commission",
    "caleol_decision": "Décision de la commission",
    "offre_emise": "Offre de logement",
    "offre_acceptee": "Offre acceptée",
    "offre_refusee": "Offre refusée",
    "offre_expiree": "Offre sans réponse",
    "attribution": "Bail signé",
}


def commissions_visibles(acteur: Acteur) -> QuerySet[Commission]:
    return Commission.objects.visible_to(acteur).select_related("bailleur")


def commission_visible(acteur: Acteur, pk: int) -> Commission:
    commission = commissions_visibles(acteur).filter(pk=pk).first()
    if commission is None:
        raise Http404("Commission introuvable.")
    return commission


def seance_visible(acteur: Acteur, pk: int) -> Seance:
    seance = Seance.objects.visible_to(acteur).select_related("commission__bailleur").filter(pk=pk).first()
    if seance is None:
        raise Http404("Séance introuvable.")
    return seance


def examen_visible(acteur: Acteur, pk: int) -> Examen:
    examen = (
        Examen.objects.filter(seance__in=Seance.objects.visible_to(acteur))
        .select_related("seance__commission__bailleur", "logement__residence", "demande")
        .filter(pk=pk)
        .first()
    )
    if examen is None:
        raise Http404("Candidature introuvable.")
    return examen


def offre_visible(acteur: Acteur, pk: int) -> Offre:
    offre = offres_visibles(acteur).filter(pk=pk).first()
    if offre is None:
        raise Http404("Offre introuvable.")
    return offre


def logement_du_bailleur(acteur: Acteur, pk: int) -> Logement:
    logements = Logement.objects.select_related("residence__bailleur", "residence__commune")
    ids = bailleurs_suivis_ids(acteur)
    if ids is not None:
        logements = logements.filter(residence__bailleur_id__in=ids)
    logement = logements.filter(pk=pk).first()
    if logement is None:
        raise Http404("Logement introuvable.")
    return logement


# --- quorum and votes --------------------------------------------------------------------------------


def deliberatifs(commission: Commission) -> list[MembreCommission]:
    return list(commission.membres.filter(voix=Voix.DELIBERATIVE))


# --- agenda ------------------------------------------------------------------------------------------


@dataclass
class Candidat:
    examen: Examen
    demande: Demande
    nom: str
    personnes: int
    score: int | None
    raisons: list[str]
    decision: Decision | None
    votes: list[Vote]
    decompte: Decompte
    offres: list[Offre] = field(default_factory=list)
    offre_en_cours: Offre | None = None  # an offer of another dwelling holding the household


@dataclass
class PointOrdreDuJour:
    logement: Logement
    adresse: str
    orientation: Orientation | None
    candidats: list[Candidat]
    minimum: int
    exception: str

    @property
    def sous_minimum(self) -> bool:
        return len(self.candidats) < self.minimum

    @property
    def decides(self) -> bool:
        return all(c.decision is not None for c in self.candidats)

    @property
    def a_une_attribution(self) -> bool:
        return any(c.decision is not None and c.decision.rang is not None for c in self.candidats)


def adresse(logement: Logement) -> str:
    r = logement.residence
    rue = r.adresse
    commune = getattr(r.commune, "nom", r.commune_id)
    return ", ".join(p for p in (rue, f"{r.code_postal} {commune}".strip()) if p)


def _orientations(logements: Sequence[Logement]) -> dict[int, Orientation]:
    resultat: dict[int, Orientation] = {}
    for o in (
        Orientation.objects.filter(logement_libere__logement__in=logements, actuelle=True)
        .select_related("logement_libere", "reservataire")
        .order_by("logement_libere__date_liberation", "pk")
    ):
        resultat[o.logement_libere.logement_id] = o
    return resultat


def ordre_du_jour(seance: Seance, *, voit_sensible: bool) -> list[PointOrdreDuJour]:
    """The agenda grouped by dwelling, candidates in proposed rank, each with its score and the reasons of
    the score (the restricted explanation for users who may not see sensitive situations)."""
    from attrib.cotation.models import Cotation

    examens = list(
        seance.examens.select_related("logement__residence__commune", "demande")
        .prefetch_related(
            "demande__personnes",
            Prefetch("votes", queryset=Vote.objects.select_related("presence__membre")),
            Prefetch("demande__offres", queryset=Offre.objects.order_by("envoyee_le", "pk")),
        )
        .order_by("logement__identifiant", "rang_propose")
    )
    decisions = {d.examen_id: d for d in Decision.objects.filter(seance=seance)}
    cotations = {c.demande_id: c for c in Cotation.objects.filter(demande_id__in=[e.demande_id for e in examens])}
    minimum = parametres.candidats_minimum(seance.date)
    exceptions = parametres.exceptions_candidats(seance.date)
    orientations = _orientations([e.logement for e in examens])
    en_cours = {
        (o.demande_id, o.logement_id): o
        for o in Offre.objects.filter(
            demande_id__in=[e.demande_id for e in examens], statut__in=STATUTS_OFFRE_EN_COURS
        ).select_related("logement")
    }
    points: dict[int, PointOrdreDuJour] = {}
    for e in examens:
        point = points.get(e.logement_id)
        if point is None:
            point = points[e.logement_id] = PointOrdreDuJour(
                logement=e.logement,
                adresse=adresse(e.logement),
                orientation=orientations.get(e.logement_id),
                candidats=[],
                minimum=minimum,
                exception=exceptions.get(e.exception_candidats, e.exception_candidats),
            )
        personnes = list(e.demande.personnes.all())
        demandeur = next((p for p in personnes if p.role == "demandeur"), None)
        decision = decisions.get(e.pk)
        raisons: list[str] = []
        score: int | None = None
        if decision is not None and decision.cotation_figee:
            # The score the commission saw when it decided, kept on the decision.
            score = decision.score
            raisons = list(decision.raisons if voit_sensible else (decision.raisons_restreintes or decision.raisons))
        elif (cotation := cotations.get(e.demande_id)) is not None:
            score = cotation.score
            raisons = list(
                cotation.explication if voit_sensible else (cotation.explication_restreinte or cotation.explication)
            )
        votes = list(e.votes.all())
        point.candidats.append(
            Candidat(
                examen=e,
                demande=e.demande,
                nom=str(demandeur) if demandeur else e.demande.numero_unique,
                personnes=len(personnes),
                score=score,
                raisons=raisons,
                decision=decision,
                votes=votes,
                decompte=decompte(e, votes),
                offres=[o for o in e.demande.offres.all() if o.logement_id == e.logement_id],
                offre_en_cours=next(
                    (o for (d, lg), o in en_cours.items() if d == e.demande_id and lg != e.logement_id), None
                ),
            )
        )
    return list(points.values())


def presences(seance: Seance) -> dict[int, Presence]:
    return {p.membre_id: p for p in seance.presences.select_related("membre")}


# --- offers -------------------------------------------------------------------------------------------


def offres_visibles(acteur: Acteur) -> QuerySet[Offre]:
    return Offre.objects.visible_to(acteur).select_related(
        "logement__residence__commune", "logement__residence__bailleur", "demande", "decision__seance", "bail"
    )


def offres_filtrees(acteur: Acteur, statut: str = "") -> QuerySet[Offre]:
    offres = offres_visibles(acteur).order_by("-envoyee_le", "-pk")
    if statut in StatutOffre.values:
        offres = offres.filter(statut=statut)
    return offres


@dataclass(frozen=True)
class ASuivre:
    """What waits for the user in the CALEOL (home page): offers waiting for the household's answer, and the
    sessions planned from today."""

    offres_en_attente: int
    seances_prevues: int


def a_suivre(acteur: Acteur) -> ASuivre:
    acteur = acteur_de(acteur)  # the home page (outside commissions) still passes its ``User``
    seances = Seance.objects.filter(
        commission__in=commissions_visibles(acteur), statut=StatutSeance.PREVUE, date__gte=aujourd_hui()
    )
    return ASuivre(
        offres_en_attente=offres_visibles(acteur).filter(statut=StatutOffre.EN_ATTENTE).count(),
        seances_prevues=seances.count(),
    )


def offres_en_cours(demande_ids: Sequence[int], *, sauf_logement: int | None = None) -> dict[int, Offre]:
    """The offer that holds each household (waiting for its answer or accepted), by demand id; an offer of
    ``sauf_logement`` does not count (the same dwelling examined again). One household, one attribution at a
    time: such a household is flagged on every shortlist and needs a reasoned decision to go elsewhere."""
    offres = Offre.objects.filter(demande_id__in=list(demande_ids), statut__in=STATUTS_OFFRE_EN_COURS).select_related(
        "logement"
    )
    if sauf_logement is not None:
        offres = offres.exclude(logement_id=sauf_logement)
    return {o.demande_id: o for o in offres.order_by("envoyee_le", "pk")}


def phrase_offre_en_cours(offre: Offre) -> str:
    """« Offre en cours : logement PINS-2, acceptée le 18/11/2026. » (or waiting since its sending)."""
    if offre.statut == StatutOffre.ACCEPTEE and offre.repondue_le is not None:
        etat = f"acceptée le {offre.repondue_le:%d/%m/%Y}"
    else:
        etat = f"envoyée le {offre.envoyee_le:%d/%m/%Y}, en attente de réponse jusqu'au {offre.date_limite:%d/%m/%Y}"
    return f"Offre en cours : logement {offre.logement.identifiant}, {etat}."


def offre_suivante_possible(offre: Offre) -> bool:
    """A refused or lapsed offer whose dwelling has no offer waiting or accepted, and no lease."""
    if offre.statut not in (StatutOffre.REFUSEE, StatutOffre.EXPIREE):
        return False
    autres = Offre.objects.filter(logement=offre.logement, statut__in=(StatutOffre.EN_ATTENTE, StatutOffre.ACCEPTEE))
    return not autres.exists() and not offre.logement.baux.filter(date_fin__isnull=True).exists()


def reponse_de(offre: Offre) -> Evenement | None:
    """The trail entry of the answer to ``offre`` (who recorded it, and whether the household gave it online:
    ``details["en_ligne"]``); ``None`` while it waits."""
    return (
        Evenement.objects.pour(offre.demande)
        .filter(action__in=("offre_acceptee", "offre_refusee"), details__offre=offre.pk)
        .select_related("auteur")
        .order_by("-horodatage", "-id")
        .first()
    )


# --- the applicant's notifications ------------------------------------------------------------------


@dataclass(frozen=True)
class Notification:
    horodatage: datetime
    titre: str
    message: str
    action: str


def notifications_de(demande: Demande) -> list[Notification]:
    """The CALEOL events of the demand, oldest first, in plain French for the applicant (the future portal
    reads them here): submission to the commission, decision, offer, answer or lapse, lease signed."""
    evenements = (
        Evenement.objects.pour(demande)
        .filter(visible_demandeur=True, action__in=list(ACTIONS_NOTIFIEES))
        .order_by("horodatage", "id")
    )
    return [
        Notification(
            horodatage=e.horodatage,
            titre=ACTIONS_NOTIFIEES[e.action],
            message=str((e.details or {}).get("message") or e.resume),
            action=e.action,
        )
        for e in evenements
    ]


def aujourd_hui() -> date:
    return timezone.localdate()
