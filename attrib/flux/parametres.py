"""Dated data the gestion en flux reads besides ``flux.yaml`` (read by the engine):

- the objective of attributions to priority households per réservataire (L441-1 CCH): the section
  ``prioritaires_par_reservataire`` of ``data/parametres/objectifs_attribution.yaml``, shared with the
  rapprochement (one dated value, one file), read through the parameter tree;
- the RPLS mobility rate of a territory (``data/referentiels/rpls2019_indicateurs_territoires.csv``),
  used to forecast the flux of a bailleur without history.

A malformed file is refused with a French message naming the file and the entry.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre

DOSSIER_PARAMETRES = DOSSIER_PAR_DEFAUT
DOSSIER_REFERENTIELS = Path(settings.BASE_DIR) / "data" / "referentiels"
FICHIER_OBJECTIF = "objectifs_attribution.yaml"
SECTION_OBJECTIF = "prioritaires_par_reservataire"
FICHIER_RPLS = "rpls2019_indicateurs_territoires.csv"
MILLESIME_RPLS = 2019
FIABILITES = ("V", "S", "K", "choix_local")


@dataclass(frozen=True, slots=True)
class Objectif:
    date_effet: date
    valeur: Decimal
    article: str
    source: str
    fiabilite: str


@lru_cache(maxsize=4)
def _objectifs(dossier: Path) -> tuple[Objectif, ...]:
    # The file's content from the parameter tree (read once, dates and sources checked there).
    contenu = charger_arbre(dossier).brut(FICHIER_OBJECTIF)
    entrees = contenu.get(SECTION_OBJECTIF) if isinstance(contenu, dict) else None
    if not isinstance(entrees, list) or not entrees:
        raise ParametresInvalides(f"{FICHIER_OBJECTIF} : « {SECTION_OBJECTIF} » doit être une liste de valeurs datées.")
    objectifs = []
    for i, e in enumerate(entrees, start=1):
        ou = f"{FICHIER_OBJECTIF}, {SECTION_OBJECTIF}[{i}]"
        if not isinstance(e, dict) or not isinstance(e.get("date_effet"), date):
            raise ParametresInvalides(f"{ou} : « date_effet » manquante ou invalide (AAAA-MM-JJ).")
        try:
            valeur = Decimal(str(e.get("taux")))
        except InvalidOperation:
            raise ParametresInvalides(f"{ou} : taux « {e.get('taux')} » invalide (part entre 0 et 1).") from None
        if not valeur.is_finite() or not 0 <= valeur <= 1:
            raise ParametresInvalides(f"{ou} : taux « {e.get('taux')} » invalide (part entre 0 et 1).")
        if not str(e.get("source") or "").strip() or not str(e.get("article") or "").strip():
            raise ParametresInvalides(f"{ou} : « source » et « article » sont obligatoires.")
        if e.get("fiabilite") not in FIABILITES:
            raise ParametresInvalides(f"{ou} : fiabilité « {e.get('fiabilite')} » inconnue ({', '.join(FIABILITES)}).")
        objectifs.append(Objectif(e["date_effet"], valeur, str(e["article"]), str(e["source"]), str(e["fiabilite"])))
    return tuple(sorted(objectifs, key=lambda o: o.date_effet))


def objectif_publics_prioritaires(jour: date, *, dossier: Path | None = None) -> Objectif:
    """The minimal share of a réservataire's attributions to DALO and L441-1 households in force on ``jour``."""
    valables = [o for o in _objectifs(dossier or DOSSIER_PARAMETRES) if o.date_effet <= jour]
    if not valables:
        raise ParametreNonRenseigne(
            f"Objectif d'attributions aux publics prioritaires non renseigné au {jour:%d/%m/%Y}."
        )
    return valables[-1]


# --- RPLS mobility rate ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TauxMobilite:
    """Share of the occupied stock whose tenant changed during the year (RPLS), e.g. ``Decimal("0.1072")``."""

    valeur: Decimal
    territoire: str
    niveau: str
    millesime: int

    @property
    def explication(self) -> str:
        pourcent = f"{self.valeur * 100:.2f}".replace(".", ",")
        lieu = self.territoire if self.niveau == "France" else f"{self.niveau} {self.territoire}"
        return f"taux de mobilité RPLS {self.millesime} ({lieu}) : {pourcent} %"


_NIVEAUX = (("Epci", "EPCI"), ("Départements", "département"), ("Régions", "région"), ("France", "France"))


@lru_cache(maxsize=2)
def _taux(chemin: Path) -> dict[tuple[str, str], tuple[str, Decimal]]:
    taux: dict[tuple[str, str], tuple[str, Decimal]] = {}
    try:
        with chemin.open(encoding="utf-8", newline="") as f:
            for numero, ligne in enumerate(csv.DictReader(f), start=2):
                if ligne.get("Variable") != "taux_mobilite" or ligne.get("SousEnsemble") != "Ensemble du parc":
                    continue
                try:
                    valeur = (Decimal(ligne["Valeur"]) / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
                except (InvalidOperation, TypeError):
                    raise ParametresInvalides(
                        f"{FICHIER_RPLS}, ligne {numero} : taux de mobilité « {ligne.get('Valeur')} » illisible."
                    ) from None
                taux[(ligne["TypeZone"], ligne["CodeZone"])] = (ligne["Zone"], valeur)
    except OSError as exc:
        raise ParametresInvalides(f"{FICHIER_RPLS} : fichier illisible ({exc}).") from None
    return taux


def taux_mobilite_rpls(
    *, epci: str | None = None, departement: str | None = None, region: str | None = None, dossier: Path | None = None
) -> TauxMobilite:
    """The RPLS mobility rate of the most precise territory the file holds: the EPCI (SIREN), else the
    département, else the région, else metropolitan France."""
    taux = _taux((dossier or DOSSIER_REFERENTIELS) / FICHIER_RPLS)
    essais: list[tuple[str, Any]] = [("Epci", epci), ("Départements", departement), ("Régions", region)]
    essais.append(("France", "FRMETRO"))
    for type_zone, code in essais:
        if code and (type_zone, code) in taux:
            nom, valeur = taux[(type_zone, code)]
            niveau = dict(_NIVEAUX)[type_zone]
            return TauxMobilite(valeur=valeur, territoire=nom, niveau=niveau, millesime=MILLESIME_RPLS)
    raise ParametreNonRenseigne(f"{FICHIER_RPLS} : aucun taux de mobilité (ni France métropolitaine).")
