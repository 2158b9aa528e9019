"""The one writer of the product's CSV and Excel files: every export goes through it (a test checks that no
other module writes CSV or builds a workbook).

What it guarantees, whatever the caller passes (``docs/decisions/0004-exports-surs.md``):

* **no formula**: a text that a spreadsheet would evaluate (it begins with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return) is neutralised. In a CSV it is prefixed with an apostrophe (the readers of
  the interchange formats remove it); in a workbook it is stored as a text cell marked « quote prefix »,
  Excel's own mark of a text typed with an apostrophe, so that the value stays exactly what was written;
* **no forbidden character**: control characters, bidirectional overrides and lone surrogates are removed
  (openpyxl refuses some of them, which made an export fail for everybody who saw the record);
* **typed values**: numbers stay numbers, dates stay dates (``JJ/MM/AAAA`` in a CSV, a date cell shown
  ``DD/MM/YYYY`` in a workbook), booleans are written ``oui`` / ``non``. Codes are the caller's business:
  human-facing exports pass their French labels.

CSV files are UTF-8 with a BOM (spreadsheets then read the accents), ``;``-separated, ``\\r\\n`` line ends.
"""

from __future__ import annotations

import csv
import io
import numbers
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from attrib.engine.formats.cellules import DEBUTS_FORMULE, nettoyer, neutraliser

TYPE_CSV = "text/csv; charset=utf-8"
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEPARATEUR = ";"
BOM = "\ufeff"
FORMAT_DATE = "%d/%m/%Y"
FORMAT_DATE_HEURE = "%d/%m/%Y %H:%M"
FORMAT_DATE_EXCEL = "DD/MM/YYYY"
FORMAT_DATE_HEURE_EXCEL = "DD/MM/YYYY HH:MM"
#: Longest text an Excel cell holds.
LONGUEUR_MAX_EXCEL = 32767
_TITRE_INTERDIT = re.compile(r"[\[\]:*?/\\]")


def _locale(valeur: datetime) -> datetime:
    """A naive local date and time (Excel knows no time zone)."""
    if valeur.tzinfo is None:
        return valeur
    from django.utils import timezone

    return timezone.localtime(valeur).replace(tzinfo=None)


# --- CSV ------------------------------------------------------------------------------------------


def valeur_csv(valeur: Any) -> Any:
    """What one CSV cell holds: numbers as they are, dates ``JJ/MM/AAAA``, booleans ``oui``/``non``, empty
    for ``None``, any other value as a cleaned and neutralised text."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, int | float | Decimal):
        return valeur
    if isinstance(valeur, numbers.Real):
        return float(valeur)
    if isinstance(valeur, datetime):
        return f"{_locale(valeur):{FORMAT_DATE_HEURE}}"
    if isinstance(valeur, date):
        return f"{valeur:{FORMAT_DATE}}"
    return neutraliser(str(valeur))


class _Echo:
    def write(self, valeur: str) -> str:
        return valeur


def morceaux_csv(entete: Sequence[Any], lignes: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text piece by piece (BOM and header first, then one piece per row): for a streamed answer."""
    ecrivain = csv.writer(_Echo(), delimiter=SEPARATEUR, lineterminator="\r\n")
    yield BOM + ecrivain.writerow([valeur_csv(v) for v in entete])
    for ligne in lignes:
        yield ecrivain.writerow([valeur_csv(v) for v in ligne])


def ecrire_csv(flux: IO[str], entete: Sequence[Any], lignes: Iterable[Sequence[Any]]) -> int:
    """Write the CSV to a text stream (opened with ``newline=""``); returns the number of rows (header aside)."""
    morceaux = morceaux_csv(entete, lignes)
    flux.write(next(morceaux))
    n = 0
    for morceau in morceaux:
        flux.write(morceau)
        n += 1
    return n


def csv_octets(entete: Sequence[Any], lignes: Iterable[Sequence[Any]]) -> bytes:
    """The whole CSV file, UTF-8 with a BOM."""
    flux = io.StringIO()
    ecrire_csv(flux, entete, lignes)
    return flux.getvalue().encode("utf-8")


