"""Closed lists of the cotation screens."""

from __future__ import annotations

from django.db import models


class TypeGrille(models.TextChoices):
    """An EPCI has one general grid and may have a separate grid for mutations (R441-2-10 11° CCH)."""

    GENERALE = "generale", "Grille générale"
    MUTATION = "mutation", "Grille des mutations"


class StatutVersion(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    PUBLIEE = "publiee", "Publiée"
    ARCHIVEE = "archivee", "Archivée"


class NatureTache(models.TextChoices):
    PUBLICATION = "publication", "Publication d'une version"
    RECOTATION = "recotation", "Nouveau calcul des cotations"


class StatutTache(models.TextChoices):
    EN_COURS = "en_cours", "En cours"
    TERMINEE = "terminee", "Terminée"
    ECHEC = "echec", "Échec"
