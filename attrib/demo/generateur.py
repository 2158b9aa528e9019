"""Seeded synthetic demands for the demo and the benchmarks (no public individual data exists).

Pure module: numpy and polars only, no Django. ``generer_menages`` draws one row per demand,
``generer_personnes`` one row per person to be housed. Everything is vectorised, so 2.76 million
demands (the national stock, DOMAIN.md §3) take about ten seconds of CPU, and the same seed always gives
the same frames.

Every distribution is a named constant below. Each one cites ``DOMAIN.md`` §3 (national figures)
or §1.2 (Q1), or is marked **[hypothèse]**: a plausible order of magnitude chosen for the demo,
not a published figure. These are statistical calibrations, not legal values: no rule of the
product reads them.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from statistics import NormalDist

import numpy as np
import polars as pl

FICHIER_COMMUNES_DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "parc_social_grand_narbonne.csv"

DEPARTEMENT_DEMO = "011"
ZONE_PLAFOND_DEMO = "autres_regions"

# --- Ancienneté -------------------------------------------------------------------------------
#: DOMAIN.md §3: average time to attribution "about 1.5 years nationally" (ANCOLS). The seniority of
#: the stock is drawn exponential with this mean, so that about half of the stock (1 - e^(-1/1.5)
#: = 49 %) is in its first year, the other half has been renewed at least once — in line with
#: "49 % of demands are renewed after one year" (ANCOLS, §3).
ANCIENNETE_MOYENNE_ANNEES = 1.5
#: [hypothèse] Oldest demand of the stock (truncation of the exponential).
ANCIENNETE_MAX_ANNEES = 10.0
#: [hypothèse] A demand filed at a desk is registered within a few days (R441-2-4: one month at most).
DELAI_ENREGISTREMENT_MAX_JOURS = 20

# --- Composition des ménages ------------------------------------------------------------------
#: [hypothèse] Household types of the social demand: single persons ~40 %, single parents ~27 %.
#: Order of magnitude of the SNE statistics (not in DOMAIN.md).
COMPOSITION = {
    "personne_seule": 0.42,
    "couple_sans_enfant": 0.11,
    "monoparentale": 0.27,
    "couple_avec_enfants": 0.20,
}
#: [hypothèse] Number of children of the households that have children.
NB_ENFANTS = {1: 0.44, 2: 0.32, 3: 0.15, 4: 0.06, 5: 0.03}
#: [hypothèse] Households housing one more adult (adult child or ascendant).
PART_AUTRE_ADULTE = 0.05
#: [hypothèse] Among those other adults: adult child (à charge) vs ascendant (not à charge).
PART_AUTRE_ADULTE_ENFANT_MAJEUR = 0.6
#: [hypothèse] Youngest applicant housing an adult child; ages of adult children and ascendants.
AGE_MIN_PARENT_MAJEUR = 38
AGES_ENFANT_MAJEUR = (18, 25)
ECART_AGE_GENERATIONS, AGE_MIN_ASCENDANT, AGE_MAX = 20, 60, 100
#: [hypothèse] Share of women among applicants: single parents / others.
PART_FEMMES_MONOPARENTALES = 0.85
PART_FEMMES_AUTRES = 0.5

# --- Âges ---------------------------------------------------------------------------------------
#: [hypothèse] Age bands of the applicant (without children): (min, max, share).
TRANCHES_AGE = ((18, 24, 0.14), (25, 34, 0.24), (35, 44, 0.18), (45, 54, 0.17), (55, 64, 0.14), (65, 90, 0.13))
#: [hypothèse] Age bands of the applicant of a household with children.
TRANCHES_AGE_PARENTS = ((20, 29, 0.28), (30, 39, 0.40), (40, 49, 0.25), (50, 59, 0.07))
#: [hypothèse] Age gap between applicant and co-applicant (standard deviation, years).
ECART_AGE_COUPLE = 4.0

# --- Ressources -------------------------------------------------------------------------------
#: DOMAIN.md §1.2: national median of the EPCI Q1 thresholds in 2023, €/UC/year.
SEUIL_Q1_REFERENCE = 9_243
#: DOMAIN.md §1.2: Q1 is the first quartile of applicants' income per UC, hence 25 % under it.
PART_SOUS_SEUIL_Q1 = 0.25
#: [hypothèse] Households declaring no resources at all.
PART_SANS_RESSOURCES = 0.03
#: [hypothèse] Dispersion (log-scale standard deviation) of the annual income per UC.
SIGMA_REVENU_UC = 0.6
#: [hypothèse] Modified OECD scale, used here only to turn a drawn income per UC into a household
#: income (DOMAIN.md §1.2 [V] as the INSEE definition). The legal computation lives in the engine.
UC_PREMIER_ADULTE, UC_AUTRE_14_ANS_ET_PLUS, UC_ENFANT_MOINS_14 = 1.0, 0.5, 0.3
#: Brief of the generator: RFR ≈ 12 × monthly income × 0.9 (net taxable after the 10 % allowance).
RATIO_RFR_REVENUS = 0.9
#: [hypothèse] Year-to-year noise between current income and the N-2 RFR (log-scale).
SIGMA_RFR = 0.15
#: [hypothèse] Households whose N-2 RFR was much higher than today (job loss, separation): some of
#: them exceed the ceilings and declare their N-1 income (revenu_n1_si_baisse).
PART_RFR_EN_BAISSE = 0.05
FACTEUR_RFR_EN_BAISSE = (1.6, 3.0)
PART_DECLARANT_N1 = 0.6
#: [hypothèse] Share of the co-applicant in the couple's income, and couples with one income only.
PART_REVENU_CODEMANDEUR = (0.2, 0.8)
PART_COUPLES_UN_SEUL_REVENU = 0.25
#: [hypothèse] Family benefits per child (€/month) and alimony received by single parents.
PRESTATIONS_PAR_ENFANT = 120.0
PART_PENSION_ALIMENTAIRE = 0.3
PENSION_ALIMENTAIRE_PAR_ENFANT = 150.0

# --- Logement actuel ----------------------------------------------------------------------------
#: DOMAIN.md §3: mutations (households already in the social stock) are "about 30 % of demands"
#: (ANCOLS; 32 % at USH mid-2024). The other shares are [hypothèse].
STATUT_LOGEMENT = {
    "locataire_parc_social": 0.30,
    "locataire_parc_prive": 0.28,
    "heberge_famille": 0.18,
    "heberge_tiers": 0.07,
    "structure_hebergement": 0.04,
    "logement_foyer": 0.03,
    "proprietaire": 0.03,
    "sous_locataire": 0.02,
    "sans_abri": 0.02,
    "hotel": 0.01,
    "habitat_mobile": 0.01,
    "squat": 0.005,
    "logement_fonction": 0.005,
}
STATUTS_LOGES = (
    "locataire_parc_social",
    "locataire_parc_prive",
    "proprietaire",
    "heberge_famille",
    "heberge_tiers",
    "sous_locataire",
    "logement_fonction",
)
STATUTS_LOCATAIRES = ("locataire_parc_social", "locataire_parc_prive", "sous_locataire")
#: Social landlords of the demo (real public bodies active in the Grand Narbonne, see docs/demo.md)
#: and [hypothèse] their share of the current tenancies of mutation applicants.
BAILLEURS_DEMO = {"Domitia Habitat": 0.47, "Habitat Audois": 0.30, "Alogea": 0.23}
#: DOMAIN.md §3: average social rent 6.52 €/m² (SDES, 1 Jan 2024). Private rent: [hypothèse].
LOYER_M2_SOCIAL = 6.52
LOYER_M2_PRIVE = 10.5
#: [hypothèse] Dispersion of rents around the €/m² mean (log-scale), surface per room (m²), and
#: the years spent in the current dwelling.
SIGMA_LOYER = 0.15
SURFACE_PAR_PIECE = (18.0, 24.0)
ANCIENNETE_LOGEMENT_ANNEES = (0.5, 15.0)
#: [hypothèse] Share of flats (vs houses): social stock (DOMAIN.md §3: 85 % collective) / others.
PART_APPARTEMENTS_SOCIAL, PART_APPARTEMENTS_AUTRES = 0.85, 0.6
#: [hypothèse] Charges as a share of the rent; housing benefit for low incomes (share of the rent, cap).
PART_CHARGES = 0.2
SEUIL_ALLOCATION_LOGEMENT_UC = 12_000
PART_LOYER_ALLOCATION = 0.5
PLAFOND_ALLOCATION_LOGEMENT = 250.0
#: [hypothèse] Tenants under an eviction procedure, and how far it went.
PART_PROCEDURE_EXPULSION = 0.04
PROCEDURE_EXPULSION = {"commandement": 0.5, "jugement": 0.35, "concours_force_publique": 0.15}
#: [hypothèse] Private tenants in non-decent housing (on top of the "non_decent" motive).
PART_NON_DECENT_PRIVE = 0.03
PART_ARRETE_INSALUBRITE = 0.2

# --- Motifs -------------------------------------------------------------------------------------
#: [hypothèse] Main motive given the current housing (CERFA 14069 closed list, DOMAIN.md §4).
MOTIFS_PAR_STATUT: dict[str, dict[str, float]] = {
    "locataire_parc_social": {
        "trop_petit": 0.30,
        "trop_cher": 0.16,
        "voisinage": 0.12,
        "handicap_sante": 0.10,
        "trop_grand": 0.06,
        "rapprochement_famille": 0.06,
        "separation": 0.06,
        "rapprochement_travail": 0.05,
        "non_decent": 0.05,
        "rapprochement_services": 0.04,
    },
    "locataire_parc_prive": {
        "trop_cher": 0.35,
        "trop_petit": 0.15,
        "logement_repris": 0.10,
        "non_decent": 0.10,
        "separation": 0.07,
        "expulsion": 0.05,
        "rapprochement_travail": 0.05,
        "rapprochement_famille": 0.05,
        "handicap_sante": 0.05,
        "voisinage": 0.03,
    },
    "heberge_famille": {
        "decohabitation": 0.45,
        "heberge": 0.35,
        "futur_couple": 0.08,
        "separation": 0.07,
        "rapprochement_travail": 0.05,
    },
    "heberge_tiers": {"heberge": 0.70, "sans_logement": 0.15, "separation": 0.10, "rapprochement_travail": 0.05},
    "structure_hebergement": {"logement_temporaire": 0.75, "sans_logement": 0.15, "heberge": 0.10},
    "logement_foyer": {"logement_temporaire": 0.75, "sans_logement": 0.10, "trop_petit": 0.15},
    "hotel": {"logement_temporaire": 0.60, "sans_logement": 0.40},
    "proprietaire": {"accedant_difficulte": 0.40, "separation": 0.25, "handicap_sante": 0.20, "trop_grand": 0.15},
    "sous_locataire": {"logement_temporaire": 0.40, "trop_cher": 0.30, "heberge": 0.30},
    "sans_abri": {"sans_logement": 1.0},
    "squat": {"sans_logement": 0.85, "logement_temporaire": 0.15},
    "habitat_mobile": {"sans_logement": 0.60, "non_decent": 0.40},
    "logement_fonction": {"mutation_professionnelle": 0.40, "logement_repris": 0.30, "autre": 0.30},
}
#: [hypothèse] Households whose main motive is domestic violence (overrides the above).
PART_VIOLENCES = 0.02
#: [hypothèse] Households giving one, then a second, secondary motive.
PART_MOTIF_SECONDAIRE = (0.35, 0.15)
MOTIFS_SECONDAIRES = (
    "trop_cher",
    "trop_petit",
    "rapprochement_travail",
    "rapprochement_services",
    "rapprochement_famille",
    "voisinage",
    "handicap_sante",
    "non_decent",
    "separation",
    "decohabitation",
)

# --- Logement recherché -----------------------------------------------------------------------
#: [hypothèse] Number of wished communes (CERFA: ordered list).
NB_COMMUNES_SOUHAITEES = {1: 0.35, 2: 0.20, 3: 0.20, 4: 0.10, 5: 0.15}
#: [hypothèse] Weight of a commune = its social stock (RPLS 2019) + 1 % of its population, so that
#: communes without social housing are sometimes wished too.
POIDS_POPULATION = 0.01
#: [hypothèse] The applicant currently lives in their first wished commune.
PART_RESIDENCE_PREMIER_SOUHAIT = 0.75
#: [hypothèse] Singles asking at least a T2; households accepting one room less; width of the range.
PART_SEULS_T2_MIN = 0.55
PART_TYPOLOGIE_REDUITE = 0.15
ECART_TYPOLOGIE = {0: 0.35, 1: 0.50, 2: 0.15}
TYPE_LOGEMENT_RECHERCHE = {"indifferent": 0.60, "appartement": 0.22, "maison": 0.18}
#: [hypothèse] Channel of the demand.
CANAL = {"guichet": 0.55, "internet_sne": 0.45}

# --- Handicap -----------------------------------------------------------------------------------
#: [hypothèse] Households with a member holding the CMI « invalidité »; two members in 15 % of them.
PART_MENAGES_HANDICAP = 0.08
PART_DEUX_HANDICAPES = 0.15
PART_HANDICAP_DEMANDEUR = 0.6
BESOINS_HANDICAP = {"besoin_fauteuil": 0.15, "besoin_logement_adapte": 0.50, "besoin_rdc_ou_ascenseur": 0.60}
AGE_RDC_OU_ASCENSEUR, PART_RDC_AGES = 70, 0.35
PART_PARKING = 0.2

# --- Priorités ----------------------------------------------------------------------------------
#: Brief (DALO households are a small share of the demand, ~1–3 %) [hypothèse: 2 %]. Relative
#: propensity by current housing [hypothèse]; rescaled so that the expected share is exactly this.
PART_DALO = 0.02
PROPENSION_DALO = {
    "sans_abri": 10.0,
    "squat": 8.0,
    "structure_hebergement": 6.0,
    "hotel": 6.0,
    "heberge_tiers": 4.0,
    "logement_foyer": 3.0,
    "habitat_mobile": 3.0,
    "heberge_famille": 1.5,
    "locataire_parc_prive": 1.0,
    "sous_locataire": 1.0,
}
PROPENSION_DALO_DEFAUT = 0.3
FACTEUR_DALO_EXPULSION, FACTEUR_DALO_NON_DECENT = 5.0, 3.0
#: [hypothèse] The COMED decision falls in the last 80 % of the demand's life so far.
DALO_DECISION_FIN_DE_VIE = 0.8
#: [hypothèse] Letter c (financial difficulties) is looked for under 75 % of the Q1 reference;
#: letter m (former ASE children) among hosted young adults up to this age.
PART_SEUIL_Q1_DIFFICULTES = 0.75
AGE_MAX_JEUNE_ASE = 21
#: L441-1 letters (DOMAIN.md §1.3) declared given the situation: [hypothèse] probabilities.
PROBA_PRIORITE = {
    "a": 0.70,  # handicap in the household
    "b": 0.001,  # leaving an appartement de coordination thérapeutique
    "c": 0.30,  # income per UC under 75 % of the Q1 reference
    "d": 0.80,  # hosted in a structure, a foyer, a hotel
    "e": 0.01,  # resuming work after long unemployment
    "f": 0.60,  # non-decent housing
    "g": 0.90,  # domestic violence
    "h": 0.0005,  # prostitution exit programme
    "i": 0.0005,  # victims of trafficking
    "j": 0.50,  # minor child and overcrowded or non-decent housing
    "k": 0.60,  # without housing, hosted by third parties
    "l": 0.70,  # eviction procedure
    "m": 0.15,  # young adult (≤ 21) hosted: possibly former ASE
}

# --- Doublons -------------------------------------------------------------------------------
#: [hypothèse] Demands whose applicant is a near-copy of another demand's applicant (so that
#: duplicate detection has something to find); at least NB_MIN_QUASI_DOUBLONS when n ≥ 50.
PART_QUASI_DOUBLONS = 0.002
NB_MIN_QUASI_DOUBLONS = 3
#: A typo is planted only in surnames this long, so that the copy stays recognisable.
LONGUEUR_MIN_FAUTE_DE_FRAPPE = 6

# --- Personnes ----------------------------------------------------------------------------------
#: [hypothèse] Nationality of the adults of a household.
NATIONALITE = {"francaise": 0.80, "ue": 0.05, "hors_ue": 0.15}
TITRES_SEJOUR = ("Carte de résident", "Carte de séjour pluriannuelle", "Carte de séjour temporaire")
#: [hypothèse] Situation of couples, and of single applicants with / without children.
SITUATION_COUPLE = {"marie": 0.45, "pacse": 0.20, "concubin": 0.35}
SITUATION_SEUL = {"celibataire": 0.60, "divorce": 0.20, "separe": 0.12, "veuf": 0.08}
SITUATION_PARENT_SEUL = {"celibataire": 0.45, "divorce": 0.30, "separe": 0.25}
#: [hypothèse] Occupation of working-age adults, low (under the Q1 reference) vs other incomes.
ACTIVITE_BAS_REVENUS = {
    "chomeur": 0.30,
    "sans_activite": 0.35,
    "cdd": 0.20,
    "cdi": 0.10,
    "independant": 0.02,
    "etudiant": 0.03,
}
ACTIVITE_AUTRES_REVENUS = {
    "cdi": 0.50,
    "cdd": 0.22,
    "chomeur": 0.12,
    "independant": 0.05,
    "apprenti": 0.03,
    "sans_activite": 0.05,
    "etudiant": 0.03,
}
AGE_RETRAITE, AGE_RETRAITE_POSSIBLE, PART_RETRAITES_60_64 = 65, 60, 0.5
#: [hypothèse] Share of women among the ascendants housed; same-sex couples.
PART_FEMMES_ASCENDANTS, PART_COUPLES_MEME_SEXE = 0.7, 0.03
#: [hypothèse] Remaining validity of the residence permits, in days.
VALIDITE_RESTANTE_TITRE_JOURS = (30, 3680)
#: [hypothèse] Employees of a firm paying the PEEC (Action Logement).
PART_COTISANT_ACTION_LOGEMENT = 0.5
#: [hypothèse] Travailleurs essentiels (L441-1 CCH 35e alinéa) : among applicants and co-applicants in work,
#: the share whose job cannot be done remotely (social-housing applicants are mostly employés and ouvriers),
#: then among those the share in a sector of the CIL's list (travailleurs_essentiels.yaml) — about one
#: worker in five, the order of magnitude of the Insee "travailleurs-clés" (~21 % of the employed outside
#: Île-de-France) — and how they split across the sectors (codes of the list in force; a test checks them).
PART_EMPLOI_NON_TELETRAVAILLABLE = 0.6
PART_SECTEUR_ESSENTIEL = 0.35
SECTEURS_ESSENTIELS_DEMO = {
    "sante_medico_social": 0.40,
    "alimentation": 0.25,
    "transports_logistique": 0.15,
    "proprete_dechets": 0.12,
    "securite_secours": 0.08,
}
#: [hypothèse] Applicants with an e-mail address, co-applicants keeping their own surname,
#: and people with a second first name.
PART_EMAIL, PART_NOM_PROPRE_CODEMANDEUR, PART_DEUXIEME_PRENOM = 0.7, 0.5, 0.08
#: Resource categories of the CERFA (Personne fields) fed by each occupation.
RESSOURCE_PAR_ACTIVITE = {
    "cdi": "salaires",
    "cdd": "salaires",
    "apprenti": "salaires",
    "independant": "salaires",
    "chomeur": "indemnites_chomage",
    "sans_activite": "minima_sociaux",
    "retraite": "pensions_retraite",
    "etudiant": "autres_revenus",
}
RESSOURCES = (
    "salaires",
    "indemnites_chomage",
    "pensions_retraite",
    "minima_sociaux",
    "prestations_familiales",
    "pension_alimentaire_recue",
    "autres_revenus",
)

# Names written for this generator: common French first names and surnames, plus the diversity of
# a French town (Occitan, Iberian, Maghrebi, West African, Turkish, Eastern European names).
PRENOMS_FEMMES = (  # noqa: SIM905 (one string is easier to read and extend than one name per line)
    "Marie Élodie Camille Léa Manon Chloé Emma Inès Sarah Laura Julie Céline Sandrine Nathalie Isabelle "
    "Sophie Aurélie Émilie Stéphanie Valérie Christine Sylvie Martine Françoise Monique Nicole Hélène "
    "Agnès Anaïs Océane Maëlle Zoé Noémie Léna Jade Louise Alice Lina Yasmine Fatima Nadia Samira Leïla "
    "Amina Aïcha Khadija Mélanie Virginie Audrey Karine Delphine Caroline Patricia Brigitte Josiane "
    "Danièle Geneviève Thérèse Solène Clémence Margaux Pauline Justine Morgane Coralie Cindy Jessica "
    "Vanessa Séverine Gaëlle Ophélie Mégane Noëlle Béatrice Josette Ginette Rosa Carmen Dolores Ana "
    "Maria Elena Irina Olga Fatoumata Aminata Mariam Assia Naïma Sonia Rachida Elif Ayşe Chantal Odile "
    "Mireille"
).split()
PRENOMS_HOMMES = (  # noqa: SIM905 (one string is easier to read and extend than one name per line)
    "Jean Pierre Michel André Philippe Alain Bernard Jacques Daniel Patrick Christophe Nicolas Stéphane "
    "Sébastien Frédéric Laurent Olivier Éric Thierry Pascal Julien Thomas Maxime Alexandre Antoine "
    "Romain Kévin Jérôme François Loïc Gaëtan Noël Hervé René Gérard Raymond Roger Marcel Lucas Hugo "
    "Louis Gabriel Arthur Jules Léo Nathan Enzo Théo Mathéo Noé Raphaël Adam Mohamed Ahmed Karim Mehdi "
    "Youssef Rachid Bilal Hamza Sofiane Nabil Moussa Mamadou Ibrahima Ousmane Diego José Manuel Antonio "
    "Joaquim João Sergio Mihai Ion Andreï Dmitri Mustafa Emre Cédric Fabrice Grégory Ludovic Anthony "
    "Mickaël Benoît Clément Valentin Baptiste Timothée Aurélien Joël Didier Guy Serge"
).split()
NOMS = (  # noqa: SIM905 (one string is easier to read and extend than one name per line)
    "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|Lefèvre|Michel|"
    "Garcia|David|Bertrand|Roux|Vincent|Fournier|Morel|Girard|André|Lefebvre|Mercier|Dupont|Lambert|"
    "Bonnet|François|Martinez|Legrand|Garnier|Faure|Rousseau|Blanc|Guérin|Muller|Müller|Henry|Roussel|"
    "Nicolas|Perrin|Morin|Mathieu|Clément|Gauthier|Dumont|Lopez|Fontaine|Chevalier|Robin|Masson|Sanchez|"
    "Gérard|Nguyen|Boyer|Denis|Lemaire|Duval|Joly|Gautier|Roger|Roche|Roy|Noël|Meyer|Lucas|Meunier|Pérez|"
    "Marchand|Dufour|Blanchard|Barbier|Brun|Dumas|Brunet|Schmitt|Leroux|Colin|Fernandez|Renard|Arnaud|"
    "Rolland|Caron|Aubert|Giraud|Leclerc|Vidal|Bourgeois|Renaud|Lemoine|Picard|Gaillard|Lacroix|Fabre|"
    "Dupuis|Olivier|Rodriguez|Da Silva|Hubert|Charles|Guillot|Rivière|Le Gall|Guillaume|Rey|Moulin|"
    "Gonzalez|Berger|Lecomte|Ménard|Fleury|Deschamps|Carpentier|Maillard|Marchal|Aubry|Vasseur|Le Roux|"
    "Renault|Jacquet|Collet|Prévost|Poirier|Charpentier|Royer|Huet|Baron|Dupuy|Pons|Carré|Breton|Rémy|"
    "Schneider|Pujol|Cazals|Bousquet|Castel|Sabatier|Estève|Roques|Rouquette|Maury|Azéma|Cathala|"
    "Bonnafous|Sicard|Tessier|Delmas|Ferrand|Bénézech|Alary|Courtade|Marty|Fabregat|Gleizes|Puech|Cros|"
    "Benali|Haddad|Mansouri|Belkacem|Bouzid|Ben Saïd|Diallo|Traoré|Koné|N'Diaye|Diop|Camara|Ferreira|"
    "Pereira|Fernandes|Oliveira|Gomes|Dos Santos|Kaya|Yılmaz|Demir|Popescu|Ionescu|Kowalski|Nowak|"
    "Le Bihan|Saint-Martin|D'Arçy|Lévêque|Côté|Bœuf"
).split("|")
VOIES = (
    "rue Jean Jaurès",
    "avenue de la Gare",
    "rue Victor Hugo",
    "boulevard Gambetta",
    "rue des Écoles",
    "impasse des Oliviers",
    "chemin des Vignes",
    "rue du Moulin",
    "place de la Mairie",
    "allée des Pins",
    "rue des Lilas",
    "avenue des Platanes",
    "rue de l'Étang",
    "rue Pasteur",
    "rue du Stade",
    "rue de la Poste",
    "chemin de la Garrigue",
    "rue des Cyprès",
    "résidence Les Mimosas",
    "rue de la Fontaine",
)

JOURS_PAR_AN = 365.25
#: [hypothèse] Attempts of the rejection sampler before the exact fallback (see _tirage_sans_remise).
ESSAIS_TIRAGE = 50

# Closed lists of the CERFA 14069 (the values of ``attrib.demandes.enums``, repeated here so that
# this module stays free of Django). Columns drawn from them are polars ``Enum`` columns.
STATUTS = tuple(STATUT_LOGEMENT)
MOTIFS = (
    "sans_logement",
    "heberge",
    "logement_temporaire",
    "expulsion",
    "logement_repris",
    "trop_cher",
    "trop_petit",
    "trop_grand",
    "non_decent",
    "handicap_sante",
    "rapprochement_travail",
    "rapprochement_services",
    "rapprochement_famille",
    "violences",
    "separation",
    "decohabitation",
    "futur_couple",
    "regroupement_familial",
    "mutation_professionnelle",
    "accedant_difficulte",
    "voisinage",
    "autre",
)
CANAUX = tuple(CANAL)
TYPES_LOGEMENT = ("appartement", "maison", "indifferent")
PROCEDURES = ("aucune", *PROCEDURE_EXPULSION)
CIVILITES = ("mme", "m")
LETTRES = tuple(PROBA_PRIORITE)
BAILLEURS = tuple(BAILLEURS_DEMO)
ROLES = ("demandeur", "codemandeur", "personne_a_loger")
LIENS = ("conjoint", "enfant", "ascendant", "autre")
NATIONALITES = tuple(NATIONALITE)
SITUATIONS_FAMILIALES = ("celibataire", "marie", "pacse", "concubin", "divorce", "separe", "veuf")
ACTIVITES = ("cdi", "cdd", "apprenti", "independant", "etudiant", "chomeur", "retraite", "sans_activite")
EN_EMPLOI = ("cdi", "cdd", "apprenti", "independant")
SECTEURS = tuple(SECTEURS_ESSENTIELS_DEMO)


def _travailleurs_essentiels(seed: int, activite: np.ndarray, demandeurs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which applicants in work declare a job that cannot be done remotely, and its essential sector (index
    into ``SECTEURS``, -1 = none). Drawn from a stream of their own, so that adding them changed no other
    draw of the demo."""
    rng = np.random.default_rng([seed, 1, 1])
    total = activite.shape[0]
    en_emploi = demandeurs & np.isin(activite, [ACTIVITES.index(a) for a in EN_EMPLOI])
    non_teletravaillable = en_emploi & (rng.random(total) < PART_EMPLOI_NON_TELETRAVAILLABLE)
    essentiel = non_teletravaillable & (rng.random(total) < PART_SECTEUR_ESSENTIEL)
    secteur = np.where(essentiel, _tirer(rng, SECTEURS_ESSENTIELS_DEMO, total, SECTEURS), -1)
    return non_teletravaillable, secteur


