"""Reads of the gestion en flux. Every selector starts from what the actor may see: an agreement, a freed
dwelling or an orientation outside it behaves exactly like a missing one (``Http404``).

**Due vs delivered.** Each stored orientation carries the shares in force for its sequence
(``Orientation.parts``). What a contingent is *due* over a set of dwellings is the sum of its share at
each dwelling (its exact share of the dwellings oriented, period by period and zone by zone); what it
was *delivered* is the number of dwellings oriented to it. A lapsed proposal that does not count
(``decompte=False``) leaves both. The same sum per typology group or QPV gives the due per stratum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from attrib.demandes.enums import StatutValidation
from attrib.demandes.models import SituationPrioritaire
from attrib.engine import flux as moteur
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation
from attrib.flux.moteur import (
    ConventionsBailleur,
    assiette_annuelle,
    groupe_typologie,
    parametres_flux,
    prevision_communes,
)
from attrib.flux.parametres import TauxMobilite, objectif_publics_prioritaires
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.patrimoine.enums import Financement
from attrib.patrimoine.models import Logement

# --- visibility -----------------------------------------------------------------------------------


def conventions_visibles(acteur: Acteur) -> QuerySet[ConventionReservation]:
    return (
        ConventionReservation.objects.visible_to(acteur)
        .select_related("bailleur", "reservataire")
        .prefetch_related("territoire")
    )


def convention_visible(acteur: Acteur, pk: int) -> ConventionReservation:
    try:
        return conventions_visibles(acteur).get(pk=pk)
    except ConventionReservation.DoesNotExist:
        raise Http404("Convention introuvable.") from None


def logements_liberes_visibles(acteur: Acteur) -> QuerySet[LogementLibere]:
    return (
        LogementLibere.objects.visible_to(acteur)
        .select_related("logement__residence", "commune", "bailleur")
        .prefetch_related("orientations")
    )


def logement_libere_visible(acteur: Acteur, pk: int) -> LogementLibere:
    try:
        return logements_liberes_visibles(acteur).get(pk=pk)
    except LogementLibere.DoesNotExist:
        raise Http404("Logement libéré introuvable.") from None


def orientation_visible(acteur: Acteur, pk: int) -> Orientation:
    try:
        return (
            Orientation.objects.visible_to(acteur)
            .select_related("logement_libere__logement__residence", "bailleur", "reservataire", "convention")
            .get(pk=pk)
        )
    except Orientation.DoesNotExist:
        raise Http404("Orientation introuvable.") from None


def historique_orientations(ll: LogementLibere) -> list[Orientation]:
    """Every orientation of a freed dwelling, the first proposal first."""
    return list(ll.orientations.select_related("force_par", "reservataire").order_by("cree_le", "pk"))


def logements_a_declarer(
    bailleurs: Sequence[Organisation], *, recherche: str = "", commune: str = "", typologie: int | None = None
) -> QuerySet[Logement]:
    """Dwellings of the user's bailleurs matching a search (identifier, residence name or address)."""
    qs = Logement.objects.filter(residence__bailleur__in=bailleurs).select_related(
        "residence", "residence__commune", "residence__bailleur"
    )
    if commune:
        qs = qs.filter(residence__commune_id=commune)
    if typologie:
        qs = qs.filter(nb_pieces=typologie)
    for mot in recherche.split():
        qs = qs.filter(
            Q(identifiant__icontains=mot)
            | Q(identifiant_rpls__icontains=mot)
            | Q(residence__nom__icontains=mot)
            | Q(residence__nom_voie__icontains=mot)
            | Q(residence__programme__icontains=mot)
        )
    return qs.order_by("residence__commune__nom", "residence__nom_voie", "residence__numero_voie", "identifiant")


