"""Export of the journal of a period (CSV or XLSX), one row per changed field.

TODO at merge: this module's small writer must move to the shared safe writer ``attrib/common/tableurs.py``
(rule 7), built in parallel; it neutralises formulas and control characters the same way meanwhile.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from attrib.journal import registre
from attrib.journal.lisible import LigneJournal, _Noms, ligne_lisible
from attrib.journal.models import EntreeJournal

ENTETES = (
    "Date",
    "Auteur",
    "Organisation",
    "Origine",
    "Objet",
    "Identifiant de l'objet",
    "Rattaché à",
    "Identifiant du rattachement",
    "Opération",
    "Champ",
    "Avant",
    "Après",
)
_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def cellule(valeur: Any) -> str:
    """A cell that no spreadsheet evaluates: control characters removed, a leading = + - @ tab or CR
    quoted with an apostrophe."""
    texte = _CONTROLE.sub("", "" if valeur is None else str(valeur))
    if texte[:1] in ("=", "+", "-", "@", "\t", "\r"):
        texte = "'" + texte
    return texte


def _racine(etiquette: str) -> str:
    suivi = registre.par_etiquette().get(etiquette)
    return str(registre.modele(suivi)._meta.verbose_name) if suivi else etiquette


def _lignes(entrees: Iterable[EntreeJournal], voit_sensible: bool) -> Iterator[list[str]]:
    noms = _Noms()
    for entree in entrees:
        ligne: LigneJournal = ligne_lisible(entree, voit_sensible=voit_sensible, noms=noms)
        debut = [
            f"{timezone.localtime(entree.horodatage):%d/%m/%Y %H:%M:%S}",
            ligne.auteur,
            str(entree.organisation) if entree.organisation else "",
            entree.origine,
            ligne.objet,
            entree.objet_id,
            _racine(entree.racine_table),
            entree.racine_id or "",
            ligne.operation,
        ]
        if ligne.confidentielle or not ligne.changements:
            yield [*debut, "confidentiel" if ligne.confidentielle else "", "", ""]
        for c in ligne.changements:
            yield [*debut, c.champ, c.avant, c.apres]


def ecrire_csv(entrees: Iterable[EntreeJournal], *, voit_sensible: bool) -> tuple[bytes, int]:
    flux = io.StringIO()
    ecrivain = csv.writer(flux, delimiter=";")
    ecrivain.writerow(ENTETES)
    n = 0
    for ligne in _lignes(entrees, voit_sensible):
        ecrivain.writerow([cellule(v) for v in ligne])
        n += 1
    return ("\ufeff" + flux.getvalue()).encode("utf-8"), n


def ecrire_xlsx(entrees: Iterable[EntreeJournal], *, voit_sensible: bool) -> tuple[bytes, int]:
    from openpyxl import Workbook

    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("Journal")
    feuille.append(list(ENTETES))
    n = 0
    for ligne in _lignes(entrees, voit_sensible):
        feuille.append([cellule(v) for v in ligne])
        n += 1
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue(), n
