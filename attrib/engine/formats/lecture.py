"""The one tabular reader under every import: CSV or Excel in, rows with their line numbers out.

- **Encoding** (CSV): UTF-8 with or without BOM, then Windows-1252 (what Excel saves as « CSV »); a file that
  is neither is refused (« fichier illisible : ni UTF-8 ni Windows-1252 »). A format that publishes a narrower
  contract passes its own ``encodages`` (the demand format: UTF-8 only).
- **Delimiter** (CSV): sniffed on the first non-empty line among ``;``, ``,`` and tab (a format may narrow
  ``separateurs``); the one found most often outside quotes wins, ``;`` on a tie.
- **Excel**: ``.xlsx`` read with openpyxl in read-only mode (values, not formulas), first sheet unless named.

**Bounds** (:class:`Bornes`, technical limits the Django side takes from settings ``ATTRIB_IMPORT_*``): bytes of
the file, uncompressed bytes of an .xlsx (its ZIP members are summed before openpyxl opens anything, so a
"zip bomb" is refused unread), rows, columns and characters per cell, each refused with a French message naming
the limit (and the line).

Errors are located: :class:`ErreurLecture` says « ligne 12, colonne « date_naissance » : … ». Nothing here
touches a database.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

#: What the reader tries, in order. Windows-1252 is Latin-1 with printable characters in 0x80–0x9F.
ENCODAGES = ("utf-8", "cp1252")
SEPARATEURS = (";", ",", "\t")
_NOMS_ENCODAGES = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
_NOMS_SEPARATEURS = {";": "le point-virgule « ; »", ",": "la virgule « , »", "\t": "la tabulation"}


@dataclass(frozen=True)
class Bornes:
    """Technical limits of one imported file (not legal values; defaults mirror the settings' defaults)."""

    octets: int = 50 * 1024 * 1024
    lignes: int = 500_000
    colonnes: int = 300
    cellule: int = 10_000
    decompresse: int = 500 * 1024 * 1024


BORNES = Bornes()


def _nombre(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def verifier_taille(taille: int, bornes: Bornes = BORNES) -> None:
    """Refuse a file of ``taille`` bytes beyond the bound, before reading it."""
    if taille > bornes.octets:
        raise ErreurLecture(
            None,
            None,
            f"fichier trop volumineux : {_nombre(taille)} octets, {_nombre(bornes.octets)} au plus ; "
            "découpez-le en plusieurs fichiers",
        )


def _borner(rangees: Generator[Ligne, None, None], bornes: Bornes) -> Generator[Ligne, None, None]:
    """The rows, stopped at the first one beyond a bound (rows, columns, characters of a cell)."""
    for n, ligne in enumerate(rangees, start=1):
        if n > bornes.lignes + 1:  # the header is not a data row
            raise ErreurLecture(
                ligne.numero, None, f"trop de lignes : {_nombre(bornes.lignes)} au plus ; découpez le fichier"
            )
        cellules = ligne.cellules
        if len(cellules) > bornes.colonnes:
            while cellules and (cellules[-1] is None or cellules[-1] == ""):
                cellules = cellules[:-1]
            if len(cellules) > bornes.colonnes:
                raise ErreurLecture(ligne.numero, None, f"trop de colonnes : {_nombre(bornes.colonnes)} au plus")
            ligne = Ligne(ligne.numero, cellules)
        for i, c in enumerate(cellules):
            if isinstance(c, str) and len(c) > bornes.cellule:
                raise ErreurLecture(
                    ligne.numero,
                    f"n° {i + 1}",
                    f"cellule trop longue : {_nombre(len(c))} caractères, {_nombre(bornes.cellule)} au plus",
                )
        yield ligne


def situer(ligne: int | None, colonne: str | None, message: str) -> str:
    """« ligne 12, colonne « date_naissance » : … », or the message alone when nothing locates it."""
    lieu = ", ".join(
        p for p in (f"ligne {ligne}" if ligne is not None else "", f"colonne « {colonne} »" if colonne else "") if p
    )
    return f"{lieu} : {message}" if lieu else message


@dataclass(frozen=True)
class ErreurLecture(Exception):
    """A file that cannot be read, or a line of it, located by line (1 = first line) and column."""

    ligne: int | None
    colonne: str | None
    message: str

    def __str__(self) -> str:
        return situer(self.ligne, self.colonne, self.message)


@dataclass(frozen=True)
class Ligne:
    """One row: its line number in the file (the line where a CSV record starts; the row of a sheet)."""

    numero: int
    cellules: tuple[Any, ...]

    def vide(self) -> bool:
        return all(c is None or (isinstance(c, str) and not c.strip()) for c in self.cellules)


@dataclass
class Tableau:
    """A file opened for reading: ``lignes`` yields every row, the header included (line 1)."""

    format: Literal["csv", "xlsx"]
    lignes: Generator[Ligne, None, None]
    encodage: str | None = None
    separateur: str | None = None
    avertissements: list[str] = field(default_factory=list)


def decoder(contenu: bytes, *, encodages: Sequence[str] = ENCODAGES) -> tuple[str, str]:
    """``(text, encoding)``: the BOM removed, the first encoding of ``encodages`` that decodes the whole file.
    Raises :class:`ErreurLecture` naming the first line that no encoding reads."""
    if contenu.startswith(b"\xef\xbb\xbf"):
        contenu = contenu[3:]
        encodages = ("utf-8",)
    if b"\x00" in contenu:
        # UTF-16 or a binary file: every byte of it would decode as Windows-1252, to no avail.
        raise ErreurLecture(None, None, f"fichier illisible : {_attendus(encodages)} (fichier binaire ou UTF-16)")
    premiere_erreur: UnicodeDecodeError | None = None
    for encodage in encodages:
        try:
            return contenu.decode(encodage), encodage
        except UnicodeDecodeError as exc:
            premiere_erreur = premiere_erreur or exc
    assert premiere_erreur is not None
    ligne = contenu[: premiere_erreur.start].count(b"\n") + 1
    raise ErreurLecture(ligne, None, f"fichier illisible : {_attendus(encodages)}")


def _attendus(encodages: Sequence[str]) -> str:
    noms = [_NOMS_ENCODAGES.get(e, e) for e in encodages]
    if len(noms) == 1:
        return f"le fichier n'est pas encodé en {noms[0]}"
    return "ni " + " ni ".join(noms)


def separateur(texte: str, *, separateurs: Sequence[str] = SEPARATEURS) -> str:
    """The delimiter of the first non-empty line: the candidate found most often outside quotes (the first
    candidate on a tie, or when none is found)."""
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    hors_guillemets = "".join(morceau for i, morceau in enumerate(premiere.split('"')) if i % 2 == 0)
    comptes = [(hors_guillemets.count(s), -i, s) for i, s in enumerate(separateurs)]
    nombre, _, choisi = max(comptes)
    return choisi if nombre else separateurs[0]


def nom_separateur(sep: str) -> str:
    return _NOMS_SEPARATEURS.get(sep, f"« {sep} »")


def lire_csv(
    contenu: bytes | str,
    *,
    encodages: Sequence[str] = ENCODAGES,
    separateurs: Sequence[str] = SEPARATEURS,
    bornes: Bornes = BORNES,
) -> Tableau:
    """Open a CSV file (bytes, or text already decoded). Rows are read lazily; a malformed record (an unclosed
    quote…) or a row beyond :class:`Bornes` raises :class:`ErreurLecture` at its line while iterating."""
    verifier_taille(len(contenu) if isinstance(contenu, bytes) else len(contenu.encode("utf-8", "replace")), bornes)
    if isinstance(contenu, bytes):
        texte, encodage = decoder(contenu, encodages=encodages)
    else:
        texte, encodage = contenu.removeprefix("\ufeff"), None
    sep = separateur(texte, separateurs=separateurs)
    return Tableau("csv", _borner(_rangees_csv(texte, sep, bornes), bornes), encodage=encodage, separateur=sep)


def _rangees_csv(texte: str, sep: str, bornes: Bornes) -> Generator[Ligne, None, None]:
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=sep)
    while True:
        debut = lecteur.line_num + 1
        try:
            cellules = next(lecteur)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ErreurLecture(  # the csv module's own limit (131,072), above any sensible bound
                    debut,
                    None,
                    f"ligne CSV illisible : cellule trop longue ({_nombre(bornes.cellule)} caractères au plus)",
                ) from None
            raise ErreurLecture(debut, None, _erreur_csv(str(exc))) from None
        yield Ligne(debut, tuple(cellules))


#: The csv module's messages (English) and what the user reads instead.
_ERREURS_CSV = (
    ("unexpected end of data", "ligne CSV illisible : fin de fichier au milieu d'une cellule (guillemet non refermé)"),
    ("new-line character seen in unquoted field", "ligne CSV illisible : retour à la ligne hors guillemets"),
    ("line contains nul", "ligne CSV illisible : caractère nul dans la ligne"),
)


def _erreur_csv(message: str) -> str:
    """A French message for an error of the csv module (never its English text)."""
    for anglais, francais in _ERREURS_CSV:
        if anglais in message.lower():
            return francais
    return "ligne CSV illisible : guillemets ou séparateurs incohérents"


MESSAGE_CLASSEUR_ILLISIBLE = "fichier illisible : ce n'est pas un classeur Excel (.xlsx) lisible"


def verifier_zip(source: Any, bornes: Bornes = BORNES) -> None:
    """Refuse an .xlsx whose members would uncompress beyond ``bornes.decompresse`` (a "zip bomb"), reading
    only the archive's directory (the sizes it declares; zipfile also stops a member that lies about it)."""
    try:
        with zipfile.ZipFile(source) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ErreurLecture(None, None, MESSAGE_CLASSEUR_ILLISIBLE) from None
    if total > bornes.decompresse:
        raise ErreurLecture(
            None,
            None,
            f"classeur refusé : {_nombre(total)} octets une fois décompressé, {_nombre(bornes.decompresse)} au plus",
        )


def lire_xlsx(contenu: bytes | Any, *, feuille: str | None = None, bornes: Bornes = BORNES) -> Tableau:
    """Open an Excel workbook (bytes or a binary file object) in read-only mode: the sheet ``feuille`` when the
    workbook has it, else the first one. Cells keep their type (numbers, dates, text; ``None`` when empty).
    The file's size and uncompressed size are checked first, rows as they are read (:class:`Bornes`)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    source = io.BytesIO(contenu) if isinstance(contenu, bytes) else contenu
    if hasattr(source, "seek"):
        source.seek(0, io.SEEK_END)
        verifier_taille(source.tell(), bornes)
        source.seek(0)
    verifier_zip(source, bornes)
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        classeur = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, EOFError):
        raise ErreurLecture(None, None, MESSAGE_CLASSEUR_ILLISIBLE) from None
    if not classeur.worksheets:
        classeur.close()
        raise ErreurLecture(None, None, "fichier illisible : le classeur n'a aucune feuille")
    onglet = classeur[feuille] if feuille and feuille in classeur.sheetnames else classeur.worksheets[0]
    return Tableau("xlsx", _borner(_rangees_xlsx(classeur, onglet), bornes))


def _rangees_xlsx(classeur: Any, onglet: Any) -> Generator[Ligne, None, None]:
    try:
        for numero, rangee in enumerate(onglet.iter_rows(values_only=True), start=1):
            yield Ligne(numero, tuple(rangee))
    finally:
        classeur.close()


def est_classeur(contenu: bytes, nom: str = "") -> bool:
    """An .xlsx file (a ZIP archive) rather than text."""
    return contenu[:2] == b"PK" or nom.lower().endswith(".xlsx")


def lire_tableau(
    contenu: bytes,
    *,
    nom: str = "",
    encodages: Sequence[str] = ENCODAGES,
    separateurs: Sequence[str] = SEPARATEURS,
    feuille: str | None = None,
    bornes: Bornes = BORNES,
) -> Tableau:
    """A CSV or an Excel file, told apart by its first bytes or its name."""
    if est_classeur(contenu, nom):
        return lire_xlsx(contenu, feuille=feuille, bornes=bornes)
    return lire_csv(contenu, encodages=encodages, separateurs=separateurs, bornes=bornes)
