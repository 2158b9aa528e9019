"""Essential-worker sectors (L441-1 CCH, 35th paragraph; loi 3DS art. 78), read from
``data/parametres/travailleurs_essentiels.yaml`` through the parameter tree.

An applicant is an *essential worker* when their job cannot be done remotely **and** is in one of the
sectors of the list in force. The list is set locally by the CIL; the file ships a default list, dated and
sourced, that a territory replaces by adding a dated version. Pure module: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.parametres.arbre import charger_arbre

FICHIER = "travailleurs_essentiels.yaml"
FIABILITES = ("V", "S", "K", "choix_local")


@dataclass(frozen=True, slots=True)
class Secteur:
    code: str
    libelle: str


@dataclass(frozen=True, slots=True)
class ListeSecteurs:
    """One dated version of the list of essential sectors."""

    date_effet: date
    secteurs: tuple[Secteur, ...]
    article: str
    source: str
    fiabilite: str
    note: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.secteurs)

    def libelle(self, code: str) -> str:
        return next((s.libelle for s in self.secteurs if s.code == code), code)


def _erreur(chemin: Path, message: str) -> ParametresInvalides:
    return ParametresInvalides(f"{chemin.name} : {message}")


def _lire_version(chemin: Path, i: int, brut: Any) -> ListeSecteurs:
    ou = f"version n° {i + 1}"
    if not isinstance(brut, dict):
        raise _erreur(chemin, f"{ou} : un dictionnaire est attendu.")
    date_effet = brut.get("date_effet")
    if not isinstance(date_effet, date):
        raise _erreur(chemin, f"{ou} : « date_effet » doit être une date AAAA-MM-JJ.")
    fiabilite = str(brut.get("fiabilite", ""))
    if fiabilite not in FIABILITES:
        raise _erreur(chemin, f"{ou} : « fiabilite » doit valoir {', '.join(FIABILITES)} (lu « {fiabilite} »).")
    source = " ".join(str(brut.get("source") or "").split())
    if not source:
        raise _erreur(chemin, f"{ou} : la « source » de la liste est obligatoire.")
    secteurs = []
    vus: set[str] = set()
    for j, s in enumerate(brut.get("secteurs") or []):
        if not isinstance(s, dict) or not s.get("code") or not s.get("libelle"):
            raise _erreur(chemin, f"{ou}, secteur n° {j + 1} : « code » et « libelle » sont obligatoires.")
        code = str(s["code"])
        if len(code) > 40 or not code.replace("_", "").isalnum() or code != code.lower():
            raise _erreur(chemin, f"{ou}, secteur n° {j + 1} : code « {code} » invalide (minuscules, chiffres, _).")
        if code in vus:
            raise _erreur(chemin, f"{ou} : le code « {code} » apparaît deux fois.")
        vus.add(code)
        secteurs.append(Secteur(code=code, libelle=" ".join(str(s["libelle"]).split())))
    if not secteurs:
        raise _erreur(chemin, f"{ou} : la liste des secteurs est vide.")
    return ListeSecteurs(
        date_effet=date_effet,
        secteurs=tuple(secteurs),
        article=str(brut.get("article") or ""),
        source=source,
        fiabilite=fiabilite,
        note=" ".join(str(brut.get("note") or "").split()),
    )


@lru_cache(maxsize=4)
def charger_listes(dossier: Path | str | None = None) -> tuple[ListeSecteurs, ...]:
    """Every version of the list, oldest first (the file's content comes from the parameter tree, which
    checks its dates, sources and reliabilities; the sectors are checked here)."""
    arbre = charger_arbre(dossier)
    chemin = arbre.dossier / FICHIER
    donnees = arbre.brut(FICHIER)
    if not isinstance(donnees, dict) or not isinstance(donnees.get("versions"), list) or not donnees["versions"]:
        raise _erreur(chemin, "une liste « versions » non vide est attendue.")
    versions = sorted(
        (_lire_version(chemin, i, v) for i, v in enumerate(donnees["versions"])), key=lambda v: v.date_effet
    )
    return tuple(versions)


def liste_en_vigueur(jour: date | None = None, dossier: Path | str | None = None) -> ListeSecteurs:
    """The list in force on ``jour`` (today by default)."""
    jour = jour or date.today()
    en_vigueur = [v for v in charger_listes(dossier) if v.date_effet <= jour]
    if not en_vigueur:
        raise ParametreNonRenseigne(f"Aucune liste de secteurs essentiels en vigueur le {jour:%d/%m/%Y} ({FICHIER}).")
    return en_vigueur[-1]


def tous_les_secteurs(dossier: Path | str | None = None) -> tuple[Secteur, ...]:
    """Every code any version ever defined (latest wording first): what a stored demand may carry."""
    resultat: dict[str, Secteur] = {}
    for version in reversed(charger_listes(dossier)):
        for s in version.secteurs:
            resultat.setdefault(s.code, s)
    return tuple(resultat.values())
