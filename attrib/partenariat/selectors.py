"""What the committee's screens read: a case in its redacted or full form, its follow-up after the decision, the
open cases ranked by deadline, a session's agenda."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from attrib.commissions.enums import StatutOffre
from attrib.commissions.models import Bail, Offre
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import Acteur
from attrib.partenariat import permissions
from attrib.partenariat.enums import NatureDecision, Rubrique, StatutDossier
from attrib.partenariat.models import (
    CommissionPartenariale,
    DecisionCommission,
    Dossier,
    EvaluationSociale,
    SeancePartenariale,
)


def commission_visible(acteur: Acteur, pk: int) -> CommissionPartenariale:
    commission = CommissionPartenariale.objects.visible_to(acteur).select_related("epci").filter(pk=pk).first()
    if commission is None:
        raise Http404("Page introuvable.")
    return commission


def seance_visible(acteur: Acteur, pk: int) -> SeancePartenariale:
    seance = SeancePartenariale.objects.visible_to(acteur).select_related("commission__epci").filter(pk=pk).first()
    if seance is None:
        raise Http404("Page introuvable.")
    return seance


def dossier_visible(acteur: Acteur, pk: int) -> Dossier:
    dossier = (
        Dossier.objects.visible_to(acteur)
        .select_related("commission__epci", "demande", "saisi_par_organisation")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404("Page introuvable.")
    return dossier


@dataclass(frozen=True)
class VueExpurgee:
    """What every member reads of a case: nothing that identifies the household beyond its demand's number."""

    numero_unique: str
    commune: str
    typologie: str
    echeance: date | None


def vue_expurgee(dossier: Dossier) -> VueExpurgee:
    demande = dossier.demande
    premiere = demande.communes_souhaitees.select_related("commune").order_by("rang").first()
    return VueExpurgee(
        numero_unique=demande.numero_unique,
        commune=premiere.commune.nom if premiere else "Non précisée",
        typologie=demande.typologies_libelle,
        echeance=dossier.echeance,
    )


@dataclass
class VueComplete:
    """The household's file, for the members whose qualité needs it and with the household's consent."""

    personnes: list[dict[str, Any]]
    ressources_mensuelles: Decimal
    situation: list[str]
    motif: str
    pieces: list[str] = field(default_factory=list)


def vue_complete(demande: Demande) -> VueComplete:
    personnes = list(demande.personnes.all())
    situation = [f"Logement actuel : {demande.get_statut_logement_actuel_display()}"]
    if demande.procedure_expulsion:
        situation.append(f"Procédure d'expulsion : {demande.get_procedure_expulsion_display()}")
    if demande.logement_non_decent:
        situation.append("Logement indigne ou non décent")
    if demande.dalo_reconnu:
        situation.append(
            "Reconnu prioritaire DALO"
            + (f" le {demande.dalo_date_decision:%d/%m/%Y}" if demande.dalo_date_decision else "")
        )
    return VueComplete(
        personnes=[
            {
                "nom": f"{p.prenoms} {p.nom}",
                "role": p.get_role_display(),
                "age": p.date_naissance,
                "situation": p.get_situation_professionnelle_display() if p.situation_professionnelle else "",
            }
            for p in personnes
        ],
        ressources_mensuelles=sum((p.revenus_mensuels for p in personnes), Decimal("0")),
        situation=situation,
        motif=demande.get_motif_principal_display(),
        pieces=[f"{p.libelle} ({p.get_statut_display().lower()})" for p in demande.pieces.filter(sensible=False)],
    )


@dataclass
class VueDossier:
    expurgee: VueExpurgee
    rubriques: frozenset[str]
    complete: VueComplete | None
    evaluations: list[EvaluationSociale]

    @property
    def voit_dossier(self) -> bool:
        return Rubrique.DOSSIER in self.rubriques

    @property
    def voit_evaluation(self) -> bool:
        return Rubrique.EVALUATION in self.rubriques


def vue_dossier(acteur: Acteur, dossier: Dossier, jour: date) -> VueDossier:
    """The case as ``acteur`` reads it on ``jour``: the personal parts only where consent and qualité allow."""
    rubriques = permissions.rubriques_visibles(acteur, dossier, jour)
    return VueDossier(
        expurgee=vue_expurgee(dossier),
        rubriques=rubriques,
        complete=vue_complete(dossier.demande) if Rubrique.DOSSIER in rubriques else None,
        evaluations=(
            list(dossier.evaluations.select_related("organisation")) if Rubrique.EVALUATION in rubriques else []
        ),
    )


