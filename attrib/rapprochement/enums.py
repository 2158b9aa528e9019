"""Closed lists of the rapprochement."""

from __future__ import annotations

from django.db import models


class StatutLot(models.TextChoices):
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ECHEC = "echec", "Échec"