def file_reservataire(reservataires: Sequence[Organisation], *, en_attente: bool = True) -> QuerySet[Orientation]:
    """The dwellings oriented to these réservataires: those waiting for candidates (earliest deadline
    first), or all of them (latest first)."""
    qs = Orientation.objects.filter(actuelle=True, reservataire__in=reservataires).select_related(
        "logement_libere__logement__residence__commune", "bailleur", "reservataire", "convention"
    )
    if en_attente:
        return qs.filter(statut=StatutOrientation.A_PROPOSER).order_by("date_limite_proposition", "pk")
    return qs.order_by("-logement_libere__date_liberation", "-pk")


# --- due vs delivered ------------------------------------------------------------------------------


@dataclass
class LigneDuLivre:
    """What a contingent was due (exact) and delivered over a set of dwellings of its flux."""

    libelle: str
    du: Fraction
    livre: int
    logements: int

    @property
    def ecart(self) -> Fraction:
        return self.livre - self.du

    @property
    def du_float(self) -> float:
        return float(self.du)

    @property
    def ecart_float(self) -> float:
        return float(self.ecart)


def _ligne(libelle: str, cle: str, orientations: Iterable[Orientation]) -> LigneDuLivre:
    du, livre, logements = Fraction(0), 0, 0
    for o in orientations:
        du += o.part_de(cle)
        livre += o.reservataire_cle == cle
        logements += 1
    return LigneDuLivre(libelle, du, livre, logements)


def _orientations_annee(bailleur_id: int, annee: int) -> list[Orientation]:
    return list(
        Orientation.objects.decomptees()
        .filter(bailleur_id=bailleur_id, logement_libere__date_liberation__year=annee)
        .select_related("logement_libere")
    )


@dataclass
class DuLivre:
    convention: ConventionReservation
    annee: int
    total: LigneDuLivre
    par_typologie: list[LigneDuLivre]
    par_qpv: list[LigneDuLivre]
    statuts: list[tuple[str, int]]
    echues_non_decomptees: int
    echelle: float = 1.0

    @property
    def lignes(self) -> list[LigneDuLivre]:
        return [self.total, *self.par_typologie, *self.par_qpv]


def du_livre(convention: ConventionReservation, annee: int) -> DuLivre:
    """Due vs delivered to date for an agreement over ``annee`` (the dwellings of its flux freed that year
    while it was in force), in all, by typology group and QPV / outside QPV."""
    cle = convention.cle
    portee = [
        o
        for o in _orientations_annee(convention.bailleur_id, annee)
        if cle in o.parts and convention.en_vigueur_le(o.logement_libere.date_liberation)
    ]
    jour = date(annee, 12, 31)
    groupes = [g.libelle for g in parametres_flux().groupes_typologie(jour)]
    par_groupe: dict[str, list[Orientation]] = {g: [] for g in groupes}
    par_qpv: dict[str, list[Orientation]] = {"En QPV": [], "Hors QPV": []}
    for o in portee:
        par_groupe.setdefault(groupe_typologie(o.logement_libere.typologie, jour), []).append(o)
        par_qpv["En QPV" if o.logement_libere.en_qpv else "Hors QPV"].append(o)
    recus = Orientation.objects.filter(
        actuelle=True,
        bailleur_id=convention.bailleur_id,
        reservataire_cle=cle,
        logement_libere__date_liberation__year=annee,
        logement_libere__date_liberation__gte=convention.debut,
    )
    if convention.fin is not None:
        recus = recus.filter(logement_libere__date_liberation__lte=convention.fin)
    comptes = Counter(recus.values_list("statut", flat=True))
    resultat = DuLivre(
        convention=convention,
        annee=annee,
        total=_ligne("Ensemble", cle, portee),
        par_typologie=[_ligne(g, cle, os) for g, os in par_groupe.items()],
        par_qpv=[_ligne(libelle, cle, os) for libelle, os in par_qpv.items()],
        statuts=[(s.label, comptes.get(s.value, 0)) for s in StatutOrientation],
        echues_non_decomptees=recus.filter(decompte=False).count(),
    )
    resultat.echelle = max([1.0, *(max(ligne.du_float, ligne.livre) for ligne in resultat.lignes)])
    return resultat


