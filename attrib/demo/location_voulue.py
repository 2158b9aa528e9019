"""Demonstration data of location voulue (issue 14): the rules of the demo bailleurs and three adverts, made through
the real services after the CALEOL year and the cotation (the applications are ranked by score).

- **Rules** (from 1 January of the flux year): each demo bailleur puts 25 % of the State's flux and 50 % of its own
  share in location voulue ([hypothèse] of the demonstration, ``HYPOTHESES``).
- **An attributed advert**: a dwelling freed three weeks ago, advertised, applied to by a few eligible demo
  households, closed (ranking by score, seniority, then the committed draw); on the demo's day its first three are
  presented to a session of the bailleur's commission, the first accepts, the lease is signed: the advert publishes
  its outcome. (The shortlist that checks the presented households reads the demands of its day: a session in the
  past would read demands filed after it; the demo holds it on its own day.)
- **A closed advert**: freed two weeks ago, its applications closed last week, its ranking published (the seed
  revealed); the bailleur can present it to one of next month's sessions.
- **An open advert**, published yesterday, open for the pair's length, with a few applications already: its
  dwelling is chosen in the wishes of the household of the demo's applicant account (``menage1.demo``, else
  ``menage2.demo``: ``attrib.demo.demandeurs``), which it fits (commune, typology, eligibility), so that this
  household sees it in « Logements proposés » and can apply itself.

The households that apply are found as the alerts find them (``attrib.engine.annonces.alertes`` over the
territory's index), then each application goes through ``candidature_deposer`` (the pre-check: eligibility, public,
limit, suspension), by the household's desk. The demo's applicant households apply to nothing (they act themselves
in the demo). Every value chosen here is a hypothesis of the demonstration; the journal says the data are
fictitious."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from attrib.annonces.enums import PublicAnnonce
from attrib.annonces.models import Annonce
from attrib.annonces.selectors import precontrole, regle_en_vigueur
from attrib.annonces.services import (
    annonce_clore,
    annonce_creer,
    annonce_presenter,
    annonce_publier,
    annonce_retirer,
    candidature_deposer,
    regle_enregistrer,
)
from attrib.commissions.enums import ModePresence, SensVote, TypeDecision, Voix
from attrib.commissions.models import STATUTS_OFFRE_EN_COURS, Bail, Commission, MembreCommission, Offre
from attrib.commissions.services import (
    bail_signer,
    decision_enregistrer,
    offre_emettre,
    offre_repondre,
    presences_enregistrer,
    seance_cloturer,
    seance_creer,
    seance_ouvrir,
)
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.demo.commun import MENTION
from attrib.demo.demandeurs import COMPTES_DEMANDEURS_DEMO, demandes_des_comptes
from attrib.engine.annonces.alertes import AnnonceAAlerter, menages_a_alerter
from attrib.engine.rapprochement import Logement as LogementMoteur
from attrib.flux.enums import NatureLiberation, StatutOrientation
from attrib.flux.models import LogementLibere
from attrib.flux.services import logement_declarer_libere
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Logement
from attrib.rapprochement.moteur import IndexTerritoire, index_territoire, logement_moteur
from attrib.territoires.models import EPCI

logger = logging.getLogger(__name__)
#: Who writes the demonstration's location voulue: the product itself, for the demonstration.
DEMONSTRATION = acteur_systeme("démonstration : location voulue")
FINANCEMENTS_CONNUS = ("PLAI", "PLUS", "PLS")


@dataclass(frozen=True)
class HypothesesLocationVoulue:
    """[hypothèse] Values of the demonstration, neither legal nor observed."""

    part_etat: int = 25
    part_bailleur: int = 50
    #: Applications to each advert (fewer when fewer households may apply).
    candidatures: int = 5
    candidatures_ouverte: int = 3
    #: Days before the demo's day: the attributed advert's freeing, the closed one's, the open one's. The attributed
    #: advert's session is held on the demo's day (its candidates are designated on the shortlist of that day, which
    #: reads the demands of that day), its offer accepted and its lease signed the same day.
    liberation_attribuee: int = 24
    liberation_close: int = 14
    liberation_ouverte: int = 3
    #: The first active scored demo demands kept for the demo's applicant accounts (they apply to nothing; the
    #: open advert is fitted to one of them).
    menages_comptes: int = 40
    #: Dwellings tried for each advert (a dwelling whose orientation has no rule, or that the applicant household
    #: does not fit, is left freed and oriented, waiting for candidates).
    essais: int = 12


HYPOTHESES = HypothesesLocationVoulue()
#: The demo's applicant account whose household the open advert is fitted to.
COMPTE_ANNONCE_OUVERTE = COMPTES_DEMANDEURS_DEMO[0].courriel

TITRES = {
    "attribuee": "Appartement lumineux proche des commerces",
    "close": "Logement familial au calme, près des écoles",
    "ouverte": "Appartement rénové, proche des transports",
}
QUARTIER = f"Résidence entretenue, arrêt de bus à deux minutes, école et commerces de proximité à pied. ({MENTION}.)"


@dataclass
class ResumeLocationVoulueDemo:
    regles: int = 0
    annonces: list[str] = field(default_factory=list)
    candidatures: int = 0
    #: The open advert and the household it was fitted to (linked to the demo's first applicant account).
    ouverte: str = ""
    demande_ouverte: Demande | None = None
    manques: list[str] = field(default_factory=list)
    deja_present: bool = False

    def texte(self) -> str:
        if self.deja_present:
            return "Location voulue de démonstration déjà présente : inchangée."
        morceaux = [
            f"Location voulue : {self.regles} règles de bailleur, {len(self.annonces)} annonces "
            f"({', '.join(self.annonces)}), {self.candidatures} candidatures."
        ]
        if self.ouverte and self.demande_ouverte is not None:
            morceaux.append(
                f"Le ménage de la demande {self.demande_ouverte.numero_unique} (compte {COMPTE_ANNONCE_OUVERTE}) peut "
                f"candidater à l'annonce ouverte {self.ouverte}."
            )
        morceaux += self.manques
        return " ".join(morceaux)


def _a(jour: date, heure: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure, minute)))


def _regles(bailleurs: Sequence[Organisation], etat: Organisation, debut: date, h: HypothesesLocationVoulue) -> int:
    n = 0
    for b in bailleurs:
        for reservataire, part in ((etat, h.part_etat), (None, h.part_bailleur)):
            regle_enregistrer(bailleur=b, reservataire=reservataire, debut=debut, part=part, auteur=DEMONSTRATION)
            n += 1
    return n


def _parc_libre(bailleurs: Sequence[Organisation], depuis: date) -> QuerySet[Logement]:
    """Dwellings of ``bailleurs`` a commission may examine (financing known, not held back from the flux), that no
    lease in progress occupies and that were not freed since ``depuis``."""
    return (
        Logement.objects.filter(
            residence__bailleur__in=bailleurs, financement__in=FINANCEMENTS_CONNUS, reserve_stock="", nb_pieces__gte=1
        )
        .exclude(pk__in=Bail.objects.filter(date_fin__isnull=True).values("logement_id"))
        .exclude(liberations__date_liberation__gte=depuis)
        .select_related("residence__commune", "residence__bailleur")
    )


def _liberer(logement: Logement, quand: date) -> LogementLibere | None:
    """Declare ``logement`` freed on ``quand`` (the flux orients it); the freed dwelling when its orientation goes to
    a pair with a rule in force and waits for candidates, else ``None`` (it stays freed, waiting; or the flux
    refused it: it is left as it was)."""
    try:
        ll = logement_declarer_libere(
            auteur=DEMONSTRATION,
            logement=logement,
            date_liberation=quand,
            nature=NatureLiberation.RELOCATION,
            aujourd_hui=quand,
        )
    except ValidationError as exc:
        logger.info("Démo location voulue : logement %s non libéré (%s)", logement.identifiant, exc.messages)
        return None
    orientation = ll.orientation
    if orientation is None or orientation.statut != StatutOrientation.A_PROPOSER:
        return None
    if regle_en_vigueur(bailleur_id=ll.bailleur_id, reservataire_id=orientation.reservataire_id, jour=quand) is None:
        return None
    return ll


def _brouillon(ll: LogementLibere, titre: str, quand: datetime) -> Annonce:
    """The draft of the advert of ``ll``, made at ``quand``."""
    return annonce_creer(
        orientation=ll.orientations.get(actuelle=True),
        titre=titre,
        quartier=QUARTIER,
        auteur=DEMONSTRATION,
        maintenant=quand,
    )


def _abandonner(annonce: Annonce, quand: datetime) -> None:
    annonce_retirer(
        annonce=annonce, motif=f"{MENTION} : annonce remplacée par une autre.", auteur=DEMONSTRATION, maintenant=quand
    )


def _moteur(logement: Logement) -> LogementMoteur:
    return LogementMoteur(
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


@dataclass
class _Contexte:
    index: IndexTerritoire
    exclues: set[int]
    rng: random.Random
    h: HypothesesLocationVoulue
    r: ResumeLocationVoulueDemo
    #: Dwellings already freed here (each is tried once).
    essayes: set[int] = field(default_factory=set)

    def a_essayer(self, parc: Sequence[Logement]) -> list[Logement]:
        """The next dwellings of ``parc`` not tried yet, at most ``essais``; marked as tried."""
        choisis = [lg for lg in parc if lg.pk not in self.essayes][: self.h.essais]
        self.essayes |= {lg.pk for lg in choisis}
        return choisis


def _postulants(c: _Contexte, ll: LogementLibere, avant: date) -> list[Demande]:
    """Active demo demands registered before ``avant`` that an advert of ``ll`` for everybody would match (as the
    alerts find them: wished commune and typology, eligible), in a drawn order, the excluded ones left out."""
    (trouves,) = menages_a_alerter(
        c.index.index, [AnnonceAAlerter(cle="a", logement=logement_moteur(ll), public=PublicAnnonce.TOUS)]
    ).values()
    pks = [c.index.demande_pk[str(n)] for n in trouves.tolist()[:60]]
    demandes = {
        d.pk: d for d in Demande.objects.filter(pk__in=pks, statut=StatutDemande.ACTIVE, date_enregistrement__lt=avant)
    }
    ordre = [demandes[pk] for pk in pks if pk in demandes and pk not in c.exclues]
    c.rng.shuffle(ordre)
    return ordre


def _candidater(c: _Contexte, annonce: Annonce, postulants: list[Demande], fin: datetime, nombre: int) -> int:
    """``nombre`` of ``postulants`` apply to the published ``annonce`` before ``fin``, through their desk (each
    application checked by the service: eligibility, public, limit, suspension)."""
    assert annonce.publiee_le is not None
    debut = annonce.publiee_le + timedelta(hours=2)
    pas = (fin - debut) / max(1, nombre)
    faites = 0
    for demande in postulants:
        if faites >= nombre:
            break
        quand = debut + pas * faites
        if not precontrole(annonce=annonce, demande=demande, maintenant=quand).peut_candidater:
            continue
        candidature_deposer(annonce=annonce, demande=demande, auteur=DEMONSTRATION, maintenant=quand)
        c.exclues.add(demande.pk)  # one advert per household in the demo: the others stay for the screens
        faites += 1
    c.r.candidatures += faites
    return faites


def _publiee(
    c: _Contexte, ll: LogementLibere, titre: str, quand: datetime, minimum: int
) -> tuple[Annonce, list[Demande]] | None:
    """The advert of ``ll`` made and published at ``quand`` when at least ``minimum`` households may apply to it
    (else nothing is made: ``None``), with those households."""
    postulants = _postulants(c, ll, timezone.localdate(quand))
    if len(postulants) < minimum:
        return None
    brouillon = _brouillon(ll, titre, quand - timedelta(hours=1))
    return annonce_publier(annonce=brouillon, auteur=DEMONSTRATION, maintenant=quand), postulants


def _tenir_seance(annonce: Annonce, jour_seance: date) -> None:
    """Present the first ranked to a session of the bailleur's commission held on ``jour_seance``: everybody
    present, the candidates ranked in the advert's order."""
    commission = Commission.objects.get(bailleur_id=annonce.bailleur_id, nom__startswith="CALEOL ")
    seance = seance_creer(auteur=DEMONSTRATION, commission=commission, date_seance=jour_seance)
    examens = annonce_presenter(annonce=annonce, seance=seance, auteur=DEMONSTRATION, aujourd_hui=jour_seance)
    membres = list(MembreCommission.objects.filter(commission=commission).order_by("pk"))
    presences_enregistrer(auteur=DEMONSTRATION, seance=seance, presences={m.pk: ModePresence.SEANCE for m in membres})
    # Held at 14:00, or just before now when the demo is loaded earlier that day (never in the future).
    fin = min(_a(jour_seance, 14) + timedelta(minutes=len(examens) + 5), timezone.now())
    heure = max(fin - timedelta(minutes=len(examens) + 5), _a(jour_seance, 0))
    seance_ouvrir(auteur=DEMONSTRATION, seance=seance, ouverte_le=heure)
    votants = {m.pk: SensVote.POUR for m in membres if m.voix == Voix.DELIBERATIVE}
    for i, examen in enumerate(examens, start=1):
        decision_enregistrer(
            auteur=DEMONSTRATION,
            examen=examen,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=examen.rang_propose,
            votes=votants,
            decide_le=min(heure + timedelta(minutes=i), fin),
        )
    seance_cloturer(auteur=DEMONSTRATION, seance=seance, close_le=fin)


