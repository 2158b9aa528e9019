"""Demonstration data of the partner committee (issue 15, point 2; decision 0035), made through the real services
after the CALEOL year, so that every screen of ``/commission-partenariale/`` shows something:

- **the Grand Narbonne's committee**, chaired by the EPCI, with a commune (Narbonne), two bailleurs (Domitia
  Habitat, Habitat Audois), the State, Action Logement, the departmental social service and the SIAO of the Aude
  (an organisation of the demonstration: its name says it is fictitious);
- **a closed session** five weeks ago, every member present, its minutes frozen: a label (accord collectif, recorded
  by the chair, the EPCI validating that label) and an orientation to Action Logement with a deadline in two months;
  an orientation to the State whose deadline passed five days ago; a support measure (AVDL) with an orientation to
  Domitia Habitat; an adjournment (the household's consent and the social assessment awaited);
- **a planned session** in two weeks, its agenda: the adjourned case and two cases brought this month;
- the households' **consents** to share their file with the partners, recorded by the social service
  (``consentement_recueillir``) for the cases examined, and the **social assessments** attached by the social
  service or the SIAO.

The households are active demo demands registered at least three months before the demo's day, without lease, drawn
with the seed. Each case is made in its own savepoint: one that a service refuses is named in the report, the others
are made. Re-running the step on a territory that already has the committee changes nothing. Every value chosen
here is a hypothesis of the demonstration; the texts say the data are fictitious."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.demo.commun import MENTION
from attrib.labellisation.enums import ModeConsentement, ObjetConsentement
from attrib.labellisation.services import consentement_recueillir
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from attrib.partenariat import services
from attrib.partenariat.enums import MesureAccompagnement, NatureDecision, QualiteMembre, SensAvis
from attrib.partenariat.models import (
    AvisPartenaire,
    ClotureDossier,
    CommissionPartenariale,
    DecisionCommission,
    Dossier,
    EvaluationSociale,
    InscriptionDossier,
    PresenceSeancePartenariale,
    SeancePartenariale,
)
from attrib.territoires.models import EPCI

#: Who writes the demonstration's committee: the product itself, for the demonstration.
DEMO = acteur_systeme("démonstration (charger_demo) : commission partenariale")
NOM_COMMISSION = "Commission partenariale du Grand Narbonne"
COMPETENCE = (
    "Examen partagé des ménages prioritaires sans solution de relogement (accord collectif, sortants "
    f"d'hébergement, DALO en attente) : labellisation, orientation, accompagnement. {MENTION}."
)
LIEU = "Hôtel d'agglomération, Narbonne"

#: The members: key in the demo's organisations → qualité.
MEMBRES: tuple[tuple[str, str], ...] = (
    ("epci", QualiteMembre.PRESIDENT),
    ("narbonne", QualiteMembre.COMMUNE),
    ("domitia", QualiteMembre.BAILLEUR),
    ("habitat_audois", QualiteMembre.BAILLEUR),
    ("etat", QualiteMembre.ETAT),
    ("action_logement", QualiteMembre.RESERVATAIRE),
    ("service_social", QualiteMembre.SERVICE_SOCIAL),
    ("siao", QualiteMembre.SIAO),
)


@dataclass(frozen=True)
class HypothesesPartenariat:
    """[hypothèse] of the demonstration: the calendar of the committee around the demo's day (days)."""

    seance_close: int = 35  # the closed session, days before the demo's day
    seance_prevue: int = 14  # the planned session, days after it
    saisine: int = 45  # cases examined in the closed session were brought this many days before the demo's day
    anciennete_min: int = 90  # the households drawn registered their demand at least this long ago
    echeance_courte: int = 30  # orientation to the State: deadline passed five days before the demo's day
    echeance_longue: int = 90  # orientation to Action Logement: two months ahead
    echeance_bailleur: int = 60


HYPOTHESES = HypothesesPartenariat()


@dataclass
class RapportDemoPartenariat:
    membres: int = 0
    dossiers: int = 0
    consentements: int = 0
    decisions: int = 0
    seances_closes: int = 0
    inscrits_seance_prevue: int = 0
    deja_chargee: bool = False
    non_fait: list[str] = field(default_factory=list)

    def texte(self) -> str:
        if self.deja_chargee:
            return "Commission partenariale : déjà chargée, rien d'ajouté."
        texte = (
            f"Commission partenariale : {self.membres} membres, {self.dossiers} dossier(s), {self.consentements} "
            f"consentement(s), {self.decisions} décision(s) en {self.seances_closes} séance(s) close(s), "
            f"{self.inscrits_seance_prevue} dossier(s) à l'ordre du jour de la prochaine séance."
        )
        return texte + (f" Non fait : {' ; '.join(self.non_fait)}." if self.non_fait else "")


