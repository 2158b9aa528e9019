"""Dated legal parameters of the derivations, read from ``data/parametres/``.

Files (each value carries its source and a reliability tag V/S/K, see ``data/parametres/SOURCES.md``):

- ``plafonds_ressources.csv``: PLAI and PLUS ceilings by zone, category and year (1 January);
- ``majoration_pls.yaml``: PLS = PLUS × coefficient, rounded to the nearest euro;
- ``categories_menage.yaml``: "jeune ménage" age threshold, disability uplift, number of categories;
- ``unites_consommation.yaml``: modified OECD scale;
- ``delai_anormalement_long.csv``: délai anormalement long by département and typology, with validity dates;
- ``delai_anormalement_long_departements.csv``: every département, whether its délai is published (as of a
  date, with the source or the searches made), so that a missing délai is said « non publié à ce jour ».

``charger_parametres()`` reads them once (cached) and returns a frozen :class:`Parametres`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides, PlafondNonRenseigne
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT as DOSSIER_PAR_DEFAUT
from attrib.engine.parametres.arbre import charger_arbre

ZONES: tuple[str, ...] = ("paris_communes_limitrophes", "ile_de_france", "autres_regions")
FINANCEMENTS: tuple[str, ...] = ("PLAI", "PLUS", "PLS")
FINANCEMENTS_TABULES: tuple[str, ...] = ("PLAI", "PLUS")
FINANCEMENT_BASE_PLS = "PLUS"
PERSONNE_SUPPLEMENTAIRE = "personne_supplementaire"
FIABILITES: tuple[str, ...] = ("V", "S", "K")

FICHIER_PLAFONDS = "plafonds_ressources.csv"
FICHIER_PLS = "majoration_pls.yaml"
FICHIER_CATEGORIES = "categories_menage.yaml"
FICHIER_UC = "unites_consommation.yaml"
FICHIER_DAL = "delai_anormalement_long.csv"
FICHIER_DAL_DEPARTEMENTS = "delai_anormalement_long_departements.csv"
#: The 101 départements (COG): a délai anormalement long is set by the préfet of each one (L441-1-4 CCH).
DEPARTEMENTS: tuple[str, ...] = (
    *(f"{n:02d}" for n in range(1, 20)),
    "2A",
    "2B",
    *(f"{n:02d}" for n in range(21, 96)),
    "971",
    "972",
    "973",
    "974",
    "976",
)
ETATS_DAL: tuple[str, ...] = ("publie", "non_publie")


@dataclass(frozen=True, slots=True)
class CellulePlafond:
    valeur: int
    source: str
    fiabilite: str


@dataclass(frozen=True, slots=True)
class ValeurDatee:
    """One value of a dated parameter: in force from ``date_effet`` until the next one."""

    date_effet: date
    valeur: int | Fraction
    source: str
    fiabilite: str


@dataclass(frozen=True, slots=True)
class EchelleUC:
    """Modified OECD scale, weights in hundredths of a consumption unit (exact integers)."""

    date_effet: date
    premier_adulte_centiemes: int
    autre_personne_centiemes: int
    enfant_centiemes: int
    age_seuil_enfant: int
    source: str
    fiabilite: str


@dataclass(frozen=True, slots=True)
class RegleDAL:
    """Délai anormalement long of one département for typologies ``typologie_min..typologie_max``."""

    departement: str
    typologie_min: int
    typologie_max: int | None
    mois: int
    date_debut: date
    date_fin: date | None
    source: str
    fiabilite: str
    ligne: int

    def couvre(self, departement: str, typologie: int, jour: date) -> bool:
        return (
            self.departement == departement
            and self.typologie_min <= typologie
            and (self.typologie_max is None or typologie <= self.typologie_max)
            and self.date_debut <= jour
            and (self.date_fin is None or jour <= self.date_fin)
        )


@dataclass(frozen=True, slots=True)
class EtatDAL:
    """Whether the délai anormalement long of a département is published, as of ``etat_au``."""

    departement: str
    nom: str
    publie: bool
    etat_au: date
    source: str
    fiabilite: str

    @property
    def libelle(self) -> str:
        return f"{self.departement} ({self.nom})"


@dataclass(frozen=True)
class Parametres:
    """All dated parameters of the derivations. Build it with :func:`charger_parametres`."""

    dossier: Path
    plafonds: Mapping[tuple[str, str, int, str], CellulePlafond]
    coefficient_pls: tuple[ValeurDatee, ...]
    jeune_menage_somme_ages_max: tuple[ValeurDatee, ...]
    majoration_handicap_categories: tuple[ValeurDatee, ...]
    categorie_max: tuple[ValeurDatee, ...]
    echelles_uc: tuple[EchelleUC, ...]
    regles_dal: tuple[RegleDAL, ...]
    etats_dal: Mapping[str, EtatDAL] = field(default_factory=lambda: MappingProxyType({}))

    # --- dated scalars -------------------------------------------------------------------------
    def seuil_jeune_menage(self, jour: date) -> int:
        return _entier(_en_vigueur(self.jeune_menage_somme_ages_max, jour, "jeune_menage_somme_ages_max"))

    def majoration_handicap(self, jour: date) -> int:
        return _entier(_en_vigueur(self.majoration_handicap_categories, jour, "majoration_handicap_categories"))

    def nombre_categories(self, jour: date) -> int:
        return _entier(_en_vigueur(self.categorie_max, jour, "categorie_max"))

    def coefficient_pls_au(self, jour: date) -> Fraction:
        valeur = _en_vigueur(self.coefficient_pls, jour, "coefficient_pls").valeur
        return Fraction(valeur)

    def echelle_uc(self, jour: date) -> EchelleUC:
        valables = [e for e in self.echelles_uc if e.date_effet <= jour]
        if not valables:
            raise ParametreNonRenseigne(f"Échelle des unités de consommation non renseignée au {jour:%d/%m/%Y}.")
        return max(valables, key=lambda e: e.date_effet)

    # --- ceilings ------------------------------------------------------------------------------
    def plafond_cellule(self, financement: str, zone: str, annee: int, categorie: str) -> int:
        """Ceiling of one cell of the yearly table (categorie "1".."6" or "personne_supplementaire").

        Only the row dated 1 January of ``annee`` counts: a missing year is never filled from another one.
        PLS cells are the PLUS cells times the PLS coefficient, rounded to the nearest euro (half up).
        """
        if financement not in FINANCEMENTS:
            raise ValueError(f"Financement inconnu : {financement} (attendu : {', '.join(FINANCEMENTS)}).")
        if zone not in ZONES:
            raise ValueError(f"Zone inconnue : {zone} (attendu : {', '.join(ZONES)}).")
        source = FINANCEMENT_BASE_PLS if financement == "PLS" else financement
        cellule = self.plafonds.get((source, zone, annee, categorie))
        if cellule is None:
            table_presente = any((source, zone, annee, c) in self.plafonds for c in _CATEGORIES_PLAFOND)
            raise PlafondNonRenseigne(
                financement=financement, annee=annee, zone=zone, categorie=categorie if table_presente else None
            )
        if financement != "PLS":
            return cellule.valeur
        coefficient = self.coefficient_pls_au(date(annee, 1, 1))
        return arrondi_euro(cellule.valeur * coefficient)

    # --- délai anormalement long ---------------------------------------------------------------
    def regles_dal_au(self, jour: date) -> tuple[RegleDAL, ...]:
        return tuple(r for r in self.regles_dal if r.date_debut <= jour and (r.date_fin is None or jour <= r.date_fin))

    def delai_anormalement_long(self, departement: str, typologie: int, jour: date) -> RegleDAL | None:
        """The rule in force on ``jour`` for a normalised département code, or None when not sourced."""
        for regle in self.regles_dal:
            if regle.couvre(departement, typologie, jour):
                return regle
        return None

    def etat_dal(self, departement: str) -> EtatDAL | None:
        """Publication state of a département's délai (None for a code that is not a département)."""
        return self.etats_dal.get(normaliser_departement(departement))

    def dal_manquant(self, departement: str, jour: date) -> str | None:
        """« délai anormalement long non publié à ce jour pour le département 11 (Aude) » when no délai of
        the département is in force on ``jour`` (any typology), else None."""
        code = normaliser_departement(departement)
        if any(r.departement == code for r in self.regles_dal_au(jour)):
            return None
        etat = self.etats_dal.get(code)
        nom = etat.libelle if etat is not None else code
        return f"délai anormalement long non publié à ce jour pour le département {nom}"