def communes_demo() -> list[dict[str, str]]:
    """Rows of ``data/demo/parc_social_grand_narbonne.csv`` (code_insee, nom, siren_commune, …)."""
    with FICHIER_COMMUNES_DEMO.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def poids_communes_demo(codes: Sequence[str] | None = None) -> list[tuple[str, float]]:
    """(code INSEE, weight) of the demo communes, optionally limited to ``codes``."""
    garder = set(codes) if codes is not None else None
    return [
        (
            ligne["code_insee"],
            float(ligne["logements_sociaux_rpls_2019"]) + POIDS_POPULATION * float(ligne["population_municipale"]),
        )
        for ligne in communes_demo()
        if garder is None or ligne["code_insee"] in garder
    ]


# --- numpy / polars helpers ------------------------------------------------------------------------


def _tirer(rng: np.random.Generator, loi: Mapping[str, float], n: int, etiquettes: Sequence[str]) -> np.ndarray:
    """``n`` draws of a categorical law {value: probability}, as indices into ``etiquettes``."""
    index = np.array([etiquettes.index(v) for v in loi], dtype=np.int64)
    cumul = np.cumsum(np.array(list(loi.values()), dtype=float))
    tirage = np.searchsorted(cumul / cumul[-1], rng.random(n, dtype=np.float32), side="right")
    return index[np.minimum(tirage, len(index) - 1)]


