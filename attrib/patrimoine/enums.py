"""Closed lists of the housing stock."""

from __future__ import annotations

from django.db import models


class TypeConstruction(models.TextChoices):
    """RPLS ``TYPECONST`` (arrêté du 5 janvier 2010, tableau 2, position 23)."""

    COLLECTIF = "collectif", "Collectif"
    INDIVIDUEL = "individuel", "Individuel"


class SourceResidence(models.TextChoices):
    RPLS_ADRESSES = "rpls_adresses", "RPLS au logement, regroupé par adresse"
    RPLS2019_COMPTAGES = "rpls2019_comptages", "Désagrégation des comptages RPLS 2019"


class Financement(models.TextChoices):
    """Financing category used by Attrib (resource ceilings); RPLS ``FINAN`` codes are mapped to it by
    ``data/parametres/rpls_financements.yaml``. Empty: not known."""

    PLAI = "PLAI", "PLAI"
    PLUS = "PLUS", "PLUS"
    PLS = "PLS", "PLS"
    AUTRE = "autre", "Autre financement"


class ClasseDPE(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"
    G = "G", "G"


class ReserveStock(models.TextChoices):
    """Dwellings whose reservation stays managed "en stock" (L441-1 CCH, DOMAIN.md §1.5); every other
    dwelling belongs to the flow."""

    AUCUNE = "", "Aucune (géré en flux)"
    DEFENSE = "defense", "Défense nationale"
    SECURITE = "securite", "Sécurité intérieure"
    SANTE = "sante", "Établissement public de santé"
