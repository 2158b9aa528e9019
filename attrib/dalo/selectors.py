"""Reads of the DALO follow-up: the board's rows (one recognised household per favourable decision in force, with
its deadline, the offers made since the decision, their refusals and reasons, the préfet's designations, the lease
and the status), the export's rows, the demand page's section and the pilotage's figures. Everything is cut by
``DecisionDalo.objects.visible_to(acteur)``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch

from attrib.commissions.enums import MotifRefus, StatutOffre
from attrib.commissions.models import Bail, Offre
from attrib.dalo.models import AlerteDalo, DecisionDalo, DesignationPrefet
from attrib.demandes.enums import RolePersonne
from attrib.demandes.models import CommuneSouhaitee, Personne
from attrib.engine import dalo as moteur
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation


@dataclass(frozen=True)
class OffreSuivie:
    envoyee_le: date
    logement: str
    statut: str
    refus: str  # the reason (and its detail), empty when not refused
    adapte: bool | None

    @property
    def texte(self) -> str:
        texte = f"{self.envoyee_le:%d/%m/%Y} — {self.logement} : {self.statut}"
        return f"{texte} ({self.refus})" if self.refus else texte


@dataclass(frozen=True)
class DesignationSuivie:
    date: date
    bailleur: str
    contingent: str
    reservataire: str
    reservataire_id: int | None
    logement: str
    motif: str

    @property
    def texte(self) -> str:
        imputation = self.reservataire or self.contingent
        logement = f", logement {self.logement}" if self.logement else ""
        return f"{self.date:%d/%m/%Y} — {self.bailleur} ({imputation}{logement})"


@dataclass(frozen=True)
class LigneSuivi:
    decision: DecisionDalo
    menage: str
    communes: tuple[str, ...]
    commune_codes: tuple[str, ...]
    statut: moteur.StatutDalo
    jours_restants: int
    echeance: str
    offres: tuple[OffreSuivie, ...] = ()
    designations: tuple[DesignationSuivie, ...] = ()
    bail_le: date | None = None

    @property
    def statut_libelle(self) -> str:
        return moteur.LIBELLES[self.statut]

    @property
    def refus(self) -> tuple[OffreSuivie, ...]:
        return tuple(o for o in self.offres if o.refus)

    @property
    def reloge_dans_le_delai(self) -> bool:
        limite = self.decision.date_limite_relogement
        return self.bail_le is not None and limite is not None and self.bail_le <= limite


STATUTS_CHOIX: list[tuple[str, str]] = [(s.value, moteur.LIBELLES[s]) for s in moteur.StatutDalo]


def _menage(personnes: list[Personne]) -> str:
    titulaire = next((p for p in personnes if p.role == RolePersonne.DEMANDEUR), personnes[0] if personnes else None)
    return f"{titulaire.nom.upper()} {titulaire.prenoms}" if titulaire else ""


def _offre(o: Offre) -> OffreSuivie:
    refus = ""
    if o.statut in (StatutOffre.REFUSEE, StatutOffre.EXPIREE) and o.motif_refus:
        refus = MotifRefus(o.motif_refus).label
        if o.motif_refus_detail:
            refus = f"{refus} : {o.motif_refus_detail}"
        if o.logement_adapte is True:
            refus = f"{refus} ; logement jugé adapté"
    return OffreSuivie(
        envoyee_le=o.envoyee_le,
        logement=o.logement.identifiant,
        statut=StatutOffre(o.statut).label,
        refus=refus,
        adapte=o.logement_adapte,
    )


def _designation(d: DesignationPrefet) -> DesignationSuivie:
    return DesignationSuivie(
        date=d.date_designation,
        bailleur=d.bailleur.nom,
        contingent=d.get_contingent_display(),
        reservataire=d.reservataire.nom if d.reservataire else "",
        reservataire_id=d.reservataire_id,
        logement=d.logement.identifiant if d.logement else "",
        motif=d.motif,
    )


def lignes(decisions: list[DecisionDalo], jour: date) -> list[LigneSuivi]:
    """The rows of favourable decisions (prefetched with :func:`decisions_suivies`), with their status on ``jour``."""
    if not decisions:
        return []
    fenetre = moteur.regle(jour).fenetre_alerte_jours
    demande_ids = [d.demande_id for d in decisions]
    offres: dict[int, list[Offre]] = defaultdict(list)
    for o in Offre.objects.filter(demande_id__in=demande_ids).select_related("logement").order_by("envoyee_le", "pk"):
        offres[o.demande_id].append(o)
    baux = dict(Bail.objects.filter(demande_id__in=demande_ids).values_list("demande_id", "date_signature"))
    communes: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for c in CommuneSouhaitee.objects.filter(demande_id__in=demande_ids).select_related("commune").order_by("rang"):
        communes[c.demande_id].append((c.commune_id, c.commune.nom))
    resultat = []
    for d in decisions:
        assert d.date_limite_relogement is not None
        bail = baux.get(d.demande_id)
        reloge = bail if bail is not None and bail >= d.date_decision else None
        statut = moteur.statut(
            limite=d.date_limite_relogement,
            jour=jour,
            fenetre_alerte_jours=fenetre,
            reloge=reloge is not None,
            obligation_levee=d.obligation_levee_le is not None,
        )
        resultat.append(
            LigneSuivi(
                decision=d,
                menage=_menage(list(d.demande.personnes.all())),
                communes=tuple(nom for _, nom in communes[d.demande_id]),
                commune_codes=tuple(code for code, _ in communes[d.demande_id]),
                statut=statut,
                jours_restants=moteur.jours_restants(d.date_limite_relogement, jour),
                echeance=moteur.echeance_texte(d.date_limite_relogement, jour) if statut in moteur.EN_ATTENTE else "",
                offres=tuple(_offre(o) for o in offres[d.demande_id] if o.envoyee_le >= d.date_decision),
                designations=tuple(_designation(x) for x in d.designations.all()),
                bail_le=reloge,
            )
        )
    return resultat


def decisions_suivies(acteur: Acteur) -> list[DecisionDalo]:
    """The favourable decisions in force the actor follows, by deadline (the earliest first)."""
    return list(
        DecisionDalo.objects.visible_to(acteur)
        .favorables()
        .select_related("demande")
        .prefetch_related(
            "demande__personnes",
            Prefetch(
                "designations",
                queryset=DesignationPrefet.objects.select_related("bailleur", "reservataire", "logement"),
            ),
        )
        .order_by("date_limite_relogement", "pk")
    )


def tableau(acteur: Acteur, jour: date, filtres: dict[str, Any] | None = None) -> list[LigneSuivi]:
    """The board's rows, filtered by status (``statut``), wished commune (``commune``: INSEE code) and designated
    réservataire (``reservataire``: organisation id), ranked by deadline."""
    filtres = filtres or {}
    rangees = lignes(decisions_suivies(acteur), jour)
    if filtres.get("statut"):
        rangees = [r for r in rangees if r.statut == filtres["statut"]]
    if filtres.get("commune"):
        rangees = [r for r in rangees if filtres["commune"] in r.commune_codes]
    if filtres.get("reservataire"):
        rid = int(filtres["reservataire"])
        rangees = [r for r in rangees if any(d.reservataire_id == rid for d in r.designations)]
    return rangees


def compteurs(rangees: list[LigneSuivi]) -> list[tuple[str, str, int]]:
    """``(code, libellé, nombre)`` of each status among the rows, in the statuses' order."""
    nombres: dict[str, int] = defaultdict(int)
    for r in rangees:
        nombres[r.statut] += 1
    return [(s.value, moteur.LIBELLES[s], nombres[s]) for s in moteur.StatutDalo]


