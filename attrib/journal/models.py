"""The change journal: one row per insert, update or delete of a tracked row, written by database triggers.

Rows are written by the triggers of ``attrib.journal.declencheurs`` only (never by Python code), so that
bulk updates, imports and raw SQL are journalled like a form. ``Evenement`` (``attrib.common``) stays the
business trail (what was decided, the applicant's timeline); this journal is the data layer beneath it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Operation(models.TextChoices):
    CREATION = "creation", "Création"
    MODIFICATION = "modification", "Modification"
    SUPPRESSION = "suppression", "Suppression"


class EntreeJournal(models.Model):
    """One change of one tracked row. Never updated, never deleted by the application."""

    horodatage = models.DateTimeField("date", db_index=True)
    table_objet = models.CharField("objet", max_length=100, help_text="Étiquette du modèle (app.modele).")
    objet_id = models.CharField("identifiant de l'objet", max_length=64)
    operation = models.CharField("opération", max_length=12, choices=Operation.choices)
    racine_table = models.CharField("rattaché à", max_length=100)
    racine_id = models.CharField("identifiant du rattachement", max_length=64, null=True, blank=True)
    avant: models.JSONField[Any] = models.JSONField("valeurs avant", null=True, blank=True)
    apres: models.JSONField[Any] = models.JSONField("valeurs après", null=True, blank=True)
    # No database constraint: an entry outlives the user or organisation it names.
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    auteur_libelle = models.CharField("auteur (nom à la date)", max_length=300, blank=True, default="")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisation",
    )
    origine = models.CharField("origine", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "entrée du journal des modifications"
        verbose_name_plural = "entrées du journal des modifications"
        ordering = ["-horodatage", "-id"]
        indexes = [
            models.Index(fields=["racine_table", "racine_id"], name="journal_racine_idx"),
            models.Index(fields=["table_objet", "objet_id"], name="journal_objet_idx"),
            # The freshness key of the caches (attrib.journal.generation): last entry of a root, one index step.
            models.Index(fields=["racine_table", "id"], name="journal_racine_generation_idx"),
        ]
        permissions = [
            (
                "exporter_journal",
                "Exporter le journal des modifications d'une période (délégué à la protection des données)",
            )
        ]

    def __str__(self) -> str:
        return f"{self.horodatage:%d/%m/%Y %H:%M} {self.get_operation_display()} {self.table_objet} {self.objet_id}"


class GenerationRacine(models.Model):
    """PostgreSQL: a number bumped by every transaction that wrote under a root, at its commit (a deferred
    trigger of the journal, ``attrib.journal.generation``). The last journal id alone cannot say that a
    transaction holding a smaller id committed after a cache read it; this number can. Written by the
    database only."""

    racine_table = models.CharField("rattaché à", max_length=100, primary_key=True)
    valeur = models.BigIntegerField("génération", default=0)

    class Meta:
        verbose_name = "génération d'un rattachement"
        verbose_name_plural = "générations des rattachements"

    def __str__(self) -> str:
        return f"{self.racine_table} : {self.valeur}"
