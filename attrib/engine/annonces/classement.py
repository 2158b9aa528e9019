"""Ranking of the applications to an advert at closing, its published data and its replay.

**Order** (a total order, the same in both paths):

1. cotation score at closing, highest first — rounded to the hundredth (half up, from the number as written:
   ``312.005`` → ``312.01``), the precision of the published data, so that a replay from the published scores
   sees exactly the ties the ranking saw;
2. seniority: date of first filing of the demand, oldest first;
3. the committed draw: :func:`~attrib.engine.annonces.tirage.valeur_tirage` of the application's token,
   smallest first;
4. the token itself (two tokens with the same draw value would need a SHA-256 collision: never reached, but
   the order stays total).

:func:`classer` works on :class:`CandidatureAClasser` records (the reference, one advert);
:func:`classer_colonnes` on a polars frame (many adverts' applications, or a large one); both are tested to give
the same order. :class:`Classement` says for each rank what separated it from the previous one, in French
(:meth:`Rang.raison`), and :meth:`Classement.verify` lists the invariants it breaks.

**Published data** (:func:`donnees_publiees`, format ``attrib-location-voulue-classement`` version 1, described in
``docs/location-voulue-moteur.md``): the advert's reference, the commitment published at opening, the seed, and
the applications in rank order with their token, score (text, two decimals) and date of first filing (ISO).
:func:`rejouer` recomputes the ranking from these data alone and names every discrepancy.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from numbers import Integral, Real
from typing import Any

import polars as pl

from attrib.engine.annonces.tirage import empreinte, graine_conforme, valeur_tirage, verifier_graine, verifier_jeton
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.validation import date_fr

FORMAT = "attrib-location-voulue-classement"
VERSION_FORMAT = 1

#: What separated a rank from the previous one (``SEUL``: the first rank, nothing before it).
SEUL = "seul"
SCORE = "score"
ANCIENNETE = "anciennete"
TIRAGE = "tirage"
DEPARTAGES: tuple[str, ...] = (SEUL, SCORE, ANCIENNETE, TIRAGE)

_CENTIEME = Decimal("0.01")
_SCORE_PUBLIE = re.compile(r"-?[0-9]+\.[0-9]{2}")
_DATE_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --- inputs ----------------------------------------------------------------------------------------


def score_au_centieme(score: object, *, lieu: str = "") -> Decimal:
    """The score as ranked and published: a finite number rounded to the hundredth, half up, from the number as
    written (a float by its shortest representation, so that ``0.1 + 0.2`` is ``0.30``)."""
    if isinstance(score, bool) or not isinstance(score, Decimal | Real):
        raise EntreeInvalide(f"{lieu}score : nombre attendu, reçu « {score} ».")
    if isinstance(score, Decimal):
        valeur = score
    elif isinstance(score, Integral):
        valeur = Decimal(int(score))
    else:
        flottant = float(score)
        if not math.isfinite(flottant):
            raise EntreeInvalide(f"{lieu}score : nombre fini attendu, reçu « {score} ».")
        valeur = Decimal(repr(flottant))
    if not valeur.is_finite():
        raise EntreeInvalide(f"{lieu}score : nombre fini attendu, reçu « {score} ».")
    try:
        return valeur.quantize(_CENTIEME, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise EntreeInvalide(f"{lieu}score : nombre hors d'échelle, reçu « {score} ».") from None


def verifier_date(valeur: object, *, lieu: str = "", libelle: str = "date de premier dépôt") -> date:
    """A calendar date (a date and time would publish an hour)."""
    if isinstance(valeur, datetime) or not isinstance(valeur, date):
        raise EntreeInvalide(f"{lieu}{libelle} : date attendue (sans heure), reçu « {valeur} ».")
    return valeur


@dataclass(frozen=True, slots=True)
class CandidatureAClasser:
    """One application at closing: its public token, the demand's cotation score at closing and the date of
    first filing of the demand (its seniority)."""

    jeton: str
    score: Decimal | float
    depot: date


def _cle(centimes: int, depot: date, tirage: str, jeton: str) -> tuple[int, int, str, str]:
    return (-centimes, depot.toordinal(), tirage, jeton)


def _centimes(score: Decimal) -> int:
    return int(score.scaleb(2))


def _departage(precedent: Rang, rang: Rang) -> str:
    if precedent.score != rang.score:
        return SCORE
    if precedent.depot != rang.depot:
        return ANCIENNETE
    return TIRAGE


# --- result --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rang:
    """One application in the ranking. ``departage``: what separated it from the previous one (:data:`SEUL` for
    the first); ``suivant``: what separated it from the next one (``None`` for the last)."""

    jeton: str
    rang: int  # 1 = first
    score: Decimal
    depot: date
    tirage: str
    departage: str
    suivant: str | None = None

    def raison(self) -> str:
        """Why this application stands here rather than one place higher (the first: rather than lower), in
        plain French for the household."""
        if self.departage == SCORE:
            return "Score moins élevé que celui de la candidature classée juste devant."
        if self.departage == ANCIENNETE:
            return "Même score que la candidature précédente, demande plus récente."
        if self.departage == TIRAGE:
            return (
                "Même score et même ancienneté que la candidature précédente : départagée par le tirage au sort publié."
            )
        if self.suivant is None:
            return "Seule candidature à cette annonce."
        if self.suivant == SCORE:
            return "Première place : meilleur score des candidatures."
        if self.suivant == ANCIENNETE:
            return "Première place : même score que la candidature suivante, demande plus ancienne."
        return (
            "Première place : même score et même ancienneté que la candidature suivante, "
            "placée devant par le tirage au sort publié."
        )

    def libelle_departage(self) -> str:
        """Short French words for a table (« même score, demande plus récente »)."""
        return {
            SEUL: "en tête",
            SCORE: "score moins élevé",
            ANCIENNETE: "même score, demande plus récente",
            TIRAGE: "même score et même ancienneté, tirage au sort",
        }.get(self.departage, self.departage)


@dataclass(frozen=True, slots=True)
class Classement:
    """The ranking of one advert, the seed revealed at closing and the commitment published at opening."""

    rangs: tuple[Rang, ...]
    graine: str
    empreinte: str

    def ordre(self) -> tuple[str, ...]:
        """The tokens in rank order."""
        return tuple(r.jeton for r in self.rangs)

    def rang_de(self, jeton: str) -> Rang:
        for r in self.rangs:
            if r.jeton == jeton:
                return r
        raise KeyError(jeton)

    def verify(self) -> list[str]:
        """Every violated invariant, in French (empty list: the ranking holds): the seed gives the commitment,
        ranks are 1 to n, tokens are distinct, each draw value is recomputed from the seed, the order is
        score, then seniority, then draw, and each rank says truly what separated it from its neighbours."""
        violations: list[str] = []
        try:
            verifier_graine(self.graine)
        except EntreeInvalide as exc:
            return [str(exc)]
        if not graine_conforme(self.graine, self.empreinte):
            violations.append("La graine ne correspond pas à l'empreinte publiée à l'ouverture.")
        vus: set[str] = set()
        for position, r in enumerate(self.rangs, start=1):
            lieu = f"Rang {position}"
            if r.rang != position:
                violations.append(f"{lieu} : numéroté {r.rang}, {position} attendu.")
            if r.jeton in vus:
                violations.append(f"{lieu} : la candidature {r.jeton} figure deux fois.")
            vus.add(r.jeton)
            try:
                tirage = valeur_tirage(self.graine, r.jeton)
            except EntreeInvalide as exc:
                violations.append(f"{lieu} : {exc}")
                continue
            if r.tirage != tirage:
                violations.append(f"{lieu} : valeur du tirage de {r.jeton} différente de celle recalculée.")
            if not isinstance(r.score, Decimal) or not r.score.is_finite() or r.score != score_au_centieme(r.score):
                violations.append(f"{lieu} : score {r.score} non arrondi au centième.")
            attendu = SEUL if position == 1 else _departage(self.rangs[position - 2], r)
            if r.departage != attendu:
                violations.append(f"{lieu} : départage « {r.departage} » annoncé, « {attendu} » constaté.")
            suivant = None if position == len(self.rangs) else _departage(r, self.rangs[position])
            if r.suivant != suivant:
                violations.append(f"{lieu} : écart avec le suivant « {r.suivant} » annoncé, « {suivant} » constaté.")
        for position in range(1, len(self.rangs)):
            a, b = self.rangs[position - 1], self.rangs[position]
            try:
                ordonne = _cle(_centimes(a.score), a.depot, a.tirage, a.jeton) < _cle(
                    _centimes(b.score), b.depot, b.tirage, b.jeton
                )
            except (AttributeError, InvalidOperation, TypeError, ValueError):
                ordonne = False
            if not ordonne:
                violations.append(
                    f"Rangs {position} et {position + 1} : ordre non respecté (score, puis ancienneté, puis tirage)."
                )
        return violations


def classer(candidatures: Sequence[CandidatureAClasser], *, graine: str) -> Classement:
    """Rank the applications of one advert (reference path): score at closing, highest first; then first
    filing, oldest first; then the committed draw, smallest first. :class:`EntreeInvalide` for a malformed
    seed, token, score or date, or a token given twice."""
    verifier_graine(graine)
    lignes = []
    vus: set[str] = set()
    for numero, c in enumerate(candidatures, start=1):
        lieu = f"Candidature n° {numero} : "
        try:
            jeton = verifier_jeton(c.jeton)
        except EntreeInvalide as exc:
            raise EntreeInvalide(f"{lieu}{exc}") from None
        if jeton in vus:
            raise EntreeInvalide(f"{lieu}la candidature {jeton} figure deux fois.")
        vus.add(jeton)
        score = score_au_centieme(c.score, lieu=lieu)
        depot = verifier_date(c.depot, lieu=lieu)
        lignes.append((score, depot, valeur_tirage(graine, jeton), jeton))
    lignes.sort(key=lambda x: _cle(_centimes(x[0]), x[1], x[2], x[3]))
    provisoires = [
        Rang(jeton=j, rang=i, score=s, depot=d, tirage=t, departage=SEUL)
        for i, (s, d, t, j) in enumerate(lignes, start=1)
    ]
    rangs = [
        dataclasses.replace(
            r,
            departage=SEUL if i == 0 else _departage(provisoires[i - 1], r),
            suivant=None if i == len(provisoires) - 1 else _departage(r, provisoires[i + 1]),
        )
        for i, r in enumerate(provisoires)
    ]
    return Classement(rangs=tuple(rangs), graine=graine, empreinte=empreinte(graine))


# --- column path -----------------------------------------------------------------------------------

COLONNES: tuple[str, ...] = ("jeton", "score", "depot")


def classer_colonnes(df: pl.DataFrame, *, graine: str) -> pl.DataFrame:
    """``df`` (columns ``jeton``, ``score``, ``depot``) with two more columns: ``tirage`` (the draw value) and
    ``rang`` (1 = first), rows kept in their order. Same order as :func:`classer`. The score is rounded to the
    hundredth once per distinct value with :func:`score_au_centieme`; the draw value is computed per row (a
    keyed hash has no column form)."""
    verifier_graine(graine)
    manquantes = [c for c in COLONNES if c not in df.columns]
    if manquantes:
        raise EntreeInvalide(f"Colonnes manquantes : {', '.join(manquantes)}.")
    schema = df.schema
    if schema["jeton"] != pl.String:
        raise EntreeInvalide(f"Colonne « jeton » : texte attendu, type {schema['jeton']} reçu.")
    if not (schema["score"].is_numeric() or isinstance(schema["score"], pl.Decimal)):
        raise EntreeInvalide(f"Colonne « score » : nombre attendu, type {schema['score']} reçu.")
    if schema["depot"] != pl.Date:
        raise EntreeInvalide(f"Colonne « depot » : date attendue, type {schema['depot']} reçu.")
    for colonne in COLONNES:
        premiere = df.select(pl.col(colonne).is_null().arg_true().first()).item()
        if premiere is not None:
            raise EntreeInvalide(f"Ligne {int(premiere) + 1} : {colonne} : valeur manquante.")
    infini = df.select((~pl.col("score").cast(pl.Float64).is_finite()).arg_true().first()).item()
    if infini is not None:
        raise EntreeInvalide(f"Ligne {int(infini) + 1} : score : nombre fini attendu.")
    doublon = df.select((~pl.col("jeton").is_first_distinct()).arg_true().first()).item()
    if doublon is not None:
        raise EntreeInvalide(
            f"Ligne {int(doublon) + 1} : la candidature {df.get_column('jeton')[int(doublon)]} figure deux fois."
        )
    jetons = df.get_column("jeton").to_list()
    tirages = []
    for numero, jeton in enumerate(jetons, start=1):
        try:
            tirages.append(valeur_tirage(graine, jeton))
        except EntreeInvalide as exc:
            raise EntreeInvalide(f"Ligne {numero} : {exc}") from None
    distincts = df.get_column("score").unique()
    centimes = pl.DataFrame(
        {
            "score": distincts,
            "_centimes": pl.Series(
                [_centimes(score_au_centieme(s, lieu="")) for s in distincts.to_list()], dtype=pl.Int64
            ),
        }
    )
    return (
        df.with_row_index("_ordre")
        .with_columns(pl.Series("tirage", tirages, dtype=pl.String))
        .join(centimes, on="score", how="left", nulls_equal=False)
        .sort(["_centimes", "depot", "tirage", "jeton"], descending=[True, False, False, False])
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rang"))
        .sort("_ordre")
        .drop("_ordre", "_centimes")
    )


# --- published data and replay ---------------------------------------------------------------------


def donnees_publiees(classement: Classement, *, annonce: str) -> dict[str, Any]:
    """The published data of a closed advert (JSON-able): enough to replay its ranking, nothing that
    identifies a household. Applications in rank order."""
    if not isinstance(annonce, str) or not annonce.strip():
        raise EntreeInvalide("Référence de l'annonce : texte non vide attendu.")
    return {
        "format": FORMAT,
        "version": VERSION_FORMAT,
        "annonce": annonce,
        "empreinte": classement.empreinte,
        "graine": classement.graine,
        "candidatures": [
            {"jeton": r.jeton, "score": f"{r.score:.2f}", "depot": r.depot.isoformat()} for r in classement.rangs
        ],
    }


@dataclass(frozen=True, slots=True)
class Resultat:
    """Outcome of a replay: the ranking recomputed from the published data (``None`` when they cannot be read),
    the published order of the tokens and every discrepancy in French (none: identical)."""

    annonce: str | None
    classement: Classement | None
    publie: tuple[str, ...]
    ecarts: tuple[str, ...]

    @property
    def identique(self) -> bool:
        return self.classement is not None and not self.ecarts


class _Illisible(Exception):
    pass


def _texte(donnees: Mapping[str, Any], cle: str, lieu: str) -> str:
    valeur = donnees.get(cle)
    if not isinstance(valeur, str):
        raise _Illisible(f"{lieu}« {cle} » : texte attendu.")
    return valeur


def _lire_candidature(brute: object, numero: int) -> CandidatureAClasser:
    lieu = f"candidature n° {numero} : "
    if not isinstance(brute, Mapping):
        raise _Illisible(f"{lieu}objet {{jeton, score, depot}} attendu.")
    jeton = _texte(brute, "jeton", lieu)
    score = _texte(brute, "score", lieu)
    if not _SCORE_PUBLIE.fullmatch(score):
        raise _Illisible(f"{lieu}score « {score} » : nombre à deux décimales attendu (par exemple « 312.00 »).")
    depot_texte = _texte(brute, "depot", lieu)
    try:
        if not _DATE_ISO.fullmatch(depot_texte):
            raise ValueError
        depot = date.fromisoformat(depot_texte)
    except ValueError:
        raise _Illisible(f"{lieu}date de premier dépôt « {depot_texte} » : date AAAA-MM-JJ attendue.") from None
    return CandidatureAClasser(jeton=jeton, score=Decimal(score), depot=depot)


def _lire(donnees: object) -> tuple[str, str, str, list[CandidatureAClasser]]:
    if not isinstance(donnees, Mapping):
        raise _Illisible("un objet JSON est attendu.")
    if donnees.get("format") != FORMAT:
        raise _Illisible(f"« format » : « {FORMAT} » attendu.")
    version = donnees.get("version")
    if isinstance(version, bool) or version != VERSION_FORMAT:
        raise _Illisible(f"« version » {version} inconnue (version {VERSION_FORMAT} attendue).")
    annonce = _texte(donnees, "annonce", "")
    empreinte_publiee = _texte(donnees, "empreinte", "")
    graine = _texte(donnees, "graine", "")
    try:
        verifier_graine(graine)
    except EntreeInvalide as exc:
        raise _Illisible(str(exc)) from None
    brutes = donnees.get("candidatures")
    if not isinstance(brutes, list):
        raise _Illisible("« candidatures » : liste attendue.")
    return annonce, empreinte_publiee, graine, [_lire_candidature(b, n) for n, b in enumerate(brutes, start=1)]


def rejouer(donnees: Mapping[str, Any]) -> Resultat:
    """Recompute the ranking from the published data alone and compare: the seed must give the published
    commitment, and the recomputed order must be the published one. Never raises on bad data: every problem
    is a discrepancy in French."""
    try:
        annonce, empreinte_publiee, graine, candidatures = _lire(donnees)
    except _Illisible as exc:
        brute = donnees.get("annonce") if isinstance(donnees, Mapping) else None
        return Resultat(
            annonce=brute if isinstance(brute, str) else None,
            classement=None,
            publie=(),
            ecarts=(f"Données illisibles : {exc}",),
        )
    publie = tuple(c.jeton for c in candidatures)
    try:
        recalcule = classer(candidatures, graine=graine)
    except EntreeInvalide as exc:
        return Resultat(annonce=annonce, classement=None, publie=publie, ecarts=(f"Données illisibles : {exc}",))
    classement = Classement(rangs=recalcule.rangs, graine=graine, empreinte=empreinte_publiee)
    ecarts: list[str] = []
    if not graine_conforme(graine, empreinte_publiee):
        ecarts.append(
            "La graine publiée ne correspond pas à l'empreinte publiée à l'ouverture : elle a pu être choisie "
            "après coup, le tirage n'est pas vérifiable."
        )
    for position, (attendu, obtenu) in enumerate(zip(publie, classement.ordre(), strict=True), start=1):
        if attendu != obtenu:
            r = classement.rang_de(attendu)
            ecarts.append(
                f"Rang {position} : la candidature publiée est {attendu}, le calcul y place {obtenu} "
                f"({attendu} est {_ordinal(r.rang)} au calcul)."
            )
    return Resultat(annonce=annonce, classement=classement, publie=publie, ecarts=tuple(ecarts))


def _ordinal(n: int) -> str:
    return "1re" if n == 1 else f"{n}e"


def resume(rang: Rang) -> str:
    """One line of a ranking for a reader: « 2 · K7Q2M4XZ3ABC · score 312,00 · dépôt du 04/03/2021 »."""
    score = f"{rang.score:.2f}".replace(".", ",")
    return f"{rang.rang} · {rang.jeton} · score {score} · dépôt du {date_fr(rang.depot)}"


__all__ = [
    "ANCIENNETE",
    "COLONNES",
    "DEPARTAGES",
    "FORMAT",
    "SCORE",
    "SEUL",
    "TIRAGE",
    "VERSION_FORMAT",
    "CandidatureAClasser",
    "Classement",
    "Rang",
    "Resultat",
    "classer",
    "classer_colonnes",
    "donnees_publiees",
    "rejouer",
    "resume",
    "score_au_centieme",
    "verifier_date",
]
