"""Per-household reference path of the derivations, written for clarity (one :class:`Menage` at a time).

The vectorised path (:mod:`attrib.engine.derivations`) must give the same results; tests check it on
random households. Formulas (DOMAIN.md §1.2, §1.7, §1.8):

- household category (arrêté du 29 juillet 1987, art. 2): index = number of persons, except one person
  alone → 1; a single non-dependent person with dependants → persons + 1; a "jeune ménage" (couple,
  2 persons, no dependant, ages adding up to ≤ 55) → 3; then + 1 when someone holds the CMI
  "invalidité". Category = min(index, 6), additional persons = max(index − 6, 0);
- ceiling = table[category] + additional persons × table[additional person], from the row dated
  1 January of the requested year (PLS = PLUS × 1.3, rounded to the euro);
- consumption units: 1 + 0.5 per other person aged 14 or more + 0.3 per child under 14;
- ancienneté: whole months since the first filing; délai anormalement long: by département and typology.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import polars as pl

from attrib.engine.erreurs import EntreeInvalide, PlafondNonRenseigne
from attrib.engine.parametres import (
    FINANCEMENTS,
    MOTIF_DEPARTEMENT,
    PERSONNE_SUPPLEMENTAIRE,
    ZONES,
    Parametres,
    charger_parametres,
    normaliser_departement,
)

# Input contract shared with the demo generator and the Django apps (one row per household).
COLONNES_ENTREE: tuple[str, ...] = (
    "nb_personnes",
    "nb_personnes_a_charge",
    "couple",
    "age_demandeur",
    "age_codemandeur",
    "nb_handicap",
    "nb_moins_14_ans",
    "revenus_mensuels",
    "revenu_fiscal_reference",
    "zone_plafond",
    "departement",
    "date_depot_initiale",
    "typologie_min",
)
TYPES_ENTREE: Mapping[str, pl.DataType] = {
    "nb_personnes": pl.Int64(),
    "nb_personnes_a_charge": pl.Int64(),
    "couple": pl.Boolean(),
    "age_demandeur": pl.Int64(),
    "age_codemandeur": pl.Int64(),
    "nb_handicap": pl.Int64(),
    "nb_moins_14_ans": pl.Int64(),
    "revenus_mensuels": pl.Float64(),
    "revenu_fiscal_reference": pl.Int64(),
    "zone_plafond": pl.String(),
    "departement": pl.String(),
    "date_depot_initiale": pl.Date(),
    "typologie_min": pl.Int64(),
}
COLONNES_NULLABLES: frozenset[str] = frozenset({"age_codemandeur"})
# Typologies of the demand form (T1 … T6 and more): a schema bound, not a legal value.
TYPOLOGIE_MIN, TYPOLOGIE_MAX = 1, 6
AGE_MAX = 130


@dataclass(frozen=True, slots=True)
class Menage:
    """One household as the engine sees it (fields of :data:`COLONNES_ENTREE`). Validated on creation."""

    nb_personnes: int
    nb_personnes_a_charge: int
    couple: bool
    age_demandeur: int
    age_codemandeur: int | None
    nb_handicap: int
    nb_moins_14_ans: int
    revenus_mensuels: float
    revenu_fiscal_reference: int
    zone_plafond: str
    departement: str
    date_depot_initiale: date
    typologie_min: int

    def __post_init__(self) -> None:
        for regle in REGLES_ENTREE:
            if not regle.verifier(self):
                raise EntreeInvalide(regle.message(self))

    @classmethod
    def depuis_ligne(cls, ligne: Mapping[str, Any]) -> Menage:
        """From a mapping holding at least the contract's keys (e.g. ``DataFrame.iter_rows(named=True)``)."""
        manquantes = [c for c in COLONNES_ENTREE if c not in ligne]
        if manquantes:
            raise EntreeInvalide(f"Colonnes manquantes : {', '.join(manquantes)}.")
        return cls(**{c: ligne[c] for c in COLONNES_ENTREE})


