"""The e-mail alerts of location voulue (issue 14, point 3; decision 0033): when an advert is published, the
households it matches are told, once.

:func:`alertes_ecrire` takes adverts (one just published, or every advert published on a day: the batch), groups
them by territory (the EPCI of the dwelling's commune), reads the territory's demand index
(:func:`attrib.rapprochement.moteur.index_territoire`, the shortlist's, kept in memory and on disk) and asks the
engine which demands to alert for each advert (:func:`attrib.engine.annonces.alertes.menages_a_alerter`: the demand
wishes the commune and the typology, the household is eligible — every blocking rule — and in the advert's public).
The engine is told the households that may not apply anyway (``exclus``): those suspended after refusals
(:func:`attrib.annonces.selectors.suspension_de`, the rule the application checks) and those at their limit of
open applications. Of the demands left, only those the household follows in its applicant space (an active
« titulaire » link of an active account: ``demandeurs.Liaison``) are told: the notice invites it to apply online.

Each one gets one notice (``avis.Avis``, source « annonce », ``source_id`` = the advert: the unique constraint
makes a second run write nothing), in its inbox, and an e-mail sent by the notices' worker like every notice
(``attrib.avis.services.courriels_envoyer``): to the address the demand holds, else to the account's confirmed
address. Never a letter: an advert stays open a few days, a letter would arrive after its closing.

Run by the worker (:mod:`attrib.annonces.taches`): queued by ``annonce_publier`` once its transaction is committed,
and each night for the adverts published the day before (``manage.py alerter_annonces``), which catches an advert
whose task was lost. One advert that cannot be read (a commune outside any EPCI, a dwelling the rules cannot
evaluate) is named in the report; the others are done."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from attrib.annonces import parametres
from attrib.annonces.enums import PublicAnnonce, StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature
from attrib.annonces.pilotage import offres_par_annonce
from attrib.annonces.selectors import logement_de_l_annonce, suspension_de
from attrib.avis.models import Source
from attrib.avis.redaction import Redaction
from attrib.avis.services import Rapport, avis_deja_ecrits, avis_ecrire
from attrib.commissions.enums import StatutOffre
from attrib.commissions.models import Offre
from attrib.demandes.models import Demande
from attrib.demandeurs.models import Liaison, Qualite
from attrib.engine.annonces.alertes import AnnonceAAlerter, menages_a_alerter
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.rapprochement.texte import euros_centimes
from attrib.organisations.acteurs import Acteur
from attrib.rapprochement.moteur import IndexTerritoire, index_territoire
from attrib.territoires.models import EPCI

logger = logging.getLogger(__name__)

REFUS_ALERTER = "Seul le service (sa tâche de fond) prévient les ménages des nouvelles annonces."
NATURE_ALERTE = "annonce"
#: Who a restricted advert is for, in the household's words.
PUBLICS_EN_CLAIR: dict[str, str] = {
    PublicAnnonce.Q1: "ménages aux ressources les plus faibles (le quart des demandeurs du territoire aux plus "
    "faibles ressources par personne)",
    PublicAnnonce.PRIORITAIRES: "ménages reconnus prioritaires (droit au logement opposable, ou priorité reconnue "
    "par la loi)",
}
TITRE_ALERTE = "Un logement proposé correspond à votre demande"


@dataclass
class RapportAlertes:
    """What a run did: adverts read, households matched by the engine (before keeping those with an applicant
    space), notices written (and their deliveries, ``avis``), adverts skipped (named)."""

    annonces: int = 0
    menages: int = 0
    exclus: int = 0
    avis: Rapport = field(default_factory=Rapport)
    sautees: list[str] = field(default_factory=list)

    @property
    def resume(self) -> str:
        morceaux = [
            f"{self.annonces} annonce(s) lue(s)",
            f"{self.menages} ménage(s) correspondant(s)",
            f"{self.avis.avis} avis écrit(s)",
        ]
        if self.sautees:
            morceaux.append(f"{len(self.sautees)} annonce(s) sautée(s)")
        if self.avis.sautes:
            morceaux.append(f"{len(self.avis.sautes)} avis non écrit(s)")
        return ", ".join(morceaux) + "."


# --- the notice -----------------------------------------------------------------------------------------------


def _typologie(typologie: int) -> str:
    return "6 pièces ou plus" if typologie >= 6 else ("1 pièce" if typologie == 1 else f"{typologie} pièces")


def rediger_alerte(*, annonce: Annonce, demande: Demande) -> Redaction:
    """The notice of a new advert matching ``demande``: commune, typology, rent, closing date, in plain French.
    The e-mail adds the link to the advert's page in the applicant space (``attrib.avis.liens``)."""
    cloture = timezone.localtime(annonce.cloture_le) if annonce.cloture_le else None
    texte = render_to_string(
        "annonces/avis/alerte.txt",
        {
            "demande": demande,
            "annonce": annonce,
            "commune": annonce.commune.nom,
            "typologie": _typologie(int(annonce.typologie)),
            "t": f"T{annonce.typologie}" if annonce.typologie < 6 else "T6 ou plus",
            "surface": f"{annonce.surface:.0f}".replace(".", ","),
            "loyer": euros_centimes(float(annonce.loyer)),
            "charges": euros_centimes(float(annonce.charges)) if annonce.charges is not None else "",
            "total": euros_centimes(float(annonce.total_mensuel)),  # type: ignore[arg-type]
            "cloture": cloture,
            "restreinte": annonce.public != PublicAnnonce.TOUS,
            "public": PUBLICS_EN_CLAIR.get(annonce.public, ""),
        },
    )
    lignes = [ligne.rstrip() for ligne in texte.strip().splitlines()]
    propre: list[str] = []
    for ligne in lignes:
        if ligne or (propre and propre[-1]):
            propre.append(ligne)
    return Redaction(nature=NATURE_ALERTE, titre=TITRE_ALERTE, texte="\n".join(propre).strip())


