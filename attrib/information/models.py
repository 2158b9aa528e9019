"""The last position shown to each demand, kept to tell the household when it moves (``positions_changees``).

A position is derived from the scores (like ``cotation.Cotation``, it is not journalled: the nightly run
rewrites the whole snapshot). Only what the applicant may see is kept: the band of places and the count of
similar demands, never the exact rank (``attrib.engine.position``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class InstantanePosition(models.Model):
    demande = models.OneToOneField("demandes.Demande", on_delete=models.CASCADE, related_name="instantane_position")
    debut = models.PositiveIntegerField("de la place")
    fin = models.PositiveIntegerField("à la place")
    effectif = models.PositiveIntegerField("demandes similaires")
    pris_le = models.DateField("position du")

    class Meta:
        verbose_name = "position enregistrée"
        verbose_name_plural = "positions enregistrées"
        constraints = [
            models.CheckConstraint(
                condition=Q(debut__gte=1) & Q(fin__gte=F("debut")) & Q(effectif__gte=F("fin")),
                name="instantane_position_bande_valide",
                violation_error_message="Une tranche de places va de la première à la dernière, dans l'effectif.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.demande_id} : places {self.debut} à {self.fin} sur {self.effectif}"
