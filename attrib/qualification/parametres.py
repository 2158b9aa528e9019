"""Parameters of the rating campaigns, read from ``data/parametres/qualification_parc.yaml`` (through the
parameter tree): the labels
of the notes shown to the raters and the targets of the demonstration campaign. A malformed file
raises ``ParametresQualificationInvalides`` with a French message naming the file and the key."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from attrib.engine.erreurs import ParametresInvalides
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre
from attrib.qualification.models import NOTE_MAX, NOTE_MIN

DOSSIER_PARAMETRES = DOSSIER_PAR_DEFAUT
FICHIER = "qualification_parc.yaml"


class ParametresQualificationInvalides(ValueError):
    """The parameter file of the rating campaigns is malformed."""


@dataclass(frozen=True)
class ParametresDemo:
    part_logements_notes_deux_parties: float
    part_residences_divergentes: float
    reste: dict[str, float]
    loi_notes: dict[int, float]
    loi_ecarts: dict[int, float]
    residences_harmonisees: int


@dataclass(frozen=True)
class ParametresQualification:
    libelles_notes: dict[int, str]
    demo: ParametresDemo

    def choix_notes(self) -> list[tuple[int, str]]:
        return sorted(self.libelles_notes.items())


def _erreur(cle: str, probleme: str) -> ParametresQualificationInvalides:
    return ParametresQualificationInvalides(f"{FICHIER} : {cle} {probleme}")


def _dictionnaire(cle: str, valeur: Any) -> dict[Any, Any]:
    if not isinstance(valeur, dict) or not valeur:
        raise _erreur(cle, "manquant ou qui n'est pas un dictionnaire.")
    return valeur


def _part(cle: str, valeur: Any) -> float:
    try:
        nombre = Decimal(str(valeur))
    except InvalidOperation:
        raise _erreur(cle, f"« {valeur} » n'est pas un nombre.") from None
    if not nombre.is_finite() or not Decimal(0) <= nombre <= Decimal(1):
        raise _erreur(cle, f"« {valeur} » n'est pas une part comprise entre 0 et 1.")
    return float(nombre)


def _loi(cle: str, valeur: Any, valeurs_admises: range) -> dict[int, float]:
    loi = {}
    for k, v in _dictionnaire(cle, valeur).items():
        if isinstance(k, bool) or not isinstance(k, int) or k not in valeurs_admises:
            raise _erreur(
                f"{cle}.{k}", f"n'est pas une valeur admise ({valeurs_admises.start} à {valeurs_admises.stop - 1})."
            )
        loi[k] = _part(f"{cle}.{k}", v)
    if abs(sum(loi.values()) - 1) > 1e-9:
        raise _erreur(cle, f": la somme des parts vaut {sum(loi.values()):.4f} au lieu de 1.")
    return loi


@cache
def parametres(dossier: Path = DOSSIER_PARAMETRES) -> ParametresQualification:
    chemin = dossier / FICHIER
    try:  # the file's content from the parameter tree of the folder (read once)
        contenu = charger_arbre(dossier).brut(FICHIER)
    except ParametresInvalides as exc:
        if not chemin.is_file():
            raise ParametresQualificationInvalides(f"{FICHIER} : fichier introuvable ({chemin}).") from None
        raise ParametresQualificationInvalides(str(exc)) from None
    contenu = _dictionnaire("racine", contenu)

    notes = _dictionnaire(
        "libelles_notes.notes", _dictionnaire("libelles_notes", contenu.get("libelles_notes")).get("notes")
    )
    attendues = set(range(NOTE_MIN, NOTE_MAX + 1))
    if set(notes) != attendues:
        raise _erreur("libelles_notes.notes", f"doit donner un libellé pour chaque note de {NOTE_MIN} à {NOTE_MAX}.")
    libelles = {int(k): str(v) for k, v in notes.items()}
    if any(not v.strip() for v in libelles.values()):
        raise _erreur("libelles_notes.notes", "contient un libellé vide.")

    demo = _dictionnaire("demo", contenu.get("demo"))
    reste = {k: _part(f"demo.reste.{k}", v) for k, v in _dictionnaire("demo.reste", demo.get("reste")).items()}
    if set(reste) != {"commune_seule", "bailleur_seul", "non_notee"} or abs(sum(reste.values()) - 1) > 1e-9:
        raise _erreur("demo.reste", "doit répartir 1 entre commune_seule, bailleur_seul et non_notee.")
    harmonisees = demo.get("residences_harmonisees")
    if isinstance(harmonisees, bool) or not isinstance(harmonisees, int) or harmonisees < 0:
        raise _erreur("demo.residences_harmonisees", f"« {harmonisees} » n'est pas un entier positif ou nul.")
    return ParametresQualification(
        libelles_notes=libelles,
        demo=ParametresDemo(
            part_logements_notes_deux_parties=_part(
                "demo.part_logements_notes_deux_parties", demo.get("part_logements_notes_deux_parties")
            ),
            part_residences_divergentes=_part(
                "demo.part_residences_divergentes", demo.get("part_residences_divergentes")
            ),
            reste=reste,
            loi_notes=_loi("demo.loi_notes", demo.get("loi_notes"), range(NOTE_MIN, NOTE_MAX + 1)),
            loi_ecarts=_loi("demo.loi_ecarts", demo.get("loi_ecarts"), range(1, NOTE_MAX - NOTE_MIN + 1)),
            residences_harmonisees=harmonisees,
        ),
    )
