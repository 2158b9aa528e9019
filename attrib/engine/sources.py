"""The source of a value as a reader cites it (article, arrêté, date), from the source text stored with it.

The dated data files (``data/parametres/``, ``data/grilles/``) keep, beside each value, its source written
for the people who maintain them: a reliability tag (``[V]`` verified in a primary text, ``[S]`` secondary
source, ``[K]`` to check), the data file or the working note it comes from (``DOMAIN.md §1.3``,
``objectifs_attribution.yaml``) and what is still missing (« Arrêté 2026 non trouvé », « à confirmer »).
None of that is for a reader. :func:`texte_source` is the one presentation of a source used by every
screen, PDF and export: it keeps the citation and drops the rest; a source that only says what is missing
becomes « non publié à ce jour ».
"""

from __future__ import annotations

import re

NON_PUBLIE = "non publié à ce jour"

#: ``[V]``, ``[S]``, ``[K]``, ``[H]`` and their combinations (``[V]/[K]``, ``[S/K]``).
_ETIQUETTE = re.compile(r"\s*\[[VSKH](?:\s*/\s*[VSKH])*\](?:\s*/\s*\[[VSKH]\])*")
#: A reliability written out after a value (« (fiabilité S) », « fiabilité K »).
_FIABILITE = re.compile(r"\s*\(?\bfiabilit[ée]\s*:?\s*[VSKH](?:/[VSKH])*\b\)?")
#: A file or a working note: ``data/parametres/seuils_q1.yaml``, ``DOMAIN.md §1.3``, ``docs/pilotage.md``.
_FICHIER = re.compile(
    r"(?:,?\s*\b(?:comme|voir|cf\.|selon|d'après|reprise? par|lecture de)\s+)?"
    r"(?:\b(?:data|docs)/[\w./-]+|\b[\w-]+(?:/[\w-]+)*\.(?:ya?ml|csv|md|py|json|tsv)\b)"
    r"(?:,?\s*section\s*« [^»]*»)?"
)
#: Sections of the maintainers' working notes: « §1.3 », « §2.1, §2.4 », « §1.4 et §2 ».
_PARAGRAPHE = re.compile(r"§\s*\d+(?:\.\d+)*(?:\s*(?:,|et)\s*§\s*\d+(?:\.\d+)*)*")
#: Working notes of the maintainers: a clause holding one of them is not a citation.
_NOTE = re.compile(
    r"à confirmer|à vérifier|à revérifier|non (?:re)?(?:trouv|relu|vérifi|consult)[ée]*s?|"
    r"\baucune?s? (?:source|reprise|texte|arrêté|ligne)\b[^.;]*\b(?:trouvée?s?|renseignée?s?)|"
    r"\bsources consultées\b|\bseconde vérification\b|\bvaleur manquante\b|"
    r"\bnon (?:renseigné|publié)e?s?\b|n'(?:a|ont) pas été (?:re)?(?:lue?s?|trouvée?s?|vérifiée?s?)|"
    r"n'est pas (?:re)?(?:vérifiée?|lue?)|\brecopier\b|passer la fiabilité|faute de frappe",
    re.IGNORECASE,
)
#: Clause separators of the source texts (kept when the clause around them is kept).
_CLAUSE = re.compile(r"(\s*;\s*|\.\s+|\s+—\s+)")


def _nettoyer(texte: str) -> str:
    texte = re.sub(r"\s*\((?:[^()]*\baddendum\b[^()]*)\)", "", texte)
    texte = re.sub(r"\s*\([^()]*\)", lambda m: "" if _NOTE.search(m.group(0)) else m.group(0), texte)
    texte = _ETIQUETTE.sub("", texte)
    texte = _FIABILITE.sub("", texte)
    texte = _FICHIER.sub("", texte)
    texte = _PARAGRAPHE.sub("", texte)
    texte = re.sub(r"\(\s*(?:[,;:]|et)?\s*\)", "", texte)  # parentheses left empty
    texte = re.sub(r"\(\s*(?:[,;:]|et)\s*", "(", texte)
    texte = re.sub(r"\s*(?:[,;:]|et)\s*\)", ")", texte)
    texte = re.sub(r",\s*(?=[,(])", " ", texte)
    texte = re.sub(r"\s+([,.)])", r"\1", texte)
    texte = re.sub(r"(\w)\s*:\s+", r"\1 : ", texte)
    texte = re.sub(r"\s{2,}", " ", texte)
    texte = re.sub(r"[,;:]\s*\.$", ".", texte)
    return texte.strip(" ,;:—-") if re.search(r"\w", texte) else ""


def texte_source(source: str | None) -> str:
    """The citation a reader needs from a stored source text.

    An empty source gives ``""``; a source that only says what is missing gives « non publié à ce jour ».

    >>> texte_source("DOMAIN.md §1.3 [V] ; handicap reconnu par la carte mobilité inclusion.")
    'handicap reconnu par la carte mobilité inclusion.'
    >>> texte_source("Aucun arrêté 2026 trouvé dans les sources consultées.")
    'non publié à ce jour'
    """
    texte = " ".join((source or "").split())
    if not texte:
        return ""
    morceaux = _CLAUSE.split(texte)
    gardes: list[str] = []
    separateur = ""
    note = False
    for i, morceau in enumerate(morceaux):
        if i % 2:  # a separator
            separateur = morceau
            continue
        propre = _nettoyer(morceau)
        if _NOTE.search(propre):
            note = True
            continue
        if not propre:
            continue
        if gardes:
            gardes.append(separateur)
        gardes.append(propre)
    resultat = "".join(gardes).strip(" ,;:—-")
    if not resultat:
        return NON_PUBLIE if note else ""
    if texte.endswith(".") and not resultat.endswith((".", "»", ")")):
        resultat += "."
    return resultat


__all__ = ["NON_PUBLIE", "texte_source"]
