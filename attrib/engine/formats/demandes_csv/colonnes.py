"""The column catalogue of the interchange format of demands (``docs/formats/demandes_csv.md``).

The separators and the date format of the cells, the closed lists of the CERFA 14069 form as the
application stores them (``attrib.demandes.enums``; a test checks that both stay identical), and the
specification of every column (``COLONNES``: name, type, closed list of codes, description, example,
and where the column goes in the application).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from attrib.engine import listes_cerfa
from attrib.engine.parametres.arbre import charger_arbre
from attrib.engine.parametres.nombres import pourcentage

SEPARATEUR = ";"
SEPARATEUR_LISTE = "|"
SEPARATEUR_PERSONNE = ":"
SEPARATEUR_DRAPEAUX = "+"
FORMAT_DATE = "%d/%m/%Y"
ZERO = Decimal("0")

#: Flags a person of the ``personnes`` column may carry.
DRAPEAUX_PERSONNE = ("a_charge", "garde_alternee", "enfant_a_naitre", "handicap")

Choix = tuple[tuple[str, str], ...]

# --- Closed lists (CERFA 14069, DOMAIN.md §4), declared once in attrib.engine.listes_cerfa -----------

CIVILITES: Choix = listes_cerfa.Civilite.codes()
NATIONALITES: Choix = listes_cerfa.Nationalite.codes()
SITUATIONS_FAMILIALES: Choix = listes_cerfa.SituationFamiliale.codes()
SITUATIONS_PROFESSIONNELLES: Choix = listes_cerfa.SituationProfessionnelle.codes()
LIENS_PARENTE: Choix = listes_cerfa.LienParente.codes()
CANAUX: Choix = listes_cerfa.Canal.codes()
STATUTS_DEMANDE: Choix = listes_cerfa.StatutDemande.codes()
STATUTS_LOGEMENT_ACTUEL: Choix = listes_cerfa.StatutLogementActuel.codes()
TYPES_LOGEMENT: Choix = listes_cerfa.TypeLogement.codes()
PROCEDURES_EXPULSION: Choix = listes_cerfa.ProcedureExpulsion.codes()
MOTIFS: Choix = listes_cerfa.Motif.codes()

#: The social tenancy status: a demand from a current social tenant is a *mutation* (R441-2-10 11°).
STATUT_LOCATAIRE_SOCIAL = listes_cerfa.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL.value


class TypeColonne(StrEnum):
    TEXTE = "texte"
    CODE = "code"
    LISTE = "liste"
    DATE = "date"
    ENTIER = "entier"
    DECIMAL = "décimal"
    BOOLEEN = "booléen"
    PERSONNES = "personnes"


class Cible(StrEnum):
    """Where a column goes: the demand itself, one of the two flat persons, a list, or identification."""

    IDENTIFICATION = "identification"
    DEMANDE = "demande"
    DEMANDEUR = "demandeur"
    CODEMANDEUR = "codemandeur"
    LISTE = "liste"


@dataclass(frozen=True)
class Colonne:
    """One column of the format. ``champ`` is the model field (or service argument) it feeds."""

    nom: str
    type: TypeColonne
    description: str
    exemple: str = ""
    obligatoire: bool = False
    choix: Choix = ()
    defaut: Any = None
    cible: Cible = Cible.DEMANDE
    champ: str = ""
    ordonnee: bool = True
    motif_element: str = ""
    lecture_seule: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.choix)

    def vide(self) -> Any:
        """Value of an empty cell."""
        if self.defaut is not None:
            return self.defaut
        if self.type in (TypeColonne.LISTE, TypeColonne.PERSONNES):
            return []
        if self.type == TypeColonne.BOOLEEN:
            return False
        if self.type in (TypeColonne.TEXTE, TypeColonne.CODE):
            return ""
        return None


def _c(nom: str, type_: TypeColonne, description: str, exemple: str = "", **options: Any) -> Colonne:
    options.setdefault("champ", nom)
    return Colonne(nom=nom, type=type_, description=description, exemple=exemple, **options)


T = TypeColonne

#: Fields of the applicant and co-applicant (same columns, suffixed ``_demandeur`` / ``_codemandeur``).
CHAMPS_PERSONNE: tuple[tuple[str, TypeColonne, str, str, dict[str, Any]], ...] = (
    ("civilite", T.CODE, "Civilité", "mme", {"choix": CIVILITES}),
    ("nom", T.TEXTE, "Nom d'usage", "Martin", {}),
    ("nom_naissance", T.TEXTE, "Nom de naissance", "", {}),
    ("prenoms", T.TEXTE, "Prénoms", "Léa", {}),
    ("date_naissance", T.DATE, "Date de naissance", "17/05/1990", {}),
    ("nationalite", T.CODE, "Nationalité", "francaise", {"choix": NATIONALITES}),
    ("situation_familiale", T.CODE, "Situation familiale", "celibataire", {"choix": SITUATIONS_FAMILIALES}),
    (
        "situation_professionnelle",
        T.CODE,
        "Situation professionnelle",
        "cdi",
        {"choix": SITUATIONS_PROFESSIONNELLES},
    ),
    ("employeur_siret", T.TEXTE, "SIRET de l'employeur (14 chiffres)", "", {}),
    ("employeur_cotisant_action_logement", T.BOOLEEN, "Employeur cotisant à Action Logement", "non", {}),
    (
        "emploi_non_teletravaillable",
        T.BOOLEEN,
        "Emploi qui ne peut pas être exercé en télétravail (personne en emploi seulement)",
        "oui",
        {},
    ),
    (
        "secteur_essentiel",
        T.TEXTE,
        "Secteur essentiel de cet emploi, code de la liste de la CIL (voir « Travailleurs essentiels ») ; "
        "seulement si l'emploi ne peut pas être exercé en télétravail",
        "sante_medico_social",
        {},
    ),
    ("handicap", T.BOOLEEN, "Titulaire de la carte mobilité inclusion « invalidité »", "non", {}),
    ("salaires", T.DECIMAL, "Salaires mensuels (€)", "1500,00", {"defaut": ZERO}),
    ("indemnites_chomage", T.DECIMAL, "Indemnités de chômage mensuelles (€)", "0,00", {"defaut": ZERO}),
    ("pensions_retraite", T.DECIMAL, "Pensions, retraites mensuelles (€)", "0,00", {"defaut": ZERO}),
    ("minima_sociaux", T.DECIMAL, "RSA, AAH et autres minima sociaux mensuels (€)", "0,00", {"defaut": ZERO}),
    ("prestations_familiales", T.DECIMAL, "Prestations familiales mensuelles (€)", "0,00", {"defaut": ZERO}),
    ("pension_alimentaire_recue", T.DECIMAL, "Pension alimentaire reçue par mois (€)", "0,00", {"defaut": ZERO}),
    ("autres_revenus", T.DECIMAL, "Autres revenus mensuels (€)", "0,00", {"defaut": ZERO}),
    ("pension_alimentaire_versee", T.DECIMAL, "Pension alimentaire versée par mois (€)", "0,00", {"defaut": ZERO}),
)
CONTACT_DEMANDEUR: tuple[tuple[str, str, str], ...] = (
    ("adresse", "Adresse postale", "3 rue des Lilas"),
    ("code_postal", "Code postal", "11000"),
    ("ville", "Ville", "Carcassonne"),
    ("telephone", "Téléphone", "0612345678"),
    ("email", "Courriel", "lea.martin@example.org"),
)
IDENTITE = ("nom", "prenoms", "date_naissance")


def _colonnes_personne(cible: Cible) -> list[Colonne]:
    qui = "du demandeur" if cible == Cible.DEMANDEUR else "du co-demandeur"
    colonnes = []
    if cible == Cible.CODEMANDEUR:
        colonnes.append(
            _c(
                "lien_codemandeur",
                T.CODE,
                "Lien du co-demandeur avec le demandeur",
                "conjoint",
                choix=LIENS_PARENTE,
                cible=cible,
                champ="lien",
            )
        )
    for champ, type_, libelle, exemple, options in CHAMPS_PERSONNE:
        if cible == Cible.DEMANDEUR:
            obligatoire, precision = champ in IDENTITE, ""
        else:
            obligatoire = False
            precision = " (obligatoire si un co-demandeur est décrit)" if champ in IDENTITE else ""
        colonnes.append(
            _c(
                f"{champ}_{cible.value}",
                type_,
                f"{libelle} {qui}{precision}",
                exemple if cible == Cible.DEMANDEUR else "",
                obligatoire=obligatoire,
                cible=cible,
                champ=champ,
                **options,
            )
        )
    if cible == Cible.DEMANDEUR:
        colonnes += [
            _c(f"{champ}_demandeur", T.TEXTE, f"{libelle} {qui}", exemple, cible=cible, champ=champ)
            for champ, libelle, exemple in CONTACT_DEMANDEUR
        ]
    return colonnes


COLONNES: tuple[Colonne, ...] = (
    # Identification
    _c(
        "numero_unique",
        T.TEXTE,
        "Numéro unique de la demande. Vide : nouvelle demande. Renseigné : mise à jour de cette demande "
        "(elle doit être visible de l'utilisateur qui importe)",
        "01126030000001NAR01",
        cible=Cible.IDENTIFICATION,
    ),
    _c(
        "code_guichet",
        T.TEXTE,
        "Code du guichet enregistreur. Vide : le guichet pour lequel le fichier est importé. Non modifiable",
        "NAR01",
        cible=Cible.IDENTIFICATION,
        champ="guichet__code_guichet",
    ),
    _c("canal", T.CODE, "Canal de dépôt de la demande", "guichet", choix=CANAUX, defaut="guichet"),
    _c(
        "date_depot_initiale",
        T.DATE,
        "Date du premier dépôt, point de départ de l'ancienneté. Vide : date du jour. Non modifiable",
        "15/03/2026",
        cible=Cible.IDENTIFICATION,
    ),
    _c(
        "statut",
        T.CODE,
        "Statut de la demande (export seulement, ignoré à l'import)",
        "active",
        choix=STATUTS_DEMANDE,
        cible=Cible.IDENTIFICATION,
        lecture_seule=True,
    ),
    _c(
        "date_echeance",
        T.DATE,
        "Fin de validité de la demande (export seulement, ignorée à l'import)",
        "15/03/2027",
        cible=Cible.IDENTIFICATION,
        lecture_seule=True,
    ),
    _c(
        "version",
        T.TEXTE,
        "Version de la demande au moment de l'export (date et heure de sa dernière modification). Renseignée : "
        "si la demande a été modifiée depuis, la ligne est refusée comme périmée au lieu d'écraser ces "
        "modifications. Vide ou colonne absente : pas de contrôle",
        "2026-03-15T10:42:07.123456+00:00",
        cible=Cible.IDENTIFICATION,
        champ="modifie_le",
    ),
    _c(
        "sensibles_masques",
        T.BOOLEEN,
        "« oui » quand l'export a masqué les situations sensibles (violences, santé) faute d'habilitation ; "
        "une telle ligne ne peut pas mettre à jour une demande",
        "non",
        cible=Cible.IDENTIFICATION,
        champ="",
    ),
    # Ménage
    *_colonnes_personne(Cible.DEMANDEUR),
    *_colonnes_personne(Cible.CODEMANDEUR),
    _c(
        "personnes",
        T.PERSONNES,
        "Autres personnes à loger, séparées par « | » ; chacune lien:date_naissance:prénoms:nom[:drapeaux], "
        f"drapeaux séparés par « + » parmi {', '.join(DRAPEAUX_PERSONNE)}",
        "enfant:01/03/2015:Jules:Martin:a_charge|ascendant:01/01/1950:Rose:Durand",
        choix=LIENS_PARENTE,
        cible=Cible.LISTE,
    ),
    # Logement actuel
    _c(
        "statut_logement_actuel",
        T.CODE,
        "Situation de logement actuelle",
        "locataire_parc_prive",
        obligatoire=True,
        choix=STATUTS_LOGEMENT_ACTUEL,
    ),
    _c("bailleur_actuel", T.TEXTE, "Bailleur social actuel (mutation)", ""),
    _c("rpls_logement_actuel", T.TEXTE, "Identifiant RPLS du logement actuel", ""),
    _c("type_logement_actuel", T.CODE, "Type du logement actuel", "appartement", choix=TYPES_LOGEMENT),
    _c("nb_pieces_actuel", T.ENTIER, "Nombre de pièces du logement actuel", "2"),
    _c("surface_actuelle", T.DECIMAL, "Surface du logement actuel (m²)", "45,50"),
    _c("loyer_actuel", T.DECIMAL, "Loyer mensuel actuel (€)", "620,00", defaut=ZERO),
    _c("charges_actuelles", T.DECIMAL, "Charges mensuelles actuelles (€)", "80,00", defaut=ZERO),
    _c("allocation_logement", T.DECIMAL, "Allocation logement perçue par mois (€)", "0,00", defaut=ZERO),
    _c("logement_actuel_depuis", T.DATE, "Date d'entrée dans le logement actuel", "01/09/2019"),
    _c(
        "procedure_expulsion",
        T.CODE,
        "Procédure d'expulsion en cours",
        "aucune",
        choix=PROCEDURES_EXPULSION,
        defaut="aucune",
    ),
    _c(
        "expulsion_date_etape",
        T.DATE,
        "Date de l'étape atteinte par la procédure d'expulsion (commandement, jugement ou décision de concours de "
        "la force publique) ; seulement si une procédure est en cours",
        "",
    ),
    _c("logement_non_decent", T.BOOLEEN, "Logement indigne ou non décent", "non"),
    _c("arrete_insalubrite", T.BOOLEEN, "Arrêté d'insalubrité ou de péril", "non"),
    # Logement recherché
    _c("typologie_min", T.ENTIER, "Typologie minimale recherchée (pièces, 1 à 6)", "2", obligatoire=True),
    _c(
        "typologie_max",
        T.ENTIER,
        "Typologie maximale recherchée (pièces, 1 à 6 ; 6 = T6 et plus)",
        "3",
        obligatoire=True,
    ),
    _c(
        "type_logement_recherche",
        T.CODE,
        "Type de logement recherché",
        "indifferent",
        choix=TYPES_LOGEMENT,
        defaut="indifferent",
    ),
    _c("loyer_max", T.DECIMAL, "Loyer maximum souhaité (€)", ""),
    _c(
        "communes_souhaitees",
        T.LISTE,
        "Codes INSEE des communes souhaitées, par ordre de préférence, séparés par « | »",
        "11069|11076",
        obligatoire=True,
        cible=Cible.LISTE,
        champ="communes",
        motif_element=r"[0-9][0-9AB][0-9]{3}",
    ),
    _c("besoin_fauteuil", T.BOOLEEN, "Logement accessible en fauteuil roulant", "non"),
    _c("besoin_logement_adapte", T.BOOLEEN, "Logement adapté au handicap", "non"),
    _c("besoin_rdc_ou_ascenseur", T.BOOLEEN, "Rez-de-chaussée ou ascenseur", "non"),
    _c("besoin_parking", T.BOOLEEN, "Parking", "non"),
    # Ressources
    _c(
        "revenu_fiscal_reference",
        T.ENTIER,
        "Revenu fiscal de référence N-2 de toutes les personnes du ménage (€)",
        "18000",
        obligatoire=True,
    ),
    _c("annee_revenu_fiscal", T.ENTIER, "Année de ce revenu fiscal de référence", "2024", obligatoire=True),
    _c(
        "revenu_n1_si_baisse",
        T.ENTIER,
        "Revenus N-1 ou des 12 derniers mois en cas de baisse d'au moins "
        f"{pourcentage(charger_arbre().serie('categories_menage.baisse_revenus_minimum')[-1].valeur)} (€)",
        "",
    ),
    # Motifs et priorités
    _c("motif_principal", T.CODE, "Motif principal de la demande", "trop_cher", obligatoire=True, choix=MOTIFS),
    _c(
        "motifs_secondaires",
        T.LISTE,
        "Motifs secondaires séparés par « | » (sans répéter le motif principal)",
        "trop_petit",
        choix=MOTIFS,
        cible=Cible.LISTE,
        ordonnee=False,
    ),
    _c(
        "priorites",
        T.LISTE,
        "Codes des priorités L441-1 CCH déclarées, séparés par « | » (référentiel des priorités légales)",
        "l441_k",
        cible=Cible.LISTE,
        ordonnee=False,
        motif_element=r"[a-z0-9_]+",
    ),
    _c("dalo_reconnu", T.BOOLEEN, "Reconnu prioritaire et urgent DALO", "non"),
    _c("dalo_date_decision", T.DATE, "Date de la décision DALO (obligatoire si reconnu DALO)", ""),
    _c("dalo_commission", T.TEXTE, "Commission de médiation qui a rendu la décision DALO", ""),
)

COLONNES_PAR_NOM: dict[str, Colonne] = {c.nom: c for c in COLONNES}
COLONNES_OBLIGATOIRES = tuple(c.nom for c in COLONNES if c.obligatoire)
