"""Reads of location voulue: the rule in force of a pair and whether a dwelling qualifies, the pre-check a household
reads before applying (the one code path of the checks :func:`attrib.annonces.services.candidature_deposer` applies),
the adverts open to a demand, what an actor sees, the applications of a demand, the suspension after refusals, the
published ranking of a closed advert, and the freed dwellings a bailleur or a réservataire may advertise.

What a household reads is plain French: the engine's own sentences for eligibility (``attrib.engine.rapprochement``)
and for the local rules (``attrib.engine.annonces``), never a code, a file name or a note of an agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from attrib.annonces import parametres
from attrib.annonces.enums import EN_COURS, PublicAnnonce, StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature, RegleLocationVoulue
from attrib.commissions.enums import StatutOffre
from attrib.commissions.models import Offre
from attrib.cotation.models import Cotation
from attrib.demandes import quartile
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import CommuneSouhaitee, Demande
from attrib.demandes.moteur import menage_de
from attrib.engine import q1
from attrib.engine.annonces import (
    Classement,
    PositionProvisoire,
    Rang,
    Suspension,
    candidatures_restantes,
    donnees_publiees,
    motif_refus_limite,
    position_provisoire,
    suspension,
)
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.rapprochement import Logement
from attrib.engine.rapprochement.eligibilite import TAUX_EFFORT, Demandeur, Eligibilite, Statut, eligibilite
from attrib.engine.rapprochement.texte import euros, pluriel, pourcentage
from attrib.engine.validation import date_fr
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import LogementLibere, Orientation
from attrib.flux.selectors import statut_prioritaire
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.territoires.models import Commune

#: What each restricted public is, in the words of a refusal.
PUBLICS_REFUS = {
    PublicAnnonce.Q1: "aux ménages du premier quartile de ressources",
    PublicAnnonce.PRIORITAIRES: "aux ménages reconnus prioritaires (DALO ou article L441-1 du code de la construction)",
}
#: A closed advert publishes its ranking (the seed is revealed with it).
CLASSEMENT_PUBLIE = (
    StatutAnnonce.CLOSE,
    StatutAnnonce.EN_COMMISSION,
    StatutAnnonce.ATTRIBUEE,
    StatutAnnonce.SANS_SUITE,
)


def _jour(jour: date | None) -> date:
    return jour or timezone.localdate()


def _typologie(n: int) -> str:
    return "T6 et plus" if n >= 6 else f"T{n}"


# --- the rules of a pair ---------------------------------------------------------------------------------------


def regle_en_vigueur(*, bailleur_id: int, reservataire_id: int | None, jour: date) -> RegleLocationVoulue | None:
    """The rule of the pair bailleur × réservataire (``None``: the bailleur's own share) in force on ``jour``."""
    return (
        RegleLocationVoulue.objects.en_vigueur(jour)
        .filter(bailleur_id=bailleur_id, reservataire_id=reservataire_id)
        .order_by("-debut", "-pk")
        .first()
    )


def ecarts_a_la_regle(regle: RegleLocationVoulue, *, typologie: int, en_qpv: bool, financement: str) -> list[str]:
    """Why a dwelling does not qualify under ``regle`` (empty: it qualifies), in French."""
    ecarts = []
    t = min(typologie, 6)
    if regle.typologie_min is not None and t < regle.typologie_min:
        ecarts.append(f"la règle retient les logements à partir du {_typologie(regle.typologie_min)}")
    if regle.typologie_max is not None and t > regle.typologie_max:
        ecarts.append(f"la règle retient les logements jusqu'au {_typologie(regle.typologie_max)}")
    if regle.hors_qpv_seulement and en_qpv:
        ecarts.append("la règle ne retient que les logements hors quartier prioritaire")
    if regle.financements and financement not in regle.financements:
        ecarts.append(f"la règle ne retient que les financements {', '.join(regle.financements)}")
    return ecarts


def duree_publication(regle: RegleLocationVoulue | None, jour: date) -> int:
    """Days an advert stays open: the pair's rule, or the territory's default."""
    if regle is not None and regle.duree_publication_jours:
        return int(regle.duree_publication_jours)
    return parametres.duree_publication_jours(jour)


def logement_de_l_annonce(annonce: Annonce) -> Logement:
    """The advert's dwelling as the eligibility rules see it: the figures the household reads on the advert."""
    return Logement(
        financement=annonce.financement,
        zone_plafond=annonce.commune.zone_plafond,
        nb_pieces=int(annonce.typologie),
        surface_habitable=float(annonce.surface),
        loyer=float(annonce.loyer),
        charges=None if annonce.charges is None else float(annonce.charges),
        adapte_pmr=annonce.accessible,
        ascenseur=annonce.ascenseur,
        etage=annonce.etage,
        identifiant=annonce.reference,
        commune=annonce.commune_id,
        en_qpv=annonce.en_qpv,
    )


# --- the pre-check ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneEligibilite:
    """One rule of eligibility for the household: its name, whether it holds (``None``: not evaluated), the
    engine's sentence, and whether it stops the application."""

    regle: str
    respectee: bool | None
    statut: str
    message: str
    bloquante: bool


@dataclass(frozen=True)
class Precontrole:
    """What a household reads before applying, and what the application checks.

    ``motifs``: why it cannot apply, each in plain French (empty: it can). ``eligibilite``: each rule of the
    engine for this dwelling. ``position``: where it would stand (or stands) among the applications so far, by
    score then seniority (``None`` without a score). ``restantes``: applications it may still file.
    ``suspension``: its state under the refusal rule, said in advance. ``candidature``: its application to this
    advert, if any."""

    peut_candidater: bool
    motifs: list[str]
    eligibilite: list[LigneEligibilite]
    taux_effort: str
    position: PositionProvisoire | None
    restantes: int
    ouvertes: int
    maximum: int
    suspension: Suspension
    candidature: Candidature | None = None


def _demande_chargee(demande: Demande) -> Demande:
    return (
        Demande.objects.select_related("cotation")
        .prefetch_related(
            "personnes", Prefetch("communes_souhaitees", CommuneSouhaitee.objects.select_related("commune"))
        )
        .get(pk=demande.pk)
    )


def _score(demande: Demande) -> int | None:
    try:
        return int(demande.cotation.score)
    except Cotation.DoesNotExist:
        return None


def _motif_public(annonce: Annonce, demande: Demande, ressources_uc: float | None, jour: date) -> str | None:
    """Why the household is outside the advert's public (``None``: inside)."""
    if annonce.public == PublicAnnonce.TOUS:
        return None
    qui = PUBLICS_REFUS[PublicAnnonce(annonce.public)]
    if annonce.public == PublicAnnonce.PRIORITAIRES:
        if statut_prioritaire([demande.pk])[demande.pk] != "aucun":
            return None
        return f"Cette annonce est réservée {qui} : votre demande n'a pas de priorité reconnue."
    epci = annonce.commune.epci_id
    seuil = quartile.seuil_q1(epci_siren=epci, annee=jour.year).valeur if epci else None
    if seuil is None or ressources_uc is None:
        return (
            f"Cette annonce est réservée {qui} : le seuil du premier quartile du territoire n'est pas connu, "
            "votre appartenance ne peut pas être établie."
        )
    if q1.appartient(ressources_uc, seuil):
        return None
    return (
        f"Cette annonce est réservée {qui} : vos ressources ({euros(round(ressources_uc))} par an et par unité de "
        f"consommation) dépassent le seuil de {euros(round(seuil))}."
    )


@dataclass(frozen=True)
class _Examen:
    """The household's side of the checks: what stops it (demand, wishes, score, public, eligibility)."""

    motifs: list[str]
    eligibilite: Eligibilite | None
    score: int | None


def _examiner(annonce: Annonce, demande: Demande, jour: date) -> _Examen:
    motifs: list[str] = []
    if demande.statut != StatutDemande.ACTIVE:
        radiee = f" le {date_fr(demande.date_radiation)}" if demande.date_radiation else ""
        motifs.append(f"Votre demande n'est plus active (radiée{radiee}) : elle ne peut pas candidater.")
        return _Examen(motifs=motifs, eligibilite=None, score=None)
    communes = {cs.commune_id for cs in demande.communes_souhaitees.all()}
    if annonce.commune_id not in communes:
        motifs.append(
            f"Ce logement est à {annonce.commune.nom}, qui ne fait pas partie des communes souhaitées de votre "
            "demande : ajoutez cette commune à votre demande pour candidater."
        )
    t = min(int(annonce.typologie), 6)
    if not demande.typologie_min <= t <= demande.typologie_max:
        motifs.append(
            f"Ce logement est un {_typologie(int(annonce.typologie))} ; votre demande recherche "
            f"{demande.typologies_libelle} : modifiez les typologies de votre demande pour candidater."
        )
    score = _score(demande)
    if score is None:
        motifs.append(
            "Votre demande n'a pas encore de score de cotation : les candidatures sont classées par score. "
            "Elle en aura un au prochain calcul des scores."
        )
    try:
        menage = menage_de(demande, jour)
    except EntreeInvalide:
        motifs.append(
            "Les informations de votre demande (ressources ou composition du ménage) ne permettent pas de vérifier "
            "votre éligibilité : adressez-vous à votre guichet pour les corriger."
        )
        return _Examen(motifs=motifs, eligibilite=None, score=score)
    try:
        ressources_uc: float | None = quartile.ressources_par_uc(menage, jour=jour)
    except EntreeInvalide:
        ressources_uc = None
    if (motif := _motif_public(annonce, demande, ressources_uc, jour)) is not None:
        motifs.append(motif)
    demandeur = Demandeur(
        menage=menage,
        allocation_logement=float(demande.allocation_logement),
        besoin_fauteuil=demande.besoin_fauteuil,
        besoin_logement_adapte=demande.besoin_logement_adapte,
        besoin_rdc_ou_ascenseur=demande.besoin_rdc_ou_ascenseur,
    )
    try:
        ev: Eligibilite | None = eligibilite(
            demandeur, logement_de_l_annonce(annonce), annee_plafonds=jour.year, date_reference=jour
        )
    except EntreeInvalide:
        ev = None
        motifs.append("Ce logement ne peut pas être évalué pour l'instant : le bailleur en est informé.")
    if ev is not None:
        motifs += [f"{r.libelle} : {r.message}" for r in ev.regles if r.bloquant]
    return _Examen(motifs=motifs, eligibilite=ev, score=score)


def motifs_a_la_cloture(annonce: Annonce, demande: Demande, jour: date) -> list[str]:
    """Why an application is set aside at closing: the demand is no longer active, the household left the
    advert's public or is no longer eligible (or lost its score), each in plain French (empty: it is ranked)."""
    return _examiner(annonce, _demande_chargee(demande), jour).motifs


def _lignes(ev: Eligibilite | None) -> tuple[list[LigneEligibilite], str]:
    if ev is None:
        return [], ""
    lignes = [
        LigneEligibilite(
            regle=r.libelle,
            respectee=None if r.statut == Statut.NON_EVALUEE else r.statut == Statut.RESPECTEE,
            statut=r.statut.libelle,
            message=r.message,
            bloquante=r.bloquant,
        )
        for r in ev.regles
    ]
    effort = next((r.message for r in ev.regles if r.code == TAUX_EFFORT), "")
    return lignes, effort


def _autres(annonce: Annonce, demande: Demande) -> list[tuple[int, date]]:
    """(score, first filing) of the other applications received so far (their demand's current score)."""
    lignes = (
        Candidature.objects.filter(annonce=annonce, statut=StatutCandidature.DEPOSEE)
        .exclude(demande=demande)
        .filter(demande__cotation__isnull=False)
        .values_list("demande__cotation__score", "demande__date_depot_initiale")
    )
    return [(int(s), d) for s, d in lignes]


def _ouverte(annonce: Annonce, maintenant: datetime) -> str | None:
    """Why the advert takes no application now (``None``: it does)."""
    if annonce.statut == StatutAnnonce.PUBLIEE and annonce.cloture_le is not None:
        if maintenant < annonce.cloture_le:
            return None
        local = timezone.localtime(annonce.cloture_le)
        return f"Les candidatures à cette annonce sont closes depuis le {local:%d/%m/%Y} à {local:%H} h {local:%M}."
    if annonce.statut == StatutAnnonce.RETIREE:
        return "Cette annonce a été retirée par le bailleur : elle ne reçoit plus de candidatures."
    if annonce.statut == StatutAnnonce.BROUILLON:
        return "Cette annonce n'est pas encore publiée."
    return "Les candidatures à cette annonce sont closes."


def precontrole(
    *, annonce: Annonce, demande: Demande, jour: date | None = None, maintenant: datetime | None = None
) -> Precontrole:
    """Whether the household of ``demande`` may apply to ``annonce`` now, and what it reads before applying:
    eligibility rule by rule, its effort rate, its position among the applications so far, the applications it
    may still file and its state under the refusal rule. The application (``candidature_deposer``) applies
    exactly these checks."""
    maintenant = maintenant or timezone.now()
    jour = jour or timezone.localdate(maintenant)
    annonce = Annonce.objects.select_related("commune").get(pk=annonce.pk)
    demande = _demande_chargee(demande)
    motifs: list[str] = []
    if (ferme := _ouverte(annonce, maintenant)) is not None:
        motifs.append(ferme)
    examen = _examiner(annonce, demande, jour)
    motifs += examen.motifs
    maximum = parametres.candidatures_ouvertes_maximum(jour)
    ouvertes = Candidature.objects.filter(demande=demande).ouvertes().exclude(annonce=annonce).count()
    existante = (
        Candidature.objects.filter(annonce=annonce, demande=demande)
        .exclude(statut=StatutCandidature.RETIREE)
        .order_by("-deposee_le")
        .first()
    )
    if existante is None and (limite := motif_refus_limite(ouvertes=ouvertes, maximum=maximum)) is not None:
        motifs.append(limite)
    etat = suspension_de(demande, jour)
    if etat.suspendu:
        motifs.append(etat.texte())
    if existante is not None:
        motifs.append(
            f"Vous avez déjà candidaté à cette annonce (candidature du {date_fr(timezone.localdate(existante.deposee_le))})."
        )
    position = None
    if examen.score is not None:
        position = position_provisoire(
            score=examen.score, depot=demande.date_depot_initiale, autres=_autres(annonce, demande)
        )
    lignes, effort = _lignes(examen.eligibilite)
    return Precontrole(
        peut_candidater=not motifs,
        motifs=motifs,
        eligibilite=lignes,
        taux_effort=effort,
        position=position,
        restantes=candidatures_restantes(
            ouvertes=ouvertes + (1 if existante is not None and existante.statut == StatutCandidature.DEPOSEE else 0),
            maximum=maximum,
        ),
        ouvertes=ouvertes,
        maximum=maximum,
        suspension=etat,
        candidature=existante,
    )


# --- the suspension after refusals ------------------------------------------------------------------------------


def refus_comptes(demande: Demande, jour: date) -> list[date]:
    """Days the household refused (or let lapse) an offer of a dwelling whose advert presented its application."""
    presentees = Candidature.objects.filter(demande=demande, presentee=True).select_related("annonce")
    dates: list[date] = []
    for c in presentees:
        apres = timezone.localdate(c.annonce.close_le) if c.annonce.close_le else date.min
        dates += [
            d
            for d in Offre.objects.filter(
                demande=demande,
                logement_id=c.annonce.logement_id,
                statut__in=[StatutOffre.REFUSEE, StatutOffre.EXPIREE],
                envoyee_le__gte=apres,
                repondue_le__lte=jour,
            ).values_list("repondue_le", flat=True)
            if d is not None
        ]
    return sorted(set(dates))


def suspension_de(demande: Demande, jour: date | None = None) -> Suspension:
    """The household's state under the refusal rule on ``jour`` (the rule in force that day)."""
    jour = _jour(jour)
    seuil, fenetre, duree = parametres.suspension_apres_refus(jour)
    return suspension(
        refus=refus_comptes(demande, jour), seuil=seuil, fenetre_mois=fenetre, duree_mois=duree, jour=jour
    )


# --- adverts ---------------------------------------------------------------------------------------------------


def annonces_ouvertes_pour(
    demande: Demande, *, jour: date | None = None, seulement_souhaits: bool = True
) -> list[Annonce]:
    """The open adverts of the demand's wished communes and typologies (``seulement_souhaits``), or of every
    commune of the territories (EPCI) of its wished communes; closing soonest first."""
    maintenant = timezone.now() if jour is None else timezone.make_aware(datetime.combine(jour, datetime.min.time()))
    qs = Annonce.objects.filter(statut=StatutAnnonce.PUBLIEE, cloture_le__gt=maintenant).select_related("commune")
    souhaits = CommuneSouhaitee.objects.filter(demande=demande)
    if seulement_souhaits:
        tmin, tmax = demande.typologie_min, demande.typologie_max
        typologies = Q(typologie__gte=tmin)
        if tmax < 6:  # 6: « T6 et plus »
            typologies &= Q(typologie__lte=tmax)
        qs = qs.filter(typologies, commune_id__in=souhaits.values("commune_id"))
    else:
        epcis = Commune.objects.filter(pk__in=souhaits.values("commune_id"), epci__isnull=False).values("epci_id")
        qs = qs.filter(commune__epci_id__in=epcis)
    return list(qs.order_by("cloture_le", "pk"))


def annonces_visibles(acteur: Acteur) -> QuerySet[Annonce]:
    """The staff: every advert of their bailleur and of their réservataire's flux, and the published adverts of
    the others; anybody else (a household, a visitor): the published adverts (never a draft or a withdrawn one)."""
    acteur = acteur_de(acteur)
    qs = Annonce.objects.all() if acteur.voit_tout else Annonce.objects.publiees() | Annonce.objects.visible_to(acteur)
    return qs.select_related("commune", "bailleur", "reservataire")


def annonce_visible(acteur: Acteur, pk: int) -> Annonce:
    annonce = annonces_visibles(acteur).filter(pk=pk).first()
    if annonce is None:
        raise Http404("Annonce introuvable.")
    return annonce


def candidatures_de(demande: Demande) -> QuerySet[Candidature]:
    """A demand's applications, latest first, with their advert."""
    return Candidature.objects.filter(demande=demande).select_related("annonce__commune").order_by("-deposee_le", "-pk")


def candidatures_annonce(acteur: Acteur, annonce: Annonce) -> QuerySet[Candidature]:
    """The applications to an advert, for its staff (in rank order once closed)."""
    return (
        Candidature.objects.visible_to(acteur)
        .filter(annonce=annonce)
        .select_related("demande")
        .order_by("rang", "deposee_le", "pk")
    )


def classement_de(annonce: Annonce) -> Classement | None:
    """The ranking written at closing, as stored (``None`` before the closing)."""
    if annonce.statut not in CLASSEMENT_PUBLIE or annonce.close_le is None:
        return None
    classees = list(Candidature.objects.filter(annonce=annonce, statut=StatutCandidature.CLASSEE).order_by("rang"))
    rangs = []
    for i, c in enumerate(classees):
        assert c.rang is not None and c.score is not None and c.depot is not None
        suivant = classees[i + 1].departage if i + 1 < len(classees) else None
        rangs.append(
            Rang(
                jeton=c.jeton,
                rang=c.rang,
                score=Decimal(c.score).quantize(Decimal("0.01")),
                depot=c.depot,
                tirage=c.tirage,
                departage=c.departage,
                suivant=suivant,
            )
        )
    return Classement(rangs=tuple(rangs), graine=annonce.graine, empreinte=annonce.empreinte)


def classement_publie(annonce: Annonce) -> dict[str, Any] | None:
    """The published data of a closed advert (``attrib.engine.annonces.donnees_publiees``): the commitment, the
    seed revealed at closing and the ranked applications (token, score, first filing), nothing that identifies a
    household; anyone replays it with ``python -m attrib.engine annonce-rejouer``. ``None`` before the closing."""
    classement = classement_de(annonce)
    if classement is None:
        return None
    return donnees_publiees(classement, annonce=annonce.reference)


# --- dwellings to advertise ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartLocationVoulue:
    """A pair's progress in the year: its dwellings freed and oriented, those advertised, the share it aims at."""

    orientes: int
    publies: int
    part_cible: int  # percent

    @property
    def part_atteinte(self) -> Fraction | None:
        return Fraction(self.publies, self.orientes) if self.orientes else None

    @property
    def texte(self) -> str:
        atteinte = "" if self.part_atteinte is None else f" ({pourcentage(self.part_atteinte)})"
        return (
            f"{pluriel(self.publies, 'logement publié', 'logements publiés')} sur "
            f"{pluriel(self.orientes, 'logement orienté', 'logements orientés')} cette année{atteinte}, pour une "
            f"part visée de {self.part_cible} %."
        )


@dataclass(frozen=True)
class LogementAPublier:
    logement_libere: LogementLibere
    orientation: Orientation
    regle: RegleLocationVoulue
    part: PartLocationVoulue


def part_du_couple(*, bailleur_id: int, reservataire_id: int | None, annee: int, part_cible: int) -> PartLocationVoulue:
    orientes = Orientation.objects.filter(
        actuelle=True,
        bailleur_id=bailleur_id,
        reservataire_id=reservataire_id,
        logement_libere__date_liberation__year=annee,
    )
    publies = (
        Annonce.objects.filter(
            bailleur_id=bailleur_id,
            reservataire_id=reservataire_id,
            publiee_le__isnull=False,
            logement_libere__date_liberation__year=annee,
        )
        .values("logement_libere_id")
        .distinct()
    )
    return PartLocationVoulue(orientes=orientes.count(), publies=publies.count(), part_cible=part_cible)


def logements_a_publier(acteur: Acteur, jour: date | None = None) -> list[LogementAPublier]:
    """The freed dwellings the actor may advertise: oriented, waiting for candidates, in the assiette, without an
    advert in course, qualifying under their pair's rule in force; each with its pair's progress this year
    (dwellings advertised out of those oriented, against the share the rule aims at)."""
    acteur = acteur_de(acteur)
    jour = _jour(jour)
    en_cours = Annonce.objects.filter(logement_libere=OuterRef("logement_libere"), statut__in=list(EN_COURS))
    qs = (
        Orientation.objects.filter(
            actuelle=True, statut=StatutOrientation.A_PROPOSER, logement_libere__motif_exclusion=""
        )
        .exclude(Exists(en_cours))
        .select_related("logement_libere__logement__residence", "logement_libere__commune", "bailleur", "reservataire")
        .order_by("logement_libere__date_liberation", "pk")
    )
    if not acteur.voit_tout:
        ids = acteur.organisation_ids(ecriture=True) if acteur.est_agent else []
        qs = qs.filter(Q(bailleur_id__in=ids) | Q(reservataire_id__in=ids))
    regles: dict[tuple[int, int | None], RegleLocationVoulue | None] = {}
    parts: dict[tuple[int, int | None], PartLocationVoulue] = {}
    resultat = []
    for o in qs:
        cle = (o.bailleur_id, o.reservataire_id)
        if cle not in regles:
            regles[cle] = regle_en_vigueur(bailleur_id=cle[0], reservataire_id=cle[1], jour=jour)
        regle = regles[cle]
        ll = o.logement_libere
        if o.date_limite_proposition is not None and o.date_limite_proposition < jour:
            continue
        financement = ll.financement or ll.logement.financement
        if regle is None or ecarts_a_la_regle(regle, typologie=ll.typologie, en_qpv=ll.en_qpv, financement=financement):
            continue
        if cle not in parts:
            parts[cle] = part_du_couple(
                bailleur_id=cle[0], reservataire_id=cle[1], annee=jour.year, part_cible=int(regle.part)
            )
        resultat.append(LogementAPublier(logement_libere=ll, orientation=o, regle=regle, part=parts[cle]))
    return resultat


__all__ = [
    "CLASSEMENT_PUBLIE",
    "LigneEligibilite",
    "LogementAPublier",
    "PartLocationVoulue",
    "Precontrole",
    "annonce_visible",
    "annonces_ouvertes_pour",
    "annonces_visibles",
    "candidatures_annonce",
    "candidatures_de",
    "classement_de",
    "classement_publie",
    "duree_publication",
    "ecarts_a_la_regle",
    "logement_de_l_annonce",
    "logements_a_publier",
    "motifs_a_la_cloture",
    "part_du_couple",
    "precontrole",
    "refus_comptes",
    "regle_en_vigueur",
    "suspension_de",
]