def du_livre_bailleur(bailleur: Organisation, annee: int) -> list[LigneDuLivre]:
    """Every contingent of the bailleur's flux in ``annee`` (its own unreserved share included)."""
    orientations = _orientations_annee(bailleur.pk, annee)
    libelles: dict[str, str] = {}
    for o in orientations:
        for cle in o.parts:
            libelles.setdefault(cle, o.libelles.get(cle, cle))
    lignes = [_ligne(libelle, cle, [o for o in orientations if cle in o.parts]) for cle, libelle in libelles.items()]
    return sorted(lignes, key=lambda ligne: (-ligne.du, ligne.libelle))


def annees_avec_liberations(bailleur_id: int | None = None) -> list[int]:
    """Years with freed dwellings (of a bailleur), latest first."""
    qs = LogementLibere.objects.all()
    if bailleur_id is not None:
        qs = qs.filter(bailleur_id=bailleur_id)
    return sorted({d.year for d in qs.dates("date_liberation", "year")}, reverse=True)


def annees_flux(bailleur_id: int | None = None) -> list[int]:
    """Years with freed dwellings (of a bailleur), and the current year."""
    qs = LogementLibere.objects.all()
    if bailleur_id is not None:
        qs = qs.filter(bailleur_id=bailleur_id)
    annees = {d.year for d in qs.dates("date_liberation", "year")}
    annees.add(timezone.localdate().year)
    return sorted(annees, reverse=True)


# --- priority households --------------------------------------------------------------------------

NON_DISPONIBLE = "non disponible : aucune attribution enregistrée"


@dataclass
class IndicateurPrioritaires:
    """Share of a réservataire's attributions of the year that went to DALO households, then to the other
    L441-1 priority households (objective: ``objectif``, dated data). ``disponible`` False while no
    attribution is recorded: no figure is shown."""

    annee: int
    objectif: Fraction
    article: str
    attributions: int = 0
    dalo: int = 0
    l441_1: int = 0

    @property
    def disponible(self) -> bool:
        return self.attributions > 0

    @property
    def prioritaires(self) -> int:
        return self.dalo + self.l441_1

    @property
    def part(self) -> Fraction | None:
        return Fraction(self.prioritaires, self.attributions) if self.attributions else None

    @property
    def atteint(self) -> bool | None:
        return None if self.part is None else self.part >= self.objectif

    @property
    def message(self) -> str:
        if not self.disponible:
            return NON_DISPONIBLE
        assert self.part is not None
        pourcent = f"{float(self.part) * 100:.1f}".replace(".", ",")
        objectif = f"{float(self.objectif) * 100:.0f}"
        etat = "objectif atteint" if self.atteint else "objectif non atteint"
        return (
            f"{pourcent} % des {self.attributions} attributions ({self.dalo} DALO, {self.l441_1} autres publics "
            f"prioritaires L441-1) ; objectif : au moins {objectif} % ({self.article}) — {etat}."
        )


def attributions(
    *,
    annee: int,
    reservataire: Organisation | None = None,
    bailleur: Organisation | None = None,
    part_bailleur: bool = False,
) -> QuerySet[Orientation]:
    """Dwellings attributed in ``annee`` through the flux: to a réservataire's contingents, or (with
    ``part_bailleur``) on the bailleur's own share."""
    qs = Orientation.objects.filter(actuelle=True, statut=StatutOrientation.ATTRIBUEE, attribuee_le__year=annee)
    if part_bailleur:
        qs = qs.filter(convention__isnull=True)
    elif reservataire is not None:
        qs = qs.filter(reservataire=reservataire)
    if bailleur is not None:
        qs = qs.filter(bailleur=bailleur)
    return qs.select_related("demande_attribuee")


