"""Choices of the DALO follow-up (L441-2-3 CCH)."""

from __future__ import annotations

from django.db import models


class SensDecision(models.TextChoices):
    """What the commission de médiation decided."""

    FAVORABLE = "favorable", "Favorable : prioritaire et urgent (logement)"
    DEFAVORABLE = "defavorable", "Défavorable"
    REORIENTATION = "reorientation_hebergement", "Réorientation vers un hébergement (DAHO)"


class EtatDecision(models.TextChoices):
    EN_VIGUEUR = "en_vigueur", "En vigueur"
    REMPLACEE = "remplacee", "Remplacée par une décision ultérieure"
    ANNULEE = "annulee", "Annulée"


class NatureAlerte(models.TextChoices):
    ECHEANCE_PROCHE = "echeance_proche", "Échéance proche"
    DELAI_DEPASSE = "delai_depasse", "Délai dépassé"
