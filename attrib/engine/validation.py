"""One rule set per object of the demand file: the demand and each person to house.

Pure module (no Django): the screens, the API, the CSV import and the demo generator all call it, through
the demand services or directly, so that the same bad value gives the same French message wherever it was
typed, located by its field (``date_naissance``, ``personnes[1].salaires``) and, for an import, its line.

Three families of rules:

* **text**: no control character (tab and line breaks only in a multi-line text), no bidirectional
  override (U+202A–U+202E, U+2066–U+2069), no lone surrogate, a maximum length;
* **numbers**: a range and a number of decimals (no value can overflow a database column);
* **dates**, checked against the life of their object: a birth date neither in the future (except the
  expected birth of an unborn child, within ten months) nor more than 120 years ago; a filing date
  neither in the future nor before the first day the lifecycle rules of the demand are known
  (``data/parametres/cycle_demande.yaml``); a radiation or a renewal neither in the future nor before
  the filing; a DALO decision not before the first possible one.

The bounds are dated data (``data/parametres/bornes_saisie.yaml``, read through the parameter tree), each
with its reason or source.
Each function checks only the fields present in the mapping it is given (a form of one step, a PATCH).
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre
from attrib.engine.siret import erreur_siret

DOSSIER = DOSSIER_PAR_DEFAUT
FICHIER_BORNES = DOSSIER / "bornes_saisie.yaml"
FICHIER_CYCLE = DOSSIER / "cycle_demande.yaml"
#: Lifecycle parameters a demand needs from its filing (its validity and the renewal notice).
PARAMETRES_DEPOT = ("validite", "preavis_renouvellement")

#: Bidirectional embeddings, overrides and isolates: they reorder what a reader sees.
BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
#: Allowed in a multi-line text only.
SAUTS = frozenset("\t\n\r")

Erreurs = dict[str, list[str]]


# --- Bounds --------------------------------------------------------------------------------------


def _valeur_en_vigueur(nom: str, jour: date) -> Any:
    """The bound ``nom`` of ``bornes_saisie.yaml`` in force on ``jour``, from the parameter tree."""
    arbre = charger_arbre(DOSSIER)
    serie = arbre.serie(f"bornes_saisie.{nom}")
    # The earliest value also applies before its date: a bound of plausibility is never missing.
    if jour < serie[0].debut:
        return serie[0].valeur
    return arbre.valeur(f"bornes_saisie.{nom}", jour).valeur


@dataclass(frozen=True)
class Bornes:
    """The bounds in force on one day."""

    jour: date
    naissance_age_max_annees: int
    naissance_prevue_mois_max: int
    date_future_annees_max: int
    dalo_premiere_decision: date
    annee_revenu_fiscal_min: int
    montant_mensuel_max_eur: int
    revenu_annuel_max_eur: int
    surface_max_m2: int
    pieces_max: int
    personnes_max: int
    texte_long_max: int
    depot_minimum: date


def premiere_date_depot() -> date:
    """First filing date whose lifecycle rules are known (latest first ``date_effet`` of the parameters
    a demand needs when it is filed)."""
    arbre = charger_arbre(DOSSIER)
    return max(arbre.serie(f"cycle_demande.{nom}")[0].debut for nom in PARAMETRES_DEPOT)


@cache
def bornes(jour: date) -> Bornes:
    valeurs = {
        nom: _valeur_en_vigueur(nom, jour)
        for nom in Bornes.__dataclass_fields__
        if nom not in ("jour", "depot_minimum")
    }
    return Bornes(jour=jour, depot_minimum=premiere_date_depot(), **valeurs)


# --- Formatting ----------------------------------------------------------------------------------


def date_fr(jour: date) -> str:
    return f"{jour.day:02d}/{jour.month:02d}/{jour.year:04d}"


def nombre_fr(valeur: int | Decimal) -> str:
    """A number as a French reader writes it (``100 000``, ``12,5``); a huge one is not spelt out."""
    trop_grand = valeur.adjusted() > 15 if isinstance(valeur, Decimal) else abs(valeur).bit_length() > 50
    if trop_grand or (isinstance(valeur, Decimal) and valeur.adjusted() < -6 and valeur):
        return "une valeur hors de toute échelle" if trop_grand else "une valeur trop précise"
    if isinstance(valeur, Decimal) and valeur == valeur.to_integral_value():
        valeur = int(valeur)
    texte = f"{valeur:,f}" if isinstance(valeur, Decimal) else f"{valeur:,}"
    return texte.replace(",", " ").replace(".", ",")


def decaler_annees(jour: date, annees: int) -> date:
    """``jour`` moved by whole years (29 February → 28 February), clamped to the calendar."""
    annee = min(max(jour.year + annees, 1), 9999)
    return date(annee, jour.month, min(jour.day, calendar.monthrange(annee, jour.month)[1]))


def decaler_mois(jour: date, mois: int) -> date:
    m = jour.month - 1 + mois
    annee, m = jour.year + m // 12, m % 12 + 1
    annee = min(max(annee, 1), 9999)
    return date(annee, m, min(jour.day, calendar.monthrange(annee, m)[1]))


# --- Rules of one value --------------------------------------------------------------------------


def erreur_texte(valeur: str, *, libelle: str, longueur_max: int, multiligne: bool = False) -> str | None:
    """Control characters, bidirectional overrides, lone surrogates and length of one text."""
    for caractere in valeur:
        code = f"U+{ord(caractere):04X}"
        if caractere in BIDI:
            return f"{libelle} : caractère d'inversion du sens d'écriture interdit ({code}) ; retirez-le."
        if 0xD800 <= ord(caractere) <= 0xDFFF:
            return f"{libelle} : caractère invalide ({code}) ; retirez-le."
        if unicodedata.category(caractere) == "Cc" and not (multiligne and caractere in SAUTS):
            return f"{libelle} : caractère de contrôle invisible interdit ({code}) ; retirez-le."
    if len(valeur) > longueur_max:
        return f"{libelle} : {longueur_max} caractères au plus ({len(valeur)} saisis)."
    return None


def erreur_nombre(
    valeur: int | Decimal, *, libelle: str, minimum: int | Decimal, maximum: int | Decimal, decimales: int, unite: str
) -> str | None:
    """Range and number of decimals of one number."""
    if isinstance(valeur, Decimal) and not valeur.is_finite():
        return f"{libelle} : nombre attendu."
    if not minimum <= valeur <= maximum:
        return (
            f"{libelle} : la valeur doit être comprise entre {nombre_fr(minimum)} et {nombre_fr(maximum)}{unite} "
            f"(reçu {nombre_fr(valeur)})."
        )
    if isinstance(valeur, Decimal):
        exposant = valeur.normalize().as_tuple().exponent
        if isinstance(exposant, int) and -exposant > decimales:
            return f"{libelle} : {decimales} décimales au plus (reçu {nombre_fr(valeur)})."
    return None


def erreur_date_naissance(naissance: date, *, jour: date, enfant_a_naitre: bool = False) -> str | None:
    b = bornes(jour)
    if naissance > jour:
        if not enfant_a_naitre:
            return f"Date de naissance : le {date_fr(naissance)} est dans le futur."
        limite = decaler_mois(jour, b.naissance_prevue_mois_max)
        if naissance > limite:
            return (
                f"Date de naissance : la naissance prévue d'un enfant à naître ne peut pas dépasser "
                f"{b.naissance_prevue_mois_max} mois (au plus tard le {date_fr(limite)})."
            )
        return None
    plus_ancienne = decaler_annees(jour, -b.naissance_age_max_annees)
    if naissance < plus_ancienne:
        return (
            f"Date de naissance : le {date_fr(naissance)} donnerait plus de {b.naissance_age_max_annees} ans ; "
            "vérifiez l'année."
        )
    return None


def erreur_date_depot(depot: date, *, jour: date) -> str | None:
    if depot > jour:
        return f"Date de dépôt : le {date_fr(depot)} est dans le futur."
    minimum = bornes(jour).depot_minimum
    if depot < minimum:
        return (
            f"Date de dépôt : le {date_fr(depot)} précède le {date_fr(minimum)}, date à partir de laquelle "
            "les règles de validité de la demande (article R441-2-7 du code de la construction et de "
            "l'habitation) sont renseignées ; une demande plus ancienne ne peut pas être enregistrée."
        )
    return None


def erreur_date_passee(
    jour_saisi: date, *, libelle: str, jour: date, apres: date | None = None, libelle_apres: str = ""
) -> str | None:
    """A date that has happened: not in the future, not before ``apres`` (the fact it follows), not
    absurdly old."""
    if jour_saisi > jour:
        return f"{libelle} : le {date_fr(jour_saisi)} est dans le futur."
    if apres is not None and jour_saisi < apres:
        return f"{libelle} : le {date_fr(jour_saisi)} précède {libelle_apres} ({date_fr(apres)})."
    plus_ancienne = decaler_annees(jour, -bornes(jour).naissance_age_max_annees)
    if jour_saisi < plus_ancienne:
        return f"{libelle} : le {date_fr(jour_saisi)} est trop ancien ; vérifiez l'année."
    return None


def erreur_date_plausible(jour_saisi: date, *, libelle: str, jour: date) -> str | None:
    """A date that may be in the future (end of a residence permit), within plausible bounds."""
    b = bornes(jour)
    debut = decaler_annees(jour, -b.naissance_age_max_annees)
    fin = decaler_annees(jour, b.date_future_annees_max)
    if not debut <= jour_saisi <= fin:
        return f"{libelle} : le {date_fr(jour_saisi)} n'est pas plausible (entre le {date_fr(debut)} et le {date_fr(fin)})."
    return None


# --- Rule sets of the objects --------------------------------------------------------------------


@dataclass(frozen=True)
class Texte:
    libelle: str
    longueur_max: int | None = None  # None: the long-text bound (multi-line comments)
    multiligne: bool = False


@dataclass(frozen=True)
class Nombre:
    libelle: str
    minimum: int
    maximum: str | int  # the name of a bound, or a number
    decimales: int = 0
    unite: str = ""


#: Free texts of a demand (codes of closed lists are checked by their list).
TEXTES_DEMANDE: dict[str, Texte] = {
    "bailleur_actuel": Texte("Bailleur social actuel", 200),
    "rpls_logement_actuel": Texte("Identifiant RPLS du logement actuel", 30),
    "commentaire_radiation": Texte("Commentaire de radiation", None, multiligne=True),
}


def _montant_mensuel(libelle: str) -> Nombre:
    return Nombre(libelle, 0, "montant_mensuel_max_eur", 2, " €")


NOMBRES_DEMANDE: dict[str, Nombre] = {
    "nb_pieces_actuel": Nombre("Pièces du logement actuel", 0, "pieces_max"),
    "surface_actuelle": Nombre("Surface actuelle", 1, "surface_max_m2", 2, " m²"),
    "loyer_actuel": _montant_mensuel("Loyer mensuel actuel"),
    "charges_actuelles": _montant_mensuel("Charges mensuelles actuelles"),
    "allocation_logement": _montant_mensuel("Allocation logement perçue"),
    "loyer_max": _montant_mensuel("Loyer maximum souhaité"),
    "typologie_min": Nombre("Typologie minimale", 1, 6, unite=" pièces"),
    "typologie_max": Nombre("Typologie maximale", 1, 6, unite=" pièces"),
    "revenu_fiscal_reference": Nombre("Revenu fiscal de référence", 0, "revenu_annuel_max_eur", unite=" €"),
    "revenu_n1_si_baisse": Nombre("Revenus N-1 en cas de baisse", 0, "revenu_annuel_max_eur", unite=" €"),
}
TEXTES_PERSONNE: dict[str, Texte] = {
    "nom": Texte("Nom d'usage", 100),
    "nom_naissance": Texte("Nom de naissance", 100),
    "prenoms": Texte("Prénoms", 150),
    "lieu_naissance": Texte("Lieu de naissance", 100),
    "titre_sejour_type": Texte("Titre de séjour", 100),
    "employeur_nom": Texte("Employeur", 200),
    "employeur_commune": Texte("Commune du lieu de travail", 100),
    "adresse": Texte("Adresse", 300),
    "code_postal": Texte("Code postal", 5),
    "ville": Texte("Ville", 100),
    "telephone": Texte("Téléphone", 20),
    "email": Texte("Courriel", 254),
}
RESSOURCES_PERSONNE = (
    ("salaires", "Salaires"),
    ("indemnites_chomage", "Indemnités de chômage"),
    ("pensions_retraite", "Pensions, retraites"),
    ("minima_sociaux", "RSA, AAH et autres minima sociaux"),
    ("prestations_familiales", "Prestations familiales"),
    ("pension_alimentaire_recue", "Pension alimentaire reçue"),
    ("autres_revenus", "Autres revenus"),
    ("pension_alimentaire_versee", "Pension alimentaire versée"),
)
NOMBRES_PERSONNE: dict[str, Nombre] = {nom: _montant_mensuel(libelle) for nom, libelle in RESSOURCES_PERSONNE}


def _ajouter(erreurs: Erreurs, cle: str, message: str | None) -> None:
    if message:
        erreurs.setdefault(cle, []).append(message)


def _date(valeur: Any) -> date | None:
    if isinstance(valeur, datetime):
        return valeur.date()
    return valeur if isinstance(valeur, date) else None


def _textes_et_nombres(
    valeurs: Mapping[str, Any], textes: Mapping[str, Texte], nombres: Mapping[str, Nombre], b: Bornes, prefixe: str
) -> Erreurs:
    erreurs: Erreurs = {}
    for nom, texte in textes.items():
        valeur = valeurs.get(nom)
        if isinstance(valeur, str) and valeur:
            longueur = texte.longueur_max if texte.longueur_max is not None else b.texte_long_max
            _ajouter(
                erreurs,
                prefixe + nom,
                erreur_texte(valeur, libelle=texte.libelle, longueur_max=longueur, multiligne=texte.multiligne),
            )
    for nom, regle in nombres.items():
        nombre = valeurs.get(nom)
        if isinstance(nombre, (int, Decimal)) and not isinstance(nombre, bool):
            maximum: int = getattr(b, regle.maximum) if isinstance(regle.maximum, str) else regle.maximum
            _ajouter(
                erreurs,
                prefixe + nom,
                erreur_nombre(
                    nombre,
                    libelle=regle.libelle,
                    minimum=regle.minimum,
                    maximum=maximum,
                    decimales=regle.decimales,
                    unite=regle.unite,
                ),
            )
    return erreurs


def erreurs_demande(valeurs: Mapping[str, Any], *, jour: date, depot: date | None = None) -> Erreurs:
    """Errors of the demand's own fields present in ``valeurs`` (model field names), keyed by field.

    Dates are checked against the life of the demand: the filing date (``date_depot_initiale`` of
    ``valeurs``, else ``depot`` for a stored demand) bounds the radiation and the renewal.
    """
    b = bornes(jour)
    erreurs = _textes_et_nombres(valeurs, TEXTES_DEMANDE, NOMBRES_DEMANDE, b, "")
    if (d := _date(valeurs.get("date_depot_initiale"))) is not None:
        depot = d
        _ajouter(erreurs, "date_depot_initiale", erreur_date_depot(d, jour=jour))
    if (d := _date(valeurs.get("logement_actuel_depuis"))) is not None:
        _ajouter(erreurs, "logement_actuel_depuis", erreur_date_passee(d, libelle="Dans ce logement depuis", jour=jour))
    if (d := _date(valeurs.get("dalo_date_decision"))) is not None:
        _ajouter(
            erreurs,
            "dalo_date_decision",
            erreur_date_passee(
                d,
                libelle="Date de la décision DALO",
                jour=jour,
                apres=b.dalo_premiere_decision,
                libelle_apres="l'ouverture des recours DALO",
            ),
        )
    for nom, libelle in (
        ("date_radiation", "Date de radiation"),
        ("date_dernier_renouvellement", "Date du renouvellement"),
    ):
        if (d := _date(valeurs.get(nom))) is not None:
            _ajouter(
                erreurs,
                nom,
                erreur_date_passee(d, libelle=libelle, jour=jour, apres=depot, libelle_apres="le dépôt de la demande"),
            )
    annee = valeurs.get("annee_revenu_fiscal")
    if isinstance(annee, int) and not isinstance(annee, bool):
        # A revenu fiscal de référence of year Y is known from the tax notice of year Y + 1 at the earliest.
        derniere = jour.year - 1
        if not b.annee_revenu_fiscal_min <= annee <= derniere:
            _ajouter(
                erreurs,
                "annee_revenu_fiscal",
                f"Année du revenu fiscal de référence : entre {b.annee_revenu_fiscal_min} et {derniere} "
                f"(l'avis d'imposition d'une année paraît l'année suivante ; reçu {nombre_fr(annee)}).",
            )
    return erreurs


def erreurs_personne(valeurs: Mapping[str, Any], *, jour: date, prefixe: str = "") -> Erreurs:
    """Errors of one person's fields present in ``valeurs``, keyed by ``prefixe`` + field."""
    b = bornes(jour)
    erreurs = _textes_et_nombres(valeurs, TEXTES_PERSONNE, NOMBRES_PERSONNE, b, prefixe)
    if (d := _date(valeurs.get("date_naissance"))) is not None:
        _ajouter(
            erreurs,
            prefixe + "date_naissance",
            erreur_date_naissance(d, jour=jour, enfant_a_naitre=bool(valeurs.get("enfant_a_naitre"))),
        )
    if (d := _date(valeurs.get("titre_sejour_fin"))) is not None:
        _ajouter(
            erreurs,
            prefixe + "titre_sejour_fin",
            erreur_date_plausible(d, libelle="Fin de validité du titre de séjour", jour=jour),
        )
    if isinstance(siret := valeurs.get("employeur_siret"), str):
        _ajouter(erreurs, prefixe + "employeur_siret", erreur_siret(siret))
    return erreurs


