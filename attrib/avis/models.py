"""The notices sent to households (issue 13, point 5).

An ``Avis`` is one notice of the life of a demand (registered, renewed, documents awaited, validated or refused,
score changed, presented to the commission, its decision, an offer, a lease, a renewal notice, a radiation): its
title and text in plain French, fixed when it is written, read in the applicant's inbox. It comes from one
source row (an entry of the business trail ``Evenement`` visible to the applicant, or a change of score
``CotationHistorique``) read by the worker after a watermark (:class:`Filigrane`): one source row gives one
notice, whatever the number of runs (unique constraint). A move of the position among similar demands gives a notice
too, written by the nightly follow-up of the positions (``attrib.avis.positions``), once per demand and snapshot.

Each notice is delivered on one channel besides the inbox (:class:`Envoi`): an email when the household gave an
address, otherwise a letter (PDF frozen at the emission, ``attrib.documents``) queued for the desk that
registered the demand to print. One notice, one delivery per channel (unique constraint)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Source(models.TextChoices):
    EVENEMENT = "evenement", "Événement de la demande"
    COTATION = "cotation", "Changement de score"
    #: A move of the position among similar demands (``source_id``: the snapshot row it was compared with).
    POSITION = "position", "Changement de position"
    #: A new advert of location voulue that matches the demand (``source_id``: the advert; one notice per demand).
    ANNONCE = "annonce", "Logement proposé en location voulue"


class Avis(models.Model):
    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="avis")
    source = models.CharField("source", max_length=12, choices=Source.choices)
    source_id = models.BigIntegerField("identifiant de la source")
    nature = models.CharField("nature", max_length=40)
    titre = models.CharField("titre", max_length=200)
    texte = models.TextField("texte")
    date_evenement = models.DateTimeField("date de l'événement")
    cree_le = models.DateTimeField("écrit le", auto_now_add=True)
    lu_le = models.DateTimeField("lu le", null=True, blank=True)

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        ordering = ["-date_evenement", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id", "demande"],
                name="avis_un_par_source_et_demande",
                violation_error_message="Cet événement a déjà son avis.",
            ),
        ]
        indexes = [models.Index(fields=["demande", "date_evenement"], name="avis_boite_idx")]

    def __str__(self) -> str:
        return f"{self.titre} ({self.demande_id})"

    @property
    def lu(self) -> bool:
        return self.lu_le is not None


class Canal(models.TextChoices):
    COURRIEL = "courriel", "Courriel"
    COURRIER = "courrier", "Courrier"


class StatutEnvoi(models.TextChoices):
    A_ENVOYER = "a_envoyer", "À envoyer"
    EN_COURS = "en_cours", "Envoi en cours"
    ENVOYE = "envoye", "Envoyé"
    ECHEC = "echec", "Échec de l'envoi"
    A_IMPRIMER = "a_imprimer", "À imprimer"
    IMPRIME = "imprime", "Imprimé"


class Envoi(models.Model):
    """The delivery of a notice on one channel: the email (address, attempts, last error) or the letter (its
    frozen PDF, the desk that prints it, who printed it and when)."""

    avis = models.ForeignKey(Avis, on_delete=models.CASCADE, related_name="envois")
    canal = models.CharField("canal", max_length=10, choices=Canal.choices)
    statut = models.CharField("statut", max_length=12, choices=StatutEnvoi.choices)
    destinataire = models.CharField("destinataire", max_length=300, blank=True, help_text="Adresse du courriel.")
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)
    erreur = models.TextField("dernière erreur", blank=True)
    envoye_le = models.DateTimeField("envoyé le", null=True, blank=True)
    guichet = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="guichet qui imprime",
    )
    document = models.OneToOneField(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="courrier figé",
    )
    imprime_le = models.DateTimeField("imprimé le", null=True, blank=True)
    imprime_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="imprimé par",
    )

    class Meta:
        verbose_name = "envoi d'un avis"
        verbose_name_plural = "envois des avis"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["avis", "canal"],
                name="envoi_un_par_canal",
                violation_error_message="Cet avis a déjà son envoi sur ce canal.",
            ),
            models.CheckConstraint(
                condition=~Q(canal="courrier") | (Q(guichet__isnull=False) & Q(document__isnull=False)),
                name="envoi_courrier_guichet_et_document",
                violation_error_message="Un courrier a son guichet et son document figé.",
            ),
            models.CheckConstraint(
                condition=~Q(canal="courriel") | ~Q(destinataire=""),
                name="envoi_courriel_destinataire",
                violation_error_message="Un courriel a son destinataire.",
            ),
        ]
        indexes = [
            models.Index(fields=["canal", "statut"], name="envoi_file_idx"),
            models.Index(fields=["guichet", "statut"], name="envoi_guichet_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_canal_display()} — {self.get_statut_display()} ({self.avis_id})"


class Filigrane(models.Model):
    """How far the worker read a source: every row of ``source`` with an id up to ``dernier_id`` has its
    notice (or was not one to notify)."""

    source = models.CharField("source", max_length=12, choices=Source.choices, primary_key=True)
    dernier_id = models.BigIntegerField("dernier identifiant lu", default=0)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "filigrane des avis"
        verbose_name_plural = "filigranes des avis"

    def __str__(self) -> str:
        return f"{self.get_source_display()} : {self.dernier_id}"