def _attribuee(c: _Contexte, parc: list[Logement], jour: date) -> None:
    """Freed three weeks ago, advertised, applied to, closed; presented today, accepted, leased: the outcome is
    published."""
    liberation = jour - timedelta(days=c.h.liberation_attribuee)
    for logement in c.a_essayer(parc):
        ll = _liberer(logement, liberation)
        if ll is None:
            continue
        publiee = _publiee(c, ll, TITRES["attribuee"], _a(liberation + timedelta(days=2), 10), c.h.candidatures + 3)
        if publiee is None:
            continue
        annonce, postulants = publiee
        assert annonce.cloture_le is not None
        if _candidater(c, annonce, postulants, annonce.cloture_le, c.h.candidatures) < 3:
            _abandonner(annonce, annonce.cloture_le - timedelta(hours=1))
            continue
        annonce_clore(annonce=annonce, auteur=DEMONSTRATION, maintenant=annonce.cloture_le + timedelta(hours=2))
        annonce.refresh_from_db()
        _tenir_seance(annonce, jour)
        offre = offre_emettre(auteur=DEMONSTRATION, logement=annonce.logement, envoyee_le=jour)
        offre = offre_repondre(auteur=DEMONSTRATION, offre=offre, accepte=True, repondue_le=jour)
        bail_signer(
            auteur=DEMONSTRATION, offre=offre, date_signature=jour, accord_collectif=False, deja_locataire=False
        )
        c.r.annonces.append(f"{annonce.reference} attribuée")
        return
    c.r.manques.append("Aucune annonce attribuée : pas assez de ménages éligibles aux logements essayés.")


