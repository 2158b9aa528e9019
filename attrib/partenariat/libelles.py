"""The French names of the labels a decision refers to (their list is the labellisation's dated parameters)."""

from __future__ import annotations

from datetime import date


def libelle_label(code: str, jour: date) -> str:
    from attrib.labellisation.parametres import type_label

    type_ = type_label(code, jour)
    return type_.libelle if type_ is not None else code
