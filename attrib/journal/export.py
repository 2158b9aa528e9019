"""Export of the journal of a period (CSV or XLSX), one row per changed field, through the product's one
safe writer (``attrib.common.tableurs``: no live formula, no control character)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from attrib.common import tableurs
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


class _Compteur:
    """The rows of an export, counted as the writer consumes them."""

    def __init__(self, lignes: Iterable[list[Any]]) -> None:
        self._lignes = lignes
        self.n = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for ligne in self._lignes:
            self.n += 1
            yield ligne


def ecrire_csv(entrees: Iterable[EntreeJournal], *, voit_sensible: bool) -> tuple[bytes, int]:
    lignes = _Compteur(_lignes(entrees, voit_sensible))
    return tableurs.csv_octets(ENTETES, lignes), lignes.n


def ecrire_xlsx(entrees: Iterable[EntreeJournal], *, voit_sensible: bool) -> tuple[bytes, int]:
    classeur = tableurs.Classeur(flux_continu=True)
    feuille = classeur.feuille("Journal")
    feuille.ajouter(ENTETES, gras=True)
    n = 0
    for ligne in _lignes(entrees, voit_sensible):
        feuille.ajouter(ligne)
        n += 1
    return classeur.octets(), n
