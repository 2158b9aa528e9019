"""Closed lists of the demand file.

The lists of the CERFA 14069 form and of the SNE (DOMAIN.md §4) are declared once, as plain data, in
:mod:`attrib.engine.listes_cerfa` (the models, forms, API and interchange format read them from there); the
lists of the application's own workflow (radiation, pieces, duplicates…) are declared here. The L441-1 priority
letters are *not* here: they are dated reference data (``data/parametres/priorites_l441_1.yaml``, model
``PrioriteLegale``).
"""

from django.db import models

from attrib.engine.listes_cerfa import (
    Canal,
    Civilite,
    LienParente,
    Motif,
    Nationalite,
    ProcedureExpulsion,
    SituationFamiliale,
    SituationProfessionnelle,
    StatutDemande,
    StatutLogementActuel,
    TypeLogement,
)

__all__ = [
    "Canal",
    "Civilite",
    "LienParente",
    "Motif",
    "Nationalite",
    "ProcedureExpulsion",
    "SituationFamiliale",
    "SituationProfessionnelle",
    "StatutDemande",
    "StatutLogementActuel",
    "TypeLogement",
]


class MotifRadiation(models.TextChoices):
    """R441-2-8 CCH (list to confirm on Légifrance, DOMAIN.md open item 3)."""

    ATTRIBUTION = "attribution", "Attribution d'un logement"
    RENONCIATION = "renonciation", "Renonciation du demandeur"
    NON_RENOUVELLEMENT = "non_renouvellement", "Non-renouvellement dans le délai"
    IRRECEVABILITE = "irrecevabilite", "Irrecevabilité"
    COURRIER_SANS_REPONSE = "courrier_sans_reponse", "Absence de réponse à un courrier"


class RolePersonne(models.TextChoices):
    DEMANDEUR = "demandeur", "Demandeur"
    CODEMANDEUR = "codemandeur", "Co-demandeur"
    PERSONNE_A_LOGER = "personne_a_loger", "Autre personne à loger"


#: Situations of a person in work: only they may declare a job that cannot be done remotely (L441-1 CCH 35th
#: paragraph, "travailleurs essentiels").
SITUATIONS_EN_EMPLOI = frozenset(
    {
        SituationProfessionnelle.CDI,
        SituationProfessionnelle.CDD,
        SituationProfessionnelle.APPRENTI,
        SituationProfessionnelle.INDEPENDANT,
    }
)


#: Motifs that reveal a sensitive situation (violence, health): shown only to the roles that need them.
MOTIFS_SENSIBLES = frozenset({Motif.VIOLENCES, Motif.HANDICAP_SANTE})


class StatutPiece(models.TextChoices):
    MANQUANTE = "manquante", "Manquante"
    FOURNIE = "fournie", "Fournie"
    VALIDEE = "validee", "Validée"


class StatutValidation(models.TextChoices):
    DECLAREE = "declaree", "Déclarée (à valider)"
    VALIDEE = "validee", "Validée"


class StatutDoublon(models.TextChoices):
    A_EXAMINER = "a_examiner", "À examiner"
    CONFIRME = "confirme", "Doublon confirmé"
    ECARTE = "ecarte", "Personnes différentes"