def _tirer_entiers(rng: np.random.Generator, loi: Mapping[int, float], n: int) -> np.ndarray:
    valeurs = np.array(list(loi), dtype=np.int64)
    p = np.array(list(loi.values()), dtype=float)
    return valeurs[rng.choice(len(valeurs), size=n, p=p / p.sum())]


def _parmi(codes: np.ndarray, etiquettes: Sequence[str], *valeurs: str) -> np.ndarray:
    """Rows whose code is one of ``valeurs`` (lookup table: faster than np.isin)."""
    table = np.zeros(len(etiquettes), dtype=bool)
    table[[etiquettes.index(v) for v in valeurs]] = True
    return table[codes]


def _ages_par_tranches(rng: np.random.Generator, tranches: tuple[tuple[int, int, float], ...], n: int) -> np.ndarray:
    p = np.array([t[2] for t in tranches])
    k = rng.choice(len(tranches), size=n, p=p / p.sum())
    bas = np.array([t[0] for t in tranches])[k]
    haut = np.array([t[1] for t in tranches])[k]
    return (bas + np.floor(rng.random(n) * (haut - bas + 1))).astype(np.int64)


def _jours(d: date) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(d, "D").astype(np.int64))


def _annees(jours: np.ndarray) -> np.ndarray:
    """Calendar year of each day number."""
    return pl.Series(jours.astype(np.int32)).cast(pl.Date).dt.year().cast(pl.Int64).to_numpy()