@dataclass(frozen=True, slots=True)
class RegleEntree:
    """One rule of the input contract, as a Python check (per item) and its vectorised form.

    The vectorised form is either a polars ``expression`` (True where the row satisfies the rule) or,
    for a rule on one column with few distinct values, ``valeur_valide`` applied to each distinct value.
    """

    champ: str
    verifier: Callable[[Menage], bool]
    message: Callable[[Menage], str]
    expression: Callable[[], pl.Expr] | None = None
    valeur_valide: Callable[[Any], bool] | None = None


def _non_nul(champ: str) -> RegleEntree:
    return RegleEntree(
        champ=champ,
        verifier=lambda m: getattr(m, champ) is not None,
        message=lambda m: f"{champ} : valeur manquante.",
        expression=lambda: pl.col(champ).is_not_null(),
    )


def departement_valide(code: str) -> bool:
    return re.fullmatch(MOTIF_DEPARTEMENT, normaliser_departement(code)) is not None


_n, _ac = pl.col("nb_personnes"), pl.col("nb_personnes_a_charge")

REGLES_ENTREE: tuple[RegleEntree, ...] = (
    *(_non_nul(c) for c in COLONNES_ENTREE if c not in COLONNES_NULLABLES),
    RegleEntree(
        "nb_personnes",
        lambda m: m.nb_personnes >= 1,
        lambda m: f"nb_personnes : au moins 1 personne (le demandeur) ; reçu {m.nb_personnes}.",
        lambda: _n >= 1,
    ),
    RegleEntree(
        "nb_personnes_a_charge",
        lambda m: 0 <= m.nb_personnes_a_charge <= m.nb_personnes - 1,
        lambda m: (
            "nb_personnes_a_charge : entre 0 et nb_personnes − 1 (le demandeur n'est pas à sa propre charge) ; "
            f"reçu {m.nb_personnes_a_charge} pour {m.nb_personnes} personne(s)."
        ),
        lambda: (_ac >= 0) & (_ac <= _n - 1),
    ),
    RegleEntree(
        "couple",
        lambda m: not m.couple or m.nb_personnes - m.nb_personnes_a_charge >= 2,
        lambda m: (
            "couple : un couple compte deux personnes qui ne sont pas à charge ; "
            f"reçu {m.nb_personnes} personne(s) dont {m.nb_personnes_a_charge} à charge."
        ),
        lambda: ~pl.col("couple") | (_n - _ac >= 2),
    ),
    RegleEntree(
        "age_codemandeur",
        lambda m: not m.couple or m.age_codemandeur is not None,
        lambda m: "age_codemandeur : requis pour un couple (jeune ménage).",
        lambda: ~pl.col("couple") | pl.col("age_codemandeur").is_not_null(),
    ),
    RegleEntree(
        "age_demandeur",
        lambda m: 0 <= m.age_demandeur <= AGE_MAX,
        lambda m: f"age_demandeur : entre 0 et {AGE_MAX} ans ; reçu {m.age_demandeur}.",
        lambda: pl.col("age_demandeur").is_between(0, AGE_MAX),
    ),
    RegleEntree(
        "age_codemandeur",
        lambda m: m.age_codemandeur is None or 0 <= m.age_codemandeur <= AGE_MAX,
        lambda m: f"age_codemandeur : entre 0 et {AGE_MAX} ans ; reçu {m.age_codemandeur}.",
        lambda: pl.col("age_codemandeur").is_null() | pl.col("age_codemandeur").is_between(0, AGE_MAX),
    ),
    RegleEntree(
        "nb_handicap",
        lambda m: 0 <= m.nb_handicap <= m.nb_personnes,
        lambda m: f"nb_handicap : entre 0 et nb_personnes ; reçu {m.nb_handicap} pour {m.nb_personnes} personne(s).",
        lambda: (pl.col("nb_handicap") >= 0) & (pl.col("nb_handicap") <= _n),
    ),
    RegleEntree(
        "nb_moins_14_ans",
        lambda m: 0 <= m.nb_moins_14_ans <= m.nb_personnes - 1,
        lambda m: (
            "nb_moins_14_ans : entre 0 et nb_personnes − 1 (le demandeur compte comme premier adulte) ; "
            f"reçu {m.nb_moins_14_ans} pour {m.nb_personnes} personne(s)."
        ),
        lambda: (pl.col("nb_moins_14_ans") >= 0) & (pl.col("nb_moins_14_ans") <= _n - 1),
    ),
    RegleEntree(
        "revenus_mensuels",
        lambda m: math.isfinite(m.revenus_mensuels) and m.revenus_mensuels >= 0,
        lambda m: f"revenus_mensuels : montant positif ou nul attendu ; reçu {m.revenus_mensuels}.",
        lambda: pl.col("revenus_mensuels").is_finite() & (pl.col("revenus_mensuels") >= 0),
    ),
    RegleEntree(
        "revenu_fiscal_reference",
        lambda m: m.revenu_fiscal_reference >= 0,
        lambda m: f"revenu_fiscal_reference : montant positif ou nul attendu ; reçu {m.revenu_fiscal_reference}.",
        lambda: pl.col("revenu_fiscal_reference") >= 0,
    ),
    RegleEntree(
        "zone_plafond",
        lambda m: m.zone_plafond in ZONES,
        lambda m: f"zone_plafond : « {m.zone_plafond} » inconnue (attendu : {', '.join(ZONES)}).",
        valeur_valide=lambda v: v in ZONES,
    ),
    RegleEntree(
        "departement",
        lambda m: departement_valide(m.departement),
        lambda m: f"departement : code « {m.departement} » invalide (ex. « 11 », « 011 », « 2A », « 974 »).",
        valeur_valide=departement_valide,
    ),
    RegleEntree(
        "typologie_min",
        lambda m: TYPOLOGIE_MIN <= m.typologie_min <= TYPOLOGIE_MAX,
        lambda m: f"typologie_min : entre {TYPOLOGIE_MIN} et {TYPOLOGIE_MAX} ; reçu {m.typologie_min}.",
        lambda: pl.col("typologie_min").is_between(TYPOLOGIE_MIN, TYPOLOGIE_MAX),
    ),
)


