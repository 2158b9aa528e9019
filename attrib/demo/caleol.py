"""Demonstration data of the CALEOL: one commission per demo bailleur with realistic members, a past year of
attributions replayed through the real services, and the sessions of next month.

For a sample of the freed dwellings of the flux year (``attrib.demo.flux``) and of freed dwellings declared
here for the current year (``logement_declarer_libere``: the flux engine orients them), in date order:
the bailleur's next session (every ``jours_entre_seances`` days) examines three candidates chosen among the
eligible active demands (the rapprochement engine's shortlist, ranked by the demo grid's score; the State's
dwellings go first to its priority households), the members present vote, the commission ranks them; the
offer goes to the first, who accepts, refuses (reason, adapted or not) or lets the delay pass; the next one
is offered the dwelling; the lease is signed (the demand is struck off, the orientation attributed).
Everything goes through ``attrib.commissions.services`` and ``attrib.flux.services``; the journal says the
data are fictitious. The shares and delays are **hypotheses of the demonstration** (``HYPOTHESES``).

Only dwellings whose financing is known (PLAI, PLUS, PLS: the ceilings need it) are put to a commission,
and only a share of them (``part_logements``) to keep ``make demo`` short.
"""

from __future__ import annotations

import heapq
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TextIO

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from attrib.commissions import parametres as parametres_caleol
from attrib.commissions.enums import ModePresence, MotifRefus, QualiteMembre, SensVote, TypeDecision, Voix
from attrib.commissions.models import (
    STATUTS_OFFRE_EN_COURS,
    Bail,
    Commission,
    Examen,
    MembreCommission,
    Offre,
    Seance,
)
from attrib.commissions.services import (
    bail_signer,
    commission_creer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    offre_suivante,
    offres_expirer,
    presences_enregistrer,
    prochaine_decision,
    seance_cloturer,
    seance_creer,
    seance_ouvrir,
)
from attrib.common.services import evenement_enregistrer
from attrib.cotation.colonnes import PRIORITES_VALIDEES, colonnes_cotation, preparer_pour
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.demo.commun import MENTION, candidats_proposer, jour_de_proposition
from attrib.engine.cotation import charger_grille, evaluer
from attrib.engine.q1 import premier_quartile
from attrib.engine.rapprochement import IndexDemandes
from attrib.engine.rapprochement import Logement as LogementMoteur
from attrib.flux.enums import CategorieConvention, NatureLiberation, StatutOrientation
from attrib.flux.models import LogementLibere
from attrib.flux.services import logement_declarer_libere
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation, User
from attrib.patrimoine.models import Logement

#: Who writes the demonstration's CALEOL: the product itself, for the demonstration (the journal says so).
logger = logging.getLogger(__name__)
DEMONSTRATION = acteur_systeme("démonstration : CALEOL simulée")

GRILLE_DEMO = settings.BASE_DIR / "data" / "grilles" / "socle.yaml"
FINANCEMENTS_CONNUS = ("PLAI", "PLUS", "PLS")


@dataclass(frozen=True)
class HypothesesCaleol:
    """[hypothèse] Values of the demonstration, neither legal nor observed."""

    jours_entre_seances: int = 14
    #: Share of the freed dwellings (financing known) put to a commission in the demo.
    part_logements: float = 0.32
    #: Days from the freeing (or the réservataire's proposal) to the first possible session.
    delai_avant_seance: tuple[int, int] = (5, 20)
    #: A deliberative member other than the president is absent from a session.
    part_absence: float = 0.3
    #: The third candidate is not retained (R441-3 d, reasoned).
    part_non_attribution: float = 0.12
    #: Answers to an offer: acceptance, refusal, no answer in the delay (the rest).
    part_acceptation: float = 0.68
    part_refus: float = 0.25
    #: Among refusals, the bailleur records the dwelling as adapted to the household.
    part_refus_logement_adapte: float = 0.6
    delai_envoi_offre: tuple[int, int] = (1, 4)
    delai_signature: tuple[int, int] = (7, 28)
    #: Freed dwellings still waiting for candidates at the reference date, per bailleur.
    logements_en_attente: int = 4
    seances_mois_prochain: int = 2