def statut_prioritaire(demandes_ids: Iterable[int]) -> dict[int, str]:
    """``dalo`` (recognised DALO, counted first), ``l441_1`` (a validated L441-1 priority) or ``aucun``."""
    ids = list(demandes_ids)
    from attrib.demandes.models import Demande

    dalo = set(Demande.objects.filter(pk__in=ids, dalo_reconnu=True).values_list("pk", flat=True))
    dalo |= set(
        SituationPrioritaire.objects.filter(
            demande_id__in=ids, statut=StatutValidation.VALIDEE, priorite_id="dalo"
        ).values_list("demande_id", flat=True)
    )
    l441 = set(
        SituationPrioritaire.objects.filter(demande_id__in=ids, statut=StatutValidation.VALIDEE)
        .exclude(priorite_id="dalo")
        .values_list("demande_id", flat=True)
    )
    return {i: "dalo" if i in dalo else "l441_1" if i in l441 else "aucun" for i in ids}


def indicateur_publics_prioritaires(
    *,
    annee: int,
    reservataire: Organisation | None = None,
    bailleur: Organisation | None = None,
    part_bailleur: bool = False,
) -> IndicateurPrioritaires:
    """The 25 % indicator of one réservataire (or of a bailleur's own share) for ``annee``, read from the
    attributions recorded on the orientations (issue 6 records them)."""
    objectif = objectif_publics_prioritaires(date(annee, 12, 31))
    indicateur = IndicateurPrioritaires(annee=annee, objectif=Fraction(objectif.valeur), article=objectif.article)
    ids = list(
        attributions(
            annee=annee, reservataire=reservataire, bailleur=bailleur, part_bailleur=part_bailleur
        ).values_list("demande_attribuee_id", flat=True)
    )
    statuts = Counter(statut_prioritaire(ids).values())
    indicateur.attributions = len(ids)
    indicateur.dalo = statuts["dalo"]
    indicateur.l441_1 = statuts["l441_1"]
    return indicateur


# --- assiette and forecast -------------------------------------------------------------------------


@dataclass
class LignePrevision:
    libelle: str
    par_typologie: dict[int, Fraction]

    @property
    def total(self) -> Fraction:
        return sum(self.par_typologie.values(), Fraction(0))


@dataclass
class PrevisionBailleur:
    bailleur: Organisation
    annee: int
    assiette: moteur.Assiette
    typologies: list[moteur.PrevisionTypologie]
    lignes: list[LignePrevision]
    taux: TauxMobilite
    zones: int = 1
    libelles_exclusions: dict[str, str] = field(default_factory=dict)

    @property
    def assiette_en_cours(self) -> bool:
        """The assiette shown is that of the current year, still in progress."""
        return self.assiette.annee >= timezone.localdate().year

    def libelle_motif(self, code: str) -> str:
        return self.libelles_exclusions.get(code, code)

    @property
    def exclusions(self) -> list[tuple[str, int]]:
        return [(self.libelle_motif(code), n) for code, n in self.assiette.par_motif().items()]

    @property
    def total(self) -> Fraction:
        return sum((t.logements for t in self.typologies), Fraction(0))

    @property
    def numeros_typologies(self) -> list[int]:
        return [t.typologie for t in self.typologies]


