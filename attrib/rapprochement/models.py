"""Batch proposals (``LotPropositions``): one run of the batch matching for the freed dwellings of a
territory and a period, its progress (polled by the screen) and its result (certificate, objectives,
proposals with their reasons) kept as the engine gave it, so that the page shows what was computed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attrib.organisations.acteurs import Acteur, restreindre
from attrib.rapprochement.enums import StatutLot


class LotPropositionsQuerySet(models.QuerySet["LotPropositions"]):
    def visible_to(self, acteur: Acteur) -> LotPropositionsQuerySet:
        """A run belongs to the organisation it was launched for: its members see it (every run for the
        system and superusers)."""
        return restreindre(self, acteur, lambda ids: Q(organisation_id__in=ids))


class LotPropositions(models.Model):
    ETAPES = 3

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="pour le compte de"
    )
    epci = models.ForeignKey("territoires.EPCI", on_delete=models.PROTECT, related_name="+", verbose_name="territoire")
    debut = models.DateField("début de la période")
    fin = models.DateField("fin de la période")
    statut = models.CharField("statut", max_length=10, choices=StatutLot.choices, default=StatutLot.EN_COURS)
    etape = models.PositiveSmallIntegerField("étape", default=0)
    libelle_etape = models.CharField("étape en cours", max_length=200, blank=True)
    faites = models.PositiveIntegerField("éléments traités dans l'étape", default=0)
    total = models.PositiveIntegerField("éléments à traiter", default=0)
    message = models.TextField("bilan", blank=True)
    resultat: models.JSONField[Any] = models.JSONField("résultat", default=dict, blank=True)
    lance_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    travail = models.ForeignKey(
        "taches.Travail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="travail long qui l'exécute",
    )
    cree_le = models.DateTimeField("lancé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    objects = LotPropositionsQuerySet.as_manager()

    class Meta:
        verbose_name = "lot de propositions"
        verbose_name_plural = "lots de propositions"
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gte=F("debut")),
                name="lot_propositions_periode_ordonnee",
                violation_error_message="La fin de la période précède son début.",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutLot.values),
                name="lot_propositions_statut_connu",
                violation_error_message="Statut de lot inconnu.",
            ),
        ]

    def __str__(self) -> str:
        return f"Propositions du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y} — {self.organisation}"

    @property
    def en_cours(self) -> bool:
        return self.statut == StatutLot.EN_COURS

    @property
    def pourcentage(self) -> int:
        """Overall progress, 0 to 100 (each step counts for a third)."""
        if self.statut != StatutLot.EN_COURS:
            return 100
        if self.etape == 0:
            return 0
        dans_etape = self.faites / self.total if self.total else 1
        return min(99, int(100 * ((self.etape - 1) + dans_etape) / self.ETAPES))