HYPOTHESES = HypothesesCaleol()

MOTIFS_REFUS = (
    (MotifRefus.LOCALISATION, 0.30, ""),
    (MotifRefus.LOYER, 0.18, ""),
    (MotifRefus.ENVIRONNEMENT, 0.14, ""),
    (MotifRefus.ETAT, 0.12, ""),
    (MotifRefus.ACCESSIBILITE, 0.08, ""),
    (MotifRefus.TYPOLOGIE, 0.08, ""),
    (MotifRefus.SITUATION, 0.06, ""),
    (MotifRefus.AUTRE, 0.04, "Éloignement de l'école des enfants."),
)
MOTIFS_NON_ATTRIBUTION = (
    "Taux d'effort trop élevé au regard des ressources actuelles du ménage.",
    "Typologie du logement inadaptée à la composition du ménage selon la commission.",
    "Candidat mieux classé retenu ; ménage à représenter sur un logement plus proche de son lieu de travail.",
)


@dataclass
class ResumeCaleolDemo:
    commissions: int = 0
    seances: int = 0
    logements: int = 0
    examens: int = 0
    offres: int = 0
    refus: int = 0
    expirees: int = 0
    baux: int = 0
    sans_candidats: int = 0
    #: The minimum of candidates per dwelling (R441-3) in words, from the parameter tree.
    minimum: str = ""
    en_attente: int = 0
    seances_prevues: int = 0
    deja_present: bool = False

    def texte(self) -> str:
        if self.deja_present:
            return f"CALEOL de démonstration déjà présentes ({self.commissions} commissions) : inchangées."
        return (
            f"CALEOL : {self.commissions} commissions, {self.seances} séances tenues, {self.logements} logements "
            f"examinés ({self.examens} candidatures), {self.offres} offres ({self.refus} refus, {self.expirees} sans "
            f"réponse), {self.baux} baux signés ; {self.sans_candidats} logement(s) sans {self.minimum} candidats éligibles ; "
            f"{self.seances_prevues} séances prévues le mois prochain, {self.en_attente} logements libérés en attente "
            "de candidats."
        )


def nom_commission(bailleur: Organisation) -> str:
    return f"CALEOL {bailleur.nom}"


def _membres(
    bailleur: Organisation, organisations: dict[str, Organisation], comptes: dict[str, User]
) -> list[dict[str, Any]]:
    """L441-2: members designated by the board (one of them tenants' representative), the mayor, the EPCI's
    president (deliberative), the préfet's representative, and Action Logement as a réservataire (consultative).
    Names are fictitious; the mayor and the EPCI are represented by the demo accounts of their services."""
    narbonne, epci = comptes["narbonne"], comptes["epci"]
    return [
        {
            "nom": f"Présidence de la CALEOL — administrateur de {bailleur.nom}",
            "qualite": QualiteMembre.ADMINISTRATEUR,
            "voix": Voix.DELIBERATIVE,
            "president": True,
            "organisation": bailleur,
        },
        {
            "nom": f"Administrateur de {bailleur.nom}",
            "qualite": QualiteMembre.ADMINISTRATEUR,
            "voix": Voix.DELIBERATIVE,
            "organisation": bailleur,
        },
        {
            "nom": "Représentant des locataires (association de locataires)",
            "qualite": QualiteMembre.REPRESENTANT_LOCATAIRES,
            "voix": Voix.DELIBERATIVE,
        },
        {
            "nom": f"Maire de Narbonne, représenté par {narbonne.get_full_name()}",
            "qualite": QualiteMembre.MAIRE,
            "voix": Voix.DELIBERATIVE,
            "organisation": organisations["narbonne"],
            "utilisateur": narbonne,
        },
        {
            "nom": f"Président du Grand Narbonne, représenté par {epci.get_full_name()}",
            "qualite": QualiteMembre.PRESIDENT_EPCI,
            "voix": Voix.DELIBERATIVE,
            "organisation": organisations["epci"],
            "utilisateur": epci,
        },
        {
            "nom": "Représentant du préfet de l'Aude (DDETS)",
            "qualite": QualiteMembre.PREFET,
            "voix": Voix.CONSULTATIVE,
            "organisation": organisations["etat"],
        },
        {
            "nom": "Action Logement Services",
            "qualite": QualiteMembre.RESERVATAIRE,
            "voix": Voix.CONSULTATIVE,
            "organisation": organisations["action_logement"],
        },
    ]