def prevision_bailleur(bailleur: Organisation, annee: int) -> PrevisionBailleur:
    """The assiette of ``annee - 1`` and the forecast of ``annee`` for the bailleur: per typology (mean of
    the past years, or stock × RPLS mobility rate), and each contingent's expected dwellings, zone by zone
    (an agreement with a territory only shares the flux of its communes)."""
    cb = ConventionsBailleur.charger(bailleur)
    jour = date(annee, 1, 1)
    communes = sorted(cb.communes_du_parc())
    zones: dict[tuple[int, ...], list[str]] = {}
    for code in communes:
        signature = tuple(sorted(c.pk for c in cb.applicables(code) if c.en_vigueur_le(jour)))
        zones.setdefault(signature, []).append(code)
    if not zones:
        zones[()] = []
    prevision_globale, taux = prevision_communes(bailleur, annee, None)
    attendus: dict[str, LignePrevision] = {}
    for cle_zone, codes in zones.items():
        conventions = [c for c in cb.conventions if c.pk in cle_zone]
        prevision_zone, _ = prevision_communes(bailleur, annee, codes or None)
        flux_prevu = max(1, round(prevision_zone.total)) if prevision_zone.total > 0 else None
        try:
            p = moteur.periode(cb.jeu(conventions), jour=jour, parametres=parametres_flux(), flux_prevu=flux_prevu)
            parts = {q.reservataire: (q.libelle, q.part) for q in p.parts}
        except moteur.ConventionsInvalides:
            parts = {moteur.RESERVATAIRE_BAILLEUR: (f"{bailleur} (part non réservée)", Fraction(1))}
        for cle, (libelle, part) in parts.items():
            ligne = attendus.setdefault(cle, LignePrevision(libelle, {}))
            for t in prevision_zone.typologies:
                ligne.par_typologie[t.typologie] = (
                    ligne.par_typologie.get(t.typologie, Fraction(0)) + part * t.logements
                )
    params = parametres_flux()
    fin_annee = date(annee - 1, 12, 31)
    libelles = {m.code: m.libelle for m in (*params.exclusions(fin_annee), *params.stock(fin_annee))}
    lignes = sorted(attendus.values(), key=lambda ligne: (-ligne.total, ligne.libelle))
    return PrevisionBailleur(
        bailleur=bailleur,
        annee=annee,
        assiette=assiette_annuelle(bailleur, annee - 1),
        typologies=list(prevision_globale.typologies),
        lignes=lignes,
        taux=taux,
        zones=len(zones),
        libelles_exclusions=libelles,
    )


# --- yearly report (bilan R441-5-1) -----------------------------------------------------------------


@dataclass
class Repartition:
    """Counts of dwellings by one dimension, in display order."""

    titre: str
    lignes: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.lignes)


def _libelle_typologie(n: int) -> str:
    return f"T{n}" if n < 6 else "T6 et plus"


def _repartitions(liberes: Sequence[LogementLibere]) -> list[Repartition]:
    typologies = Counter(_libelle_typologie(ll.typologie) for ll in liberes)
    communes = Counter(ll.commune.nom for ll in liberes)
    qpv = Counter("En QPV" if ll.en_qpv else "Hors QPV" for ll in liberes)
    libelles_financement = dict(Financement.choices)
    financements = Counter(libelles_financement.get(ll.financement, "Non renseigné") for ll in liberes)
    return [
        Repartition("Typologie", sorted(typologies.items(), key=lambda x: (len(x[0]), x[0]))),
        Repartition("Commune", sorted(communes.items())),
        Repartition("Situation", [(k, qpv.get(k, 0)) for k in ("En QPV", "Hors QPV")]),
        Repartition("Financement", sorted(financements.items())),
    ]


@dataclass
class Bilan:
    """The yearly report of a bailleur to a réservataire (R441-5-1 CCH): the dwellings proposed (oriented)
    to it during ``annee`` and those attributed, by typology, commune, QPV or not, financing, and the
    priority status of the households housed."""

    bailleur: Organisation
    reservataire: Organisation
    annee: int
    date_limite: date
    article: str
    conventions: list[ConventionReservation]
    du_livre: list[tuple[ConventionReservation, LigneDuLivre]]
    orientations: list[Orientation]
    proposes: list[Repartition]
    statuts: list[tuple[str, int]]
    echues_non_decomptees: int
    derogations_vers: int
    attribues: list[Repartition]
    menages: list[tuple[str, int]]
    indicateur: IndicateurPrioritaires
    edite_le: date

    @property
    def nb_proposes(self) -> int:
        return len(self.orientations)

    @property
    def nb_attribues(self) -> int:
        return sum(1 for o in self.orientations if o.statut == StatutOrientation.ATTRIBUEE)