def verifier_financements(financements: Sequence[str]) -> None:
    inconnus = [f for f in financements if f not in FINANCEMENTS]
    if inconnus or not financements or len(set(financements)) != len(financements):
        raise ValueError(
            f"Financements demandés : {', '.join(financements) or '(aucun)'} ; "
            f"attendu une liste sans doublon parmi {', '.join(FINANCEMENTS)}."
        )


# --- derivations, one household ------------------------------------------------------------------

RegleCategorie = Literal["personne_seule", "isole_avec_charge", "jeune_menage", "nombre_de_personnes"]


@dataclass(frozen=True, slots=True)
class CategorieMenage:
    categorie: int
    personnes_supplementaires: int
    regle: RegleCategorie
    majoration_handicap: int


def categorie_menage(menage: Menage, *, annee_plafonds: int, parametres: Parametres | None = None) -> CategorieMenage:
    """Household category of the arrêté du 29 juillet 1987 (art. 2), with the rules in force on 1 January."""
    p = parametres or charger_parametres()
    jour = date(annee_plafonds, 1, 1)
    n, a_charge = menage.nb_personnes, menage.nb_personnes_a_charge
    regle: RegleCategorie
    if n == 1:
        index, regle = 1, "personne_seule"
    elif n - a_charge == 1 and a_charge >= 1:
        index, regle = n + 1, "isole_avec_charge"
    elif n == 2 and menage.couple and a_charge == 0 and _ages_cumules(menage) <= p.seuil_jeune_menage(jour):
        index, regle = 3, "jeune_menage"
    else:
        index, regle = n, "nombre_de_personnes"
    majoration = p.majoration_handicap(jour) if menage.nb_handicap >= 1 else 0
    index += majoration
    maximum = p.nombre_categories(jour)
    return CategorieMenage(
        categorie=min(index, maximum),
        personnes_supplementaires=max(index - maximum, 0),
        regle=regle,
        majoration_handicap=majoration,
    )


