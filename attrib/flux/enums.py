"""Closed lists of the gestion en flux."""

from __future__ import annotations

from django.db import models

from attrib.engine import flux as moteur


class CategorieConvention(models.TextChoices):
    """The contingent an agreement reserves (the engine's categories, the bailleur's own share excepted:
    it is the remainder of the flux, never an agreement)."""

    ETAT = moteur.Categorie.ETAT.value, "État (publics prioritaires)"
    ETAT_AGENTS = moteur.Categorie.ETAT_AGENTS.value, "État (agents civils et militaires)"
    ACTION_LOGEMENT = moteur.Categorie.ACTION_LOGEMENT.value, "Action Logement"
    COMMUNE = moteur.Categorie.COMMUNE.value, "Commune"
    EPCI = moteur.Categorie.EPCI.value, "EPCI"
    AUTRE = moteur.Categorie.AUTRE.value, "Autre réservataire"


class CritereMixite(models.TextChoices):
    TYPOLOGIE = moteur.Critere.TYPOLOGIE.value, "Typologie"
    QPV = moteur.Critere.QPV.value, "QPV / hors QPV"
    COMMUNE = moteur.Critere.COMMUNE.value, "Commune"


class Arbitrage(models.TextChoices):
    STRATES = moteur.Arbitrage.STRATES.value, "Mixité d'abord (écart < 1 logement dans chaque strate)"
    PART_GLOBALE = moteur.Arbitrage.PART_GLOBALE.value, "Part du flux d'abord (écart < 1 logement sur le flux)"


class NatureLiberation(models.TextChoices):
    """Both enter the assiette of the flux (R441-5 CCH)."""

    RELOCATION = "relocation", "Relocation (départ d'un locataire)"
    PREMIERE_LOCATION = "premiere_location", "Première mise en location"


class RegleOrientation(models.TextChoices):
    ECHEANCE = "echeance", "Échéance la plus proche"
    EQUILIBRE = "equilibre", "Équilibre entre flux et strates"
    FORCE = "force", "Dérogation du bailleur"


class StatutOrientation(models.TextChoices):
    A_PROPOSER = "a_proposer", "À proposer"
    CANDIDATS_PROPOSES = "candidats_proposes", "Candidats proposés"
    ECHUE = "echue", "Échue (revenue au bailleur)"
    ATTRIBUEE = "attribuee", "Attribuée"
