"""The one bridge from stored demands to the engine's household columns (``attrib.engine.COLONNES_ENTREE``).

Two paths with one meaning, as in the engine: ``menage_de`` for one demand (the ceilings of the detail page)
and ``menages_colonnes`` for a queryset (batch work: the cotation reads it through
``attrib.cotation.colonnes``), read in three queries.

The household's monthly resources (``revenus_mensuels``) have one definition, the interchange format's
(``attrib.engine.formats.demandes_csv``) and the cotation's: the resources of the applicant and of the
co-applicant, minus the alimony they pay (:func:`revenus_mensuels_menage`). The other persons to house
(children, another adult) are counted in the household's size, not in its resources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import QuerySet

from attrib.demandes import enums
from attrib.demandes.colonnes import SCHEMA_MENAGES
from attrib.demandes.models import CommuneSouhaitee, Demande, Personne
from attrib.engine import COLONNES_ENTREE, Menage
from attrib.engine.erreurs import EntreeInvalide, PlafondNonRenseigne
from attrib.engine.menage import derivations_menage, explication
from attrib.territoires.models import ZonePlafond

CHAMPS_PERSONNE = (
    "demande_id",
    "role",
    "lien",
    "date_naissance",
    "a_charge",
    "handicap",
    *Personne.RESSOURCES,
    "pension_alimentaire_versee",
)
#: The persons whose resources make the household's: the applicant and the co-applicant.
ROLES_RESSOURCES = frozenset({enums.RolePersonne.DEMANDEUR, enums.RolePersonne.CODEMANDEUR})


def age(naissance: date, jour: date) -> int:
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


@dataclass(frozen=True)
class _Agregat:
    nb_personnes: int = 0
    nb_personnes_a_charge: int = 0
    couple: bool = False
    age_demandeur: int = 0
    age_codemandeur: int | None = None
    nb_handicap: int = 0
    nb_moins_14_ans: int = 0
    revenus_mensuels: float = 0.0


def revenus_mensuels_menage(personnes: Iterable[Mapping[str, Any]]) -> Decimal:
    """Monthly resources of the household: the resources of the applicant and the co-applicant minus the
    alimony they pay (``pension_alimentaire_versee``), as the interchange format and the cotation define
    them. Each person is a mapping of ``Personne`` fields (``role``, the resources, the alimony paid)."""
    total = Decimal("0")
    for p in personnes:
        if p["role"] in ROLES_RESSOURCES:
            total += sum((p[r] for r in Personne.RESSOURCES), Decimal("0")) - p["pension_alimentaire_versee"]
    return total


def _agreger(personnes: Iterable[dict[str, Any]], jour: date) -> _Agregat:
    personnes = list(personnes)
    nb = a_charge = handicap = moins_14 = 0
    couple = False
    age_demandeur = 0
    age_codemandeur = None
    revenus = revenus_mensuels_menage(personnes)
    for p in personnes:
        nb += 1
        a_charge += bool(p["a_charge"])
        handicap += bool(p["handicap"])
        a = age(p["date_naissance"], jour)
        moins_14 += a < 14
        if p["role"] == enums.RolePersonne.DEMANDEUR:
            age_demandeur = a
        elif p["role"] == enums.RolePersonne.CODEMANDEUR:
            age_codemandeur = a
            couple = p["lien"] == enums.LienParente.CONJOINT
    return _Agregat(nb, a_charge, couple, age_demandeur, age_codemandeur, handicap, moins_14, float(revenus))


def _ligne(demande: dict[str, Any], agregat: _Agregat, zone: str) -> dict[str, Any]:
    return {
        "nb_personnes": agregat.nb_personnes,
        "nb_personnes_a_charge": agregat.nb_personnes_a_charge,
        "couple": agregat.couple,
        "age_demandeur": agregat.age_demandeur,
        "age_codemandeur": agregat.age_codemandeur,
        "nb_handicap": agregat.nb_handicap,
        "nb_moins_14_ans": agregat.nb_moins_14_ans,
        "revenus_mensuels": agregat.revenus_mensuels,
        "revenu_fiscal_reference": demande["revenu_fiscal_reference"],
        "zone_plafond": zone,
        "departement": demande["departement"],
        "date_depot_initiale": demande["date_depot_initiale"],
        "typologie_min": demande["typologie_min"],
    }


CHAMPS_DEMANDE = (
    "id",
    "numero_unique",
    "revenu_fiscal_reference",
    "departement",
    "date_depot_initiale",
    "typologie_min",
)


def menage_de(demande: Demande, jour: date) -> Menage:
    """The engine's view of one demand on ``jour`` (ceiling zone of the first wished commune)."""
    personnes = [{c: getattr(p, c) for c in CHAMPS_PERSONNE} for p in demande.personnes.all()]
    premiere = min(demande.communes_souhaitees.all(), key=lambda cs: cs.rang, default=None)
    zone = premiere.commune.zone_plafond if premiere else ZonePlafond.AUTRES_REGIONS
    valeurs = {c: getattr(demande, c) for c in CHAMPS_DEMANDE}
    return Menage(**_ligne(valeurs, _agreger(personnes, jour), zone))


