"""Opening hours as a desk writes them and as a household reads them.

A day's ranges are written ``9h-12h, 13h30-17h`` (or ``09:00-12:00``); an exceptional day is one line
``25/12/2026 : fermé (Noël)`` or ``24/12/2026 : 9h-12h (veille de Noël)``. :func:`lire_plages` and
:func:`lire_exceptions` turn them into ranges, with a French message naming what is wrong; :func:`ecrire_plages`
writes ranges back the same way. Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

_HEURE = re.compile(r"^\s*(\d{1,2})\s*(?:[h:H]\s*(\d{2})?)?\s*$")
_EXCEPTION = re.compile(r"^\s*(\d{1,2}/\d{1,2}/\d{4})\s*:\s*(.+?)\s*(?:\((.*)\))?\s*$")


class HoraireInvalide(ValueError):
    """A range or an exception that cannot be read; the message says which and how to write it."""


def _heure(texte: str) -> time:
    correspondance = _HEURE.match(texte)
    if not correspondance:
        raise HoraireInvalide(f"« {texte.strip()} » n'est pas une heure : écrivez par exemple 9h, 9h30 ou 09:30.")
    heures, minutes = int(correspondance.group(1)), int(correspondance.group(2) or 0)
    if heures > 23 or minutes > 59:
        raise HoraireInvalide(f"« {texte.strip()} » n'est pas une heure de la journée.")
    return time(heures, minutes)


def lire_plages(texte: str) -> list[tuple[time, time]]:
    """The ranges of one day, in order (empty text: closed). Overlapping ranges are refused."""
    plages: list[tuple[time, time]] = []
    for morceau in (m for m in re.split(r"[,;]", texte or "") if m.strip()):
        bornes = re.split(r"\s*[-–à]\s*", morceau.strip())
        if len(bornes) != 2:
            raise HoraireInvalide(
                f"« {morceau.strip()} » : écrivez une plage comme 9h-12h, et séparez deux plages par une virgule."
            )
        debut, fin = _heure(bornes[0]), _heure(bornes[1])
        if fin <= debut:
            raise HoraireInvalide(f"« {morceau.strip()} » : l'heure de fermeture doit être après l'heure d'ouverture.")
        plages.append((debut, fin))
    plages.sort()
    for (_, fin), (debut, _) in zip(plages, plages[1:], strict=False):
        if debut < fin:
            raise HoraireInvalide("Deux plages horaires se chevauchent : corrigez-les.")
    return plages


def ecrire_heure(t: time) -> str:
    return f"{t.hour}h{t.minute:02d}" if t.minute else f"{t.hour}h"


def ecrire_plages(plages: list[tuple[time, time]]) -> str:
    return ", ".join(f"{ecrire_heure(d)}-{ecrire_heure(f)}" for d, f in plages)


@dataclass(frozen=True)
class ExceptionSaisie:
    """An exceptional day: closed (``plages`` empty) or open on ``plages`` only."""

    date: date
    plages: tuple[tuple[time, time], ...]
    motif: str = ""


def lire_exceptions(texte: str) -> list[ExceptionSaisie]:
    """One exceptional day per line; a date given twice is refused."""
    exceptions: list[ExceptionSaisie] = []
    vues: set[date] = set()
    for numero, ligne in enumerate((texte or "").splitlines(), start=1):
        if not ligne.strip():
            continue
        correspondance = _EXCEPTION.match(ligne)
        if not correspondance:
            raise HoraireInvalide(
                f"Ligne {numero} : écrivez « JJ/MM/AAAA : fermé » ou « JJ/MM/AAAA : 9h-12h », suivi si vous voulez "
                "du motif entre parenthèses."
            )
        try:
            jour = datetime.strptime(correspondance.group(1), "%d/%m/%Y").date()
        except ValueError as exc:
            raise HoraireInvalide(f"Ligne {numero} : « {correspondance.group(1)} » n'est pas une date.") from exc
        if jour in vues:
            raise HoraireInvalide(f"Ligne {numero} : le {jour:%d/%m/%Y} est déjà indiqué plus haut.")
        vues.add(jour)
        corps = correspondance.group(2).strip()
        motif = (correspondance.group(3) or "").strip()
        if corps.lower().rstrip(".") in ("fermé", "ferme", "fermée", "fermee"):
            plages: list[tuple[time, time]] = []
        else:
            try:
                plages = lire_plages(corps)
            except HoraireInvalide as exc:
                raise HoraireInvalide(f"Ligne {numero} : {exc}") from exc
            if not plages:
                raise HoraireInvalide(f"Ligne {numero} : indiquez « fermé » ou les heures d'ouverture de ce jour.")
        exceptions.append(ExceptionSaisie(jour, tuple(plages), motif[:200]))
    return sorted(exceptions, key=lambda e: e.date)


def ecrire_exceptions(exceptions: list[ExceptionSaisie]) -> str:
    lignes = []
    for e in exceptions:
        corps = ecrire_plages(list(e.plages)) if e.plages else "fermé"
        lignes.append(f"{e.date:%d/%m/%Y} : {corps}" + (f" ({e.motif})" if e.motif else ""))
    return "\n".join(lignes)