def _close(c: _Contexte, parc: list[Logement], jour: date) -> None:
    """Freed two weeks ago; its applications closed last week; the ranking is published."""
    liberation = jour - timedelta(days=c.h.liberation_close)
    for logement in c.a_essayer(parc):
        ll = _liberer(logement, liberation)
        if ll is None:
            continue
        publiee = _publiee(c, ll, TITRES["close"], _a(liberation + timedelta(days=2), 10), c.h.candidatures + 3)
        if publiee is None:
            continue
        annonce, postulants = publiee
        assert annonce.cloture_le is not None
        _candidater(c, annonce, postulants, annonce.cloture_le, c.h.candidatures)
        annonce_clore(annonce=annonce, auteur=DEMONSTRATION, maintenant=annonce.cloture_le + timedelta(hours=2))
        c.r.annonces.append(f"{annonce.reference} close")
        return
    c.r.manques.append("Aucune annonce close : pas assez de ménages éligibles aux logements essayés.")


def _ouverte(c: _Contexte, parc: list[Logement], jour: date, menages: list[Demande]) -> Demande | None:
    """Published yesterday, on a dwelling that one of ``menages`` (the households the demo's applicant accounts may
    reach, in order) wishes and is eligible to; returns that household (``None``: none could be fitted)."""
    liberation = jour - timedelta(days=c.h.liberation_ouverte)
    rang = {d.numero_unique: i for i, d in enumerate(menages)}
    essais = 0
    for logement in parc:
        if essais >= c.h.essais or logement.pk in c.essayes:
            continue
        (trouves,) = menages_a_alerter(
            c.index.index, [AnnonceAAlerter(cle="a", logement=_moteur(logement), public=PublicAnnonce.TOUS)]
        ).values()
        convenants = sorted((n for n in trouves.tolist() if n in rang), key=rang.__getitem__)
        if not convenants:
            continue
        essais += 1
        c.essayes.add(logement.pk)
        ll = _liberer(logement, liberation)
        if ll is None:
            continue
        publiee = _publiee(c, ll, TITRES["ouverte"], _a(jour - timedelta(days=1), 10), 1)
        if publiee is None:
            continue
        annonce, postulants = publiee
        menage = next(
            (
                menages[rang[n]]
                for n in convenants
                if precontrole(annonce=annonce, demande=menages[rang[n]], maintenant=_a(jour, 9)).peut_candidater
            ),
            None,
        )
        if menage is None:
            _abandonner(annonce, _a(jour - timedelta(days=1), 11))
            continue
        _candidater(c, annonce, postulants, _a(jour, 8), c.h.candidatures_ouverte)
        c.r.annonces.append(f"{annonce.reference} ouverte")
        c.r.ouverte = annonce.reference
        return menage
    c.r.manques.append(
        "Aucune annonce ouverte ne convient aux ménages que peuvent suivre les comptes demandeurs de la démo : "
        "créez-en une depuis « Logements à publier »."
    )
    return None