# --- candidates ----------------------------------------------------------------------------------------


@dataclass
class Vivier:
    """The active demo demands, as the rapprochement engine reads them, ranked by the demo grid's score."""

    index: dict[int, IndexDemandes]
    par_numero: dict[str, tuple[int, date, bool]]  # numéro → (id, filing date, priority household)
    attribuees: set[int] = field(default_factory=set)

    @classmethod
    def construire(cls, demandes: Any, *, jour: date, annees: Sequence[int]) -> Vivier:
        brut = colonnes_cotation(demandes, jour=jour)
        grille = charger_grille(GRILLE_DEMO)
        prepare = preparer_pour(brut, grille, jour=jour)
        scores = evaluer(grille, prepare, date_reference=jour, detail=False)
        cadre = brut.with_columns(
            pl.col("numero_unique").alias("demande"),
            scores.get_column("score").cast(pl.Float64).alias("score"),
            pl.col("communes_souhaitees").list.eval(pl.element().cast(pl.String)).alias("communes"),
            pl.col("dalo_reconnu").fill_null(False).alias("dalo"),
            pl.col(PRIORITES_VALIDEES).list.eval(pl.element().filter(pl.element() != "dalo")).alias("priorites"),
            pl.col("allocation_logement").fill_null(0).cast(pl.Float64),
            *(
                pl.col(c).fill_null(False).cast(pl.Boolean)
                for c in ("besoin_fauteuil", "besoin_logement_adapte", "besoin_rdc_ou_ascenseur")
            ),
        )
        # First quartile of the demands' yearly income per consumption unit, by the arrêté's rank rule (the
        # pilotage's): the shortlist's Q1 signal only, the demo's choice of candidates does not read it.
        revenus = prepare.get_column("revenu_annuel_par_uc").drop_nulls().to_list()
        seuil = premier_quartile(revenus) or 0.0
        index = {
            a: IndexDemandes.construire(cadre, annee_plafonds=a, date_reference=jour, seuil_q1=seuil) for a in annees
        }
        par_numero = {
            n: (pk, depot, bool(dalo or prio))
            for n, pk, depot, dalo, prio in cadre.select(
                "numero_unique", "demande_id", "date_depot_initiale", "dalo", pl.col("priorites").list.len() > 0
            ).iter_rows()
        }
        return cls(index=index, par_numero=par_numero)

    def candidats(
        self, logement: Logement, *, seance: date, prioritaires: bool, exclues: set[int], nombre: int = 3
    ) -> list[int]:
        index = self.index.get(seance.year) or self.index[max(self.index)]
        moteur = LogementMoteur(
            financement=logement.financement,
            zone_plafond=logement.residence.commune.zone_plafond,
            nb_pieces=logement.nb_pieces,
            surface_habitable=float(logement.surface_habitable),
            loyer=None if logement.loyer_principal is None else float(logement.loyer_principal),
            charges=None if logement.charges is None else float(logement.charges),
            adapte_pmr=logement.adapte_pmr,
            ascenseur=logement.ascenseur,
            etage=logement.etage,
            identifiant=logement.identifiant,
            commune=logement.residence.commune_id,
            en_qpv=logement.residence.en_qpv,
        )
        retenus: list[tuple[bool, int]] = []
        for c in index.preselection(moteur, nombre=60).candidats:
            pk, depot, prioritaire = self.par_numero[c.demande]
            if depot < seance and pk not in self.attribuees and pk not in exclues:
                retenus.append((prioritaires and prioritaire, pk))
        retenus.sort(key=lambda t: not t[0])  # stable: the engine's ranking within each group
        return [pk for _, pk in retenus[:nombre]]


