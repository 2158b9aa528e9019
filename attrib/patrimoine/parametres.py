"""Parameters of the housing stock, read from ``data/parametres/`` through the parameter tree:

- ``rpls_financements.yaml``: RPLS ``FINAN`` code → label (arrêté du 5 janvier 2010) and Attrib financing
  category (PLAI / PLUS / PLS / autre);
- ``estimations_patrimoine.yaml``: the documented estimation rules (rent per m², surface per number of
  rooms, size of reconstructed residences, seed).

Any malformed file raises ``ParametresPatrimoineInvalides`` with a French message naming the file and
the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from attrib.engine.erreurs import ParametresInvalides
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre
from attrib.patrimoine.enums import Financement

DOSSIER_PARAMETRES = DOSSIER_PAR_DEFAUT
FICHIER_FINANCEMENTS = "rpls_financements.yaml"
FICHIER_ESTIMATIONS = "estimations_patrimoine.yaml"
CENTIME = Decimal("0.01")


class ParametresPatrimoineInvalides(ValueError):
    """A parameter file of the housing stock is malformed."""


@dataclass(frozen=True)
class CodeFinancement:
    code: str
    libelle: str
    financement: str


@dataclass(frozen=True)
class Estimations:
    loyer_m2_epci: dict[str, Decimal]
    loyer_m2_departements: dict[str, Decimal]
    loyer_m2_regions: dict[str, Decimal]
    loyer_m2_france: Decimal
    surfaces_par_pieces: dict[int, Decimal]
    taille_max_residence: int
    communes_fichier_adresses: frozenset[str]
    graine: int

    def loyer_m2(self, *, epci: str | None, departement: str, region: str) -> tuple[Decimal, str]:
        """Rent per m² of the finest zone holding the commune, and the name of that zone."""
        if epci and epci in self.loyer_m2_epci:
            return self.loyer_m2_epci[epci], f"EPCI {epci}"
        if departement in self.loyer_m2_departements:
            return self.loyer_m2_departements[departement], f"département {departement}"
        if region in self.loyer_m2_regions:
            return self.loyer_m2_regions[region], f"région {region}"
        return self.loyer_m2_france, "France"

    def surface(self, nb_pieces: int) -> Decimal:
        """Estimated surface of a dwelling of ``nb_pieces`` rooms (the largest class covers the larger ones)."""
        plus_grande = max(self.surfaces_par_pieces)
        return self.surfaces_par_pieces[min(max(nb_pieces, 1), plus_grande)]


def loyer_estime(loyer_m2: Decimal, surface: Decimal) -> Decimal:
    """Monthly rent = rent per m² × surface, rounded to the cent (half up)."""
    return (loyer_m2 * surface).quantize(CENTIME, rounding=ROUND_HALF_UP)


def _lire(chemin: Path) -> dict[str, Any]:
    """The file's content from the parameter tree of its folder (read once, dated entries checked there)."""
    try:
        contenu = charger_arbre(chemin.parent).brut(chemin.name)
    except ParametresInvalides as exc:
        if not chemin.is_file():
            raise ParametresPatrimoineInvalides(f"{chemin.name} : fichier introuvable ({chemin}).") from None
        raise ParametresPatrimoineInvalides(str(exc)) from None
    if not isinstance(contenu, dict):
        raise ParametresPatrimoineInvalides(f"{chemin.name} : le fichier doit contenir un dictionnaire.")
    return contenu


def _decimal(fichier: str, cle: str, valeur: Any) -> Decimal:
    try:
        nombre = Decimal(str(valeur))
    except InvalidOperation:
        nombre = Decimal(-1)
    if not nombre.is_finite() or nombre <= 0:
        raise ParametresPatrimoineInvalides(f"{fichier} : {cle} « {valeur} » n'est pas un nombre positif.")
    return nombre


def _entier(fichier: str, cle: str, valeur: Any) -> int:
    if isinstance(valeur, bool) or not isinstance(valeur, int) or valeur <= 0:
        raise ParametresPatrimoineInvalides(f"{fichier} : {cle} « {valeur} » n'est pas un entier positif.")
    return valeur


