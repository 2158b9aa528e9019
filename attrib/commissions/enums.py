"""Closed lists of the CALEOL, the offers and the leases (DOMAIN.md §1.6 and §1.7).

The decision types mirror ``data/parametres/caleol.yaml`` (``types_decision``, R441-3 a–e); a test checks
that both lists agree, the database constraints need them as constants."""

from __future__ import annotations

from django.db import models


class Voix(models.TextChoices):
    """L441-2 CCH: members vote (voix délibérative) or advise (voix consultative)."""

    DELIBERATIVE = "deliberative", "Voix délibérative"
    CONSULTATIVE = "consultative", "Voix consultative"


class QualiteMembre(models.TextChoices):
    ADMINISTRATEUR = "administrateur", "Membre désigné par le conseil d'administration"
    REPRESENTANT_LOCATAIRES = "representant_locataires", "Représentant des locataires"
    MAIRE = "maire", "Maire de la commune (ou son représentant)"
    PRESIDENT_EPCI = "president_epci", "Président de l'EPCI (ou son représentant)"
    PREFET = "prefet", "Préfet (ou son représentant)"
    RESERVATAIRE = "reservataire", "Réservataire non membre"
    ASSOCIATION = "association", "Association d'insertion agréée"


class StatutSeance(models.TextChoices):
    PREVUE = "prevue", "Prévue"
    OUVERTE = "ouverte", "Ouverte (en cours)"
    TENUE = "tenue", "Tenue"
    ANNULEE = "annulee", "Annulée"


class ModePresence(models.TextChoices):
    """How a member attends a session: in the room, or remotely when the session allows it (CAL numérique)."""

    SEANCE = "seance", "Présent en séance"
    DISTANCE = "distance", "Présent à distance (CAL numérique)"


class SensVote(models.TextChoices):
    """A deliberative member's vote on the attribution of the dwelling to one candidate."""

    POUR = "pour", "Pour l'attribution"
    CONTRE = "contre", "Contre l'attribution"
    ABSTENTION = "abstention", "Abstention"


class TypeDecision(models.TextChoices):
    ATTRIBUTION = "attribution", "Attribution (R441-3 a)"
    ATTRIBUTION_CLASSEMENT = "attribution_classement", "Attribution par classement (R441-3 b)"
    ATTRIBUTION_CONDITION = "attribution_condition", "Attribution sous condition suspensive (R441-3 c)"
    NON_ATTRIBUTION = "non_attribution", "Non-attribution (R441-3 d)"
    IRRECEVABILITE = "irrecevabilite", "Rejet pour irrecevabilité (R441-3 e)"


#: Decisions that allow an offer to the candidate.
DECISIONS_POSITIVES = (
    TypeDecision.ATTRIBUTION,
    TypeDecision.ATTRIBUTION_CLASSEMENT,
    TypeDecision.ATTRIBUTION_CONDITION,
)
#: Decisions the law requires to be reasoned (R441-3 d and e).
DECISIONS_MOTIVEES = (TypeDecision.NON_ATTRIBUTION, TypeDecision.IRRECEVABILITE)


class StatutOffre(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente de réponse"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    EXPIREE = "expiree", "Sans réponse dans le délai (vaut refus)"


class MotifRefus(models.TextChoices):
    """Structured reason of a refusal (DOMAIN.md §1.6: the reason is recorded in the file)."""

    LOYER = "loyer", "Loyer ou charges trop élevés"
    LOCALISATION = "localisation", "Localisation (quartier, commune, éloignement)"
    TYPOLOGIE = "typologie", "Taille ou typologie inadaptée"
    ETAT = "etat", "État du logement"
    ACCESSIBILITE = "accessibilite", "Accessibilité (étage, ascenseur, handicap)"
    ENVIRONNEMENT = "environnement", "Environnement, voisinage, sécurité"
    SITUATION = "situation", "Changement de situation du ménage"
    SANS_REPONSE = "sans_reponse", "Absence de réponse dans le délai (R441-10)"
    AUTRE = "autre", "Autre motif"


class Contingent(models.TextChoices):
    """The contingent charged with the attribution (SNE attribution fields, arrêté du 17 septembre 2012)."""

    ETAT_FONCTIONNAIRES = "etat_fonctionnaires", "État (fonctionnaires et agents)"
    ETAT_PRIORITAIRES = "etat_prioritaires", "État (publics prioritaires)"
    COLLECTIVITES = "collectivites", "Collectivités territoriales ou EPCI"
    ACTION_LOGEMENT = "action_logement", "Employeurs, Action Logement"
    AUTRE = "autre", "Autre réservataire"
    NON_RESERVE = "non_reserve", "Non réservé (part du bailleur)"
