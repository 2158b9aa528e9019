"""Targets that each CIA sets and the law does not number, read from ``data/parametres/cia.yaml``
through the parameter tree.

Today: the share of attributions to essential workers (L441-1 CCH 35th paragraph, loi 3DS art. 78), per
EPCI. A missing rate (``taux: null``) is never guessed: the dashboard shows the measured share and
« objectif de la CIA non renseigné ». A rate must carry its source and a reliability V or S.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from attrib.engine.erreurs import ParametresInvalides
from attrib.engine.parametres.arbre import charger_arbre
from attrib.engine.sources import NON_PUBLIE, texte_source

FICHIER = "cia.yaml"


@dataclass(frozen=True)
class ObjectifCia:
    epci: str
    nom: str
    date_effet: date
    taux: Fraction | None
    fiabilite: str
    source: str
    manque: str = ""

    def libelle_source(self) -> str:
        if self.taux is None:
            return f"CIA {self.nom} : taux {NON_PUBLIE}"
        return f"CIA {self.nom}, en vigueur depuis le {self.date_effet:%d/%m/%Y} : {texte_source(self.source)}"


def _ligne(chemin: Path, i: int, brut: Any) -> ObjectifCia:
    ou = f"{chemin.name}, travailleurs_essentiels, ligne n° {i + 1}"
    if not isinstance(brut, dict):
        raise ParametresInvalides(f"{ou} : un dictionnaire est attendu.")
    epci = str(brut.get("epci") or "")
    if not (len(epci) == 9 and epci.isdigit()):
        raise ParametresInvalides(f"{ou} : « epci » doit être le SIREN à 9 chiffres de l'EPCI (lu « {epci} »).")
    date_effet = brut.get("date_effet")
    if not isinstance(date_effet, date):
        raise ParametresInvalides(f"{ou} : « date_effet » doit être une date AAAA-MM-JJ.")
    fiabilite = str(brut.get("fiabilite") or "")
    source = " ".join(str(brut.get("source") or "").split())
    brut_taux = brut.get("taux")
    taux: Fraction | None = None
    if brut_taux is not None:
        try:
            taux = Fraction(str(brut_taux))
        except (ValueError, ZeroDivisionError) as e:
            raise ParametresInvalides(f"{ou} : « taux » doit être une part entre 0 et 1 (lu « {brut_taux} »).") from e
        if not 0 <= taux <= 1:
            raise ParametresInvalides(f"{ou} : « taux » doit être une part entre 0 et 1 (lu « {brut_taux} »).")
        if fiabilite not in ("V", "S") or not source:
            raise ParametresInvalides(
                f"{ou} : un taux renseigné doit porter sa source (la CIA signée) et une fiabilité V ou S."
            )
    elif fiabilite not in ("V", "S", "K"):
        raise ParametresInvalides(f"{ou} : « fiabilite » doit valoir V, S ou K (lu « {fiabilite} »).")
    return ObjectifCia(
        epci=epci,
        nom=str(brut.get("nom") or epci),
        date_effet=date_effet,
        taux=taux,
        fiabilite=fiabilite,
        source=source,
        manque=" ".join(str(brut.get("manque") or "").split()),
    )


@lru_cache(maxsize=4)
def charger(dossier: Path | str | None = None) -> tuple[ObjectifCia, ...]:
    """Every line of ``cia.yaml``; its content comes from the parameter tree (dates, sources, reliabilities
    checked there), the rates are checked here."""
    arbre = charger_arbre(dossier)
    chemin = arbre.dossier / FICHIER
    donnees = arbre.brut(FICHIER)
    lignes = donnees.get("travailleurs_essentiels") if isinstance(donnees, dict) else None
    if not isinstance(lignes, list):
        raise ParametresInvalides(f"{chemin.name} : une liste « travailleurs_essentiels » est attendue.")
    return tuple(_ligne(chemin, i, b) for i, b in enumerate(lignes))


def objectif_travailleurs_essentiels(*, epci: str, jour: date, dossier: Path | str | None = None) -> ObjectifCia | None:
    """The EPCI's line in force on ``jour`` (the last one whose date_effet has passed), or ``None``."""
    en_vigueur = [o for o in charger(dossier) if o.epci == epci and o.date_effet <= jour]
    return max(en_vigueur, key=lambda o: o.date_effet) if en_vigueur else None