def menages_colonnes(demandes: QuerySet[Demande], jour: date) -> pl.DataFrame:
    """One row per demand: ``demande_id``, ``numero_unique`` and the engine's input columns."""
    lignes = list(demandes.order_by("pk").values(*CHAMPS_DEMANDE))
    ids = [d["id"] for d in lignes]
    par_demande: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in Personne.objects.filter(demande_id__in=ids).values(*CHAMPS_PERSONNE):
        par_demande[p["demande_id"]].append(p)
    zones = dict(
        CommuneSouhaitee.objects.filter(demande_id__in=ids, rang=1).values_list("demande_id", "commune__zone_plafond")
    )
    rows = [
        {
            "demande_id": d["id"],
            "numero_unique": d["numero_unique"],
            **_ligne(d, _agreger(par_demande[d["id"]], jour), zones.get(d["id"], ZonePlafond.AUTRES_REGIONS)),
        }
        for d in lignes
    ]
    schema = SCHEMA_MENAGES
    assert set(schema) == {"demande_id", "numero_unique", *COLONNES_ENTREE}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _raison_illisible(exc: EntreeInvalide) -> str:
    if str(exc).startswith("revenus_mensuels"):
        return (
            "les pensions alimentaires versées dépassent les ressources du demandeur et du co-demandeur "
            "(ressources mensuelles du ménage négatives) ; corrigez les ressources de la demande."
        )
    return str(exc)


@dataclass(frozen=True)
class SituationPlafonds:
    """What the detail page shows: the engine's explanation, and whether each ceiling could be checked."""

    phrases: tuple[str, ...]
    eligible: dict[str, bool | None]
    annee: int


def situation_plafonds(demande: Demande, jour: date) -> SituationPlafonds:
    """The ceilings of ``jour``'s year for the detail page. A household the engine cannot read (alimony paid
    above the resources of the applicant and the co-applicant…) is not evaluated, and the page says why."""
    try:
        menage = menage_de(demande, jour)
    except EntreeInvalide as exc:
        return SituationPlafonds(
            phrases=(f"Éligibilité non évaluée : {_raison_illisible(exc)}",),
            eligible=dict.fromkeys(("PLAI", "PLUS", "PLS")),
            annee=jour.year,
        )
    phrases = explication(menage, date_reference=jour, annee_plafonds=jour.year)
    eligible: dict[str, bool | None] = {}
    for financement in ("PLAI", "PLUS", "PLS"):
        try:
            d = derivations_menage(menage, date_reference=jour, annee_plafonds=jour.year, financements=(financement,))
            eligible[financement] = d.eligible[financement]
        except PlafondNonRenseigne:
            eligible[financement] = None
    return SituationPlafonds(phrases=phrases, eligible=eligible, annee=jour.year)