# --- one session ------------------------------------------------------------------------------------------


def _tenir_seance(
    seance: Seance, ordre_du_jour: list[tuple[Logement, list[int]]], rng: random.Random, h: HypothesesCaleol
) -> list[tuple[Logement, list[Examen]]]:
    """Put the dwellings on the agenda, record attendance, open, vote and decide, close."""
    inscrits = []
    for logement, candidats in ordre_du_jour:
        demandes = list(Demande.objects.filter(pk__in=candidats).in_bulk(candidats).values())
        demandes.sort(key=lambda d: candidats.index(d.pk))
        inscrits.append(
            (logement, examen_inscrire(auteur=DEMONSTRATION, seance=seance, logement=logement, candidats=demandes))
        )
    membres = list(MembreCommission.objects.filter(commission_id=seance.commission_id).order_by("pk"))
    absents = set()
    if rng.random() < h.part_absence:
        absents.add(rng.choice([m.pk for m in membres if m.voix == Voix.DELIBERATIVE and not m.president]))
    presences_enregistrer(
        auteur=DEMONSTRATION,
        seance=seance,
        presences={m.pk: "" if m.pk in absents else ModePresence.SEANCE for m in membres},
    )
    # The replayed session's own times: opened at 14:00 on its day, a decision every three minutes, closed after.
    heure = timezone.make_aware(datetime.combine(seance.date, time(14, 0)))
    seance_ouvrir(auteur=DEMONSTRATION, seance=seance, ouverte_le=heure)
    votants = [m.pk for m in membres if m.voix == Voix.DELIBERATIVE and m.pk not in absents]
    for _logement, examens in inscrits:
        rang = 0
        for i, examen in enumerate(examens):
            heure += timedelta(minutes=3)
            if i == len(examens) - 1 and rng.random() < h.part_non_attribution:
                votes = {pk: SensVote.CONTRE if j else SensVote.POUR for j, pk in enumerate(votants)}
                decision_enregistrer(
                    auteur=DEMONSTRATION,
                    examen=examen,
                    type_decision=TypeDecision.NON_ATTRIBUTION,
                    motif=f"{rng.choice(MOTIFS_NON_ATTRIBUTION)} ({MENTION})",
                    votes=votes,
                    decide_le=heure,
                )
                continue
            rang += 1
            decision_enregistrer(
                auteur=DEMONSTRATION,
                examen=examen,
                type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
                rang=rang,
                votes=dict.fromkeys(votants, SensVote.POUR),
                decide_le=heure,
            )
    seance_cloturer(auteur=DEMONSTRATION, seance=seance, close_le=heure + timedelta(minutes=10))
    return inscrits


def _offrir(logement: Logement, envoi: date, precedente: Offre | None = None) -> Offre | None:
    """The offer of ``logement`` to its next ranked candidate, as the service chooses it (``prochaine_decision``:
    the best-ranked demand of the latest session, still active, not yet offered this dwelling), or ``None``
    when none is left: every ranked candidate was housed elsewhere, struck off or offered it already. The
    replay never stops on one dwelling: an offer the service refuses sends the dwelling back to a session."""
    if prochaine_decision(logement) is None:
        return None
    try:
        if precedente is None:
            return offre_emettre(auteur=DEMONSTRATION, logement=logement, envoyee_le=envoi)
        return offre_suivante(auteur=DEMONSTRATION, offre=precedente, envoyee_le=envoi)
    except ValidationError as exc:
        logger.warning("Démo CALEOL : offre du logement %s impossible (%s)", logement.identifiant, exc.messages)
        return None


