"""The bounds of imported user files, from the settings ``ATTRIB_IMPORT_*`` (decision 0016).

The reader of the engine (:mod:`attrib.engine.formats.lecture`) enforces them; this module only builds its
:class:`~attrib.engine.formats.lecture.Bornes` from the settings and checks an upload's size in a form, so that
a file too big is refused at upload, with the limit named, before any byte of it is queued or read.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from attrib.engine.formats.lecture import Bornes, ErreurLecture, verifier_taille

#: Lines an import's report lists at the most (kept in the job's details, shown on its page): its counts stay
#: exact and it says how many lines it did not list. A file may hold up to ``ATTRIB_IMPORT_LIGNES_MAX`` faulty rows.
LIGNES_RAPPORT_MAX = 500


def bornes_import() -> Bornes:
    """The bounds in force (settings)."""
    return Bornes(
        octets=int(settings.ATTRIB_IMPORT_OCTETS_MAX),
        lignes=int(settings.ATTRIB_IMPORT_LIGNES_MAX),
        colonnes=int(settings.ATTRIB_IMPORT_COLONNES_MAX),
        cellule=int(settings.ATTRIB_IMPORT_CELLULE_MAX),
        decompresse=int(settings.ATTRIB_IMPORT_XLSX_DECOMPRESSE_MAX),
    )


def verifier_envoi(fichier: Any) -> Any:
    """An uploaded file within the byte bound, else the form field's French error naming the limit."""
    try:
        verifier_taille(int(fichier.size), bornes_import())
    except ErreurLecture as exc:
        raise forms.ValidationError(f"{fichier.name} : {exc.message}.") from None
    return fichier