def _dictionnaire(fichier: str, cle: str, valeur: Any) -> dict[Any, Any]:
    if not isinstance(valeur, dict):
        raise ParametresPatrimoineInvalides(f"{fichier} : {cle} manquant ou qui n'est pas un dictionnaire.")
    return valeur


@cache
def codes_financement(dossier: Path = DOSSIER_PARAMETRES) -> dict[str, CodeFinancement]:
    """RPLS FINAN codes of ``rpls_financements.yaml``, by code."""
    contenu = _lire(dossier / FICHIER_FINANCEMENTS)
    entrees = contenu.get("codes")
    if not isinstance(entrees, list) or not entrees:
        raise ParametresPatrimoineInvalides(f"{FICHIER_FINANCEMENTS} : liste « codes » absente ou vide.")
    codes: dict[str, CodeFinancement] = {}
    for i, entree in enumerate(entrees):
        lieu = f"{FICHIER_FINANCEMENTS} : codes[{i}]"
        if not isinstance(entree, dict):
            raise ParametresPatrimoineInvalides(f"{lieu} n'est pas un dictionnaire.")
        code, libelle, financement = (str(entree.get(k) or "") for k in ("code", "libelle", "financement"))
        if not (len(code) == 2 and code.isdigit()):
            raise ParametresPatrimoineInvalides(f"{lieu} : code « {code} » invalide (deux chiffres attendus).")
        if not libelle:
            raise ParametresPatrimoineInvalides(f"{lieu} : libellé vide.")
        if financement not in Financement.values:
            raise ParametresPatrimoineInvalides(
                f"{lieu} : financement « {financement} » inconnu ({', '.join(Financement.values)})."
            )
        if code in codes:
            raise ParametresPatrimoineInvalides(f"{lieu} : code {code} en double.")
        codes[code] = CodeFinancement(code=code, libelle=libelle, financement=financement)
    return codes


@cache
def estimations(dossier: Path = DOSSIER_PARAMETRES) -> Estimations:
    """The estimation rules of ``estimations_patrimoine.yaml``."""
    f = FICHIER_ESTIMATIONS
    contenu = _lire(dossier / f)
    loyer = _dictionnaire(f, "loyer_m2", contenu.get("loyer_m2"))
    zones = {
        nom: {str(k): _decimal(f, f"loyer_m2.{nom}.{k}", v) for k, v in _dictionnaire(f, nom, loyer.get(nom)).items()}
        for nom in ("epci", "departements", "regions")
    }
    surfaces = {
        _entier(f, f"surfaces_par_pieces.m2.{k}", k): _decimal(f, f"surfaces_par_pieces.m2.{k}", v)
        for k, v in _dictionnaire(
            f, "m2", _dictionnaire(f, "surfaces_par_pieces", contenu.get("surfaces_par_pieces")).get("m2")
        ).items()
    }
    if sorted(surfaces) != list(range(1, len(surfaces) + 1)):
        raise ParametresPatrimoineInvalides(f"{f} : surfaces_par_pieces.m2 doit couvrir 1, 2, … pièces sans trou.")
    regroupement = _dictionnaire(f, "regroupement", contenu.get("regroupement"))
    communes = contenu.get("communes_fichier_adresses") or []
    if not isinstance(communes, list):
        raise ParametresPatrimoineInvalides(f"{f} : communes_fichier_adresses doit être une liste.")
    return Estimations(
        loyer_m2_epci=zones["epci"],
        loyer_m2_departements=zones["departements"],
        loyer_m2_regions=zones["regions"],
        loyer_m2_france=_decimal(f, "loyer_m2.france", loyer.get("france")),
        surfaces_par_pieces=surfaces,
        taille_max_residence=_entier(f, "regroupement.taille_max", regroupement.get("taille_max")),
        communes_fichier_adresses=frozenset(str(c) for c in communes),
        graine=_entier(f, "graine", contenu.get("graine")),
    )
