"""The audit trail shared by every domain: who did what, when, to which object."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class EvenementQuerySet(models.QuerySet["Evenement"]):
    def pour(self, objet: models.Model) -> EvenementQuerySet:
        return self.filter(cible_type=ContentType.objects.get_for_model(objet), cible_id=str(objet.pk))


class Evenement(models.Model):
    """One entry of the audit trail. Never updated, never deleted."""

    cible_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    cible_id = models.CharField(max_length=64)
    action = models.CharField("action", max_length=50)
    resume = models.CharField("résumé", max_length=300)
    details: models.JSONField[Any] = models.JSONField("détails", default=dict, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True)
    horodatage = models.DateTimeField("date", auto_now_add=True, db_index=True)
    visible_demandeur = models.BooleanField(
        "visible du demandeur", default=False, help_text="Événement de la vie de la demande que le demandeur voit."
    )

    objects = EvenementQuerySet.as_manager()

    class Meta:
        verbose_name = "événement"
        ordering = ["-horodatage", "-id"]
        indexes = [models.Index(fields=["cible_type", "cible_id", "horodatage"])]

    def __str__(self) -> str:
        return f"{self.horodatage:%d/%m/%Y %H:%M} {self.resume}"