def _ages_cumules(menage: Menage) -> int:
    return menage.age_demandeur + (menage.age_codemandeur or 0)


def unites_consommation(menage: Menage, *, date_reference: date, parametres: Parametres | None = None) -> float:
    """Consumption units, modified OECD scale (the demandeur is the first adult)."""
    echelle = (parametres or charger_parametres()).echelle_uc(date_reference)
    autres_14_ans_et_plus = menage.nb_personnes - 1 - menage.nb_moins_14_ans
    centiemes = (
        echelle.premier_adulte_centiemes
        + echelle.autre_personne_centiemes * autres_14_ans_et_plus
        + echelle.enfant_centiemes * menage.nb_moins_14_ans
    )
    return centiemes / 100


def revenu_annuel_par_uc(revenus_mensuels: float, unites: float) -> float:
    """SNE monthly income × 12 / consumption units (basis of the first-quartile test)."""
    return revenus_mensuels * 12 / unites


def plafond(
    financement: str,
    *,
    zone: str,
    categorie: int,
    personnes_supplementaires: int,
    annee: int,
    parametres: Parametres | None = None,
) -> int:
    """Annual resource ceiling (€) of a household; raises :class:`PlafondNonRenseigne` if not sourced."""
    p = parametres or charger_parametres()
    montant = p.plafond_cellule(financement, zone, annee, str(categorie))
    if personnes_supplementaires > 0:
        montant += personnes_supplementaires * p.plafond_cellule(financement, zone, annee, PERSONNE_SUPPLEMENTAIRE)
    return montant


def verifier_date_depot(date_depot_initiale: date, date_reference: date) -> None:
    if date_depot_initiale > date_reference:
        raise EntreeInvalide(
            f"date_depot_initiale : {date_depot_initiale:%d/%m/%Y} postérieure à la date de référence "
            f"{date_reference:%d/%m/%Y}."
        )


def anciennete_mois(date_depot_initiale: date, date_reference: date) -> int:
    """Whole months from the first filing to ``date_reference``.

    The largest n such that filing date + n months (day clamped to the month's end, as for the renewal
    deadline) is not after the reference date: 31/01 → 28/02 counts one month.
    """
    verifier_date_depot(date_depot_initiale, date_reference)
    mois = (date_reference.year - date_depot_initiale.year) * 12 + date_reference.month - date_depot_initiale.month
    jour_anniversaire = min(date_depot_initiale.day, jours_du_mois(date_reference))
    return mois - 1 if jour_anniversaire > date_reference.day else mois


def jours_du_mois(jour: date) -> int:
    suivant = date(jour.year + 1, 1, 1) if jour.month == 12 else date(jour.year, jour.month + 1, 1)
    return (suivant - date(jour.year, jour.month, 1)).days


def delai_anormalement_long_mois(
    departement: str, typologie_min: int, *, date_reference: date, parametres: Parametres | None = None
) -> int | None:
    """Délai anormalement long (months) in force on ``date_reference``, or None when not sourced."""
    regle = (parametres or charger_parametres()).delai_anormalement_long(
        normaliser_departement(departement), typologie_min, date_reference
    )
    return None if regle is None else regle.mois


@dataclass(frozen=True, slots=True)
class DerivationsMenage:
    categorie_menage: int
    personnes_supplementaires: int
    unites_consommation: float
    revenu_annuel_par_uc: float
    plafonds: Mapping[str, int]
    eligible: Mapping[str, bool]
    anciennete_mois: int
    delai_anormalement_long_mois: int | None
    dal_depasse: bool | None

    def en_colonnes(self) -> dict[str, object]:
        """The same values under the column names of :func:`attrib.engine.derivations.deriver`."""
        colonnes: dict[str, object] = {
            "categorie_menage": self.categorie_menage,
            "personnes_supplementaires": self.personnes_supplementaires,
            "unites_consommation": self.unites_consommation,
            "revenu_annuel_par_uc": self.revenu_annuel_par_uc,
        }
        for financement, montant in self.plafonds.items():
            colonnes[f"plafond_{financement.lower()}"] = montant
            colonnes[f"eligible_{financement.lower()}"] = self.eligible[financement]
        colonnes["anciennete_mois"] = self.anciennete_mois
        colonnes["delai_anormalement_long_mois"] = self.delai_anormalement_long_mois
        colonnes["dal_depasse"] = self.dal_depasse
        return colonnes