def _suite_des_offres(
    logement: Logement, seance: Seance, jour: date, rng: random.Random, h: HypothesesCaleol, r: ResumeCaleolDemo
) -> tuple[bool, int | None]:
    """Offer the dwelling down the ranking until a lease is signed. Returns (lease signed, demand id) —
    ``False`` when every ranked candidate refused (the dwelling goes back to a session)."""
    envoi = seance.date + timedelta(days=rng.randint(*h.delai_envoi_offre))
    if envoi > jour:
        return True, None
    offre = _offrir(logement, envoi)
    while offre is not None:
        r.offres += 1
        tirage = rng.random()
        if tirage < h.part_acceptation:
            reponse = offre.envoyee_le + timedelta(days=rng.randint(1, (offre.date_limite - offre.envoyee_le).days))
            if reponse > jour:
                return True, None
            offre = offre_repondre(auteur=DEMONSTRATION, offre=offre, accepte=True, repondue_le=reponse)
            signature = reponse + timedelta(days=rng.randint(*h.delai_signature))
            if signature > jour:
                return True, None
            demande = offre.demande
            bail_signer(
                auteur=DEMONSTRATION,
                offre=offre,
                date_signature=signature,
                accord_collectif=False,
                deja_locataire=demande.bailleur_actuel == getattr(logement.residence.bailleur, "nom", None),
            )
            r.baux += 1
            return True, demande.pk
        if tirage < h.part_acceptation + h.part_refus:
            reponse = offre.envoyee_le + timedelta(days=rng.randint(1, (offre.date_limite - offre.envoyee_le).days))
            if reponse > jour:
                return True, None
            motifs, poids, details = zip(*MOTIFS_REFUS, strict=True)
            k = rng.choices(range(len(motifs)), weights=poids)[0]
            offre = offre_repondre(
                auteur=DEMONSTRATION,
                offre=offre,
                accepte=False,
                motif_refus=motifs[k],
                motif_refus_detail=details[k],
                logement_adapte=rng.random() < h.part_refus_logement_adapte,
                repondue_le=reponse,
            )
            r.refus += 1
            suivante = reponse + timedelta(days=1)
        else:
            constat = offre.date_limite + timedelta(days=1)
            if constat > jour:
                return True, None
            offres_expirer(auteur=DEMONSTRATION, aujourd_hui=constat)
            r.expirees += 1
            suivante = constat
        offre = _offrir(logement, suivante, precedente=offre)
    return False, None


# --- the year -----------------------------------------------------------------------------------------------