@dataclass
class Suivi:
    """What happened for the household since the committee's first orienting decision: proposals made (examined in
    a CALEOL), offers and refusals with reasons, the lease."""

    depuis: date | None
    offres: list[Offre]
    refus: list[Offre]
    bail: Bail | None


def suivi(dossier: Dossier) -> Suivi:
    premiere = (
        DecisionCommission.objects.filter(dossier=dossier)
        .exclude(nature=NatureDecision.AJOURNEMENT)
        .order_by("date_decision")
        .values_list("date_decision", flat=True)
        .first()
    )
    if premiere is None:
        return Suivi(depuis=None, offres=[], refus=[], bail=None)
    offres = list(
        Offre.objects.filter(demande_id=dossier.demande_id, envoyee_le__gte=premiere)
        .select_related("logement__residence__commune", "decision__seance__commission")
        .order_by("envoyee_le", "pk")
    )
    bail = Bail.objects.filter(demande_id=dossier.demande_id, date_signature__gte=premiere).first()
    return Suivi(
        depuis=premiere,
        offres=offres,
        refus=[o for o in offres if o.statut in (StatutOffre.REFUSEE, StatutOffre.EXPIREE)],
        bail=bail,
    )


@dataclass(frozen=True)
class LigneOuverte:
    dossier: Dossier
    expurgee: VueExpurgee
    jours_restants: int | None

    @property
    def depasse(self) -> bool:
        return self.jours_restants is not None and self.jours_restants < 0


def dossiers_ouverts(commission: CommissionPartenariale, jour: date) -> list[LigneOuverte]:
    """The committee's open cases, those with the nearest deadline first (past deadlines on top), then those without
    one yet by the date they were brought."""
    qs: QuerySet[Dossier] = (
        commission.dossiers.filter(statut=StatutDossier.OUVERT)
        .select_related("demande", "saisi_par_organisation")
        .order_by("echeance", "saisi_le", "pk")
    )
    lignes = [
        LigneOuverte(
            dossier=d,
            expurgee=vue_expurgee(d),
            jours_restants=(d.echeance - jour).days if d.echeance is not None else None,
        )
        for d in qs
    ]
    return sorted(
        lignes, key=lambda ligne: (ligne.jours_restants is None, ligne.jours_restants or 0, ligne.dossier.saisi_le)
    )


def orientations_en_cours(
    *, organisation_ids: Iterable[int], demande_ids: Iterable[int], jour: date
) -> dict[int, DecisionCommission]:
    """For the réservataire's or bailleur's shortlist (« orienté par la commission partenariale, échéance … »): of
    ``demande_ids``, the households whose open case was oriented, by its latest orientation decided on or before
    ``jour``, to one of ``organisation_ids``; keyed by demand. A later orientation to another partner replaces the
    earlier one; a label, a support measure or an adjournment decided since does not lift it. A deadline already
    past still counts (the household is then late to rehouse). When a household is oriented by two committees, the
    nearest deadline wins. Reads no personal content: the caller shows the demands it already sees."""
    organisations = set(organisation_ids)
    demandes = set(demande_ids)
    if not organisations or not demandes:
        return {}
    decisions = (
        DecisionCommission.objects.filter(
            dossier__statut=StatutDossier.OUVERT,
            dossier__demande_id__in=demandes,
            nature=NatureDecision.ORIENTATION,
            date_decision__lte=jour,
        )
        .select_related("organisation_cible", "dossier__commission", "seance")
        .order_by("dossier_id", "-date_decision", "-pk")
    )
    derniere: dict[int, DecisionCommission] = {}
    for decision in decisions:
        derniere.setdefault(decision.dossier_id, decision)
    resultat: dict[int, DecisionCommission] = {}
    for decision in derniere.values():
        if decision.organisation_cible_id not in organisations or decision.echeance is None:
            continue
        demande_id = decision.dossier.demande_id
        deja = resultat.get(demande_id)
        if deja is None or (deja.echeance is not None and decision.echeance < deja.echeance):
            resultat[demande_id] = decision
    return resultat