def _a_midi(jour: date) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(12, 0)))


def _tenter(rapport: RapportDemoPartenariat, quoi: str, action: Callable[[], object]) -> bool:
    """Run ``action`` in its own savepoint; a refusal is named in the report and the demo goes on."""
    try:
        with transaction.atomic():
            action()
    except (ValidationError, PermissionDenied) as exc:
        messages = getattr(exc, "messages", [str(exc)])
        rapport.non_fait.append(f"{quoi} ({' '.join(messages)})")
        return False
    return True


def _menages(demandes: QuerySet[Demande], jour: date, graine: int, nombre: int) -> list[Demande]:
    candidates = list(
        demandes.filter(
            statut=StatutDemande.ACTIVE,
            date_enregistrement__lte=jour - timedelta(days=HYPOTHESES.anciennete_min),
            bail__isnull=True,
            dossiers_partenariaux__isnull=True,
        ).order_by("pk")[: nombre * 20]
    )
    random.Random(graine).shuffle(candidates)
    return candidates[:nombre]


@dataclass
class _Contexte:
    commission: CommissionPartenariale
    orgs: Mapping[str, Organisation]
    jour: date
    rapport: RapportDemoPartenariat


def _saisir(c: _Contexte, demande: Demande, par: str, motif: str, saisi_le: date) -> Dossier | None:
    resultat: list[Dossier] = []

    def faire() -> None:
        resultat.append(
            services.dossier_saisir(
                commission=c.commission,
                demande=demande,
                organisation=c.orgs[par],
                motif=f"{motif} ({MENTION.lower()})",
                saisi_le=saisi_le,
                auteur=DEMO,
            )
        )

    if not _tenter(c.rapport, f"saisine pour la demande {demande.numero_unique}", faire):
        return None
    c.rapport.dossiers += 1
    return resultat[0]


def _consentir(c: _Contexte, dossier: Dossier) -> None:
    def faire() -> None:
        consentement_recueillir(
            demande=dossier.demande,
            objet=ObjetConsentement.PARTAGE_PARTENAIRES,
            mode=ModeConsentement.ECRIT,
            donne_le=dossier.saisi_le,
            auteur=DEMO,
        )

    if _tenter(c.rapport, f"consentement du ménage {dossier.demande.numero_unique}", faire):
        c.rapport.consentements += 1


def _evaluer(c: _Contexte, dossier: Dossier, par: str, texte: str) -> None:
    _tenter(
        c.rapport,
        f"évaluation sociale du dossier {dossier.demande.numero_unique}",
        lambda: services.evaluation_joindre(
            dossier=dossier,
            organisation=c.orgs[par],
            texte=f"{texte} {MENTION}.",
            date_evaluation=dossier.saisi_le + timedelta(days=3),
            auteur=DEMO,
        ),
    )


def _decider(c: _Contexte, dossier: Dossier, seance: SeancePartenariale, **decision: object) -> None:
    if _tenter(
        c.rapport,
        f"décision sur le dossier {dossier.demande.numero_unique}",
        lambda: services.decision_prendre(dossier=dossier, seance=seance, auteur=DEMO, **decision),  # type: ignore[arg-type]
    ):
        c.rapport.decisions += 1


def _avis(c: _Contexte, dossier: Dossier, seance: SeancePartenariale, par: str, sens: str, texte: str = "") -> None:
    _tenter(
        c.rapport,
        f"avis de {c.orgs[par].nom}",
        lambda: services.avis_donner(
            dossier=dossier, seance=seance, organisation=c.orgs[par], sens=sens, texte=texte, auteur=DEMO
        ),
    )


def _rang(dossiers: Sequence[Dossier], i: int) -> Dossier | None:
    return dossiers[i] if i < len(dossiers) else None


