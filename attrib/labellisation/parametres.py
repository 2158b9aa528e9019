"""The kinds of label in force on a day (``data/parametres/labellisation.yaml``), typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from attrib.engine.parametres.arbre import charger_arbre

CHEMIN = "labellisation.types_label"


@dataclass(frozen=True, slots=True)
class TypeLabel:
    code: str
    libelle: str
    #: The legal basis, for the staff's screens (the article, never a file name or a reliability tag).
    base_legale: str
    priorite_legale: str | None
    duree_mois: int | None
    renouvellement_jours: int
    proposants: frozenset[str]
    #: Kind of organisation validating without a local rule: ``etat``, ``epci``, ``commune``, ``bailleur``.
    validateur: str
    sensible: bool


def types_label(jour: date | None = None) -> dict[str, TypeLabel]:
    """``{code: TypeLabel}`` in force on ``jour`` (today by default), in the data file's order."""
    jour = jour or timezone.localdate()
    resultat: dict[str, TypeLabel] = {}
    for code, v in charger_arbre().en_vigueur(CHEMIN, jour).items():
        d = v.valeur
        resultat[code] = TypeLabel(
            code=code,
            libelle=d["libelle"],
            base_legale=v.article,
            priorite_legale=d["priorite_legale"],
            duree_mois=d["duree_mois"],
            renouvellement_jours=d["renouvellement_jours"],
            proposants=frozenset(d["proposants"]),
            validateur=d["validateur"],
            sensible=bool(d["sensible"]),
        )
    return resultat


def type_label(code: str, jour: date | None = None) -> TypeLabel | None:
    return types_label(jour).get(code)


def libelle(code: str) -> str:
    """The plain French name of a kind of label, whatever the day (a closed label keeps its name)."""
    arbre = charger_arbre()
    serie = arbre.feuilles.get(f"{CHEMIN}.{code}")
    if not serie:
        return "Label de priorité"
    return str(serie[-1].valeur["libelle"])


def types_sensibles() -> frozenset[str]:
    """Codes of the kinds of label revealing violence, prostitution, trafficking or health, at any date."""
    arbre = charger_arbre()
    return frozenset(
        chemin.rsplit(".", 1)[1]
        for chemin in arbre.enfants(CHEMIN)
        if any(v.valeur.get("sensible") for v in arbre.serie(chemin))
    )


def types_de_priorite(code_priorite: str) -> frozenset[str]:
    """Codes of the kinds of label proving the PrioriteLegale ``code_priorite``, at any date."""
    arbre = charger_arbre()
    return frozenset(
        chemin.rsplit(".", 1)[1]
        for chemin in arbre.enfants(CHEMIN)
        if any(v.valeur.get("priorite_legale") == code_priorite for v in arbre.serie(chemin))
    )