def _enum(etiquettes: Sequence[str], codes: np.ndarray, valide: np.ndarray | None = None) -> pl.Series:
    serie = pl.Series(list(etiquettes), dtype=pl.Enum(list(etiquettes))).gather(
        codes if valide is None else np.where(valide, codes, 0)
    )
    return serie if valide is None else serie.set(pl.Series(~valide), None)


def _nul_si(valeurs: np.ndarray | pl.Series, valide: np.ndarray) -> pl.Series:
    serie = valeurs if isinstance(valeurs, pl.Series) else pl.Series(valeurs)
    return serie.set(pl.Series(~valide), None)


def _dates(jours: np.ndarray, valide: np.ndarray | None = None) -> pl.Series:
    serie = pl.Series(jours.astype(np.int32)).cast(pl.Date)
    return serie if valide is None else _nul_si(serie, valide)


def _compacter(codes: np.ndarray, masque: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move the used slots of each row first (keeping their order); return codes and counts."""
    nb = masque.sum(axis=1)
    sortie = np.full((len(codes), max(int(nb.max(initial=0)), 1)), -1, dtype=np.int32)
    lignes, colonnes = np.nonzero(masque)  # row-major: the used slots of a row are consecutive
    debuts = np.cumsum(nb) - nb
    sortie[lignes, np.arange(len(lignes)) - debuts[lignes]] = codes[lignes, colonnes]
    return sortie, nb


def _liste(etiquettes: Sequence[str] | None, codes: np.ndarray, nb: np.ndarray) -> pl.Series:
    """List column: row i holds ``codes[i, :nb[i]]``, as labels (List(Enum)) or integers (no labels)."""
    type_ = pl.Enum(list(etiquettes)) if etiquettes is not None else pl.Int64
    n, largeur = codes.shape
    if n == 0:
        return pl.Series([], dtype=pl.List(type_))
    if etiquettes is None:
        plat = pl.Series(codes.astype(np.int64).ravel())
    else:
        plat = pl.Series(list(etiquettes), dtype=type_).gather(np.clip(codes, 0, None).ravel())
    cadre = pl.DataFrame({"v": plat.reshape((n, largeur)).arr.to_list(), "k": nb.astype(np.int64)})
    return cadre.select(pl.col("v").list.slice(0, pl.col("k"))).to_series()


def _tirage_sans_remise(rng: np.random.Generator, poids: np.ndarray, k: np.ndarray) -> np.ndarray:
    """For each row, ``k`` distinct indices drawn successively with probability ∝ ``poids`` among
    those not yet drawn (unused slots: -1). Vectorised rejection sampling: a row whose draw repeats
    an earlier one draws again; the few rows still colliding after ESSAIS_TIRAGE attempts are drawn
    exactly among the remaining indices."""
    n, m = len(k), len(poids)
    k = np.minimum(k, np.count_nonzero(poids > 0))
    kmax = int(k.max(initial=0))
    cumul = np.cumsum(poids) / poids.sum()
    colonnes = np.full((max(kmax, 1), n), -1, dtype=np.int32)  # one contiguous row per rank
    for j in range(kmax):
        lignes = np.flatnonzero(k > j)
        for _ in range(ESSAIS_TIRAGE):
            if not len(lignes):
                break
            tir = np.minimum(np.searchsorted(cumul, rng.random(len(lignes)), side="right"), m - 1)
            colonnes[j, lignes] = tir
            collision = np.zeros(len(lignes), dtype=bool)
            for precedent in range(j):
                collision |= colonnes[precedent, lignes] == tir
            lignes = lignes[collision]
        for ligne in lignes:
            restants = np.setdiff1d(np.flatnonzero(poids > 0), colonnes[:j, ligne])
            colonnes[j, ligne] = rng.choice(restants, p=poids[restants] / poids[restants].sum())
    return np.ascontiguousarray(colonnes.T)


# --- Households ------------------------------------------------------------------------------------


def generer_menages(
    n: int,
    *,
    seed: int,
    date_reference: date,
    communes: Sequence[tuple[str, float]] | None = None,
) -> pl.DataFrame:
    """``n`` synthetic demands, all active on ``date_reference``, one row per household.

    ``communes`` are (code INSEE, weight) pairs; by default the 37 communes of the Grand Narbonne
    weighted by their social housing stock (``poids_communes_demo``). Same arguments, same frame.
    """
    if n < 0:
        raise ValueError("Le nombre de demandes doit être positif ou nul.")
    paires = list(communes) if communes is not None else poids_communes_demo()
    codes_communes = [str(c) for c, _ in paires]
    poids_communes = np.array([max(float(w), 0.0) for _, w in paires])
    if not paires or poids_communes.sum() <= 0:
        raise ValueError("Il faut au moins une commune de poids positif pour générer des demandes.")
    if len(set(codes_communes)) != len(codes_communes):
        raise ValueError("Chaque commune ne doit figurer qu'une fois dans la liste des communes.")
    rng = np.random.default_rng(seed)

    def u() -> np.ndarray:
        """n uniforms on [0, 1) (single precision is plenty for shares and halves the memory traffic)."""
        return rng.random(n, dtype=np.float32)

    reference = _jours(date_reference)
    indice = np.arange(n, dtype=np.int64)

    # Seniority: truncated exponential; the last renewal falls on the latest anniversary.
    plafond = 1.0 - np.exp(-ANCIENNETE_MAX_ANNEES / ANCIENNETE_MOYENNE_ANNEES)
    anciennete = np.floor(-ANCIENNETE_MOYENNE_ANNEES * np.log1p(-u() * plafond) * JOURS_PAR_AN).astype(np.int64)
    depot = reference - anciennete
    renouvele = anciennete >= 365
    renouvellement = reference - anciennete % 365
    canal = _tirer(rng, CANAL, n, CANAUX)
    delai = np.floor(u() * (DELAI_ENREGISTREMENT_MAX_JOURS + 1)).astype(np.int64)
    enregistrement = np.minimum(depot + np.where(canal == CANAUX.index("guichet"), delai, 0), reference)
    annees_anciennete = np.ceil(anciennete / JOURS_PAR_AN).astype(np.int64)

    # Composition of the household.
    compositions = tuple(COMPOSITION)
    composition = _tirer(rng, COMPOSITION, n, compositions)
    couple = _parmi(composition, compositions, "couple_sans_enfant", "couple_avec_enfants")
    avec_enfants = _parmi(composition, compositions, "monoparentale", "couple_avec_enfants")
    monoparentale = composition == compositions.index("monoparentale")
    nb_enfants = np.where(avec_enfants, _tirer_entiers(rng, NB_ENFANTS, n), 0)
    autre = u() < PART_AUTRE_ADULTE
    tirage_autre = u()

    # Ages: the applicant was an adult when filing.
    age = np.empty(n, dtype=np.int64)
    age[avec_enfants] = _ages_par_tranches(rng, TRANCHES_AGE_PARENTS, int(avec_enfants.sum()))
    age[~avec_enfants] = _ages_par_tranches(rng, TRANCHES_AGE, int((~avec_enfants).sum()))
    age = np.maximum(age, 18 + annees_anciennete)
    # The other adult is an adult child only when the applicant is old enough to have one.
    enfant_majeur = autre & (tirage_autre < PART_AUTRE_ADULTE_ENFANT_MAJEUR) & (age >= AGE_MIN_PARENT_MAJEUR)
    tirage_age = u()
    age_autre = np.where(
        enfant_majeur,
        np.minimum(
            AGES_ENFANT_MAJEUR[0] + np.floor(tirage_age * (AGES_ENFANT_MAJEUR[1] - AGES_ENFANT_MAJEUR[0] + 1)),
            age - ECART_AGE_GENERATIONS,
        ).astype(np.int64),
        np.minimum(
            np.maximum(age + ECART_AGE_GENERATIONS, AGE_MIN_ASCENDANT) + np.floor(tirage_age * 10), AGE_MAX
        ).astype(np.int64),
    )
    age_co = np.clip(np.rint(age + rng.normal(0.0, ECART_AGE_COUPLE, n)), 18, 95).astype(np.int64)
    age_co = np.maximum(age_co, 18 + annees_anciennete)
    kmax_enfants = max(NB_ENFANTS)
    age_max_enfant = np.clip(age - 18, 0, 17)
    ages_enfants = np.floor(rng.random((n, kmax_enfants)) * (age_max_enfant[:, None] + 1)).astype(np.int64)
    ages_enfants = -np.sort(-ages_enfants, axis=1)  # eldest first
    masque_enfants = np.arange(kmax_enfants)[None, :] < nb_enfants[:, None]
    nb_moins_14 = ((ages_enfants < 14) & masque_enfants).sum(axis=1)
    femme = np.where(monoparentale, u() < PART_FEMMES_MONOPARENTALES, u() < PART_FEMMES_AUTRES)
    nb_personnes = 1 + couple.astype(np.int64) + nb_enfants + autre.astype(np.int64)
    nb_a_charge = nb_enfants + enfant_majeur.astype(np.int64)

    # Near-duplicates: recent demands of households without children nor other adult whose
    # applicant copies the applicant of another demand (same sex and age; names in generer_personnes).
    doublon_de = np.full(n, -1, dtype=np.int64)
    candidats = np.flatnonzero((nb_enfants == 0) & ~autre & (anciennete < 365))
    nb_doublons = min(max(NB_MIN_QUASI_DOUBLONS, round(n * PART_QUASI_DOUBLONS)), len(candidats) // 2) if n >= 50 else 0
    if nb_doublons:
        copies = rng.choice(candidats, size=nb_doublons, replace=False)
        libres = np.ones(n, dtype=bool)
        libres[copies] = False
        originaux = rng.choice(np.flatnonzero(libres), size=nb_doublons, replace=False)
        doublon_de[copies] = originaux
        age[copies] = np.maximum(age[originaux], 18 + annees_anciennete[copies])
        femme[copies] = femme[originaux]

    # Handicap (CMI « invalidité »).
    handicap = u() < PART_MENAGES_HANDICAP
    nb_handicap = np.where(handicap, 1 + ((u() < PART_DEUX_HANDICAPES) & (nb_personnes >= 2)), 0)
    handicap_demandeur = handicap & ((u() < PART_HANDICAP_DEMANDEUR) | (nb_handicap >= nb_personnes))

    # Resources: income per UC lognormal, calibrated so that PART_SOUS_SEUIL_Q1 of the households
    # (those without resources included) fall under SEUIL_Q1_REFERENCE.
    uc = (
        UC_PREMIER_ADULTE
        + UC_AUTRE_14_ANS_ET_PLUS * (nb_personnes - 1 - nb_moins_14)
        + UC_ENFANT_MOINS_14 * nb_moins_14
    )
    part_lognormale = (PART_SOUS_SEUIL_Q1 - PART_SANS_RESSOURCES) / (1 - PART_SANS_RESSOURCES)
    mu = np.log(SEUIL_Q1_REFERENCE) - SIGMA_REVENU_UC * NormalDist().inv_cdf(part_lognormale)
    revenu_uc = rng.lognormal(mu, SIGMA_REVENU_UC, n)
    revenu_uc[u() < PART_SANS_RESSOURCES] = 0.0
    revenus = np.round(revenu_uc * uc / 12.0, 2)
    rfr = 12.0 * revenus * RATIO_RFR_REVENUS * rng.lognormal(0.0, SIGMA_RFR, n)
    en_baisse = (u() < PART_RFR_EN_BAISSE) & (revenus > 0)
    bas, haut = FACTEUR_RFR_EN_BAISSE
    rfr = np.rint(np.where(en_baisse, rfr * (bas + u() * (haut - bas)), rfr)).astype(np.int64)
    declare_n1 = en_baisse & (u() < PART_DECLARANT_N1)
    revenu_n1 = np.rint(12.0 * revenus * RATIO_RFR_REVENUS).astype(np.int64)
    # N-2 of the last filing or renewal, but never after the filing year (rule of demande_enregistrer).
    annee_rfr = np.minimum(_annees(np.where(renouvele, renouvellement, depot)) - 2, _annees(depot))

    # Current housing and motives.
    statut = _tirer(rng, STATUT_LOGEMENT, n, STATUTS)
    motif = np.zeros(n, dtype=np.int64)
    for valeur, loi in MOTIFS_PAR_STATUT.items():
        lignes = np.flatnonzero(statut == STATUTS.index(valeur))
        motif[lignes] = _tirer(rng, loi, len(lignes), MOTIFS)
    motif[u() < PART_VIOLENCES] = MOTIFS.index("violences")
    secondaires = _tirer(rng, dict.fromkeys(MOTIFS_SECONDAIRES, 1.0), 2 * n, MOTIFS).reshape(n, 2)
    tirage = u()
    masque_sec = np.stack([tirage < PART_MOTIF_SECONDAIRE[0], tirage < PART_MOTIF_SECONDAIRE[1]], axis=1)
    masque_sec &= secondaires != motif[:, None]
    masque_sec[:, 1] &= secondaires[:, 1] != secondaires[:, 0]

    def est_statut(*valeurs: str) -> np.ndarray:
        return _parmi(statut, STATUTS, *valeurs)

    def est_motif(*valeurs: str) -> np.ndarray:
        return _parmi(motif, MOTIFS, *valeurs)

    loge = est_statut(*STATUTS_LOGES)
    locataire = est_statut(*STATUTS_LOCATAIRES)
    parc_social = est_statut("locataire_parc_social")
    procedure = np.where(
        (locataire & (u() < PART_PROCEDURE_EXPULSION)) | est_motif("expulsion"),
        _tirer(rng, PROCEDURE_EXPULSION, n, PROCEDURES),
        PROCEDURES.index("aucune"),
    )
    non_decent = est_motif("non_decent") | (est_statut("locataire_parc_prive") & (u() < PART_NON_DECENT_PRIVE))
    insalubrite = non_decent & (u() < PART_ARRETE_INSALUBRITE)
    bailleur = _tirer(rng, BAILLEURS_DEMO, n, BAILLEURS)

    # Wished dwelling.
    base = np.clip(nb_personnes - couple.astype(np.int64), 1, 6)
    base = np.where((nb_personnes == 1) & (u() < PART_SEULS_T2_MIN), 2, base)
    reduite = (base > 1) & (u() < PART_TYPOLOGIE_REDUITE)
    typologie_min = np.clip(base - reduite, 1, 6)
    typologie_max = np.clip(typologie_min + _tirer_entiers(rng, ECART_TYPOLOGIE, n), 1, 6)
    pieces = np.where(
        est_motif("trop_petit"),
        np.maximum(typologie_min - 1, 1),
        np.where(est_motif("trop_grand"), typologie_min + 2, np.clip(typologie_min + rng.integers(-1, 2, n), 1, 6)),
    )
    surface = np.round(pieces * (SURFACE_PAR_PIECE[0] + u() * (SURFACE_PAR_PIECE[1] - SURFACE_PAR_PIECE[0])) + 10.0, 1)
    loyer_m2 = np.where(parc_social, LOYER_M2_SOCIAL, LOYER_M2_PRIVE)
    loyer = np.where(locataire, np.round(surface * loyer_m2 * rng.lognormal(0.0, SIGMA_LOYER, n), 2), 0.0)
    charges = np.round(loyer * PART_CHARGES, 2)
    allocation = np.where(
        locataire & (revenu_uc < SEUIL_ALLOCATION_LOGEMENT_UC),
        np.round(np.minimum(loyer * PART_LOYER_ALLOCATION, PLAFOND_ALLOCATION_LOGEMENT), 2),
        0.0,
    )
    bas, haut = ANCIENNETE_LOGEMENT_ANNEES
    depuis = reference - np.floor((bas + u() * (haut - bas)) * JOURS_PAR_AN).astype(np.int64)
    maison = u() >= np.where(parc_social, PART_APPARTEMENTS_SOCIAL, PART_APPARTEMENTS_AUTRES)
    type_actuel = np.where(maison, TYPES_LOGEMENT.index("maison"), TYPES_LOGEMENT.index("appartement"))
    type_recherche = _tirer(rng, TYPE_LOGEMENT_RECHERCHE, n, TYPES_LOGEMENT)

    nb_souhaits = np.minimum(_tirer_entiers(rng, NB_COMMUNES_SOUHAITEES, n), np.count_nonzero(poids_communes))
    souhaits = _tirage_sans_remise(rng, poids_communes, nb_souhaits)
    cumul = np.cumsum(poids_communes) / poids_communes.sum()
    autre_commune = np.minimum(np.searchsorted(cumul, u(), side="right"), len(codes_communes) - 1)
    residence = np.where(u() < PART_RESIDENCE_PREMIER_SOUHAIT, souhaits[:, 0], autre_commune)

    besoins = {nom: handicap & (u() < p) for nom, p in BESOINS_HANDICAP.items()}
    besoins["besoin_rdc_ou_ascenseur"] |= (age >= AGE_RDC_OU_ASCENSEUR) & (u() < PART_RDC_AGES)
    besoins["besoin_parking"] = u() < PART_PARKING

    # Priorities: the DALO propensity is rescaled to the target share, then L441-1 letters.
    propension = np.full(n, PROPENSION_DALO_DEFAUT)
    for valeur, p in PROPENSION_DALO.items():
        propension[statut == STATUTS.index(valeur)] = p
    propension *= np.where(procedure != PROCEDURES.index("aucune"), FACTEUR_DALO_EXPULSION, 1.0)
    propension *= np.where(non_decent, FACTEUR_DALO_NON_DECENT, 1.0)
    proba_dalo = np.clip(propension * PART_DALO / propension.mean(), 0.0, 1.0) if n else propension
    dalo = u() < proba_dalo
    # The decision falls in the last DALO_DECISION_FIN_DE_VIE of the demand's life so far.
    date_dalo = depot + np.floor((1 - DALO_DECISION_FIN_DE_VIE * u()) * (reference - depot)).astype(np.int64)
    tous = np.ones(n, dtype=bool)
    situations = {
        "a": nb_handicap > 0,
        "b": tous,
        "c": revenu_uc < PART_SEUIL_Q1_DIFFICULTES * SEUIL_Q1_REFERENCE,
        "d": est_statut("structure_hebergement", "logement_foyer", "hotel"),
        "e": tous,
        "f": non_decent,
        "g": est_motif("violences"),
        "h": tous,
        "i": tous,
        "j": (nb_enfants > 0) & est_motif("trop_petit", "non_decent"),
        "k": est_statut("sans_abri", "squat", "heberge_tiers", "habitat_mobile"),
        "l": procedure != PROCEDURES.index("aucune"),
        "m": (age <= AGE_MAX_JEUNE_ASE) & est_statut("heberge_famille", "heberge_tiers", "structure_hebergement"),
    }
    masque_prio = np.stack([situations[lettre] & (u() < PROBA_PRIORITE[lettre]) for lettre in LETTRES], 1)
    codes_prio, nb_prio = _compacter(np.broadcast_to(np.arange(len(LETTRES)), (n, len(LETTRES))), masque_prio)
    codes_sec, nb_sec = _compacter(secondaires, masque_sec)

    return pl.DataFrame(
        {
            "menage": indice,
            # Engine contract (exact names and types).
            "nb_personnes": np.asarray(nb_personnes, dtype=np.int64),
            "nb_personnes_a_charge": np.asarray(nb_a_charge, dtype=np.int64),
            "couple": couple,
            "age_demandeur": np.asarray(age, dtype=np.int64),
            "age_codemandeur": _nul_si(age_co, couple),
            "nb_handicap": np.asarray(nb_handicap, dtype=np.int64),
            "nb_moins_14_ans": np.asarray(nb_moins_14, dtype=np.int64),
            "revenus_mensuels": np.asarray(revenus, dtype=np.float64),
            "revenu_fiscal_reference": rfr,
            "zone_plafond": pl.repeat(ZONE_PLAFOND_DEMO, n, eager=True, dtype=pl.String),
            "departement": pl.repeat(DEPARTEMENT_DEMO, n, eager=True, dtype=pl.String),
            "date_depot_initiale": _dates(depot),
            "typologie_min": np.asarray(typologie_min, dtype=np.int64),
            # Household.
            "nb_enfants": np.asarray(nb_enfants, dtype=np.int64),
            "ages_enfants": _liste(None, ages_enfants, nb_enfants),
            "lien_autre_adulte": _enum(LIENS, np.where(enfant_majeur, 1, 2), autre),
            "age_autre_adulte": _nul_si(age_autre, autre),
            "civilite_demandeur": _enum(CIVILITES, np.where(femme, 0, 1)),
            "handicap_demandeur": handicap_demandeur,
            "annee_revenu_fiscal": np.asarray(annee_rfr, dtype=np.int64),
            "revenu_n1_si_baisse": _nul_si(revenu_n1, declare_n1),
            # Lifecycle.
            "date_enregistrement": _dates(enregistrement),
            "date_dernier_renouvellement": _dates(renouvellement, renouvele),
            "canal": _enum(CANAUX, canal),
            # Wished dwelling.
            "typologie_max": np.asarray(typologie_max, dtype=np.int64),
            "type_logement_recherche": _enum(TYPES_LOGEMENT, type_recherche),
            "communes_souhaitees": _liste(codes_communes, souhaits, nb_souhaits),
            "commune_residence": _enum(codes_communes, residence),
            **besoins,
            # Current housing.
            "statut_logement_actuel": _enum(STATUTS, statut),
            "type_logement_actuel": _enum(TYPES_LOGEMENT, type_actuel, loge),
            "nb_pieces_actuel": _nul_si(np.asarray(pieces, dtype=np.int64), loge),
            "surface_actuelle": _nul_si(surface, loge),
            "loyer_actuel": np.asarray(loyer, dtype=np.float64),
            "charges_actuelles": np.asarray(charges, dtype=np.float64),
            "allocation_logement": np.asarray(allocation, dtype=np.float64),
            "bailleur_actuel": _enum(BAILLEURS, bailleur, parc_social),
            "logement_actuel_depuis": _dates(depuis, loge),
            "procedure_expulsion": _enum(PROCEDURES, procedure),
            "logement_non_decent": non_decent,
            "arrete_insalubrite": insalubrite,
            # Motives and priorities.
            "motif_principal": _enum(MOTIFS, motif),
            "motifs_secondaires": _liste(MOTIFS, codes_sec, nb_sec),
            "priorites": _liste(LETTRES, codes_prio, nb_prio),
            "dalo_reconnu": dalo,
            "dalo_date_decision": _dates(date_dalo, dalo),
            "quasi_doublon_de": _nul_si(doublon_de, doublon_de >= 0),
        }
    )


# --- Persons ---------------------------------------------------------------------------------------


def _sans_accents(texte: str) -> str:
    return unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode("ascii")


def _variante(nom: str, prenoms: str, variante: int, autre_prenom: str, autre_nom: str) -> tuple[str, str, str]:
    """A near-copy of (nom, prenoms): (nom, prenoms, nom_naissance). What a second registration of
    the same person typically looks like: accents lost, a typo, a second first name, a married name."""
    if variante == 0 and _sans_accents(nom + prenoms) != nom + prenoms:
        return _sans_accents(nom).upper(), _sans_accents(prenoms), ""
    if variante in (0, 1) and len(nom) >= LONGUEUR_MIN_FAUTE_DE_FRAPPE:
        # Two adjacent lower-case letters swapped ("Martin" → "Mratin").
        for i in range(1, len(nom) - 1):
            if nom[i].islower() and nom[i + 1].islower() and nom[i] != nom[i + 1]:
                return nom[:i] + nom[i + 1] + nom[i] + nom[i + 2 :], prenoms, ""
    if variante in (0, 1, 2) and autre_prenom not in prenoms.split():
        return nom, f"{prenoms} {autre_prenom}", ""
    return autre_nom, prenoms, nom


def _dates_naissance(rng: np.random.Generator, ages: np.ndarray, reference: date) -> pl.Series:
    """Birth dates such that the age on ``reference`` is exactly ``ages`` (no 29 February)."""
    jour_an = np.floor(rng.random(len(ages)) * 365).astype(np.int64)
    jours = np.datetime64("2001-01-01") + jour_an  # a non-leap year
    mois = jours.astype("datetime64[M]").astype(np.int64) % 12 + 1
    jour = (jours - jours.astype("datetime64[M]")).astype(np.int64) + 1
    passe = (mois < reference.month) | ((mois == reference.month) & (jour <= reference.day))
    annee = reference.year - ages - np.where(passe, 0, 1)
    cadre = pl.DataFrame({"a": annee, "m": mois, "j": jour})
    return cadre.select(pl.date("a", "m", "j")).to_series()


def generer_personnes(menages: pl.DataFrame, *, seed: int, date_reference: date) -> pl.DataFrame:
    """One row per person to be housed of ``menages`` (from ``generer_menages`` with the same
    ``date_reference``): applicant first, then co-applicant, other adult, children eldest first.

    Columns are named after the ``Personne`` fields (CharFields are null when blank), plus
    ``menage`` and ``doublon_de`` (the household whose applicant this one nearly copies). The
    resources of the adults add up to the household's ``revenus_mensuels`` to the cent.
    """
    rng = np.random.default_rng([seed, 1])
    n = menages.height
    reference = _jours(date_reference)

    def colonne(nom: str, defaut: float | int = 0) -> np.ndarray:
        return menages.get_column(nom).fill_null(defaut).to_numpy()

    nb_personnes = colonne("nb_personnes")
    couple = colonne("couple").astype(bool)
    nb_enfants = colonne("nb_enfants")
    lien_autre = menages.get_column("lien_autre_adulte").cast(pl.String).fill_null("").to_numpy()
    autre = lien_autre != ""
    femme_demandeur = menages.get_column("civilite_demandeur").cast(pl.String).to_numpy() == "mme"
    revenus_cents = np.rint(colonne("revenus_mensuels") * 100).astype(np.int64)
    revenu_uc_bas = _revenu_uc(menages) < SEUIL_Q1_REFERENCE
    doublon_de = colonne("quasi_doublon_de", -1)

    # Person rows: household index and position.
    total = int(nb_personnes.sum())
    m = np.repeat(np.arange(n), nb_personnes)
    debut = np.cumsum(nb_personnes) - nb_personnes
    position = np.arange(total) - debut[m]
    nb_tete = 1 + couple.astype(np.int64)
    est_dem = position == 0
    est_co = couple[m] & (position == 1)
    est_autre = autre[m] & (position == nb_tete[m])
    est_enfant = position >= nb_tete[m] + autre[m]
    enfant_majeur = est_autre & (lien_autre[m] == "enfant")
    ascendant = est_autre & (lien_autre[m] == "ascendant")

    age = np.zeros(total, dtype=np.int64)
    age[est_dem] = colonne("age_demandeur")
    age[est_co] = colonne("age_codemandeur")[couple]
    age[est_autre] = colonne("age_autre_adulte")[autre]
    age[est_enfant] = menages.get_column("ages_enfants").explode().drop_nulls().to_numpy()
    adulte = ~est_enfant

    # Sex and names.
    femme = rng.random(total) < np.where(ascendant, PART_FEMMES_ASCENDANTS, PART_FEMMES_AUTRES)
    femme[est_dem] = femme_demandeur
    femme[est_co] = ~femme_demandeur[couple] ^ (rng.random(int(couple.sum())) < PART_COUPLES_MEME_SEXE)
    prenom_f = rng.integers(0, len(PRENOMS_FEMMES), total)
    prenom_h = rng.integers(0, len(PRENOMS_HOMMES), total)
    deuxieme = rng.random(total) < PART_DEUXIEME_PRENOM
    deuxieme_f = rng.integers(0, len(PRENOMS_FEMMES), total)
    deuxieme_h = rng.integers(0, len(PRENOMS_HOMMES), total)
    nom_menage = rng.integers(0, len(NOMS), n)
    nom_propre = rng.integers(0, len(NOMS), total)
    garde_son_nom = rng.random(total) < PART_NOM_PROPRE_CODEMANDEUR
    nom = np.where(ascendant | (est_co & garde_son_nom), nom_propre, nom_menage[m])
    nom_naissance = np.where(est_co & ~garde_son_nom, nom_propre, -1)

    # Adults' situation, occupation and resources (in cents, split exactly).
    nationalite = _tirer(rng, NATIONALITE, n, NATIONALITES)[m]
    titre = adulte & (nationalite == NATIONALITES.index("hors_ue"))
    bas, haut = VALIDITE_RESTANTE_TITRE_JOURS
    fin_titre = reference + np.floor(bas + rng.random(total) * (haut - bas)).astype(np.int64)
    situation = np.full(total, -1, dtype=np.int64)
    en_couple = est_co | (est_dem & couple[m])
    situation[en_couple] = _tirer(rng, SITUATION_COUPLE, n, SITUATIONS_FAMILIALES)[m][en_couple]
    seul = est_dem & ~couple[m]
    parent_seul = seul & (nb_enfants[m] > 0)
    situation[seul & ~parent_seul] = _tirer(rng, SITUATION_SEUL, total, SITUATIONS_FAMILIALES)[seul & ~parent_seul]
    situation[parent_seul] = _tirer(rng, SITUATION_PARENT_SEUL, total, SITUATIONS_FAMILIALES)[parent_seul]
    situation[enfant_majeur] = SITUATIONS_FAMILIALES.index("celibataire")
    situation[ascendant] = SITUATIONS_FAMILIALES.index("veuf")

    part_co = PART_REVENU_CODEMANDEUR[0] + rng.random(n) * (PART_REVENU_CODEMANDEUR[1] - PART_REVENU_CODEMANDEUR[0])
    part_co = np.where(~couple | (rng.random(n) < PART_COUPLES_UN_SEUL_REVENU), 0.0, part_co)
    cents_co = np.rint(revenus_cents * part_co).astype(np.int64)
    cents_dem = revenus_cents - cents_co
    cents = np.zeros(total, dtype=np.int64)
    cents[est_dem] = cents_dem
    cents[est_co] = cents_co[couple]

    activite = np.where(
        revenu_uc_bas[m],
        _tirer(rng, ACTIVITE_BAS_REVENUS, total, ACTIVITES),
        _tirer(rng, ACTIVITE_AUTRES_REVENUS, total, ACTIVITES),
    )
    retraite = (age >= AGE_RETRAITE) | ((age >= AGE_RETRAITE_POSSIBLE) & (rng.random(total) < PART_RETRAITES_60_64))
    activite = np.where(retraite, ACTIVITES.index("retraite"), activite)
    activite = np.where(est_enfant, -1, activite)
    activite = np.where(enfant_majeur, ACTIVITES.index("etudiant"), activite)
    activite = np.where(ascendant, ACTIVITES.index("retraite"), activite)
    sans_revenu = (est_dem | est_co) & (cents == 0)
    activite = np.where(sans_revenu, ACTIVITES.index("sans_activite"), activite)
    salarie = np.isin(activite, [ACTIVITES.index(a) for a in ("cdi", "cdd", "apprenti")])
    cotisant = salarie & (rng.random(total) < PART_COTISANT_ACTION_LOGEMENT)
    non_teletravaillable, secteur = _travailleurs_essentiels(seed, activite, est_dem | est_co)

    ressources = {r: np.zeros(total, dtype=np.int64) for r in RESSOURCES}
    prestations = np.where(est_dem, np.minimum(cents, np.rint(PRESTATIONS_PAR_ENFANT * 100) * nb_enfants[m]), 0)
    prestations = prestations.astype(np.int64)
    pension = np.where(
        parent_seul & (rng.random(total) < PART_PENSION_ALIMENTAIRE),
        np.minimum(cents - prestations, np.rint(PENSION_ALIMENTAIRE_PAR_ENFANT * 100) * nb_enfants[m]),
        0,
    ).astype(np.int64)
    ressources["prestations_familiales"] += prestations
    ressources["pension_alimentaire_recue"] += pension
    reste = np.where(est_dem | est_co, cents - prestations - pension, 0)
    for code, nom_activite in enumerate(ACTIVITES):
        ressources[RESSOURCE_PAR_ACTIVITE[nom_activite]] += np.where(activite == code, reste, 0)

    # Contact of the applicant.
    voie = rng.integers(0, len(VOIES), total)
    numero = rng.integers(1, 120, total)
    telephone = rng.integers(0, 10_000, total)
    email = est_dem & (
        (rng.random(total) < PART_EMAIL) | (menages.get_column("canal").cast(pl.String) == "internet_sne").to_numpy()[m]
    )

    handicap = np.zeros(total, dtype=bool)
    handicap[est_dem] = colonne("handicap_demandeur").astype(bool)
    restant = colonne("nb_handicap") - colonne("handicap_demandeur").astype(np.int64)
    handicap |= position >= (nb_personnes - restant)[m]

    cadre = pl.DataFrame(
        {
            "menage": m,
            "role": _enum(ROLES, np.where(est_dem, 0, np.where(est_co, 1, 2))),
            "lien": _enum(
                LIENS,
                np.where(est_co, 0, np.where(ascendant, 2, 1)),
                ~est_dem,
            ),
            "civilite": _enum(CIVILITES, np.where(femme, 0, 1), adulte),
            "nom": pl.Series(NOMS).gather(nom),
            "nom_naissance": _nul_si(pl.Series(NOMS).gather(np.maximum(nom_naissance, 0)), nom_naissance >= 0),
            "prenom": pl.Series(PRENOMS_FEMMES).gather(prenom_f),
            "prenom_h": pl.Series(PRENOMS_HOMMES).gather(prenom_h),
            "deuxieme": pl.Series(PRENOMS_FEMMES).gather(deuxieme_f),
            "deuxieme_h": pl.Series(PRENOMS_HOMMES).gather(deuxieme_h),
            "femme": femme,
            "avec_deuxieme": deuxieme,
            "date_naissance": _dates_naissance(rng, age, date_reference),
            "nationalite": _enum(NATIONALITES, nationalite),
            "titre_sejour_type": _nul_si(
                pl.Series(TITRES_SEJOUR).gather(rng.integers(0, len(TITRES_SEJOUR), total)), titre
            ),
            "titre_sejour_fin": _dates(fin_titre, titre),
            "situation_familiale": _enum(SITUATIONS_FAMILIALES, situation, situation >= 0),
            "situation_professionnelle": _enum(ACTIVITES, activite, activite >= 0),
            "employeur_cotisant_action_logement": cotisant,
            "emploi_non_teletravaillable": non_teletravaillable,
            "secteur_essentiel": _enum(SECTEURS, secteur, secteur >= 0),
            "a_charge": est_enfant | enfant_majeur,
            "handicap": handicap,
            "voie": pl.Series(VOIES).gather(voie),
            "numero": numero,
            "telephone_n": telephone,
            "avec_email": email,
            **{r: ressources[r] / 100.0 for r in RESSOURCES},
            "doublon_de": np.where(est_dem, doublon_de[m], -1),
        }
    )
    prenom = pl.when(pl.col("femme")).then(pl.col("prenom")).otherwise(pl.col("prenom_h"))
    second = pl.when(pl.col("femme")).then(pl.col("deuxieme")).otherwise(pl.col("deuxieme_h"))
    prenoms = (
        pl.when(pl.col("avec_deuxieme") & (second != prenom))
        .then(pl.concat_str([prenom, second], separator=" "))
        .otherwise(prenom)
    )
    est_demandeur = pl.col("role") == "demandeur"
    cadre = cadre.with_columns(prenoms=prenoms).with_columns(
        adresse=pl.when(est_demandeur).then(pl.format("{} {}", pl.col("numero"), pl.col("voie"))),
        telephone=pl.when(est_demandeur).then(
            pl.format(
                "06 39 98 {} {}",
                (pl.col("telephone_n") // 100).cast(pl.String).str.zfill(2),
                (pl.col("telephone_n") % 100).cast(pl.String).str.zfill(2),
            )
        ),
        email=pl.when(pl.col("avec_email")).then(
            pl.concat_str(
                [
                    pl.col("prenoms").str.split(" ").list.first(),
                    pl.lit("."),
                    pl.col("nom"),
                    pl.lit("@example.org"),
                ]
            )
            .str.normalize("NFKD")
            .str.replace_all(r"[^A-Za-z0-9.@]", "")
            .str.to_lowercase()
        ),
        doublon_de=pl.when(pl.col("doublon_de") >= 0).then(pl.col("doublon_de")),
    )
    cadre = _appliquer_quasi_doublons(cadre, debut, doublon_de, rng)
    return cadre.select(
        "menage",
        "role",
        "lien",
        "civilite",
        "nom",
        "nom_naissance",
        "prenoms",
        "date_naissance",
        "nationalite",
        "titre_sejour_type",
        "titre_sejour_fin",
        "situation_familiale",
        "situation_professionnelle",
        "employeur_cotisant_action_logement",
        "emploi_non_teletravaillable",
        "secteur_essentiel",
        "a_charge",
        "handicap",
        "adresse",
        "telephone",
        "email",
        *RESSOURCES,
        "doublon_de",
    )


def _revenu_uc(menages: pl.DataFrame) -> np.ndarray:
    """Annual income per UC of each household (same scale as generer_menages)."""
    nb = menages.get_column("nb_personnes").to_numpy()
    moins_14 = menages.get_column("nb_moins_14_ans").to_numpy()
    uc = UC_PREMIER_ADULTE + UC_AUTRE_14_ANS_ET_PLUS * (nb - 1 - moins_14) + UC_ENFANT_MOINS_14 * moins_14
    return np.asarray(menages.get_column("revenus_mensuels").to_numpy() * 12.0 / uc)


def _appliquer_quasi_doublons(
    cadre: pl.DataFrame, debut: np.ndarray, doublon_de: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    """Give the applicant of each near-duplicate household a variant of the original's identity."""
    copies = np.flatnonzero(doublon_de >= 0)
    if not len(copies):
        return cadre
    lignes_copies = debut[copies]
    lignes_originaux = debut[doublon_de[copies]]
    noms = cadre.get_column("nom").gather(lignes_originaux).to_list()
    prenoms = cadre.get_column("prenoms").gather(lignes_originaux).to_list()
    femmes = cadre.get_column("femme").gather(lignes_originaux).to_list()
    naissances = cadre.get_column("date_naissance").gather(lignes_originaux)
    autres_prenoms = rng.integers(0, 10_000, len(copies))
    autres_noms = rng.integers(0, len(NOMS), len(copies))
    nouveaux = [
        _variante(
            nom,
            prenom,
            i % 4,
            (PRENOMS_FEMMES if femme else PRENOMS_HOMMES)[
                autres_prenoms[i] % len(PRENOMS_FEMMES if femme else PRENOMS_HOMMES)
            ],
            NOMS[autres_noms[i]] if NOMS[autres_noms[i]] != nom else NOMS[(autres_noms[i] + 1) % len(NOMS)],
        )
        for i, (nom, prenom, femme) in enumerate(zip(noms, prenoms, femmes, strict=True))
    ]
    indices = pl.Series(lignes_copies)
    return cadre.with_columns(
        cadre.get_column("nom").scatter(indices, [v[0] for v in nouveaux]),
        cadre.get_column("prenoms").scatter(indices, [v[1] for v in nouveaux]),
        cadre.get_column("nom_naissance").scatter(indices, [v[2] or None for v in nouveaux]),
        cadre.get_column("date_naissance").scatter(indices, naissances),
    )
