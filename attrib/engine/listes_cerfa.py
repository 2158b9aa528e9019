"""The closed lists of the CERFA 14069 form and of the SNE (DOMAIN.md §4), declared once.

Plain data (no Django): each list is a string enumeration whose members carry their French label. The demand
models and forms (``attrib.demandes.enums``), the interchange format (``attrib.engine.formats.demandes_csv``)
and the API all read them from here. A member compares equal to its code (``Motif.TROP_CHER == "trop_cher"``)
and offers what Django's ``TextChoices`` offer (``label``, ``choices``, ``values``, ``labels``), so that a
model field declares ``choices=Motif.choices``.

The L441-1 priority letters are *not* here: they are dated reference data
(``data/parametres/priorites_l441_1.yaml``).
"""

from __future__ import annotations

from enum import EnumType, StrEnum, nonmember
from typing import Self

from attrib.engine.cycle_demande import Statut


class _TypeListe(EnumType):
    """Class-level views of a list, like Django's ``TextChoices``: ``Motif.choices`` is ``[(code, libellé), …]``."""

    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.libelle) for m in cls]  # type: ignore[var-annotated]

    @property
    def values(cls) -> list[str]:
        return [m.value for m in cls]  # type: ignore[var-annotated]

    @property
    def labels(cls) -> list[str]:
        return [m.libelle for m in cls]  # type: ignore[var-annotated]


class ListeFermee(StrEnum, metaclass=_TypeListe):
    """A closed list: members are ``NOM = "code", "Libellé"``."""

    libelle: str

    #: Django templates must not call the class when it is used in a template variable.
    do_not_call_in_templates = nonmember(True)

    def __new__(cls, code: str, libelle: str = "") -> Self:
        membre = str.__new__(cls, code)
        membre._value_ = code
        membre.libelle = libelle
        return membre

    @property
    def label(self) -> str:
        return self.libelle

    @classmethod
    def codes(cls) -> tuple[tuple[str, str], ...]:
        """``((code, libellé), …)`` in the order of the form."""
        return tuple((m.value, m.libelle) for m in cls)


class StatutDemande(ListeFermee):
    """The statuses of the demand's life cycle (``attrib.engine.cycle_demande``), with their labels."""

    ACTIVE = Statut.ACTIVE.value, "Active"
    RADIEE = Statut.RADIEE.value, "Radiée"


class Canal(ListeFermee):
    GUICHET = "guichet", "Guichet enregistreur"
    INTERNET_SNE = "internet_sne", "En ligne (SNE)"
    SYSTEME_LOCAL = "systeme_local", "Système local / fichier partagé"
    #: Filed by the household itself in its applicant space (issue 13): registered at the territory's online desk.
    EN_LIGNE = "en_ligne", "En ligne (espace demandeur)"


class LienParente(ListeFermee):
    CONJOINT = "conjoint", "Conjoint, partenaire de PACS ou concubin"
    ENFANT = "enfant", "Enfant"
    ASCENDANT = "ascendant", "Ascendant"
    AUTRE = "autre", "Autre"


class Civilite(ListeFermee):
    MADAME = "mme", "Madame"
    MONSIEUR = "m", "Monsieur"


class Nationalite(ListeFermee):
    FRANCAISE = "francaise", "Française"
    UE = "ue", "Union européenne / EEE / Suisse"
    HORS_UE = "hors_ue", "Hors Union européenne"


class SituationFamiliale(ListeFermee):
    CELIBATAIRE = "celibataire", "Célibataire"
    MARIE = "marie", "Marié(e)"
    PACSE = "pacse", "Pacsé(e)"
    CONCUBIN = "concubin", "En concubinage"
    DIVORCE = "divorce", "Divorcé(e)"
    SEPARE = "separe", "Séparé(e)"
    VEUF = "veuf", "Veuf / veuve"


class SituationProfessionnelle(ListeFermee):
    CDI = "cdi", "CDI ou fonctionnaire"
    CDD = "cdd", "CDD, intérim, stage"
    APPRENTI = "apprenti", "Apprenti"
    INDEPENDANT = "independant", "Artisan, commerçant, profession libérale"
    ETUDIANT = "etudiant", "Étudiant"
    CHOMEUR = "chomeur", "Demandeur d'emploi"
    RETRAITE = "retraite", "Retraité"
    SANS_ACTIVITE = "sans_activite", "Sans activité"


class StatutLogementActuel(ListeFermee):
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


class TypeLogement(ListeFermee):
    APPARTEMENT = "appartement", "Appartement"
    MAISON = "maison", "Maison"
    INDIFFERENT = "indifferent", "Indifférent"


class ProcedureExpulsion(ListeFermee):
    AUCUNE = "aucune", "Aucune"
    COMMANDEMENT = "commandement", "Commandement de quitter les lieux"
    JUGEMENT = "jugement", "Jugement d'expulsion"
    CONCOURS_FORCE_PUBLIQUE = "concours_force_publique", "Concours de la force publique accordé"


class Motif(ListeFermee):
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


#: Every closed list of the form, by the name of the enumeration.
LISTES: tuple[type[ListeFermee], ...] = (
    StatutDemande,
    Canal,
    LienParente,
    Civilite,
    Nationalite,
    SituationFamiliale,
    SituationProfessionnelle,
    StatutLogementActuel,
    TypeLogement,
    ProcedureExpulsion,
    Motif,
)