# --- Excel ----------------------------------------------------------------------------------------


def titre_feuille(titre: str) -> str:
    """A sheet name Excel accepts: without ``[]:*?/\\`` nor control characters, 31 characters at most."""
    propre = _TITRE_INTERDIT.sub(" ", nettoyer(titre)).strip(" '")
    return propre[:31] or "Feuille"


class Feuille:
    """One sheet. Values go in through :meth:`ajouter` only; ``ws`` (the openpyxl sheet) is there for the
    layout: column widths, frozen panes, styles, number formats, data validation."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.lignes = 0

    def cellule(self, valeur: Any, *, format_nombre: str | None = None, police: Any = None, fond: Any = None) -> Any:
        """The openpyxl cell of a value, typed and neutralised (see the module's docstring)."""
        from openpyxl.cell import WriteOnlyCell

        if isinstance(valeur, bool):
            valeur = "oui" if valeur else "non"
        elif isinstance(valeur, numbers.Real) and not isinstance(valeur, int | float | Decimal):
            valeur = float(valeur)
        elif isinstance(valeur, datetime):
            valeur = _locale(valeur)
            format_nombre = format_nombre or FORMAT_DATE_HEURE_EXCEL
        elif isinstance(valeur, date):
            format_nombre = format_nombre or FORMAT_DATE_EXCEL
        elif valeur is not None and not isinstance(valeur, int | float | Decimal):
            valeur = nettoyer(str(valeur))[:LONGUEUR_MAX_EXCEL]
        cellule = WriteOnlyCell(self.ws, value=valeur)
        if isinstance(valeur, str):
            cellule.data_type = "s"  # a text, never a formula
            if valeur.startswith(DEBUTS_FORMULE):
                cellule.quotePrefix = True
        if format_nombre:
            cellule.number_format = format_nombre
        if police is not None:
            cellule.font = police
        if fond is not None:
            cellule.fill = fond
        return cellule

    def ajouter(
        self,
        valeurs: Iterable[Any],
        *,
        gras: bool = False,
        police: Any = None,
        fond: Any = None,
        formats: Sequence[str | None] = (),
    ) -> None:
        """Append one row. ``formats``: number formats by position (``None``: the default of the value's type)."""
        if gras and police is None:
            from openpyxl.styles import Font

            police = Font(bold=True)
        formats = list(formats)
        self.ws.append(
            [
                self.cellule(v, format_nombre=formats[i] if i < len(formats) else None, police=police, fond=fond)
                for i, v in enumerate(valeurs)
            ]
        )
        self.lignes += 1

    def largeurs(self, largeurs: Iterable[float], *, premiere: int = 1) -> None:
        """Column widths, from column ``premiere`` (1 = A) on."""
        from openpyxl.utils import get_column_letter

        for i, largeur in enumerate(largeurs, start=premiere):
            self.ws.column_dimensions[get_column_letter(i)].width = largeur

    def figer(self, cellule: str) -> None:
        self.ws.freeze_panes = cellule


class Classeur:
    """An Excel workbook. ``flux_continu``: openpyxl's streaming mode (rows written as they come, for
    large exports; styles only through :meth:`Feuille.ajouter`, widths and frozen panes before the rows)."""

    def __init__(self, *, flux_continu: bool = False) -> None:
        from openpyxl import Workbook

        self._classeur = Workbook(write_only=flux_continu)
        self._premiere = None if flux_continu else self._classeur.active
        self.feuilles: list[Feuille] = []

    def feuille(self, titre: str) -> Feuille:
        if self._premiere is not None:
            ws, self._premiere = self._premiere, None
            ws.title = titre_feuille(titre)
        else:
            ws = self._classeur.create_sheet(titre_feuille(titre))
        feuille = Feuille(ws)
        self.feuilles.append(feuille)
        return feuille

    def enregistrer(self, flux: IO[bytes]) -> None:
        if not self.feuilles:
            self.feuille("Feuille")
        self._classeur.save(flux)

    def octets(self) -> bytes:
        flux = io.BytesIO()
        self.enregistrer(flux)
        return flux.getvalue()
