"""Reads of the cotation: grids and versions a user may see, ranked lists, the score of a demand as the
demand page shows it, and what the applicant is told (``cotation_pour_demandeur``).

A grid, version or run outside the user's rights answers ``Http404``, like a missing one.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from attrib.cotation import calcul, lisible, permissions
from attrib.cotation.enums import StatutVersion
from attrib.cotation.models import Cotation, CotationHistorique, GrilleCotation, TacheCotation, VersionGrille
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.engine.cotation import grille_vers_donnees
from attrib.engine.cotation.explication_demandeur import (
    LignePoints,
    etat_demandeur,
    libelle_demandeur,
    lignes_points,
    origine_demandeur,
    phrases_demandeur,
    source_demandeur,
)
from attrib.engine.cotation.grille import LIBELLES_VALIDATION
from attrib.engine.cotation.priorites import charger_priorites
from attrib.journal.generation import RACINE_COTATION, RACINE_DEMANDE, generation
from attrib.journal.models import GenerationRacine
from attrib.organisations.permissions import peut_voir_situations_sensibles

NON_DISPONIBLE_ATTRIBUTIONS = "non disponible : aucune attribution enregistrée"


# --- grids and versions ----------------------------------------------------------------------------


def grilles_visibles(user: Any) -> list[tuple[GrilleCotation, list[VersionGrille]]]:
    """Every grid with the versions the user may see (drafts: members of the EPCI), newest first."""
    grilles = GrilleCotation.objects.select_related("organisation").prefetch_related(
        Prefetch("versions", queryset=VersionGrille.objects.order_by("-numero"))
    )
    resultat = []
    for grille in grilles:
        suivre = permissions.peut_suivre(user, grille.organisation_id)
        versions = [v for v in grille.versions.all() if suivre or not v.est_brouillon]
        if versions:
            resultat.append((grille, versions))
    return resultat


def version_visible(user: Any, pk: int) -> VersionGrille:
    version = (
        VersionGrille.objects.select_related("grille__organisation", "publiee_par", "cree_par").filter(pk=pk).first()
    )
    if version is None or (version.est_brouillon and not permissions.peut_suivre(user, version.grille.organisation_id)):
        raise Http404("Version introuvable.")
    return version


def version_suivie(user: Any, pk: int) -> VersionGrille:
    """A version whose EPCI the user follows (simulation, runs)."""
    version = version_visible(user, pk)
    if not permissions.peut_suivre(user, version.grille.organisation_id):
        raise Http404("Version introuvable.")
    return version


def tache_visible(user: Any, pk: int) -> TacheCotation:
    tache = TacheCotation.objects.select_related("organisation", "version__grille", "lancee_par").filter(pk=pk).first()
    if tache is None or not permissions.peut_suivre(user, tache.organisation_id):
        raise Http404("Calcul introuvable.")
    return tache


def derniere_tache(version: VersionGrille) -> TacheCotation | None:
    return version.taches.order_by("-creee_le", "-id").first()


def taches_recentes(organisation_ids: list[int], nombre: int = 5) -> QuerySet[TacheCotation]:
    return TacheCotation.objects.filter(organisation_id__in=organisation_ids).select_related(
        "organisation", "version__grille"
    )[:nombre]


@dataclass(frozen=True)
class CritereAffiche:
    id: str
    libelle: str
    nature: str
    base_legale: str
    points: str
    condition: str
    validation: str
    priorites: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class SectionAffichee:
    id: str
    libelle: str
    exclusive: bool
    plafond: int | None
    plancher: int | None
    description: str
    criteres: tuple[CritereAffiche, ...]


def sections_affichees(version: VersionGrille) -> list[SectionAffichee]:
    """The criteria of the version by section, in words."""
    donnees = grille_vers_donnees(version.charger())
    sections = []
    for s in donnees["sections"]:
        criteres = tuple(
            CritereAffiche(
                id=c["id"],
                libelle=c["libelle"],
                nature={"critere": "Critère", "bonus": "Bonus", "malus": "Malus"}[c.get("nature", "critere")],
                base_legale=c["base_legale"],
                points=lisible.points(c["points"]),
                condition=lisible.condition(c.get("condition")),
                validation=LIBELLES_VALIDATION[c.get("validation", "aucune")],
                priorites=tuple(c.get("priorites_legales") or ()),
                source=c.get("source", ""),
            )
            for c in s["criteres"]
        )
        sections.append(
            SectionAffichee(
                id=s["id"],
                libelle=s["libelle"],
                exclusive=bool(s.get("exclusive")),
                plafond=s.get("plafond"),
                plancher=s.get("plancher"),
                description=s.get("description", ""),
                criteres=criteres,
            )
        )
    return sections


# --- ranked lists ----------------------------------------------------------------------------------


def versions_classables() -> QuerySet[VersionGrille]:
    """Published versions (one per grid): the ranked lists are theirs."""
    return (
        VersionGrille.objects.filter(statut=StatutVersion.PUBLIEE)
        .select_related("grille__organisation")
        .order_by("grille__organisation__nom", "grille__type")
    )


def fraicheur_cotations() -> tuple[Any, ...]:
    """What changes when a demand or a score changes: the demands' generation and the cotations' (:func:`etat_cotations`).
    Two index steps."""
    return (generation(RACINE_DEMANDE), etat_cotations())


def etat_cotations() -> tuple[Any, ...] | None:
    """What changes when a cotation is written: the last cotation written and the number of committed
    transactions that wrote cotations (PostgreSQL: a transaction holding a smaller id may commit after a larger
    one was read, the last id alone would not move; ``attrib.journal.generation.RACINE_COTATION``). The last id
    covers what the current transaction wrote and SQLite, whose writes commit in id order. One index step
    (``None``: no cotation)."""
    validees = GenerationRacine.objects.filter(racine_table=RACINE_COTATION).values("valeur")[:1]
    return (
        Cotation.objects.order_by("-pk")
        .annotate(validees=Coalesce(Subquery(validees), Value(0)))
        .values_list("pk", "calculee_le", "validees")
        .first()
    )


#: Sectors of a version's ranked lists already read: (version, state of the scores) → (code, name).
_SECTEURS: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
_SECTEURS_MAX = 64
_VERROU_SECTEURS = threading.Lock()


def secteurs_classes(version: VersionGrille) -> list[tuple[str, str]]:
    """(code, name) of the sectors of the version's cotations, by name: read once per state of the scores (a
    ``DISTINCT`` over every cotation of the version)."""
    cle = (version.pk, fraicheur_cotations())
    with _VERROU_SECTEURS:
        connus = _SECTEURS.get(cle)
    if connus is None:
        connus = sorted(
            set(version.cotations.order_by().values_list("secteur_id", "secteur__nom").distinct()), key=lambda s: s[1]
        )
        with _VERROU_SECTEURS:
            if len(_SECTEURS) >= _SECTEURS_MAX:
                _SECTEURS.clear()
            _SECTEURS[cle] = connus
    return connus


def classement(user: Any, *, version: VersionGrille, typologie: int, secteur: str | None) -> QuerySet[Cotation]:
    """Demands scored by ``version`` asking ``typologie`` (minimal typology), in rank order: within the
    sector (first wished commune ``secteur``) or on the whole territory (``secteur=None``). Only the
    demands the user may see, active only (a struck-off demand loses its cotation when it is struck
    off; the filter holds even for one struck off outside the services); ranks are those of the whole group."""
    qs = Cotation.objects.filter(version=version, typologie=typologie, demande__statut=StatutDemande.ACTIVE).filter(
        demande__in=Demande.objects.visible_to(user).values("pk")
    )
    qs = qs.filter(secteur_id=secteur).order_by("rang") if secteur else qs.order_by("rang_territoire")
    return qs.select_related("demande", "secteur")


# --- the score of one demand -----------------------------------------------------------------------


@dataclass(frozen=True)
class LigneDetail:
    libelle: str
    section: str
    points_provisoires: int
    points_valides: int
    etat: str
    confidentiel: bool = False


@dataclass(frozen=True)
class CotationAffichee:
    cotation: Cotation
    version: VersionGrille
    lignes: tuple[LigneDetail, ...]
    explication: tuple[str, ...]
    secteur: str
    typologie: str
    historique: tuple[CotationHistorique, ...] = field(default=())

    @property
    def total_provisoire(self) -> int:
        return sum(ligne.points_provisoires for ligne in self.lignes)

    @property
    def total_valide(self) -> int:
        return sum(ligne.points_valides for ligne in self.lignes)


def _typologie(n: int) -> str:
    return "T6 et plus" if n >= 6 else f"T{n}"


def lignes_points_de(cotation: Cotation, *, voit_sensible: bool) -> tuple[LignePoints, ...]:
    """The criteria and limits that give points to ``cotation``, in the grid's order (they add up to both scores);
    without ``voit_sensible``, the criteria revealing a sensitive situation (violences, health, disability…:
    :func:`attrib.cotation.calcul.criteres_sensibles`) marked confidential. The one reading of a stored detail:
    the staff's score section and the applicant's both use it."""
    grille = cotation.version.charger()
    masques = frozenset() if voit_sensible else calcul.criteres_sensibles(grille, calcul.codes_sensibles())
    return lignes_points(grille, cotation.detail, masques=masques)


def lignes_detail(cotation: Cotation, *, voit_sensible: bool) -> tuple[LigneDetail, ...]:
    """One line per criterion or cap with points, in the grid's order, in the staff's words."""
    lignes = []
    for ligne in lignes_points_de(cotation, voit_sensible=voit_sensible):
        critere, section = ligne.critere, ligne.section
        if critere is None:
            lignes.append(
                LigneDetail(
                    libelle=f"Plafond ou plancher de la section « {section.libelle} »"
                    if section is not None
                    else "Plafond ou plancher du score total",
                    section=section.libelle if section is not None else "",
                    points_provisoires=ligne.points,
                    points_valides=ligne.points_valides,
                    etat="Ajustement",
                )
            )
            continue
        if ligne.provisoire:
            etat = f"Provisoire : en attente de validation par {LIBELLES_VALIDATION[critere.validation]}"
        elif critere.a_valider:
            etat = "Validé"
        else:
            etat = "Sans validation requise"
        lignes.append(
            LigneDetail(
                libelle=calcul.LIBELLE_CONFIDENTIEL if ligne.confidentiel else critere.libelle,
                section=section.libelle if section is not None else "",
                points_provisoires=ligne.points,
                points_valides=ligne.points_valides,
                etat=etat,
                confidentiel=ligne.confidentiel,
            )
        )
    return tuple(lignes)


@dataclass(frozen=True)
class LigneDemandeur:
    """One criterion or limit of the applicant's score, in plain words: its name (« Situation particulière
    (confidentielle) » for a reader who may not see it), its points, where they stand, what it rests on."""

    libelle: str
    points: int
    points_valides: int
    etat: str
    source: str
    confidentiel: bool = False


@dataclass(frozen=True)
class ExplicationDemandeur:
    """The applicant's score explained (CRPA R311-3-1-2): who adopted the grid and since when, one line per
    criterion, and the whole in sentences."""

    origine: str
    lignes: tuple[LigneDemandeur, ...]
    phrases: tuple[str, ...]


def explication_demandeur(cotation: Cotation, *, voit_sensible: bool) -> ExplicationDemandeur:
    """The score of ``cotation`` in the applicant's words (``attrib.engine.cotation.explication_demandeur``); the
    sensitive criteria are named only when ``voit_sensible`` (the household itself, never a co-applicant, a
    social worker, an email or a letter: decision 0031)."""
    lignes = lignes_points_de(cotation, voit_sensible=voit_sensible)
    articles = {p.code: p.base_legale for p in charger_priorites()}
    version = cotation.version
    return ExplicationDemandeur(
        origine=origine_demandeur(organisation=version.grille.organisation.nom, date_effet=version.date_effet),
        lignes=tuple(
            LigneDemandeur(
                libelle=libelle_demandeur(ligne),
                points=ligne.points,
                points_valides=ligne.points_valides,
                etat=etat_demandeur(ligne),
                source=source_demandeur(ligne, articles=articles),
                confidentiel=ligne.confidentiel,
            )
            for ligne in lignes
        ),
        phrases=tuple(
            phrases_demandeur(lignes, score_provisoire=cotation.score_provisoire, score_valide=cotation.score_valide)
        ),
    )


def cotation_de(demande: Demande) -> Cotation | None:
    return Cotation.objects.select_related("version__grille__organisation", "secteur").filter(demande=demande).first()


def cotation_affichee(demande: Demande, user: Any) -> CotationAffichee | None:
    """The score section of the demand page (``None``: the demand has no cotation)."""
    cotation = cotation_de(demande)
    if cotation is None:
        return None
    voit = peut_voir_situations_sensibles(user)
    explication = cotation.explication if voit else (cotation.explication_restreinte or cotation.explication)
    return CotationAffichee(
        cotation=cotation,
        version=cotation.version,
        lignes=lignes_detail(cotation, voit_sensible=voit),
        explication=tuple(explication),
        secteur=cotation.secteur.nom,
        typologie=_typologie(cotation.typologie),
        historique=tuple(CotationHistorique.objects.filter(demande=demande).select_related("version__grille")[:10]),
    )


# --- for the applicant -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CotationDemandeur:
    """What the applicant is told of their score (L441-2-8 CCH): the score and its detail, their position
    among similar demands (same typology and first wished commune), and what similar demands satisfied
    in the last twelve months obtained (``None`` with :attr:`attributions` saying why, never estimated)."""

    score: int
    score_provisoire: int
    score_valide: int
    grille: str
    version: int
    date_calcul: date
    calculee_le: datetime
    explication: tuple[str, ...]
    lignes: tuple[LigneDetail, ...]
    typologie: str
    secteur: str
    rang: int
    effectif: int
    #: Share (0–100) of the similar demands ranked after this one.
    centile: int
    rang_territoire: int
    effectif_territoire: int
    score_moyen_attribuees: float | None = None
    delai_moyen_attribuees_mois: float | None = None
    attributions: str = NON_DISPONIBLE_ATTRIBUTIONS


def cotation_pour_demandeur(demande: Demande) -> CotationDemandeur | None:
    """The applicant's view of their cotation (for the portal), or ``None`` when the demand has none."""
    cotation = cotation_de(demande)
    if cotation is None:
        return None
    return CotationDemandeur(
        score=cotation.score,
        score_provisoire=cotation.score_provisoire,
        score_valide=cotation.score_valide,
        grille=cotation.version.libelle,
        version=cotation.version.numero,
        date_calcul=cotation.date_reference,
        calculee_le=cotation.calculee_le,
        explication=tuple(cotation.explication),
        lignes=lignes_detail(cotation, voit_sensible=True),
        typologie=_typologie(cotation.typologie),
        secteur=cotation.secteur.nom,
        rang=cotation.rang,
        effectif=cotation.effectif,
        centile=math.floor(100 * (cotation.effectif - cotation.rang) / cotation.effectif),
        rang_territoire=cotation.rang_territoire,
        effectif_territoire=cotation.effectif_territoire,
    )
