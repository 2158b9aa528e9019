"""Name normalisation for search and duplicate detection (accents, case, punctuation)."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def normaliser_nom(texte: str) -> str:
    """``"Élodie  D'Arçy-Martin"`` → ``"ELODIE D ARCY MARTIN"``."""
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", sans_accents.upper()).strip()
