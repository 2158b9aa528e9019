"""Closed lists of the priority labels: a label's life, where it comes from, consents and their purpose."""

from __future__ import annotations

from django.db import models

from attrib.engine import labellisation as moteur


class StatutLabel(models.TextChoices):
    PROPOSE = moteur.PROPOSE, "Proposé, en attente d'examen"
    VALIDE = moteur.VALIDE, "Validé"
    REFUSE = moteur.REFUSE, "Refusé"
    EXPIRE = moteur.EXPIRE, "Expiré"
    RETIRE = moteur.RETIRE, "Retiré"


class SourceLabel(models.TextChoices):
    PROPOSITION = "proposition", "Proposé puis examiné"
    DECISION = "decision", "Décision enregistrée par l'autorité"


class Proposant(models.TextChoices):
    """Who may propose a label (``proposants`` of ``data/parametres/labellisation.yaml``)."""

    GUICHET = "guichet", "Guichet enregistreur"
    SERVICE_SOCIAL = "service_social", "Service social"
    RESERVATAIRE = "reservataire", "Réservataire"
    DEMANDEUR = "demandeur", "Le ménage lui-même"


class ObjetConsentement(models.TextChoices):
    ACCOMPAGNEMENT_SOCIAL = "accompagnement_social", "Suivi par un service social"
    PARTAGE_PARTENAIRES = "partage_partenaires", "Partage de la situation avec les partenaires"


class ModeConsentement(models.TextChoices):
    ECRIT = "ecrit", "Par écrit"
    ENTRETIEN = "entretien", "Lors d'un entretien"
    EN_LIGNE = "en_ligne", "En ligne, depuis l'espace demandeur"