def derivations_menage(
    menage: Menage,
    *,
    date_reference: date,
    annee_plafonds: int,
    parametres: Parametres | None = None,
    financements: Sequence[str] = FINANCEMENTS,
) -> DerivationsMenage:
    """All derivations of one household (reference path)."""
    p = parametres or charger_parametres()
    verifier_financements(financements)
    anciennete = anciennete_mois(menage.date_depot_initiale, date_reference)
    categorie = categorie_menage(menage, annee_plafonds=annee_plafonds, parametres=p)
    unites = unites_consommation(menage, date_reference=date_reference, parametres=p)
    plafonds = {
        f: plafond(
            f,
            zone=menage.zone_plafond,
            categorie=categorie.categorie,
            personnes_supplementaires=categorie.personnes_supplementaires,
            annee=annee_plafonds,
            parametres=p,
        )
        for f in financements
    }
    delai = delai_anormalement_long_mois(
        menage.departement, menage.typologie_min, date_reference=date_reference, parametres=p
    )
    return DerivationsMenage(
        categorie_menage=categorie.categorie,
        personnes_supplementaires=categorie.personnes_supplementaires,
        unites_consommation=unites,
        revenu_annuel_par_uc=revenu_annuel_par_uc(menage.revenus_mensuels, unites),
        plafonds=plafonds,
        eligible={f: menage.revenu_fiscal_reference <= montant for f, montant in plafonds.items()},
        anciennete_mois=anciennete,
        delai_anormalement_long_mois=delai,
        dal_depasse=None if delai is None else anciennete >= delai,
    )


# --- explanation shown to people -----------------------------------------------------------------

_ESPACE = "\u00a0"  # no-break space (thousands separator and before units)


def _entier_fr(valeur: int) -> str:
    return f"{valeur:,}".replace(",", _ESPACE)


def _euros(valeur: int) -> str:
    return f"{_entier_fr(valeur)}{_ESPACE}€"


def _euros_centimes(valeur: float) -> str:
    return f"{valeur:,.2f}".replace(",", _ESPACE).replace(".", ",") + f"{_ESPACE}€"


def _decimal_fr(valeur: float) -> str:
    return f"{valeur:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _pluriel(nombre: int, singulier: str, pluriel: str | None = None) -> str:
    return f"{nombre} {singulier if nombre <= 1 else (pluriel or singulier + 's')}"


def _phrase_categorie(menage: Menage, categorie: CategorieMenage, seuil: int) -> str:
    tete = f"Catégorie {categorie.categorie}"
    if categorie.personnes_supplementaires:
        tete += f" et {_pluriel(categorie.personnes_supplementaires, 'personne supplémentaire', 'personnes supplémentaires')}"
    a_charge = menage.nb_personnes_a_charge
    if categorie.regle == "personne_seule":
        motif = "personne seule"
    elif categorie.regle == "isole_avec_charge":
        motif = (
            f"personne seule avec {_pluriel(a_charge, 'personne')} à charge "
            f"({menage.nb_personnes} personnes, comptées comme {menage.nb_personnes + 1})"
        )
    elif categorie.regle == "jeune_menage":
        motif = f"jeune ménage (âges cumulés {_ages_cumules(menage)} ≤ {seuil} ans)"
    elif menage.nb_personnes == 2 and menage.couple and a_charge == 0:
        motif = f"2 personnes sans personne à charge (couple, âges cumulés {_ages_cumules(menage)} > {seuil} ans : pas « jeune ménage »)"
    else:
        motif = f"{menage.nb_personnes} personnes"
    if categorie.majoration_handicap:
        motif += (
            f", +{_pluriel(categorie.majoration_handicap, 'catégorie')} : "
            "au moins une personne titulaire de la carte mobilité inclusion « invalidité »"
        )
    return f"{tete} : {motif}."


