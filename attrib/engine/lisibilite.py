"""Plain French for what an applicant reads: a readability score, and the checks of a text (issue 13, point 7).

* **Readability**: Kandel & Moles' French adaptation of Flesch's reading ease (1958),
  ``207 − 1.015 × words per sentence − 73.6 × syllables per word`` (:func:`kandel_moles`), read on Flesch's
  scale (60–70 « standard »). The LIX (``words per sentence + 100 × long words / words``, a long word having
  more than six letters) is given too (:func:`lix`): it needs no syllable and checks the other.
* **Syllables** (:func:`syllabes`): a documented heuristic on the spelling, no dictionary. Each group of
  consecutive vowels (``a e i o u y`` and their accented forms) is one syllable, with these corrections:
  a final mute ``e`` / ``es`` after a consonant is not counted (« table » 1, « ménage » 2, but « année » 2);
  ``é`` followed by another vowel starts a new syllable (« réaction », « créer »), except the final
  ``ée``/``ées``; ``u`` followed by ``a``, ``e``, ``é`` or ``o`` is two syllables unless after ``q`` or ``g``
  (« situation », « actuel », but « question », « guérir »); ``i`` followed by a vowel after a consonant and
  ``r`` or ``l`` is two (« priorité », « client »); a ``y`` between two vowels belongs to both
  (« loyer », « moyen »). Known limits: the verbal ending ``-ent`` is counted (« ils demandent » 3),
  some diaereses and hiatus are missed; the scores are meant to compare wordings, not to grade literature.
* **Words** (:func:`mots`): runs of letters, apostrophes and hyphens between letters (« l'ancienneté »,
  « c'est-à-dire » are one word each), and numbers (« 1 000 », « 01/09/2019 » one word, counted as one syllable).
* **Sentences** (:func:`phrases`): a text is cut after ``.``, ``!``, ``?``, ``…`` and at every line break
  (a list item is a sentence); a colon or a semicolon does not end a sentence.
* **Checks** (:func:`examiner`): each sentence at most ``mots_par_phrase_max`` words; the whole text a
  readability of at least ``seuil_texte`` when it has ``mots_texte`` words or more, ``seuil_court`` when it is
  shorter (the formula says nothing of a lone sentence: Flesch measured samples of 100 words); every acronym known and spelt out in the
  sentence of its first use (``sigles``), or of everyday use (``sigles_usuels``); every trade word explained in
  the sentence of its first use (``jargon``: « taux d'effort » with « des ressources »); no English technical word
  (``mots_anglais``); nothing internal (a ``snake_case`` code, a ``[K]`` reliability tag, a file name, a
  ``§`` reference, a template or a field left unrendered).

The rules are data: ``attrib/engine/donnees/langage_clair.yaml`` (:func:`charger_regles`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

FICHIER_REGLES = Path(__file__).resolve().parent / "donnees" / "langage_clair.yaml"

_VOYELLES = "aeiouyàâäéèêëîïôöùûüÿœæ"
_MOT = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d(?:[\d\u00a0\u202f ,./]*\d)?")
_LETTRES = re.compile(r"[^\W\d_]+")
_FIN_DE_PHRASE = re.compile(r"(?<=[.!?…])[»”\")\]]*\s+|\n+")
_SIGLE = re.compile(r"\b[A-ZÀ-Ý]{2,}\b")

#: What betrays an internal value: a code (``l441_g``, ``typologie_min``), a reliability tag (``[K]``,
#: ``[V]/[K]``), a file name, a section reference of a design document, a template or a Python value left over.
INTERNES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("code interne", re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
    ("étiquette de fiabilité", re.compile(r"\[(?:[VSKHD](?:/[VSKHD])?|hypothèse)\]")),
    ("nom de fichier", re.compile(r"\b[\w-]+\.(?:ya?ml|py|md|csv|json|html|txt)\b", re.IGNORECASE)),
    ("référence de document interne", re.compile(r"§|\bDOMAIN\b|\bDESIGN\b")),
    ("gabarit non rendu", re.compile(r"\{\{|\}\}|\{%|%\}")),
    ("valeur technique", re.compile(r"\b(?:None|True|False|NaN)\b|<[a-z]+[^>]*>")),
)


@dataclass(frozen=True)
class ReglesLangage:
    """The rules of :data:`FICHIER_REGLES`."""

    mots_texte: int
    seuil_texte: float
    seuil_court: float
    mots_par_phrase_max: int
    sigles: MappingProxyType[str, str]
    sigles_usuels: frozenset[str]
    mots_anglais: frozenset[str]
    #: Trade words (lower case) and the words that must explain them in the sentence of their first use.
    jargon: MappingProxyType[str, str]


def charger_regles(fichier: Path | None = None) -> ReglesLangage:
    return _charger((fichier or FICHIER_REGLES).resolve())


@lru_cache(maxsize=4)
def _charger(fichier: Path) -> ReglesLangage:
    donnees: dict[str, Any] = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    if donnees.get("formule") != "kandel_moles":
        raise ValueError(f"{fichier.name} : seule la formule « kandel_moles » est connue.")
    return ReglesLangage(
        mots_texte=int(donnees["mots_texte"]),
        seuil_texte=float(donnees["seuil_texte"]),
        seuil_court=float(donnees["seuil_court"]),
        mots_par_phrase_max=int(donnees["mots_par_phrase_max"]),
        sigles=MappingProxyType({str(k): str(v) for k, v in donnees["sigles"].items()}),
        sigles_usuels=frozenset(str(s) for s in donnees.get("sigles_usuels") or ()),
        mots_anglais=frozenset(str(m).lower() for m in donnees.get("mots_anglais") or ()),
        jargon=MappingProxyType({str(k).lower(): str(v) for k, v in (donnees.get("jargon") or {}).items()}),
    )


# --- counting --------------------------------------------------------------------------------------------------


def _est_voyelle(c: str) -> bool:
    return c in _VOYELLES


def _syllabes_lettres(mot: str) -> int:
    """Syllables of one run of letters (lower case)."""
    n = len(mot)
    if not n:
        return 0
    compte = 0
    i = 0
    while i < n:
        if not _est_voyelle(mot[i]):
            i += 1
            continue
        compte += 1
        j = i + 1
        while j < n and _est_voyelle(mot[j]):
            precedente, courante = mot[j - 1], mot[j]
            reste = mot[j:]
            coupe = (
                # é + vowel: « ré-ac-tion », « cré-er », but the final « ée », « ées » is one syllable.
                (precedente == "é" and reste not in ("e", "es"))
                # a vowel (not u: « gué-rir ») then é: « po-é-sie », « a-é-ro-port ».
                or (courante == "é" and precedente in "aeio")
                # u + a/e/é/o, not after q or g: « si-tu-a-tion », « ac-tu-el ».
                or (
                    precedente == "u"
                    and courante in "aeéo"
                    and j >= 2
                    and mot[j - 2] not in "qg"
                    and not _est_voyelle(mot[j - 2])
                    and reste not in ("e", "es")
                )
                # consonant + r/l + i + vowel: « pri-o-ri-té », « cli-ent ».
                or (
                    precedente == "i"
                    and j >= 3
                    and mot[j - 2] in "rl"
                    and not _est_voyelle(mot[j - 3])
                    and reste not in ("e", "es")
                )
                # a y between vowels belongs to both: « lo-yer », « mo-yen ».
                or (precedente == "y" and j >= 2 and _est_voyelle(mot[j - 2]))
            )
            if coupe:
                compte += 1
            j += 1
        i = j
    # A final mute e (« table », « ménages »), not when it is the only vowel (« le », « de ») nor after a vowel
    # (« année », « vie »).
    for fin in ("es", "e"):
        if mot.endswith(fin) and len(mot) > len(fin):
            avant = mot[-len(fin) - 1]
            if compte > 1 and not _est_voyelle(avant):
                compte -= 1
            break
    return max(compte, 1)


def syllabes(mot: str) -> int:
    """Syllables of a word (see the module's heuristic); a number counts one."""
    if mot[:1].isdigit():
        return 1
    minuscules = unicodedata.normalize("NFC", mot.lower())
    return sum(_syllabes_lettres(m) for m in _LETTRES.findall(minuscules)) or 1


def mots(texte: str) -> list[str]:
    return _MOT.findall(texte)


def phrases(texte: str) -> list[str]:
    """The sentences of ``texte`` (each list item or line is one), without the empty ones."""
    resultat = []
    for morceau in _FIN_DE_PHRASE.split(texte):
        morceau = morceau.strip(" \t-–—•*")
        if mots(morceau):
            resultat.append(morceau)
    return resultat


@dataclass(frozen=True)
class Mesure:
    phrases: int
    mots: int
    syllabes: int
    mots_longs: int

    @property
    def kandel_moles(self) -> float:
        if not self.mots:
            return 100.0
        return 207 - 1.015 * self.mots / max(self.phrases, 1) - 73.6 * self.syllabes / self.mots

    @property
    def lix(self) -> float:
        if not self.mots:
            return 0.0
        return self.mots / max(self.phrases, 1) + 100 * self.mots_longs / self.mots


def mesurer(textes: str | Iterable[str]) -> Mesure:
    """The counts of one text, or of several texts read one after the other."""
    liste = [textes] if isinstance(textes, str) else list(textes)
    n_phrases = n_mots = n_syllabes = n_longs = 0
    for texte in liste:
        for phrase in phrases(texte):
            n_phrases += 1
            for mot in mots(phrase):
                n_mots += 1
                n_syllabes += syllabes(mot)
                n_longs += sum(len(m) for m in _LETTRES.findall(mot)) > 6
    return Mesure(n_phrases, n_mots, n_syllabes, n_longs)


def kandel_moles(texte: str | Iterable[str]) -> float:
    return mesurer(texte).kandel_moles


def lix(texte: str | Iterable[str]) -> float:
    return mesurer(texte).lix


# --- the checks -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Defaut:
    """What is wrong with a sentence of a text (``phrase``), in French."""

    phrase: str
    raison: str

    def __str__(self) -> str:
        return f"{self.raison} — « {self.phrase} »"


def _simplifier(texte: str) -> str:
    """Lower case, typographic apostrophes and spaces made plain (to find an expansion in a sentence)."""
    texte = texte.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", texte).lower()


def examiner(
    textes: str | Sequence[str],
    *,
    regles: ReglesLangage | None = None,
    noms_propres: Iterable[str] = (),
    lisibilite: bool = True,
) -> list[Defaut]:
    """Every fault of ``textes`` (one text, or several read together: an acronym spelt out in the first need
    not be again), by the rules of :data:`FICHIER_REGLES`. ``noms_propres``: names taken as they are (an
    organisation « CA Le Grand Narbonne »): neither their acronyms nor their words are checked.
    ``lisibilite=False``: only the vocabulary (acronyms, English, internal values), for texts that are not
    sentences (a page with its menus and tables)."""
    regles = regles or charger_regles()
    liste = [textes] if isinstance(textes, str) else list(textes)
    noms = sorted({n for n in noms_propres if n}, key=len, reverse=True)
    defauts: list[Defaut] = []
    expliques: set[str] = set()
    toutes: list[str] = []
    for texte in liste:
        for phrase in phrases(texte):
            lue = phrase
            for nom in noms:
                lue = lue.replace(nom, " ")
            toutes.append(lue)
            defauts += _examiner_phrase(phrase, lue, regles, expliques, lisibilite)
    if lisibilite and toutes:
        mesure = mesurer(toutes)
        seuil = regles.seuil_texte if mesure.mots >= regles.mots_texte else regles.seuil_court
        if mesure.kandel_moles < seuil:
            defauts.append(
                Defaut(
                    " / ".join(toutes)[:300],
                    f"texte trop difficile : indice de Kandel et Moles {mesure.kandel_moles:.0f} < {seuil:.0f} "
                    f"({mesure.mots} mots)",
                )
            )
    return defauts


def _examiner_phrase(
    phrase: str, lue: str, regles: ReglesLangage, expliques: set[str], lisibilite: bool
) -> list[Defaut]:
    defauts = []
    if lisibilite:
        nombre = len(mots(lue))
        if nombre > regles.mots_par_phrase_max:
            defauts.append(Defaut(phrase, f"phrase trop longue : {nombre} mots > {regles.mots_par_phrase_max}"))
    simple = _simplifier(lue)
    for sigle in dict.fromkeys(_SIGLE.findall(lue)):
        if sigle in regles.sigles_usuels or sigle in expliques:
            continue
        developpe = regles.sigles.get(sigle)
        if developpe is None:
            defauts.append(Defaut(phrase, f"sigle inconnu : « {sigle} »"))
        elif _simplifier(developpe) not in simple:
            defauts.append(Defaut(phrase, f"sigle non expliqué : « {sigle} » ({developpe})"))
        expliques.add(sigle)
    for terme, explication in regles.jargon.items():
        if terme in expliques or not re.search(rf"\b{re.escape(terme)}", simple):
            continue
        if _simplifier(explication) not in simple:
            defauts.append(Defaut(phrase, f"mot du métier non expliqué : « {terme} » (attendu : « {explication} »)"))
        expliques.add(terme)
    for mot in mots(lue):
        if mot.lower() in regles.mots_anglais:
            defauts.append(Defaut(phrase, f"mot technique anglais : « {mot} »"))
    for nature, motif in INTERNES:
        trouve = motif.search(lue)
        if trouve:
            defauts.append(Defaut(phrase, f"{nature} : « {trouve.group(0)} »"))
    return defauts