def choix_filtres(acteur: Acteur) -> dict[str, list[tuple[str, str]]]:
    """The communes wished by the followed households and the réservataires charged by their designations."""
    decisions = DecisionDalo.objects.visible_to(acteur).favorables()
    communes = (
        CommuneSouhaitee.objects.filter(demande__in=decisions.values("demande_id"))
        .values_list("commune_id", "commune__nom")
        .distinct()
        .order_by("commune__nom")
    )
    reservataires = (
        Organisation.objects.filter(designations_dalo_imputees__decision__in=decisions.values("pk"))
        .values_list("pk", "nom")
        .distinct()
        .order_by("nom")
    )
    return {
        "communes": [(code, nom) for code, nom in communes],
        "reservataires": [(str(pk), nom) for pk, nom in reservataires],
    }


def decision_suivie(acteur: Acteur, pk: int) -> DecisionDalo | None:
    """One decision the actor follows (None: not found or not visible, the page answers 404)."""
    return (
        DecisionDalo.objects.visible_to(acteur)
        .select_related("demande", "offre_refusee", "offre_refusee__logement")
        .prefetch_related(
            "demande__personnes",
            Prefetch(
                "designations",
                queryset=DesignationPrefet.objects.select_related("bailleur", "reservataire", "logement"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def offres_refusees(decision: DecisionDalo) -> list[Offre]:
    """The offers the household refused (or left unanswered) since the decision: those the obligation may be lifted
    on."""
    return list(
        Offre.objects.filter(
            demande_id=decision.demande_id,
            envoyee_le__gte=decision.date_decision,
            statut__in=(StatutOffre.REFUSEE, StatutOffre.EXPIREE),
        )
        .select_related("logement")
        .order_by("-envoyee_le", "-pk")
    )


@dataclass
class SectionDemande:
    """The « Suivi DALO » section of a demand's page: the decisions (in force first), the row of the one in force
    when favourable."""

    decisions: list[DecisionDalo] = field(default_factory=list)
    ligne: LigneSuivi | None = None
    peut_ouvrir: bool = False


def section_demande(acteur: Acteur, demande_id: int, jour: date) -> SectionDemande:
    """What the demand's page shows (the page itself checked the actor sees the demand)."""
    from attrib.dalo.permissions import peut_voir_suivi

    decisions = list(
        DecisionDalo.objects.filter(demande_id=demande_id)
        .select_related("demande")
        .prefetch_related(
            "demande__personnes",
            Prefetch(
                "designations",
                queryset=DesignationPrefet.objects.select_related("bailleur", "reservataire", "logement"),
            ),
        )
        .order_by("etat", "-date_decision", "-pk")
    )
    en_vigueur = [d for d in decisions if d.etat == "en_vigueur" and d.favorable]
    rangees = lignes(en_vigueur, jour)
    ouvrir = bool(en_vigueur) and peut_voir_suivi(acteur) and decision_suivie(acteur, en_vigueur[0].pk) is not None
    return SectionDemande(decisions=decisions, ligne=rangees[0] if rangees else None, peut_ouvrir=ouvrir)


def alertes(acteur: Acteur, limite: int = 20) -> list[AlerteDalo]:
    return list(
        AlerteDalo.objects.visible_to(acteur).select_related("decision", "decision__demande", "organisation")[:limite]
    )


@dataclass(frozen=True)
class ChiffresDalo:
    """The pilotage's DALO block: households recognised by a decision of the period, those rehoused (within the
    deadline or after), the obligations lifted, those still waiting past their deadline (today)."""

    reconnus: int
    reloges_dans_le_delai: int
    reloges_hors_delai: int
    obligations_levees: int
    en_attente: int
    delai_depasse: int


def chiffres(acteur: Any, debut: date, fin: date, jour: date) -> ChiffresDalo:
    """Figures for the favourable decisions in force dated in ``[debut, fin]`` the actor follows."""
    acteur = acteur_de(acteur)
    decisions = [d for d in decisions_suivies(acteur) if debut <= d.date_decision <= fin]
    rangees = lignes(decisions, jour)
    return ChiffresDalo(
        reconnus=len(rangees),
        reloges_dans_le_delai=sum(
            1 for r in rangees if r.statut == moteur.StatutDalo.RELOGE and r.reloge_dans_le_delai
        ),
        reloges_hors_delai=sum(
            1 for r in rangees if r.statut == moteur.StatutDalo.RELOGE and not r.reloge_dans_le_delai
        ),
        obligations_levees=sum(1 for r in rangees if r.statut == moteur.StatutDalo.OBLIGATION_LEVEE),
        en_attente=sum(1 for r in rangees if r.statut in moteur.EN_ATTENTE),
        delai_depasse=sum(1 for r in rangees if r.statut == moteur.StatutDalo.DELAI_DEPASSE),
    )
