"""Writing the notices and sending them (issue 13, point 5; docs/decisions/0025-avis-aux-demandeurs.md).

An outbox: the worker reads the rows of two sources after their watermark (:class:`Filigrane`) —
the entries of the business trail that the household sees (``Evenement.visible_demandeur``) and the changes of
score (``CotationHistorique``) — and writes one notice per row (:func:`avis_lire_sources`), with its delivery:
an email when the household gave an address, else a letter frozen as a PDF at once and queued for the desk that
registered the demand. Then it sends the emails (:func:`courriels_envoyer`). No other app calls this one: the
services of the demand file, the commission and the scoring only write their trail, as before.

Idempotent: a row gives one notice (unique ``source, source_id``), a notice one delivery per channel (unique
``avis, canal``); a row read twice (the watermark stays :data:`ATTRIB_AVIS_GARDE_S` behind the newest rows, so
that a transaction committed late is not jumped over) is skipped the second time. A row that cannot be written
(a template error, a PDF that fails) does not stop the batch: the others are written and the failed ones named.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from attrib.avis import permissions
from attrib.avis.liens import liens_de
from attrib.avis.models import Avis, Canal, Envoi, Filigrane, Source, StatutEnvoi
from attrib.avis.redaction import TITRES, Redaction, paragraphes, rediger_evenement, rediger_score
from attrib.common.models import Evenement
from attrib.common.pdf import pdf_depuis_html, uri_polices
from attrib.cotation.models import CotationHistorique
from attrib.demandes.attestation import attestation_a_servir
from attrib.demandes.models import Demande
from attrib.documents.models import NatureDocument
from attrib.documents.services import document_figer
from attrib.organisations.acteurs import Acteur, acteur_systeme

logger = logging.getLogger(__name__)

#: Source rows read per query.
LOT = 500


@dataclass
class Rapport:
    """What a run did: notices written, emails sent or failed, letters queued, rows skipped (named)."""

    avis: int = 0
    courriels_envoyes: int = 0
    courriels_en_echec: list[str] = field(default_factory=list)
    courriers: int = 0
    sautes: list[str] = field(default_factory=list)

    @property
    def resume(self) -> str:
        morceaux = [
            f"{self.avis} avis écrit(s)",
            f"{self.courriels_envoyes} courriel(s) envoyé(s)",
            f"{self.courriers} courrier(s) à imprimer",
        ]
        if self.courriels_en_echec:
            morceaux.append(f"{len(self.courriels_en_echec)} courriel(s) en échec")
        if self.sautes:
            morceaux.append(f"{len(self.sautes)} événement(s) sauté(s)")
        return ", ".join(morceaux) + "."


# --- reading the sources --------------------------------------------------------------------------------------


def _filigrane(source: str) -> Filigrane:
    filigrane, _ = Filigrane.objects.get_or_create(source=source)
    return filigrane


def _plafond(qs: QuerySet[Any], champ_date: str, garde: datetime) -> int | None:
    """The id of the newest row older than the guard: the watermark may move up to it."""
    return qs.filter(**{f"{champ_date}__lte": garde}).order_by("-id").values_list("id", flat=True).first()


def _rangs(qs: QuerySet[Any], depuis: int) -> Iterable[list[Any]]:
    dernier = depuis
    while True:
        lot = list(qs.filter(id__gt=dernier).order_by("id")[:LOT])
        if not lot:
            return
        yield lot
        dernier = lot[-1].id


def _deja_ecrits(source: str, ids: list[int]) -> set[int]:
    return set(Avis.objects.filter(source=source, source_id__in=ids).values_list("source_id", flat=True))


def avis_deja_ecrits(source: str, source_id: int, demande_ids: list[int]) -> set[int]:
    """The demands of ``demande_ids`` that already have their notice of the row ``source_id`` of ``source``."""
    ecrits: set[int] = set()
    for i in range(0, len(demande_ids), LOT):
        ecrits |= set(
            Avis.objects.filter(
                source=source, source_id=source_id, demande_id__in=demande_ids[i : i + LOT]
            ).values_list("demande_id", flat=True)
        )
    return ecrits


def _evenements() -> QuerySet[Evenement]:
    return Evenement.objects.filter(
        cible_type=ContentType.objects.get_for_model(Demande), visible_demandeur=True, action__in=list(TITRES)
    )


def avis_lire_sources(*, auteur: Acteur, rapport: Rapport | None = None) -> Rapport:
    """Write the notices of the source rows after each watermark, then move the watermarks (to the newest row
    older than the guard). Run by the worker (``attrib.avis.taches``)."""
    auteur.exiger(auteur.voit_tout, permissions.REFUS_TRAITER)
    rapport = rapport or Rapport()
    maintenant = timezone.now()
    garde = maintenant - timedelta(seconds=settings.ATTRIB_AVIS_GARDE_S)
    # An event older than this is no news any more (a history loaded in bulk, a run after a long stop).
    horizon = maintenant - timedelta(days=settings.ATTRIB_AVIS_AGE_MAX_J)

    filigrane = _filigrane(Source.EVENEMENT)
    plafond = _plafond(Evenement.objects.all(), "horodatage", garde)
    evenements = _evenements().filter(horodatage__gte=horizon)
    for lot in _rangs(
        evenements.only("id", "cible_id", "action", "details", "resume", "horodatage"), filigrane.dernier_id
    ):
        faits = _deja_ecrits(Source.EVENEMENT, [e.id for e in lot])
        for e in lot:
            if e.id not in faits:
                avis_ecrire(
                    rapport,
                    source=Source.EVENEMENT,
                    source_id=e.id,
                    demande_id=int(e.cible_id),
                    date_evenement=e.horodatage,
                    rediger=partial(rediger_evenement, action=e.action, details=e.details or {}, resume=e.resume),
                )
    _avancer(filigrane, plafond)

    filigrane = _filigrane(Source.COTATION)
    plafond = _plafond(CotationHistorique.objects.all(), "calculee_le", garde)
    for lot in _rangs(CotationHistorique.objects.filter(calculee_le__gte=horizon), filigrane.dernier_id):
        faits = _deja_ecrits(Source.COTATION, [h.id for h in lot])
        for h in lot:
            if h.id in faits:
                continue
            precedent = CotationHistorique.objects.filter(demande_id=h.demande_id, id__lt=h.id).order_by("-id").first()
            # The first score of a demand comes with its registration notice; an unchanged score (a new grid
            # version giving the same points) is not news.
            if precedent is None or precedent.score == h.score:
                continue
            avis_ecrire(
                rapport,
                source=Source.COTATION,
                source_id=h.id,
                demande_id=h.demande_id,
                date_evenement=h.calculee_le,
                rediger=partial(rediger_score, historique=h, precedent=precedent),
            )
    _avancer(filigrane, plafond)
    return rapport


def filigranes_a_partir_de_maintenant(*, auteur: Acteur) -> None:
    """Start the notices now: every row already written is jumped over (a history just loaded — the demo —, a
    restored backup, the service switched on late). The rows written from now on give their notices."""
    auteur.exiger(auteur.voit_tout, permissions.REFUS_TRAITER)
    for source, modele in ((Source.EVENEMENT, Evenement), (Source.COTATION, CotationHistorique)):
        dernier = modele.objects.order_by("-id").values_list("id", flat=True).first() or 0
        _avancer(_filigrane(source), dernier)


def _avancer(filigrane: Filigrane, plafond: int | None) -> None:
    if plafond is not None and plafond > filigrane.dernier_id:
        Filigrane.objects.filter(pk=filigrane.pk, dernier_id__lt=plafond).update(
            dernier_id=plafond, modifie_le=timezone.now()
        )


def avis_ecrire(
    rapport: Rapport,
    *,
    source: str,
    source_id: int,
    demande_id: int,
    date_evenement: datetime,
    rediger: Callable[..., Redaction],
    courriel_secours: str = "",
    courrier: bool = True,
) -> None:
    """One notice and its delivery, all or nothing; a failure is named in the report and the batch goes on.

    The delivery: an email to the household's address (the demand's applicant), else to ``courriel_secours`` (an
    address the household confirmed elsewhere, its account's), else a letter frozen for the desk — unless
    ``courrier`` is false (a notice that would be stale by the time a letter arrives: it stays in the inbox).
    For the callers of the other apps (location voulue's alerts); the caller checks its actor's rights."""
    try:
        with transaction.atomic():
            demande = (
                Demande.objects.select_related("guichet").prefetch_related("personnes").filter(pk=demande_id).first()
            )
            if demande is None:
                return  # the demand was deleted (anonymised copy, test data): nobody to tell
            redaction = rediger(demande=demande)
            avis = Avis.objects.create(
                demande=demande,
                source=source,
                source_id=source_id,
                nature=redaction.nature,
                titre=redaction.titre,
                texte=redaction.texte,
                date_evenement=date_evenement,
            )
            demandeur = demande.demandeur
            adresse = (demandeur.email if demandeur is not None else "") or courriel_secours
            if adresse:
                Envoi.objects.create(
                    avis=avis, canal=Canal.COURRIEL, statut=StatutEnvoi.A_ENVOYER, destinataire=adresse
                )
            elif courrier:
                _courrier(avis, demande)
                rapport.courriers += 1
        rapport.avis += 1
    except IntegrityError as exc:
        if Avis.objects.filter(source=source, source_id=source_id, demande_id=demande_id).exists():
            return  # written meanwhile by another worker: one notice per row
        logger.exception("Avis non écrit (%s %s)", source, source_id)
        rapport.sautes.append(f"{Source(source).label} n° {source_id} (demande {demande_id}) : {type(exc).__name__}")
    except Exception as exc:  # noqa: BLE001 — the batch goes on; the row is named
        logger.exception("Avis non écrit (%s %s)", source, source_id)
        rapport.sautes.append(f"{Source(source).label} n° {source_id} (demande {demande_id}) : {type(exc).__name__}")


def courrier_html(avis: Avis, demande: Demande) -> str:
    """The HTML the letter of ``avis`` is printed from (what the household reads on paper)."""
    return render_to_string(
        "avis/pdf/courrier.html",
        {
            "avis": avis,
            "guichet": demande.guichet,
            "demandeur": demande.demandeur,
            "paragraphes": paragraphes(avis.texte),
            "polices": uri_polices(),
            "cree_le_iso": avis.date_evenement.isoformat(),
        },
    )


def _courrier(avis: Avis, demande: Demande) -> Envoi:
    """Freeze the letter (PDF) of ``avis`` now and queue it for the desk that registered the demand."""
    html = courrier_html(avis, demande)
    document = document_figer(
        objet=avis,
        nature=NatureDocument.COURRIER_AVIS,
        contenu=pdf_depuis_html(html, document="du courrier"),
        nom_fichier=f"courrier-{demande.numero_unique}-{avis.pk}.pdf",
        date_evenement=avis.date_evenement,
        auteur=_systeme(),
        organisation=demande.guichet,
    )
    return Envoi.objects.create(
        avis=avis, canal=Canal.COURRIER, statut=StatutEnvoi.A_IMPRIMER, guichet=demande.guichet, document=document
    )


def _systeme() -> Acteur:
    return acteur_systeme("avis aux demandeurs")


# --- sending the emails ---------------------------------------------------------------------------------------


#: Notices whose email carries the attestation of registration (R441-2-4 CCH: the attestation is sent to the
#: household), as frozen at its event (``attrib.demandes.attestation``).
NATURES_AVEC_ATTESTATION = frozenset({"enregistrement", "renouvellement"})


def _message(envoi: Envoi, connexion: Any) -> EmailMessage:
    avis = envoi.avis
    attestation = (
        attestation_a_servir(avis.demande, auteur=_systeme()) if avis.nature in NATURES_AVEC_ATTESTATION else None
    )
    corps = render_to_string(
        "avis/courriel.txt",
        {
            "avis": avis,
            "liens": liens_de(avis),
            "guichet": avis.demande.guichet.nom,
            "attestation": attestation is not None,
        },
    )
    message = EmailMessage(
        subject=f"{avis.titre} — demande n° {avis.demande.numero_unique}",
        body=corps,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[envoi.destinataire],
        connection=connexion,
        headers={"Auto-Submitted": "auto-generated"},
    )
    if attestation is not None:
        message.attach(attestation.nom_fichier, bytes(attestation.octets), "application/pdf")
    return message


def _prendre(envoi: Envoi) -> bool:
    """Claim a pending email (one worker sends it, whatever the number of workers)."""
    return bool(Envoi.objects.filter(pk=envoi.pk, statut=StatutEnvoi.A_ENVOYER).update(statut=StatutEnvoi.EN_COURS))


def courriels_envoyer(
    *, auteur: Acteur, rapport: Rapport | None = None, pause: Callable[[float], None] = time.sleep
) -> Rapport:
    """Send every pending email through the SMTP server of the settings. Each one is tried at most
    ``ATTRIB_AVIS_TENTATIVES`` times (a new connection each time, ``ATTRIB_AVIS_PAUSE_S`` seconds apart); a
    last failure is recorded on the delivery (« échec », with the server's answer) and the others are sent."""
    auteur.exiger(auteur.voit_tout, permissions.REFUS_TRAITER)
    rapport = rapport or Rapport()
    tentatives_max = max(1, settings.ATTRIB_AVIS_TENTATIVES)
    en_attente = (
        Envoi.objects.filter(canal=Canal.COURRIEL, statut=StatutEnvoi.A_ENVOYER)
        .select_related("avis__demande__guichet")
        .order_by("id")
    )
    connexion: Any = None
    for envoi in en_attente.iterator(chunk_size=LOT):
        if not _prendre(envoi):
            continue
        erreur = ""
        tentatives = 0
        while tentatives < tentatives_max:
            tentatives += 1
            try:
                if connexion is None:
                    connexion = get_connection(fail_silently=False)
                    connexion.open()
                _message(envoi, connexion).send(fail_silently=False)
                erreur = ""
                break
            except Exception as exc:  # noqa: BLE001 — any failure of the server: retried, then recorded
                erreur = f"{type(exc).__name__} : {exc}"[:2000]
                logger.warning("Courriel non envoyé (envoi %s, tentative %s) : %s", envoi.pk, tentatives, erreur)
                _fermer(connexion)
                connexion = None
                if tentatives < tentatives_max:
                    pause(settings.ATTRIB_AVIS_PAUSE_S)
        if erreur:
            Envoi.objects.filter(pk=envoi.pk).update(
                statut=StatutEnvoi.ECHEC, tentatives=envoi.tentatives + tentatives, erreur=erreur
            )
            logger.error("Courriel en échec après %s tentative(s) (envoi %s) : %s", tentatives, envoi.pk, erreur)
            rapport.courriels_en_echec.append(f"envoi n° {envoi.pk} (demande {envoi.avis.demande.numero_unique})")
        else:
            Envoi.objects.filter(pk=envoi.pk).update(
                statut=StatutEnvoi.ENVOYE, tentatives=envoi.tentatives + tentatives, erreur="", envoye_le=timezone.now()
            )
            rapport.courriels_envoyes += 1
    _fermer(connexion)
    return rapport


def _fermer(connexion: Any) -> None:
    if connexion is None:
        return
    try:
        connexion.close()
    except Exception:  # noqa: BLE001 — a connection already broken
        logger.debug("Connexion SMTP déjà fermée")


def avis_traiter(*, auteur: Acteur) -> Rapport:
    """A run of the outbox: write the new notices, then send the pending emails."""
    rapport = avis_lire_sources(auteur=auteur)
    return courriels_envoyer(auteur=auteur, rapport=rapport)


# --- the desk's letters and the household's inbox -------------------------------------------------------------


@transaction.atomic
def courrier_marquer_imprime(*, envoi: Envoi, auteur: Acteur) -> Envoi:
    """The desk printed the letter (and posts it): it leaves the queue, with who and when."""
    envoi = Envoi.objects.select_for_update().get(pk=envoi.pk)
    auteur.exiger(
        envoi.canal == Canal.COURRIER and permissions.peut_imprimer(auteur, envoi.guichet_id),
        permissions.REFUS_IMPRIMER,
    )
    if envoi.statut == StatutEnvoi.IMPRIME:
        return envoi
    envoi.statut = StatutEnvoi.IMPRIME
    envoi.imprime_le = timezone.now()
    envoi.imprime_par = auteur.utilisateur
    envoi.save(update_fields=["statut", "imprime_le", "imprime_par"])
    return envoi


def avis_marquer_lu(*, avis: Avis, auteur: Acteur) -> Avis:
    """The household opened the notice in its inbox."""
    auteur.exiger(permissions.peut_lire(auteur, avis.demande_id), permissions.REFUS_LIRE)
    if avis.lu_le is None:
        avis.lu_le = timezone.now()
        Avis.objects.filter(pk=avis.pk, lu_le__isnull=True).update(lu_le=avis.lu_le)
    return avis
