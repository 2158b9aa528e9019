"""Interchange format of demands (``docs/formats/demandes_csv.md``): column specification and reader.

Pure package: no Django, no database. Its topic modules:

* :mod:`.colonnes`: the **specification** of the format (``COLONNES``: name, type, closed list of codes,
  description, example, and where the column goes in the application), separators and closed lists;
* :mod:`.documentation`: the documentation tables produced from it (:func:`documentation_colonnes`,
  :func:`documentation_codes`);
* :mod:`.conversions`: the **cell conversions** both ways (:func:`convertir`, :func:`formater`);
* :mod:`.lecteur`: the **reader** :func:`lire_demandes` (lazy, line by line, every error located by line
  and column);
* :mod:`.menages`: :func:`lire_demandes_polars` (one household row per demand, typed, with the household
  facts the engine needs);
* :mod:`.completion`: :func:`completer_menages`, which adds the two inputs of
  :func:`attrib.engine.derivations.deriver` that need reference data: ``zone_plafond`` (zone of the first
  wished commune) and ``nb_moins_14_ans`` (persons under the child age of the consumption-unit scale).
"""

from __future__ import annotations

from attrib.engine.formats.demandes_csv.colonnes import (
    CANAUX,
    CHAMPS_PERSONNE,
    CIVILITES,
    COLONNES,
    COLONNES_OBLIGATOIRES,
    COLONNES_PAR_NOM,
    CONTACT_DEMANDEUR,
    DRAPEAUX_PERSONNE,
    FORMAT_DATE,
    IDENTITE,
    LIENS_PARENTE,
    MOTIFS,
    NATIONALITES,
    PROCEDURES_EXPULSION,
    SEPARATEUR,
    SEPARATEUR_DRAPEAUX,
    SEPARATEUR_LISTE,
    SEPARATEUR_PERSONNE,
    SITUATIONS_FAMILIALES,
    SITUATIONS_PROFESSIONNELLES,
    STATUT_LOCATAIRE_SOCIAL,
    STATUTS_DEMANDE,
    STATUTS_LOGEMENT_ACTUEL,
    TYPES_LOGEMENT,
    ZERO,
    Choix,
    Cible,
    Colonne,
    T,
    TypeColonne,
)
from attrib.engine.formats.demandes_csv.completion import (
    FICHIER_COMMUNES,
    FICHIER_ZONES,
    RACINE,
    completer_menages,
    zones_des_communes,
)
from attrib.engine.formats.demandes_csv.conversions import PROTEGES, ValeurInvalide, convertir, formater
from attrib.engine.formats.demandes_csv.documentation import documentation_codes, documentation_colonnes
from attrib.engine.formats.demandes_csv.lecteur import (
    MESSAGE_LIGNE_MASQUEE,
    ErreurImport,
    FichierInvalide,
    Lecture,
    LigneLue,
    Source,
    lire_demandes,
)
from attrib.engine.formats.demandes_csv.menages import (
    COLONNES_MENAGE,
    DTYPES,
    REVENUS,
    SCHEMA_MENAGES,
    age_au,
    departement_de_commune,
    lire_demandes_polars,
)

__all__ = [
    "CANAUX",
    "CHAMPS_PERSONNE",
    "CIVILITES",
    "COLONNES",
    "COLONNES_MENAGE",
    "COLONNES_OBLIGATOIRES",
    "COLONNES_PAR_NOM",
    "CONTACT_DEMANDEUR",
    "DRAPEAUX_PERSONNE",
    "DTYPES",
    "FICHIER_COMMUNES",
    "FICHIER_ZONES",
    "FORMAT_DATE",
    "IDENTITE",
    "LIENS_PARENTE",
    "MESSAGE_LIGNE_MASQUEE",
    "MOTIFS",
    "NATIONALITES",
    "PROCEDURES_EXPULSION",
    "PROTEGES",
    "RACINE",
    "REVENUS",
    "SCHEMA_MENAGES",
    "SEPARATEUR",
    "SEPARATEUR_DRAPEAUX",
    "SEPARATEUR_LISTE",
    "SEPARATEUR_PERSONNE",
    "SITUATIONS_FAMILIALES",
    "SITUATIONS_PROFESSIONNELLES",
    "STATUTS_DEMANDE",
    "STATUTS_LOGEMENT_ACTUEL",
    "STATUT_LOCATAIRE_SOCIAL",
    "TYPES_LOGEMENT",
    "ZERO",
    "Choix",
    "Cible",
    "Colonne",
    "ErreurImport",
    "FichierInvalide",
    "Lecture",
    "LigneLue",
    "Source",
    "T",
    "TypeColonne",
    "ValeurInvalide",
    "age_au",
    "completer_menages",
    "convertir",
    "departement_de_commune",
    "documentation_codes",
    "documentation_colonnes",
    "formater",
    "lire_demandes",
    "lire_demandes_polars",
    "zones_des_communes",
]