def _jour_de_seance(apres: date, premiere: date, h: HypothesesCaleol) -> date:
    ecart = (apres - premiere).days
    pas = h.jours_entre_seances
    return premiere + timedelta(days=max(0, -(-ecart // pas)) * pas)


def _parc_libre(bailleur: Organisation) -> QuerySet[Logement]:
    """The bailleur's dwellings a commission may examine (financing known, not held back from the flux) and
    that no lease in progress occupies."""
    return Logement.objects.filter(
        residence__bailleur=bailleur, financement__in=FINANCEMENTS_CONNUS, reserve_stock=""
    ).exclude(pk__in=Bail.objects.filter(date_fin__isnull=True).values("logement_id"))


def _liberer_annee_courante(
    bailleurs: Sequence[Organisation], jour: date, rng: random.Random, h: HypothesesCaleol, nombre: dict[int, int]
) -> list[LogementLibere]:
    """Declare freed dwellings of the current year (1 January to a month ago) through the flux services, with
    the réservataire's proposal before its deadline."""
    debut, fin = date(jour.year, 1, 1), jour - timedelta(days=30)
    liberes = []
    for b in bailleurs:
        parc = list(_parc_libre(b).exclude(liberations__date_liberation__year=jour.year).order_by("pk"))
        for logement in rng.sample(parc, min(nombre.get(b.pk, 0), len(parc))):
            quand = debut + timedelta(days=rng.randrange(max(1, (fin - debut).days)))
            ll = logement_declarer_libere(
                auteur=DEMONSTRATION,
                logement=logement,
                date_liberation=quand,
                nature=NatureLiberation.RELOCATION,
                aujourd_hui=quand,
            )
            _proposer(ll, rng)
            liberes.append(ll)
    return liberes


def _proposer(ll: LogementLibere, rng: random.Random) -> None:
    orientation = ll.orientation
    if orientation is None or orientation.part_bailleur or orientation.date_limite_proposition is None:
        return
    jour = jour_de_proposition(ll.date_liberation, orientation.date_limite_proposition, rng)
    candidats_proposer(orientation, nombre=3, jour=jour, auteur=DEMONSTRATION)


def _pret_le(ll: LogementLibere, h: HypothesesCaleol, rng: random.Random) -> date:
    orientation = ll.orientation
    depart = ll.date_liberation
    if orientation is not None and orientation.candidats_proposes_le:
        depart = orientation.candidats_proposes_le
    elif orientation is not None and orientation.echue_le:
        depart = orientation.echue_le
    return depart + timedelta(days=rng.randint(*h.delai_avant_seance))


def _pour_l_etat(ll: LogementLibere) -> bool:
    orientation = ll.orientation
    return bool(
        orientation is not None
        and orientation.convention is not None
        and orientation.convention.categorie == CategorieConvention.ETAT
        and orientation.statut != StatutOrientation.ECHUE
    )


@transaction.atomic
def caleol_demo_creer(
    *,
    bailleurs: Sequence[Organisation],
    organisations: dict[str, Organisation],
    comptes: dict[str, User],
    jour: date,
    graine: int,
    avec_historique: bool = True,
    stdout: TextIO | None = None,
) -> ResumeCaleolDemo:
    """Create the commissions of ``bailleurs`` and, with ``avec_historique`` (the stock and the flux year are
    loaded), the past year of attributions and next month's sessions. Nothing is written when the demo
    commissions already exist."""
    r = ResumeCaleolDemo(minimum=parametres_caleol.candidats_minimum_en_lettres(timezone.localdate()))
    h = HYPOTHESES
    for b in bailleurs:
        if b.type != TypeOrganisation.BAILLEUR:
            raise ValueError(f"« {b} » n'est pas un bailleur.")
    existantes = Commission.objects.filter(bailleur__in=bailleurs, nom__startswith="CALEOL ")
    if existantes.exists():
        r.deja_present = True
        r.commissions = existantes.count()
        return r
    commissions = {
        b.pk: commission_creer(
            auteur=DEMONSTRATION, bailleur=b, nom=nom_commission(b), membres=_membres(b, organisations, comptes)
        )
        for b in sorted(bailleurs, key=lambda o: o.pk)
    }
    r.commissions = len(commissions)
    demandes = Demande.objects.filter(statut=StatutDemande.ACTIVE, guichet__in=organisations.values())
    if not avec_historique or not demandes.exists():
        return r
    rng = random.Random(graine)
    annee_flux = jour.year - 1
    passes = list(
        LogementLibere.objects.filter(
            bailleur__in=bailleurs,
            date_liberation__year=annee_flux,
            motif_exclusion="",
            logement__financement__in=FINANCEMENTS_CONNUS,
        ).order_by("date_liberation", "pk")
    )
    passes = [ll for ll in passes if rng.random() < h.part_logements]
    # As many dwellings this year, in proportion to the days gone by.
    fraction = max(0, (jour - timedelta(days=30) - date(jour.year, 1, 1)).days) / 365
    par_bailleur: dict[int, int] = {}
    for ll in passes:
        par_bailleur[ll.bailleur_id] = par_bailleur.get(ll.bailleur_id, 0) + 1
    nombre = {pk: round(n * fraction) for pk, n in par_bailleur.items()}
    liberes = passes + _liberer_annee_courante(bailleurs, jour, rng, h, nombre)
    if stdout is not None:
        stdout.write(f"CALEOL : {len(liberes)} logements libérés à examiner, lecture des demandes…\n")
    vivier = Vivier.construire(demandes, jour=jour, annees=sorted({annee_flux, jour.year}))
    premiere = date(annee_flux, 1, 6)
    # Sessions replayed in date order: (date, bailleur, [(freed dwelling, attempt)]).
    a_examiner: dict[tuple[date, int], list[tuple[LogementLibere, int]]] = {}
    for ll in liberes:
        quand = _jour_de_seance(_pret_le(ll, h, rng), premiere, h)
        a_examiner.setdefault((quand, ll.bailleur_id), []).append((ll, 1))
    file = list(a_examiner)
    heapq.heapify(file)
    limite = jour - timedelta(days=21)
    while file:
        quand, bailleur_id = heapq.heappop(file)
        lot = a_examiner.pop((quand, bailleur_id))
        if quand > limite:
            continue
        ordre_du_jour = []
        # One household, one attribution at a time: households holding an offer (waiting or accepted) are not
        # candidates elsewhere.
        tenus = set(Offre.objects.filter(statut__in=STATUTS_OFFRE_EN_COURS).values_list("demande_id", flat=True))
        for ll, essai in lot:
            logement = Logement.objects.select_related("residence__commune", "residence__bailleur").get(
                pk=ll.logement_id
            )
            if Bail.objects.filter(logement=logement, date_fin__isnull=True).exists():
                # Freed twice in the demo year while its lease is in progress: no service ends a lease yet.
                continue
            deja = set(Examen.objects.filter(logement=logement).values_list("demande_id", flat=True))
            candidats = vivier.candidats(logement, seance=quand, prioritaires=_pour_l_etat(ll), exclues=deja | tenus)
            if len(candidats) < parametres_caleol.candidats_minimum(quand):
                r.sans_candidats += 1
                continue
            tenus.update(candidats)  # examined for one dwelling of the session at a time
            ordre_du_jour.append((ll, logement, essai, candidats))
        if not ordre_du_jour:
            continue
        seance = seance_creer(auteur=DEMONSTRATION, commission=commissions[bailleur_id], date_seance=quand)
        r.seances += 1
        inscrits = _tenir_seance(seance, [(lg, c) for _, lg, _, c in ordre_du_jour], rng, h)
        for (ll, logement, essai, _), (_, examens) in zip(ordre_du_jour, inscrits, strict=True):
            r.logements += 1
            r.examens += len(examens)
            fini, attribuee = _suite_des_offres(logement, seance, jour, rng, h, r)
            if attribuee is not None:
                vivier.attribuees.add(attribuee)
            elif not fini and essai == 1:
                suivante = quand + timedelta(days=h.jours_entre_seances)
                if (suivante, bailleur_id) not in a_examiner:
                    heapq.heappush(file, (suivante, bailleur_id))
                a_examiner.setdefault((suivante, bailleur_id), []).append((ll, 2))
    _mois_prochain(commissions, bailleurs, jour, rng, h, r)
    for b in bailleurs:
        evenement_enregistrer(
            objet=b,
            action="caleol_demo",
            resume=f"{MENTION} : commission d'attribution et année d'attributions simulées (graine {graine}).",
            organisation=b,
            details={"graine": graine, "baux": r.baux},
        )
    return r


def _mois_prochain(
    commissions: dict[int, Commission],
    bailleurs: Sequence[Organisation],
    jour: date,
    rng: random.Random,
    h: HypothesesCaleol,
    r: ResumeCaleolDemo,
) -> None:
    """Sessions planned next month and a few dwellings freed these last days, oriented, waiting for
    candidates (the shortlist and the batch proposals start from them)."""
    annee, mois = (jour.year + 1, 1) if jour.month == 12 else (jour.year, jour.month + 1)
    for b in sorted(bailleurs, key=lambda o: o.pk):
        for k in range(h.seances_mois_prochain):
            seance_creer(auteur=DEMONSTRATION, commission=commissions[b.pk], date_seance=date(annee, mois, 8 + 14 * k))
            r.seances_prevues += 1
        parc = list(
            _parc_libre(b).exclude(liberations__date_liberation__gte=jour - timedelta(days=60)).order_by("pk")[:2000]
        )
        for logement in rng.sample(parc, min(h.logements_en_attente, len(parc))):
            quand = jour - timedelta(days=rng.randint(1, 10))
            logement_declarer_libere(
                auteur=DEMONSTRATION,
                logement=logement,
                date_liberation=quand,
                nature=NatureLiberation.RELOCATION,
                aujourd_hui=jour,
            )
            r.en_attente += 1


__all__ = ["HYPOTHESES", "MENTION", "HypothesesCaleol", "ResumeCaleolDemo", "caleol_demo_creer", "nom_commission"]
