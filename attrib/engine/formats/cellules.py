"""What a text cell of a spreadsheet export may hold: the rule shared by every CSV and Excel file.

Pure module (no Django): the application's writer (``attrib.common.tableurs``), the offline cotation
command and the readers of the interchange formats all use it, so that what one writes the other reads
back (``docs/decisions/0004-exports-surs.md``).

* :func:`nettoyer` removes the characters that have no place in a cell: control characters (a name
  holding one made the Excel export fail, openpyxl refusing them), lone surrogates and the
  bidirectional overrides that make a cell display something else than what it holds. Tab, line feed
  and carriage return are kept inside a text.
* :func:`a_neutraliser` says whether a spreadsheet would read a text as a formula: it begins with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP, « CSV injection »).
* :func:`neutraliser` prefixes such a text with an apostrophe, the spreadsheets' own mark of a text
  typed as is; a text that already begins with apostrophes before one of these characters gets one
  more, so that :func:`retirer_neutralisation` gives back exactly what was written.
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet evaluate a cell (OWASP CSV injection).
DEBUTS_FORMULE = ("=", "+", "-", "@", "\t", "\r")
#: The spreadsheets' mark of a text typed as is.
APOSTROPHE = "'"

_INTERDITS = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 controls but tab, line feed and carriage return
    "\x7f-\x9f"  # DEL and C1 controls
    "\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks, embeddings, overrides and isolates
    "\ud800-\udfff"  # lone surrogates (not encodable in UTF-8)
    "\ufffe\uffff"  # non-characters (not allowed in an XML workbook)
    "]"
)
_NEUTRALISE = re.compile(rf"^{APOSTROPHE}+[{re.escape(''.join(DEBUTS_FORMULE))}]")


def nettoyer(texte: str) -> str:
    """``texte`` without the characters a cell must not hold (see the module's docstring)."""
    return _INTERDITS.sub("", texte)


def a_neutraliser(texte: str) -> bool:
    """Whether a spreadsheet would take ``texte`` as a formula, or it looks like an already neutralised one."""
    return texte.startswith(DEBUTS_FORMULE) or bool(_NEUTRALISE.match(texte))


def neutraliser(texte: str) -> str:
    """``texte`` cleaned, and prefixed with an apostrophe when a spreadsheet would take it as a formula."""
    propre = nettoyer(texte)
    return APOSTROPHE + propre if a_neutraliser(propre) else propre


def retirer_neutralisation(texte: str) -> str:
    """The text an export neutralised, as it was: one leading apostrophe removed before a formula sign."""
    return texte[1:] if _NEUTRALISE.match(texte) else texte
