"""Closed lists of the partner committee (decision 0035) and the data rule of what each member's qualité sees."""

from __future__ import annotations

from django.db import models


class QualiteMembre(models.TextChoices):
    """Why an organisation sits in the committee; decides what of a case's personal content it needs."""

    PRESIDENT = "president", "Président (EPCI, ou son représentant)"
    EPCI = "epci", "EPCI (service habitat)"
    COMMUNE = "commune", "Commune"
    BAILLEUR = "bailleur", "Bailleur social"
    RESERVATAIRE = "reservataire", "Réservataire"
    ETAT = "etat", "État (préfet ou son représentant)"
    SERVICE_SOCIAL = "service_social", "Service social"
    SIAO = "siao", "SIAO"


class Rubrique(models.TextChoices):
    """The parts of a case's personal content, each shown only to the qualités that need it."""

    DOSSIER = "dossier", "Composition du ménage, ressources, situation et pièces"
    EVALUATION = "evaluation", "Évaluation sociale"


#: The data rule (decision 0035): what each qualité sees of a case, once the household's consent to share it with
#: the committee's partners is in force. The social assessment only to the social services, the SIAO, the chair
#: and the State; the household's file to those who orient or rehouse it; a commune reads the redacted view.
RUBRIQUES_PAR_QUALITE: dict[str, frozenset[str]] = {
    QualiteMembre.PRESIDENT: frozenset({Rubrique.DOSSIER, Rubrique.EVALUATION}),
    QualiteMembre.ETAT: frozenset({Rubrique.DOSSIER, Rubrique.EVALUATION}),
    QualiteMembre.SERVICE_SOCIAL: frozenset({Rubrique.DOSSIER, Rubrique.EVALUATION}),
    QualiteMembre.SIAO: frozenset({Rubrique.DOSSIER, Rubrique.EVALUATION}),
    QualiteMembre.EPCI: frozenset({Rubrique.DOSSIER}),
    QualiteMembre.BAILLEUR: frozenset({Rubrique.DOSSIER}),
    QualiteMembre.RESERVATAIRE: frozenset({Rubrique.DOSSIER}),
    QualiteMembre.COMMUNE: frozenset(),
}

#: The qualités that bring a case to the committee (saisine).
QUALITES_SAISINE = frozenset(
    {
        QualiteMembre.PRESIDENT,
        QualiteMembre.EPCI,
        QualiteMembre.BAILLEUR,
        QualiteMembre.RESERVATAIRE,
        QualiteMembre.ETAT,
        QualiteMembre.SERVICE_SOCIAL,
        QualiteMembre.SIAO,
    }
)
#: The qualités that attach a social assessment.
QUALITES_EVALUATION = frozenset({QualiteMembre.SERVICE_SOCIAL, QualiteMembre.SIAO})


class StatutSeance(models.TextChoices):
    PREVUE = "prevue", "Prévue"
    OUVERTE = "ouverte", "Ouverte (en cours)"
    CLOSE = "close", "Close"


class StatutDossier(models.TextChoices):
    OUVERT = "ouvert", "Ouvert"
    CLOS = "clos", "Clos"


class SensAvis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVE = "reserve", "Réservé"
    DEFAVORABLE = "defavorable", "Défavorable"


class NatureDecision(models.TextChoices):
    LABEL = "label", "Label"
    ORIENTATION = "orientation", "Orientation vers un bailleur ou un réservataire"
    MESURE_ACCOMPAGNEMENT = "mesure_accompagnement", "Mesure d'accompagnement liée au relogement"
    AJOURNEMENT = "ajournement", "Ajournement"


class MesureAccompagnement(models.TextChoices):
    ASLL = "asll", "ASLL (accompagnement social lié au logement)"
    AVDL = "avdl", "AVDL (accompagnement vers et dans le logement)"
    IML = "iml", "Intermédiation locative"


class MotifCloture(models.TextChoices):
    RELOGE = "reloge", "Ménage relogé (bail signé)"
    AUTRE = "autre", "Autre motif"