def _seance_close(c: _Contexte, dossiers: list[Dossier]) -> None:
    """Five weeks ago: the four cases examined, opinions given, decisions taken, the minutes frozen."""
    h = HYPOTHESES
    jour_seance = c.jour - timedelta(days=h.seance_close)
    seance = services.seance_creer(commission=c.commission, date_seance=jour_seance, lieu=LIEU, auteur=DEMO)
    for dossier in dossiers:
        services.dossier_inscrire(dossier=dossier, seance=seance, auteur=DEMO)
    seance = services.seance_ouvrir(seance=seance, aujourd_hui=jour_seance, auteur=DEMO)
    services.presences_enregistrer(
        seance=seance,
        membres=list(c.commission.membres.values_list("pk", flat=True)),
        representants={
            m.pk: "Vice-présidente déléguée à l'habitat (fictive)"
            for m in c.commission.membres.filter(qualite=QualiteMembre.PRESIDENT)
        },
        auteur=DEMO,
    )
    label, etat, mesure, ajourne = (_rang(dossiers, i) for i in range(4))
    if label is not None:
        _avis(c, label, seance, "action_logement", SensAvis.FAVORABLE)
        _avis(c, label, seance, "domitia", SensAvis.FAVORABLE)
        _decider(
            c,
            label,
            seance,
            nature=NatureDecision.LABEL,
            type_label="accord_collectif",
            motif="Ménage cumulant des difficultés économiques et sociales (accord collectif intercommunal).",
        )
        _decider(
            c,
            label,
            seance,
            nature=NatureDecision.ORIENTATION,
            organisation_cible=c.orgs["action_logement"],
            echeance=jour_seance + timedelta(days=h.echeance_longue),
            motif="Salarié d'une entreprise cotisante : contingent d'Action Logement.",
        )
    if etat is not None:
        _avis(c, etat, seance, "etat", SensAvis.RESERVE, "Ressources à actualiser avant toute proposition.")
        _decider(
            c,
            etat,
            seance,
            nature=NatureDecision.ORIENTATION,
            organisation_cible=c.orgs["etat"],
            echeance=jour_seance + timedelta(days=h.echeance_courte),
            motif="Sortie d'hébergement d'urgence : contingent préfectoral.",
        )
    if mesure is not None:
        _decider(
            c,
            mesure,
            seance,
            nature=NatureDecision.MESURE_ACCOMPAGNEMENT,
            mesure=MesureAccompagnement.AVDL,
            operateur="Association d'insertion par le logement (fictive)",
            motif="Accompagnement vers et dans le logement pendant six mois.",
        )
        _decider(
            c,
            mesure,
            seance,
            nature=NatureDecision.ORIENTATION,
            organisation_cible=c.orgs["domitia"],
            echeance=jour_seance + timedelta(days=h.echeance_bailleur),
        )
    if ajourne is not None:
        _decider(
            c,
            ajourne,
            seance,
            nature=NatureDecision.AJOURNEMENT,
            motif="Consentement du ménage et évaluation sociale attendus.",
        )
    services.seance_clore(seance=seance, maintenant=_a_midi(jour_seance) + timedelta(hours=4), auteur=DEMO)
    c.rapport.seances_closes += 1


def _seance_prevue(c: _Contexte, dossiers: list[Dossier]) -> None:
    seance = services.seance_creer(
        commission=c.commission,
        date_seance=c.jour + timedelta(days=HYPOTHESES.seance_prevue),
        lieu=LIEU,
        auteur=DEMO,
    )
    for dossier in dossiers:
        if _tenter(
            c.rapport,
            f"inscription du dossier {dossier.demande.numero_unique}",
            functools.partial(services.dossier_inscrire, dossier=dossier, seance=seance, auteur=DEMO),
        ):
            c.rapport.inscrits_seance_prevue += 1