@transaction.atomic
def location_voulue_demo_creer(
    *,
    epci: EPCI,
    bailleurs: Sequence[Organisation],
    etat: Organisation,
    demandes: QuerySet[Demande],
    jour: date,
    graine: int,
    h: HypothesesLocationVoulue = HYPOTHESES,
) -> ResumeLocationVoulueDemo:
    """The rules and the three adverts of the demo (see the module). ``demandes``: the demo's demands; the first
    active ones (``menages_comptes``) are kept for the applicant accounts: they apply to nothing, and the open
    advert is fitted to one of them (``ResumeLocationVoulueDemo.demande_ouverte``, to link to the first account).
    Nothing is written when the demo bailleurs already have adverts."""
    r = ResumeLocationVoulueDemo()
    if Annonce.objects.filter(bailleur__in=bailleurs).exists():
        r.deja_present = True
        return r
    r.regles = _regles(bailleurs, etat, date(jour.year - 1, 1, 1), h)
    rng = random.Random(graine)
    tenues = set(Offre.objects.filter(statut__in=STATUTS_OFFRE_EN_COURS).values_list("demande_id", flat=True))
    menages = list(
        demandes.filter(statut=StatutDemande.ACTIVE, cotation__isnull=False)
        .exclude(pk__in=tenues)
        .order_by("pk")[: h.menages_comptes]
    )
    c = _Contexte(
        index=index_territoire(epci, jour=jour),
        exclues=tenues | {d.pk for d in menages} | {d.pk for d in demandes_des_comptes(demandes)},
        rng=rng,
        h=h,
        r=r,
    )
    depuis = jour - timedelta(days=120)
    parc = list(_parc_libre(bailleurs, depuis).filter(nb_pieces__range=(2, 4)).order_by("pk")[:3000])
    rng.shuffle(parc)
    _attribuee(c, parc, jour)
    _close(c, parc, jour)
    r.demande_ouverte = _ouverte(c, parc, jour, menages)
    return r


__all__ = ["HYPOTHESES", "HypothesesLocationVoulue", "ResumeLocationVoulueDemo", "location_voulue_demo_creer"]