def explication(
    menage: Menage,
    *,
    date_reference: date,
    annee_plafonds: int,
    parametres: Parametres | None = None,
    financements: Sequence[str] = FINANCEMENTS,
) -> tuple[str, ...]:
    """French sentences explaining each derivation (a missing ceiling is said, not raised)."""
    p = parametres or charger_parametres()
    verifier_financements(financements)
    phrases: list[str] = []
    categorie = categorie_menage(menage, annee_plafonds=annee_plafonds, parametres=p)
    phrases.append(_phrase_categorie(menage, categorie, p.seuil_jeune_menage(date(annee_plafonds, 1, 1))))

    unites = unites_consommation(menage, date_reference=date_reference, parametres=p)
    echelle = p.echelle_uc(date_reference)
    autres = menage.nb_personnes - 1 - menage.nb_moins_14_ans
    detail = [f"{_decimal_fr(echelle.premier_adulte_centiemes / 100)} pour le demandeur"]
    if autres:
        detail.append(
            f"{_decimal_fr(echelle.autre_personne_centiemes / 100)} × {_pluriel(autres, 'autre personne', 'autres personnes')} "
            f"de {echelle.age_seuil_enfant} ans ou plus"
        )
    if menage.nb_moins_14_ans:
        detail.append(
            f"{_decimal_fr(echelle.enfant_centiemes / 100)} × {_pluriel(menage.nb_moins_14_ans, 'enfant')} "
            f"de moins de {echelle.age_seuil_enfant} ans"
        )
    phrases.append(
        f"{_decimal_fr(unites)} {'unité' if unites < 2 else 'unités'} de consommation ({' + '.join(detail)}) ; revenu annuel par UC : "
        f"{_euros_centimes(revenu_annuel_par_uc(menage.revenus_mensuels, unites))}."
    )

    rfr = menage.revenu_fiscal_reference
    for financement in financements:
        try:
            montant = plafond(
                financement,
                zone=menage.zone_plafond,
                categorie=categorie.categorie,
                personnes_supplementaires=categorie.personnes_supplementaires,
                annee=annee_plafonds,
                parametres=p,
            )
        except PlafondNonRenseigne as exc:
            phrases.append(f"{exc} : éligibilité non évaluée.")
            continue
        verdict = "≤" if rfr <= montant else ">"
        issue = "éligible" if rfr <= montant else "non éligible"
        phrases.append(
            f"Revenu fiscal {_euros(rfr)} {verdict} plafond {financement} {annee_plafonds} de {_euros(montant)} : {issue}."
        )

    anciennete = anciennete_mois(menage.date_depot_initiale, date_reference)
    phrases.append(
        f"Ancienneté : {anciennete} mois depuis le dépôt initial du {menage.date_depot_initiale:%d/%m/%Y} "
        f"(au {date_reference:%d/%m/%Y})."
    )
    departement = normaliser_departement(menage.departement)
    delai = delai_anormalement_long_mois(
        menage.departement, menage.typologie_min, date_reference=date_reference, parametres=p
    )
    lieu = f"département {departement}, T{menage.typologie_min}"
    if delai is None:
        publication = p.etat_dal(departement)
        nom = f"département {publication.libelle}" if publication is not None else f"département {departement}"
        phrases.append(
            f"Délai anormalement long non publié à ce jour pour le {nom}, typologie T{menage.typologie_min} : "
            "dépassement non évalué."
        )
    else:
        etat = "délai dépassé" if anciennete >= delai else "délai non atteint"
        phrases.append(f"Délai anormalement long ({lieu}) : {delai} mois ; ancienneté {anciennete} mois : {etat}.")
    return tuple(phrases)