@transaction.atomic
def partenariat_demo_creer(
    *, epci: EPCI, organisations: Mapping[str, Organisation], demandes: QuerySet[Demande], jour: date, graine: int
) -> RapportDemoPartenariat:
    """The Grand Narbonne's partner committee, its members, a closed and a planned session, and its open cases
    (see the module's docstring). ``organisations``: the demo's, by key (``MEMBRES``)."""
    rapport = RapportDemoPartenariat()
    if CommissionPartenariale.objects.filter(epci=epci, nom=NOM_COMMISSION).exists():
        rapport.deja_chargee = True
        return rapport
    h = HYPOTHESES
    commission = services.commission_creer(epci=epci, nom=NOM_COMMISSION, competence=COMPETENCE, auteur=DEMO)
    for cle, qualite in MEMBRES:
        if cle in organisations:
            services.membre_ajouter(
                commission=commission, organisation=organisations[cle], qualite=qualite, auteur=DEMO
            )
            rapport.membres += 1
        else:
            rapport.non_fait.append(f"membre « {QualiteMembre(qualite).label} » absent de la démonstration")
    c = _Contexte(commission=commission, orgs=organisations, jour=jour, rapport=rapport)
    menages = _menages(demandes, jour, graine, 6)
    if len(menages) < 6:
        rapport.non_fait.append(f"{6 - len(menages)} ménage(s) de démonstration manquant(s) pour les dossiers")
    saisine = jour - timedelta(days=h.saisine)
    plan = [
        ("service_social", "Famille monoparentale hébergée chez un tiers, ressources très modestes", saisine),
        ("siao", "Sortie d'hébergement d'urgence, prête au logement selon le SIAO", saisine + timedelta(days=1)),
        ("service_social", "Expulsion en cours, dette locative apurée par un plan", saisine + timedelta(days=2)),
        ("domitia", "Sur-occupation grave signalée par le bailleur", saisine + timedelta(days=3)),
        ("siao", "Ménage en résidence sociale depuis plus de dix-huit mois", jour - timedelta(days=10)),
        ("etat", "Signalé par la commission de coordination des actions de prévention des expulsions", jour),
    ]
    dossiers: list[Dossier | None] = [
        _saisir(c, demande, par, motif, saisi_le)
        for demande, (par, motif, saisi_le) in zip(menages, plan, strict=False)
    ]
    examines = [d for d in dossiers[:4] if d is not None]
    for dossier in examines[:3]:
        _consentir(c, dossier)
    for dossier, par, texte in zip(
        examines[:3],
        ("service_social", "siao", "service_social"),
        (
            "Mère seule avec deux enfants, hébergée chez sa sœur ; emploi à temps partiel ; capacité à habiter "
            "confirmée.",
            "Hébergée en centre d'urgence depuis huit mois ; autonome dans les démarches ; aucun impayé antérieur.",
            "Dette locative soldée par un plan d'apurement ; accompagnement souhaité pour l'entrée dans les lieux.",
        ),
        strict=False,
    ):
        _evaluer(c, dossier, par, texte)
    if examines and not _tenter(rapport, "séance close", lambda: _seance_close(c, examines)):
        return rapport
    ajourne = [examines[3]] if len(examines) > 3 else []
    _tenter(
        rapport,
        "séance prévue",
        lambda: _seance_prevue(c, ajourne + [d for d in dossiers[4:] if d is not None]),
    )
    return rapport


@transaction.atomic
def partenariat_demo_supprimer(*, epci: EPCI | None, demande_ids: Sequence[int]) -> int:
    """Before the demo's demands are deleted (``--reinitialiser``): the partner committee's cases of those demands
    (any committee) and the demo's committee itself, with their sessions, frozen minutes and events, so that the next
    load makes them again. Returns the number of cases deleted."""
    commissions = CommissionPartenariale.objects.filter(epci=epci, nom=NOM_COMMISSION)
    dossiers = Dossier.objects.filter(Q(demande_id__in=demande_ids) | Q(commission__in=commissions))
    seances = SeancePartenariale.objects.filter(commission__in=commissions)
    cibles = {
        ContentType.objects.get_for_model(Dossier): [str(pk) for pk in dossiers.values_list("pk", flat=True)],
        ContentType.objects.get_for_model(SeancePartenariale): [str(pk) for pk in seances.values_list("pk", flat=True)],
        ContentType.objects.get_for_model(CommissionPartenariale): [
            str(pk) for pk in commissions.values_list("pk", flat=True)
        ],
    }
    for type_, ids in cibles.items():
        Evenement.objects.filter(cible_type=type_, cible_id__in=ids).delete()
    for evaluation in EvaluationSociale.objects.filter(dossier__in=dossiers).exclude(fichier=""):
        evaluation.fichier.delete(save=False)
    for seance in seances.exclude(compte_rendu_pdf=""):
        seance.compte_rendu_pdf.delete(save=False)
    lies = Q(dossier__in=dossiers) | Q(seance__in=seances)
    ClotureDossier.objects.filter(dossier__in=dossiers).delete()
    DecisionCommission.objects.filter(lies).delete()
    AvisPartenaire.objects.filter(lies).delete()
    InscriptionDossier.objects.filter(lies).delete()
    EvaluationSociale.objects.filter(dossier__in=dossiers).delete()
    PresenceSeancePartenariale.objects.filter(seance__in=seances).delete()
    nombre, _ = dossiers.delete()
    seances.delete()
    commissions.delete()  # its members go with it
    return nombre