def conventions_du_couple(
    bailleur: Organisation, reservataire: Organisation, annee: int
) -> list[ConventionReservation]:
    """The agreements between them in force at some point of ``annee``."""
    return list(
        ConventionReservation.objects.filter(
            bailleur=bailleur, reservataire=reservataire, debut__lte=date(annee, 12, 31)
        )
        .filter(Q(fin__isnull=True) | Q(fin__gte=date(annee, 1, 1)))
        .select_related("bailleur", "reservataire")
        .prefetch_related("territoire")
        .order_by("categorie", "debut")
    )


def bilans_visibles(acteur: Acteur) -> list[tuple[Organisation, Organisation, list[int]]]:
    """Every (bailleur, réservataire) pair the actor sees an agreement of, with the years it covers."""
    paires: dict[tuple[int, int], tuple[Organisation, Organisation, set[int]]] = {}
    aujourd_hui = timezone.localdate()
    for c in conventions_visibles(acteur):
        debut = c.debut.year
        fin = min((c.fin or aujourd_hui).year, aujourd_hui.year)
        entree = paires.setdefault((c.bailleur_id, c.reservataire_id), (c.bailleur, c.reservataire, set()))
        entree[2].update(range(debut, fin + 1))
    return sorted(
        ((b, r, sorted(annees, reverse=True)) for b, r, annees in paires.values()),
        key=lambda x: (x[0].nom, x[1].nom),
    )


def _article_bilan(params: moteur.ParametresFlux, annee: int) -> str:
    en_vigueur = [b for b in params.bilans if b.date_effet <= date(annee + 1, 1, 1)]
    return max(en_vigueur, key=lambda b: b.date_effet).article if en_vigueur else ""


def bilan(bailleur: Organisation, reservataire: Organisation, annee: int) -> Bilan:
    conventions = conventions_du_couple(bailleur, reservataire, annee)
    if not conventions:
        raise Http404("Aucune convention entre ce bailleur et ce réservataire cette année-là.")
    orientations = list(
        Orientation.objects.filter(
            actuelle=True, bailleur=bailleur, reservataire=reservataire, logement_libere__date_liberation__year=annee
        )
        .select_related("logement_libere__logement__residence", "logement_libere__commune", "convention")
        .order_by("logement_libere__date_liberation", "pk")
    )
    liberes = [o.logement_libere for o in orientations]
    attribues = [o for o in orientations if o.statut == StatutOrientation.ATTRIBUEE]
    statuts_menages = statut_prioritaire(o.demande_attribuee_id for o in attribues if o.demande_attribuee_id)
    comptes_menages = Counter(statuts_menages.values())
    comptes_statuts = Counter(o.statut for o in orientations)
    params = parametres_flux()
    indicateur = indicateur_publics_prioritaires(annee=annee, reservataire=reservataire, bailleur=bailleur)
    return Bilan(
        bailleur=bailleur,
        reservataire=reservataire,
        annee=annee,
        date_limite=params.date_limite_bilan(annee),
        article=_article_bilan(params, annee),
        conventions=conventions,
        du_livre=[(c, du_livre(c, annee).total) for c in conventions],
        orientations=orientations,
        proposes=_repartitions(liberes),
        statuts=[(s.label, comptes_statuts.get(s.value, 0)) for s in StatutOrientation],
        echues_non_decomptees=sum(1 for o in orientations if not o.decompte),
        derogations_vers=sum(1 for o in orientations if o.force),
        attribues=_repartitions([o.logement_libere for o in attribues]),
        menages=[
            ("Reconnus prioritaires DALO", comptes_menages.get("dalo", 0)),
            ("Autres publics prioritaires (L441-1 CCH)", comptes_menages.get("l441_1", 0)),
            ("Non prioritaires", comptes_menages.get("aucun", 0)),
        ],
        indicateur=indicateur,
        edite_le=timezone.localdate(),
    )
