"""Members of a household shared by the tests that compare two readings of the same demands (the column reading
against the row reading, the first-quartile computation against its definition): a spouse co-applicant and a
child to house, each a :func:`tests.factories.personne` with the given overrides."""

from __future__ import annotations

from datetime import date
from typing import Any

from attrib.demandes import enums
from tests.factories import personne


def conjoint(*, prenoms: str = "Paul", date_naissance: date = date(1988, 1, 1), **surcharges: Any) -> dict[str, Any]:
    """The applicant's spouse, co-applicant (no salary unless given)."""
    return _membre(enums.RolePersonne.CODEMANDEUR, enums.LienParente.CONJOINT, prenoms, date_naissance, surcharges)


def enfant(*, prenoms: str = "Lou", date_naissance: date = date(2018, 3, 3), **surcharges: Any) -> dict[str, Any]:
    """A child of the applicant, to house (no salary unless given)."""
    return _membre(enums.RolePersonne.PERSONNE_A_LOGER, enums.LienParente.ENFANT, prenoms, date_naissance, surcharges)


def _membre(role: str, lien: str, prenoms: str, date_naissance: date, surcharges: dict[str, Any]) -> dict[str, Any]:
    return personne(role, prenoms=prenoms, date_naissance=date_naissance, lien=lien, **{"salaires": 0, **surcharges})


def hugo_et_lina(*, salaires_hugo: Any, salaires_lina: Any) -> list[dict[str, Any]]:
    """The co-applicant (disabled) and the dependent child of the household both column readings are checked on."""
    return [
        conjoint(prenoms="Hugo", date_naissance=date(1979, 7, 8), salaires=salaires_hugo, handicap=True),
        enfant(prenoms="Lina", date_naissance=date(2016, 4, 4), salaires=salaires_lina, a_charge=True),
    ]
