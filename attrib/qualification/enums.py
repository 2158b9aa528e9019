"""Closed lists of the rating campaigns."""

from __future__ import annotations

from django.db import models

from attrib.engine.qualification import Statut


class StatutCampagne(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte"
    CLOSE = "close", "Close"


class Partie(models.TextChoices):
    """The two parties that rate each residence, independently."""

    COMMUNE = "commune", "Commune"
    BAILLEUR = "bailleur", "Bailleur"


class StatutResidence(models.TextChoices):
    """Classification of a residence at the close of a campaign (``attrib.engine.qualification.Statut``)."""

    CONCORDANT = Statut.CONCORDANT.value, "Concordante"
    DIVERGENT = Statut.DIVERGENT.value, "Divergente"
    UNE_SEULE_PARTIE = Statut.UNE_SEULE_PARTIE.value, "Notée par une seule partie"
    NON_NOTEE = Statut.NON_NOTEE.value, "Non notée"
