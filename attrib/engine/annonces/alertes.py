"""Households to alert when adverts of location voulue are published.

A household is alerted for an advert when its demand:

1. wishes the dwelling's commune and typology (T6 = six rooms and more, as the shortlist reads the wishes);
2. is eligible to the dwelling: no blocking rule of :mod:`attrib.engine.rapprochement.eligibilite` fails
   (the ceiling, the occupancy and typology rules and the accessibility needs; an effort rate or a remaining
   income that cannot be evaluated does not block, as on the shortlist);
3. belongs to the advert's public: ``tous``; ``q1`` (a household of the first quartile of the demand,
   :mod:`attrib.engine.q1`); ``prioritaires`` (recognised DALO, or at least one L441-1 priority);
4. is not excluded by the caller (a household suspended from applying, or already at its limit of open
   applications: :mod:`attrib.engine.annonces.regles`).

Two paths, tested to agree on random small instances: :func:`menages_a_alerter` reads the partitions of an
:class:`~attrib.engine.rapprochement.preselection.IndexDemandes` (one numpy pass per advert over the demands
wishing its commune and typology: the cost follows the partition, not the file) and :func:`a_alerter` decides for
one household and one advert with the reference eligibility (:func:`~attrib.engine.rapprochement.eligibilite.eligibilite`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.parametres import Parametres
from attrib.engine.rapprochement.eligibilite import (
    Demandeur,
    Logement,
    contexte_logement,
    eligibilite,
    eligibilite_vectorielle,
)
from attrib.engine.rapprochement.parametres import TYPOLOGIE_MAX, Regles
from attrib.engine.rapprochement.preselection import IndexDemandes

TOUS = "tous"
Q1 = "q1"
PRIORITAIRES = "prioritaires"
#: Publics an advert may be restricted to, with their French label.
PUBLICS: dict[str, str] = {
    TOUS: "tous les ménages",
    Q1: "ménages du 1er quartile de ressources",
    PRIORITAIRES: "ménages prioritaires (DALO ou priorité L441-1)",
}


@dataclass(frozen=True, slots=True)
class AnnonceAAlerter:
    """A newly published advert: its key (the caller's), its dwelling and its public."""

    cle: str
    logement: Logement
    public: str

    def __post_init__(self) -> None:
        if self.public not in PUBLICS:
            raise EntreeInvalide(
                f"Annonce {self.cle} : public « {self.public} » inconnu (attendu : {', '.join(PUBLICS)})."
            )


def menages_a_alerter(
    index: IndexDemandes, annonces: Sequence[AnnonceAAlerter], *, exclus: frozenset[str] = frozenset()
) -> dict[str, NDArray[Any]]:
    """For each advert (by its key), the identifiers of the demands to alert (``index.demandes`` values), in
    the index's rank order. ``exclus``: demand identifiers never alerted. :class:`EntreeInvalide` when two
    adverts share a key."""
    vues: set[str] = set()
    for annonce in annonces:
        if annonce.cle in vues:
            raise EntreeInvalide(f"Annonce {annonce.cle} : clé donnée deux fois.")
        vues.add(annonce.cle)
    admis = np.ones(len(index), dtype=np.bool_)
    if exclus:
        identifiants = pl.Series("demande", index.demandes.tolist(), dtype=pl.String)
        admis &= ~identifiants.is_in(pl.Series(sorted(exclus), dtype=pl.String).implode()).to_numpy()
    par_public: dict[str, NDArray[np.bool_]] = {
        TOUS: admis,
        Q1: admis & index.q1,
        PRIORITAIRES: admis & (index.dalo | index.prioritaire),
    }
    resultat: dict[str, NDArray[Any]] = {}
    for annonce in annonces:
        lg = annonce.logement
        lignes, _ = index.souhaitant(lg)
        lignes = lignes[par_public[annonce.public][lignes]]  # the public and the exclusions first: fewer rows
        contexte = contexte_logement(
            lg, annee_plafonds=index.table.annee_plafonds, regles=index.regles, parametres=index.parametres
        )
        ev = eligibilite_vectorielle(index.table, lg, lignes=lignes, contexte=contexte)
        resultat[annonce.cle] = index.demandes[ev.lignes[ev.eligible]]
    return resultat


@dataclass(frozen=True, slots=True)
class MenageAAlerter:
    """One demand as the reference path reads it: the household and its needs, its wishes (communes; typologies
    from ``demandeur.menage.typologie_min`` to ``typologie_max``), and what the publics read."""

    demande: str
    demandeur: Demandeur
    communes: tuple[str, ...]
    typologie_max: int
    q1: bool
    dalo: bool
    priorites: tuple[str, ...] = ()

    def souhaite(self, logement: Logement) -> bool:
        """Whether the demand wishes the dwelling's commune and typology (typologies above T6 read as T6)."""
        minimum = min(max(self.demandeur.menage.typologie_min, 1), TYPOLOGIE_MAX)
        maximum = min(max(self.typologie_max, 1), TYPOLOGIE_MAX)
        return logement.commune in self.communes and minimum <= logement.typologie <= maximum

    def dans_le_public(self, public: str) -> bool:
        if public == Q1:
            return self.q1
        if public == PRIORITAIRES:
            return self.dalo or bool(self.priorites)
        return True


def a_alerter(
    menage: MenageAAlerter,
    annonce: AnnonceAAlerter,
    *,
    annee_plafonds: int,
    date_reference: date,
    exclus: frozenset[str] = frozenset(),
    regles: Regles | None = None,
    parametres: Parametres | None = None,
) -> bool:
    """Whether one household is alerted for one advert (reference path, written for clarity)."""
    if menage.demande in exclus or not menage.souhaite(annonce.logement):
        return False
    if not menage.dans_le_public(annonce.public):
        return False
    return eligibilite(
        menage.demandeur,
        annonce.logement,
        annee_plafonds=annee_plafonds,
        date_reference=date_reference,
        regles=regles,
        parametres=parametres,
    ).eligible


__all__ = [
    "PRIORITAIRES",
    "PUBLICS",
    "Q1",
    "TOUS",
    "AnnonceAAlerter",
    "MenageAAlerter",
    "a_alerter",
    "menages_a_alerter",
]