# --- who is told ----------------------------------------------------------------------------------------------


def _au_maximum(jour: date) -> set[int]:
    """Demands holding the most open applications the rule allows: they cannot apply to one more."""
    maximum = parametres.candidatures_ouvertes_maximum(jour)
    return set(
        Candidature.objects.ouvertes()
        .values("demande_id")
        .order_by()
        .annotate(n=Count("pk"))
        .filter(n__gte=maximum)
        .values_list("demande_id", flat=True)
    )


def _suspendues(jour: date) -> set[int]:
    """Demands suspended from applying on ``jour``: only a household that refused (or let lapse) an offer made
    through an advert can be, so the rule is read for those only."""
    refus = offres_par_annonce(Offre.objects.filter(statut__in=(StatutOffre.REFUSEE, StatutOffre.EXPIREE)))
    ids = sorted(set(refus.values_list("demande_id", flat=True).order_by()))
    return {d.pk for d in Demande.objects.filter(pk__in=ids) if suspension_de(d, jour).suspendu}


def _comptes_suivis(demande_ids: Iterable[int]) -> dict[int, str]:
    """Demands of ``demande_ids`` followed by their household in its applicant space (active « titulaire » link of
    an active account), with the account's confirmed address (``""``: none, a FranceConnect account)."""
    suivis: dict[int, str] = {}
    ids = sorted(set(demande_ids))
    for i in range(0, len(ids), 1000):
        for demande_id, courriel, verifie in (
            Liaison.objects.filter(
                demande_id__in=ids[i : i + 1000],
                qualite=Qualite.TITULAIRE,
                retiree_le__isnull=True,
                compte__utilisateur__is_active=True,
            )
            .order_by("creee_le")
            .values_list("demande_id", "compte__courriel", "compte__courriel_verifie_le")
        ):
            suivis[demande_id] = (courriel or "") if verifie is not None else ""
    return suivis


def _par_territoire(annonces: Sequence[Annonce], rapport: RapportAlertes) -> dict[str, list[Annonce]]:
    groupes: dict[str, list[Annonce]] = defaultdict(list)
    for annonce in annonces:
        epci = annonce.commune.epci_id
        if epci is None:
            rapport.sautees.append(
                f"Annonce {annonce.reference} : la commune {annonce.commune.nom} n'appartient à aucun EPCI, "
                "ses demandes ne sont pas indexées."
            )
            continue
        groupes[epci].append(annonce)
    return groupes


def _a_alerter(annonces: Sequence[Annonce], rapport: RapportAlertes) -> list[AnnonceAAlerter]:
    lues = []
    for annonce in annonces:
        try:
            lues.append(
                AnnonceAAlerter(cle=str(annonce.pk), logement=logement_de_l_annonce(annonce), public=annonce.public)
            )
        except EntreeInvalide as exc:
            rapport.sautees.append(f"Annonce {annonce.reference} : logement non évaluable ({exc}).")
    return lues