def erreurs_menage(personnes: Sequence[Mapping[str, Any]], *, jour: date) -> Erreurs:
    """Every person (keys ``personnes[i].champ``) and the size of the household (key ``personnes``)."""
    erreurs: Erreurs = {}
    maximum = bornes(jour).personnes_max
    if len(personnes) > maximum:
        erreurs["personnes"] = [f"Ménage : {maximum} personnes à loger au plus ({len(personnes)} déclarées)."]
    for i, personne in enumerate(personnes):
        erreurs.update(erreurs_personne(personne, jour=jour, prefixe=f"personnes[{i}]."))
    return erreurs


def champs_regles(objet: str) -> frozenset[str]:
    """The fields a rule set governs (``"demande"`` or ``"personne"``): the screens and the API leave their
    checks to it so that every entry point gives the same message."""
    if objet == "demande":
        return frozenset(
            {
                *TEXTES_DEMANDE,
                *NOMBRES_DEMANDE,
                "date_depot_initiale",
                "logement_actuel_depuis",
                "dalo_date_decision",
                "date_radiation",
                "date_dernier_renouvellement",
                "annee_revenu_fiscal",
            }
        )
    if objet == "personne":
        return frozenset({*TEXTES_PERSONNE, *NOMBRES_PERSONNE, "date_naissance", "titre_sejour_fin", "employeur_siret"})
    raise ValueError(f"Objet sans règles : « {objet} ».")


def fusionner(*lots: Iterable[tuple[str, list[str]]]) -> Erreurs:
    erreurs: Erreurs = {}
    for lot in lots:
        for cle, messages in lot:
            erreurs.setdefault(cle, []).extend(m for m in messages if m not in erreurs.get(cle, []))
    return erreurs