def arrondi_euro(montant: Fraction) -> int:
    """Nearest euro, half up (39 885 × 1,3 = 51 850,5 → 51 851, as in the published PLS tables)."""
    return int((2 * montant.numerator + montant.denominator) // (2 * montant.denominator))


def charger_parametres(dossier: Path | str | None = None) -> Parametres:
    """Load (once per folder) the parameter files; default folder = ``<repo>/data/parametres``."""
    chemin = Path(dossier).resolve() if dossier is not None else DOSSIER_PAR_DEFAUT
    return _charger(chemin)


@lru_cache(maxsize=8)
def _charger(dossier: Path) -> Parametres:
    return Parametres(
        dossier=dossier,
        plafonds=MappingProxyType(_lire_plafonds(dossier / FICHIER_PLAFONDS)),
        coefficient_pls=_lire_valeurs_datees(dossier / FICHIER_PLS, "coefficient_pls", decimal=True),
        jeune_menage_somme_ages_max=_lire_valeurs_datees(dossier / FICHIER_CATEGORIES, "jeune_menage_somme_ages_max"),
        majoration_handicap_categories=_lire_valeurs_datees(
            dossier / FICHIER_CATEGORIES, "majoration_handicap_categories"
        ),
        categorie_max=_lire_valeurs_datees(dossier / FICHIER_CATEGORIES, "categorie_max"),
        echelles_uc=_lire_echelles_uc(dossier / FICHIER_UC),
        regles_dal=(regles := _lire_dal(dossier / FICHIER_DAL)),
        etats_dal=MappingProxyType(_lire_etats_dal(dossier / FICHIER_DAL_DEPARTEMENTS, regles)),
    )


_CATEGORIES_PLAFOND: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", PERSONNE_SUPPLEMENTAIRE)


def _en_vigueur(valeurs: Sequence[ValeurDatee], jour: date, nom: str) -> ValeurDatee:
    valables = [v for v in valeurs if v.date_effet <= jour]
    if not valables:
        raise ParametreNonRenseigne(f"Paramètre « {nom} » non renseigné au {jour:%d/%m/%Y}.")
    return max(valables, key=lambda v: v.date_effet)


def _entier(valeur: ValeurDatee) -> int:
    if not isinstance(valeur.valeur, int):
        raise ParametresInvalides(f"Valeur entière attendue (date d'effet {valeur.date_effet}).")
    return valeur.valeur


# --- readers -------------------------------------------------------------------------------------


def _lire_csv(chemin: Path, colonnes: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a table of the parameter tree (header, dates, sources and reliability checked there)."""
    lignes: list[dict[str, str]] = charger_arbre(chemin.parent).brut(chemin.name)
    return [(numero, ligne) for numero, ligne in enumerate(lignes, start=2)]


def _date(texte: str, ou: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise ParametresInvalides(f"{ou} : date « {texte} » invalide (format AAAA-MM-JJ attendu).") from None


def _entier_texte(texte: str, ou: str, minimum: int) -> int:
    try:
        valeur = int(texte)
    except ValueError:
        raise ParametresInvalides(f"{ou} : nombre entier attendu, reçu « {texte} ».") from None
    if valeur < minimum:
        raise ParametresInvalides(f"{ou} : valeur {valeur} inférieure au minimum {minimum}.")
    return valeur


def _source_fiabilite(ligne: Mapping[str, str], ou: str) -> tuple[str, str]:
    if not ligne["source"]:
        raise ParametresInvalides(f"{ou} : colonne « source » vide ; toute valeur légale doit citer sa source.")
    if ligne["fiabilite"] not in FIABILITES:
        raise ParametresInvalides(
            f"{ou} : fiabilité « {ligne['fiabilite']} » inconnue (attendu : {', '.join(FIABILITES)})."
        )
    return ligne["source"], ligne["fiabilite"]


def _lire_plafonds(chemin: Path) -> dict[tuple[str, str, int, str], CellulePlafond]:
    colonnes = ("financement", "zone", "categorie", "date_effet", "plafond_annuel_eur", "source", "fiabilite")
    plafonds: dict[tuple[str, str, int, str], CellulePlafond] = {}
    for numero, ligne in _lire_csv(chemin, colonnes):
        ou = f"{chemin.name}, ligne {numero}"
        financement = ligne["financement"]
        if financement not in FINANCEMENTS_TABULES:
            detail = " (le PLS est calculé : PLUS × coefficient de majoration_pls.yaml)" if financement == "PLS" else ""
            raise ParametresInvalides(
                f"{ou} : financement « {financement} » non accepté{detail} ; attendu : {', '.join(FINANCEMENTS_TABULES)}."
            )
        if ligne["zone"] not in ZONES:
            raise ParametresInvalides(f"{ou} : zone « {ligne['zone']} » inconnue (attendu : {', '.join(ZONES)}).")
        if ligne["categorie"] not in _CATEGORIES_PLAFOND:
            raise ParametresInvalides(
                f"{ou} : catégorie « {ligne['categorie']} » inconnue (attendu : {', '.join(_CATEGORIES_PLAFOND)})."
            )
        effet = _date(ligne["date_effet"], ou)
        if (effet.month, effet.day) != (1, 1):
            raise ParametresInvalides(f"{ou} : date_effet {effet} ; un plafond annuel prend effet le 1er janvier.")
        valeur = _entier_texte(ligne["plafond_annuel_eur"], ou, minimum=1)
        source, fiabilite = _source_fiabilite(ligne, ou)
        cle = (financement, ligne["zone"], effet.year, ligne["categorie"])
        if cle in plafonds:
            raise ParametresInvalides(f"{ou} : plafond en double ({financement}, {ligne['zone']}, {effet.year}).")
        plafonds[cle] = CellulePlafond(valeur=valeur, source=source, fiabilite=fiabilite)
    return plafonds


def _lire_yaml(chemin: Path) -> dict[str, Any]:
    """A file of the parameter tree (read, checked and cached once by :mod:`attrib.engine.parametres.arbre`)."""
    contenu: dict[str, Any] = charger_arbre(chemin.parent).brut(chemin.name)
    return contenu


def _entrees(chemin: Path, nom: str) -> list[dict[str, Any]]:
    entrees = _lire_yaml(chemin).get(nom)
    if not isinstance(entrees, list) or not entrees:
        raise ParametresInvalides(f"{chemin.name} : « {nom} » doit être une liste non vide de valeurs datées.")
    for i, entree in enumerate(entrees, start=1):
        ou = f"{chemin.name}, {nom}[{i}]"
        if not isinstance(entree, dict):
            raise ParametresInvalides(f"{ou} : dictionnaire attendu.")
        if not isinstance(entree.get("date_effet"), date):
            raise ParametresInvalides(f"{ou} : « date_effet » manquante ou invalide (AAAA-MM-JJ).")
        _source_fiabilite({"source": str(entree.get("source") or ""), "fiabilite": str(entree.get("fiabilite"))}, ou)
    dates = [e["date_effet"] for e in entrees]
    if len(set(dates)) != len(dates):
        raise ParametresInvalides(f"{chemin.name} : « {nom} » a deux valeurs à la même date d'effet.")
    return entrees


def _lire_valeurs_datees(chemin: Path, nom: str, *, decimal: bool = False) -> tuple[ValeurDatee, ...]:
    valeurs: list[ValeurDatee] = []
    for i, entree in enumerate(_entrees(chemin, nom), start=1):
        ou = f"{chemin.name}, {nom}[{i}]"
        brute = entree.get("valeur")
        valeur: int | Fraction
        if decimal:
            valeur = Fraction(_decimal(brute, ou))
        elif isinstance(brute, int) and not isinstance(brute, bool) and brute >= 0:
            valeur = brute
        else:
            raise ParametresInvalides(f"{ou} : « valeur » doit être un entier positif, reçu {brute!r}.")
        valeurs.append(
            ValeurDatee(
                date_effet=entree["date_effet"],
                valeur=valeur,
                source=str(entree["source"]),
                fiabilite=entree["fiabilite"],
            )
        )
    return tuple(valeurs)


def _decimal(brute: object, ou: str) -> Decimal:
    if not isinstance(brute, str):
        raise ParametresInvalides(f'{ou} : nombre décimal attendu entre guillemets (ex. "1.30"), reçu {brute!r}.')
    try:
        valeur = Decimal(brute)
    except InvalidOperation:
        raise ParametresInvalides(f"{ou} : nombre décimal invalide « {brute} ».") from None
    if not valeur.is_finite() or valeur < 0:
        raise ParametresInvalides(f"{ou} : nombre décimal positif attendu, reçu « {brute} ».")
    return valeur


def _centiemes(brute: object, ou: str) -> int:
    valeur = _decimal(brute, ou) * 100
    if valeur != valeur.to_integral_value():
        raise ParametresInvalides(f"{ou} : poids au centième près attendu, reçu « {brute} ».")
    return int(valeur)


def _lire_echelles_uc(chemin: Path) -> tuple[EchelleUC, ...]:
    echelles: list[EchelleUC] = []
    for i, entree in enumerate(_entrees(chemin, "echelle"), start=1):
        ou = f"{chemin.name}, echelle[{i}]"
        age = entree.get("age_seuil_enfant")
        if not isinstance(age, int) or isinstance(age, bool) or age <= 0:
            raise ParametresInvalides(f"{ou} : « age_seuil_enfant » doit être un entier positif.")
        echelles.append(
            EchelleUC(
                date_effet=entree["date_effet"],
                premier_adulte_centiemes=_centiemes(entree.get("premier_adulte"), f"{ou}, premier_adulte"),
                autre_personne_centiemes=_centiemes(
                    entree.get("autre_personne_14_ans_et_plus"), f"{ou}, autre_personne_14_ans_et_plus"
                ),
                enfant_centiemes=_centiemes(entree.get("enfant_moins_14_ans"), f"{ou}, enfant_moins_14_ans"),
                age_seuil_enfant=age,
                source=str(entree["source"]),
                fiabilite=entree["fiabilite"],
            )
        )
    return tuple(echelles)


def normaliser_departement(code: str) -> str:
    """INSEE département code: "011" → "11", "1" → "01", "2a" → "2A"; other codes unchanged."""
    texte = code.strip().upper()
    if len(texte) == 3 and texte.startswith("0"):
        return texte[1:]
    if len(texte) == 1:
        return "0" + texte
    return texte


MOTIF_DEPARTEMENT = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-8])$"


def _lire_dal(chemin: Path) -> tuple[RegleDAL, ...]:
    colonnes = (
        "departement",
        "typologie_min",
        "typologie_max",
        "mois",
        "date_debut",
        "date_fin",
        "source",
        "fiabilite",
    )
    regles: list[RegleDAL] = []
    for numero, ligne in _lire_csv(chemin, colonnes):
        ou = f"{chemin.name}, ligne {numero}"
        departement = normaliser_departement(ligne["departement"])
        if not re.fullmatch(MOTIF_DEPARTEMENT, departement):
            raise ParametresInvalides(f"{ou} : code département « {ligne['departement']} » invalide.")
        typ_min = _entier_texte(ligne["typologie_min"], f"{ou}, typologie_min", minimum=1)
        typ_max = (
            _entier_texte(ligne["typologie_max"], f"{ou}, typologie_max", minimum=typ_min)
            if ligne["typologie_max"]
            else None
        )
        debut = _date(ligne["date_debut"], f"{ou}, date_debut")
        fin = _date(ligne["date_fin"], f"{ou}, date_fin") if ligne["date_fin"] else None
        if fin is not None and fin < debut:
            raise ParametresInvalides(f"{ou} : date_fin {fin} antérieure à date_debut {debut}.")
        source, fiabilite = _source_fiabilite(ligne, ou)
        regle = RegleDAL(
            departement=departement,
            typologie_min=typ_min,
            typologie_max=typ_max,
            mois=_entier_texte(ligne["mois"], f"{ou}, mois", minimum=1),
            date_debut=debut,
            date_fin=fin,
            source=source,
            fiabilite=fiabilite,
            ligne=numero,
        )
        for autre in regles:
            if _chevauchent(autre, regle):
                raise ParametresInvalides(
                    f"{ou} : chevauche la ligne {autre.ligne} (même département, typologies et périodes communes)."
                )
        regles.append(regle)
    return tuple(regles)


def _chevauchent(a: RegleDAL, b: RegleDAL) -> bool:
    if a.departement != b.departement:
        return False
    typologies = (a.typologie_max is None or b.typologie_min <= a.typologie_max) and (
        b.typologie_max is None or a.typologie_min <= b.typologie_max
    )
    periodes = (a.date_fin is None or b.date_debut <= a.date_fin) and (b.date_fin is None or a.date_debut <= b.date_fin)
    return typologies and periodes


def _lire_etats_dal(chemin: Path, regles: Sequence[RegleDAL]) -> dict[str, EtatDAL]:
    """Every département exactly once; « publie » iff a délai of the file above is in force on ``etat_au``."""
    colonnes = ("departement", "nom", "etat", "etat_au", "source", "fiabilite")
    etats: dict[str, EtatDAL] = {}
    for numero, ligne in _lire_csv(chemin, colonnes):
        ou = f"{chemin.name}, ligne {numero}"
        code = normaliser_departement(ligne["departement"])
        if code not in DEPARTEMENTS:
            raise ParametresInvalides(f"{ou} : « {ligne['departement']} » n'est pas un code de département.")
        if code in etats:
            raise ParametresInvalides(f"{ou} : département {code} en double.")
        if ligne["etat"] not in ETATS_DAL:
            raise ParametresInvalides(f"{ou} : état « {ligne['etat']} » inconnu (attendu : {', '.join(ETATS_DAL)}).")
        if not ligne["nom"]:
            raise ParametresInvalides(f"{ou} : nom du département vide.")
        etat_au = _date(ligne["etat_au"], f"{ou}, etat_au")
        source, fiabilite = _source_fiabilite(ligne, ou)
        publie = ligne["etat"] == "publie"
        en_vigueur = any(
            r.departement == code and r.date_debut <= etat_au and (r.date_fin is None or etat_au <= r.date_fin)
            for r in regles
        )
        if publie != en_vigueur:
            raise ParametresInvalides(
                f"{ou} : département {code} déclaré « {ligne['etat']} » au {etat_au:%d/%m/%Y} alors que "
                f"{FICHIER_DAL} {'a' if en_vigueur else 'n’a'} pas de délai en vigueur à cette date."
            )
        etats[code] = EtatDAL(code, ligne["nom"], publie, etat_au, source, fiabilite)
    manquants = [d for d in DEPARTEMENTS if d not in etats]
    if manquants:
        raise ParametresInvalides(f"{chemin.name} : départements absents : {', '.join(manquants)}.")
    return etats