def _territoire(it: IndexTerritoire, annonces: Sequence[Annonce], exclues: set[int], rapport: RapportAlertes) -> None:
    numero_de = {pk: numero for numero, pk in it.demande_pk.items()}
    exclus = frozenset(numero_de[pk] for pk in exclues if pk in numero_de)
    lues = {int(a.cle): a for a in _a_alerter(annonces, rapport)}
    try:
        resultats = menages_a_alerter(it.index, list(lues.values()), exclus=exclus)
    except EntreeInvalide as exc:
        rapport.sautees += [f"Annonce {a.reference} : {exc}" for a in annonces if a.pk in lues]
        return
    rapport.exclus += len(exclus)
    par_annonce = {a.pk: a for a in annonces}
    for cle, numeros in resultats.items():
        annonce = par_annonce[int(cle)]
        demande_ids = [it.demande_pk[str(n)] for n in numeros.tolist()]
        rapport.menages += len(demande_ids)
        deja_candidates = set(
            Candidature.objects.filter(annonce=annonce)
            .exclude(statut=StatutCandidature.RETIREE)
            .values_list("demande_id", flat=True)
        )
        suivis = _comptes_suivis(d for d in demande_ids if d not in deja_candidates)
        faits = avis_deja_ecrits(Source.ANNONCE, annonce.pk, sorted(suivis))
        for demande_id in sorted(suivis):
            if demande_id in faits:
                continue
            avis_ecrire(
                rapport.avis,
                source=Source.ANNONCE,
                source_id=annonce.pk,
                demande_id=demande_id,
                date_evenement=annonce.publiee_le or timezone.now(),
                rediger=partial(rediger_alerte, annonce=annonce),
                courriel_secours=suivis[demande_id],
                courrier=False,
            )


def alertes_ecrire(
    *, annonces: Iterable[Annonce], auteur: Acteur, jour: date | None = None, rapport: RapportAlertes | None = None
) -> RapportAlertes:
    """Write the notices of the households matched by ``annonces`` (only those still open to applications: an
    advert withdrawn or closed meanwhile is no news). Idempotent: a household already told of an advert is not
    told again."""
    auteur.exiger(auteur.voit_tout, REFUS_ALERTER)
    rapport = rapport or RapportAlertes()
    maintenant = timezone.now()
    jour = jour or timezone.localdate(maintenant)
    ouvertes = [
        a
        for a in annonces
        if a.statut == StatutAnnonce.PUBLIEE and a.cloture_le is not None and a.cloture_le > maintenant
    ]
    rapport.annonces += len(ouvertes)
    if not ouvertes:
        return rapport
    exclues = _au_maximum(jour) | _suspendues(jour)
    for epci_id, groupe in sorted(_par_territoire(ouvertes, rapport).items()):
        try:
            it = index_territoire(EPCI.objects.get(pk=epci_id), jour=jour)
        except Exception as exc:  # noqa: BLE001 — one territory never stops the others
            logger.exception("Index du territoire %s illisible pour les alertes", epci_id)
            rapport.sautees += [
                f"Annonce {a.reference} : les demandes du territoire n'ont pas pu être lues ({type(exc).__name__})."
                for a in groupe
            ]
            continue
        _territoire(it, groupe, exclues, rapport)
    return rapport


def _chargees(ids: Iterable[int]) -> list[Annonce]:
    return list(Annonce.objects.filter(pk__in=list(ids)).select_related("commune").order_by("pk"))


def alertes_annonces(*, annonce_ids: Sequence[int], auteur: Acteur, jour: date | None = None) -> RapportAlertes:
    """The alerts of the adverts ``annonce_ids`` (the task queued at publication)."""
    return alertes_ecrire(annonces=_chargees(annonce_ids), auteur=auteur, jour=jour)


def alertes_du_jour(*, jour: date, auteur: Acteur) -> RapportAlertes:
    """The batch: the alerts of every advert published on ``jour`` and still open (a household already told
    is not told again)."""
    auteur.exiger(auteur.voit_tout, REFUS_ALERTER)
    ids = Annonce.objects.filter(statut=StatutAnnonce.PUBLIEE, publiee_le__date=jour).values_list("pk", flat=True)
    return alertes_ecrire(annonces=_chargees(ids), auteur=auteur)


__all__ = [
    "NATURE_ALERTE",
    "TITRE_ALERTE",
    "RapportAlertes",
    "alertes_annonces",
    "alertes_du_jour",
    "alertes_ecrire",
    "rediger_alerte",
]
