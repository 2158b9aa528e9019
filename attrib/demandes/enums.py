"""Closed lists of the CERFA 14069 form and of the SNE (DOMAIN.md §4).

The L441-1 priority letters are *not* here: they are dated reference data
(``data/parametres/priorites_l441_1.yaml``, model ``PrioriteLegale``).
"""

from django.db import models

from attrib.engine.cycle_demande import Statut


class StatutDemande(models.TextChoices):
    """The statuses of the engine's life cycle (``attrib.engine.cycle_demande``), with their labels."""

    ACTIVE = Statut.ACTIVE.value, "Active"
    RADIEE = Statut.RADIEE.value, "Radiée"


class Canal(models.TextChoices):
    GUICHET = "guichet", "Guichet enregistreur"
    INTERNET_SNE = "internet_sne", "En ligne (SNE)"
    SYSTEME_LOCAL = "systeme_local", "Système local / fichier partagé"


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


class LienParente(models.TextChoices):
    CONJOINT = "conjoint", "Conjoint, partenaire de PACS ou concubin"
    ENFANT = "enfant", "Enfant"
    ASCENDANT = "ascendant", "Ascendant"
    AUTRE = "autre", "Autre"


class Civilite(models.TextChoices):
    MADAME = "mme", "Madame"
    MONSIEUR = "m", "Monsieur"


class Nationalite(models.TextChoices):
    FRANCAISE = "francaise", "Française"
    UE = "ue", "Union européenne / EEE / Suisse"
    HORS_UE = "hors_ue", "Hors Union européenne"


class SituationFamiliale(models.TextChoices):
    CELIBATAIRE = "celibataire", "Célibataire"
    MARIE = "marie", "Marié(e)"
    PACSE = "pacse", "Pacsé(e)"
    CONCUBIN = "concubin", "En concubinage"
    DIVORCE = "divorce", "Divorcé(e)"
    SEPARE = "separe", "Séparé(e)"
    VEUF = "veuf", "Veuf / veuve"


class SituationProfessionnelle(models.TextChoices):
    CDI = "cdi", "CDI ou fonctionnaire"
    CDD = "cdd", "CDD, intérim, stage"
    APPRENTI = "apprenti", "Apprenti"
    INDEPENDANT = "independant", "Artisan, commerçant, profession libérale"
    ETUDIANT = "etudiant", "Étudiant"
    CHOMEUR = "chomeur", "Demandeur d'emploi"
    RETRAITE = "retraite", "Retraité"
    SANS_ACTIVITE = "sans_activite", "Sans activité"


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


class StatutLogementActuel(models.TextChoices):
    LOCATAIRE_PARC_SOCIAL = "locataire_parc_social", "Locataire HLM"
    LOCATAIRE_PARC_PRIVE = "locataire_parc_prive", "Locataire du parc privé"
    PROPRIETAIRE = "proprietaire", "Propriétaire occupant"
    HEBERGE_FAMILLE = "heberge_famille", "Hébergé chez les parents ou enfants"
    HEBERGE_TIERS = "heberge_tiers", "Hébergé chez un particulier"
    STRUCTURE_HEBERGEMENT = "structure_hebergement", "Structure d'hébergement"
    LOGEMENT_FOYER = "logement_foyer", "Logement-foyer, résidence sociale"
    HOTEL = "hotel", "Hôtel"
    HABITAT_MOBILE = "habitat_mobile", "Camping, habitat mobile"
    SQUAT = "squat", "Squat"
    SANS_ABRI = "sans_abri", "Sans abri"
    LOGEMENT_FONCTION = "logement_fonction", "Logement de fonction"
    SOUS_LOCATAIRE = "sous_locataire", "Sous-locataire"


class TypeLogement(models.TextChoices):
    APPARTEMENT = "appartement", "Appartement"
    MAISON = "maison", "Maison"
    INDIFFERENT = "indifferent", "Indifférent"


class ProcedureExpulsion(models.TextChoices):
    AUCUNE = "aucune", "Aucune"
    COMMANDEMENT = "commandement", "Commandement de quitter les lieux"
    JUGEMENT = "jugement", "Jugement d'expulsion"
    CONCOURS_FORCE_PUBLIQUE = "concours_force_publique", "Concours de la force publique accordé"


class Motif(models.TextChoices):
    SANS_LOGEMENT = "sans_logement", "Sans logement propre"
    HEBERGE = "heberge", "Hébergé"
    LOGEMENT_TEMPORAIRE = "logement_temporaire", "Logement temporaire"
    EXPULSION = "expulsion", "Procédure d'expulsion ou congé"
    LOGEMENT_REPRIS = "logement_repris", "Logement repris ou mis en vente"
    TROP_CHER = "trop_cher", "Logement trop cher"
    TROP_PETIT = "trop_petit", "Logement trop petit"
    TROP_GRAND = "trop_grand", "Logement trop grand"
    NON_DECENT = "non_decent", "Logement non décent, insalubre ou dangereux"
    HANDICAP_SANTE = "handicap_sante", "Handicap ou raisons de santé"
    RAPPROCHEMENT_TRAVAIL = "rapprochement_travail", "Rapprochement du lieu de travail"
    RAPPROCHEMENT_SERVICES = "rapprochement_services", "Rapprochement des équipements et services"
    RAPPROCHEMENT_FAMILLE = "rapprochement_famille", "Rapprochement familial"
    VIOLENCES = "violences", "Violences familiales"
    SEPARATION = "separation", "Divorce, séparation"
    DECOHABITATION = "decohabitation", "Décohabitation"
    FUTUR_COUPLE = "futur_couple", "Futur couple"
    REGROUPEMENT_FAMILIAL = "regroupement_familial", "Regroupement familial"
    MUTATION_PROFESSIONNELLE = "mutation_professionnelle", "Mutation professionnelle"
    ACCEDANT_DIFFICULTE = "accedant_difficulte", "Propriétaire ou accédant en difficulté"
    VOISINAGE = "voisinage", "Problèmes d'environnement ou de voisinage"
    AUTRE = "autre", "Autre motif"


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
