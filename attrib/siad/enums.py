"""Closed lists of the reception service: what a place offers, how it is accessible, the life of a booking."""

from __future__ import annotations

from django.db import models


class Service(models.TextChoices):
    """What a household can come to a reception place for."""

    ENREGISTREMENT = "enregistrement", "Enregistrer ou renouveler une demande de logement social"
    INFORMATION = "information", "S'informer sur la demande et les attributions"
    ACCOMPAGNEMENT = "accompagnement", "Être aidé pour remplir la demande et réunir les pièces"
    PIECES = "pieces", "Déposer des pièces justificatives"
    SUIVI = "suivi", "Faire le point sur une demande en cours"
    NUMERIQUE = "numerique", "Être aidé à utiliser l'espace demandeur en ligne"


class Accessibilite(models.TextChoices):
    """Accessibility of a place, as a visitor needs to know it before coming."""

    FAUTEUIL = "fauteuil", "Accessible en fauteuil roulant"
    BOUCLE = "boucle_magnetique", "Boucle magnétique pour les personnes malentendantes"
    LSF = "lsf", "Accueil en langue des signes française (sur rendez-vous)"
    FALC = "falc", "Documents en « facile à lire et à comprendre »"
    STATIONNEMENT = "stationnement", "Places de stationnement réservées à proximité"
    TRANSPORTS = "transports", "Desservi par les transports en commun"


class JourSemaine(models.IntegerChoices):
    LUNDI = 0, "lundi"
    MARDI = 1, "mardi"
    MERCREDI = 2, "mercredi"
    JEUDI = 3, "jeudi"
    VENDREDI = 4, "vendredi"
    SAMEDI = 5, "samedi"
    DIMANCHE = 6, "dimanche"


class StatutRendezVous(models.TextChoices):
    RESERVE = "reserve", "Réservé"
    ANNULE = "annule", "Annulé"
    HONORE = "honore", "Honoré"


class AnnulePar(models.TextChoices):
    MENAGE = "menage", "Le ménage"
    ACCUEIL = "accueil", "Le lieu d'accueil"
