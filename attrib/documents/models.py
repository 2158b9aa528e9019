"""Documents frozen at their event (issue 10, rule 4): the minutes of a CALEOL session, the offer letter, the
registration attestation. Each is rendered once when its event happens and stored here as bytes with their
SHA-256: what is served is what was stored, byte for byte, whatever the day of the download. A corrected
document is a new version beside the old one, with its reason; no version is ever updated or deleted.

The bytes live in the database (``BinaryField``): they are written in the same transaction as their event
(a failed rendering leaves no half-written event), they never sit under the web root, and they are read only
through the views that check the reader's rights. See ``docs/documents.md``."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NatureDocument(models.TextChoices):
    PROCES_VERBAL = "proces_verbal", "Procès-verbal de séance de la CALEOL"
    COURRIER_OFFRE = "courrier_offre", "Courrier de proposition de logement"
    ATTESTATION = "attestation", "Attestation d'enregistrement de la demande"
    COURRIER_AVIS = "courrier_avis", "Courrier d'information du demandeur"
    COURRIER_CODE_LIAISON = "courrier_code_liaison", "Courrier du code d'accès à l'espace demandeur"


class DocumentFige(Exception):
    """A stored document is never changed nor deleted: a correction is a new version."""


class DocumentQuerySet(models.QuerySet[Any]):
    """Frozen rows (documents and their HTML): read by object and nature, never updated nor deleted."""

    def pour(self, objet: models.Model, nature: str) -> DocumentQuerySet:
        return self.filter(cible_type=ContentType.objects.get_for_model(objet), cible_id=objet.pk, nature=nature)

    def update(self, **kwargs: Any) -> int:
        raise DocumentFige("Un document figé ne se modifie pas : enregistrez une nouvelle version.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DocumentFige("Un document figé ne se supprime pas.")


class _Fige(models.Model):
    """A row written once at its event: never changed nor deleted (``_qualite`` says how the message calls
    it: « établi », « figé »)."""

    _qualite: ClassVar[str] = "figé"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise DocumentFige(f"Un document {self._qualite} ne se modifie pas : enregistrez une nouvelle version.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DocumentFige(f"Un document {self._qualite} ne se supprime pas.")


class Instantane(_Fige):
    """A document rendered as HTML at its event, for documents made in great numbers (an attestation for each
    registration or renewal, imports of thousands of demands included): the HTML is fixed at the event, cheaply;
    its PDF is made once from that HTML at the first download and stored as a ``Document``. Never changed."""

    nature = models.CharField("nature", max_length=30, choices=NatureDocument.choices)
    cible_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    cible_id = models.PositiveBigIntegerField("objet")
    version = models.PositiveSmallIntegerField("version")
    html = models.TextField("contenu HTML")
    sha256 = models.CharField("empreinte SHA-256 du HTML", max_length=64)
    date_evenement = models.DateTimeField("date de l'événement")
    motif = models.TextField("motif de la nouvelle version", blank=True)
    cree_le = models.DateTimeField("enregistré le", default=timezone.now)

    objects = DocumentQuerySet.as_manager()
    _qualite = "établi"

    class Meta:
        verbose_name = "document établi à son événement"
        verbose_name_plural = "documents établis à leur événement"
        ordering = ["cible_type_id", "cible_id", "nature", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["nature", "cible_type", "cible_id", "version"],
                name="instantane_version_unique",
                violation_error_message="Cette version du document existe déjà.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} — version {self.version} (HTML)"


class Document(_Fige):
    nature = models.CharField("nature", max_length=30, choices=NatureDocument.choices)
    cible_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    cible_id = models.PositiveBigIntegerField("objet")
    version = models.PositiveSmallIntegerField("version")
    nom_fichier = models.CharField("nom du fichier", max_length=200)
    type_mime = models.CharField("type", max_length=100, default="application/pdf")
    contenu = models.BinaryField("contenu")
    taille = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    date_evenement = models.DateTimeField(
        "date de l'événement", help_text="L'événement que le document fige (séance close, offre envoyée…)."
    )
    motif = models.TextField("motif de la nouvelle version", blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("enregistré le", default=timezone.now)
    instantane = models.OneToOneField(
        Instantane,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
        help_text="Le HTML établi à l'événement dont ce PDF est tiré.",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document figé"
        verbose_name_plural = "documents figés"
        ordering = ["cible_type_id", "cible_id", "nature", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["nature", "cible_type", "cible_id", "version"],
                name="document_version_unique",
                violation_error_message="Cette version du document existe déjà.",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="document_version_positive", violation_error_message="Version ≥ 1."
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(motif=""),
                name="document_correction_motivee",
                violation_error_message="Une nouvelle version d'un document indique le motif de la correction.",
            ),
            models.CheckConstraint(
                condition=Q(nature__in=NatureDocument.values),
                name="document_nature_connue",
                violation_error_message="Nature de document inconnue.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} — version {self.version}"

    @property
    def octets(self) -> bytes:
        return bytes(self.contenu)

    @property
    def intact(self) -> bool:
        """The stored bytes still have the hash recorded with them."""
        return hashlib.sha256(self.octets).hexdigest() == self.sha256
