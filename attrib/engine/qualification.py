"""Qualification du parc: classification of the two parties' ratings of each residence, and the
indicators of a rating campaign.

Each residence is rated at the same time and independently by its commune and its bailleur, on a
scale of 1 to 4 (the "vivre ensemble" practice of the Métropole Européenne de Lille; a local practice,
not a national rule, DOMAIN.md §1.9 [K]); a note may be missing. Classification:

- ``concordant``: both parties rated and gave the same note (``ecart`` = 0);
- ``divergent``: both rated and the notes differ (``ecart`` = |commune − bailleur| ≥ 1);
- ``une_seule_partie``: exactly one party rated (``ecart`` empty);
- ``non_notee``: nobody rated (``ecart`` empty).

The classification is symmetric: swapping the two parties never changes it.

Campaign indicators, for the whole territory, per commune and per bailleur (the two MEL figures
first): share of residences and of dwellings rated by both parties; share of divergent residences
(and dwellings) among those rated by both; and the counts behind them.

Two paths give the same results (tests check it on random campaigns): the per-residence reference
(:func:`classer`, :func:`indicateurs_reference`, on frozen dataclasses) and the vectorised one
(:func:`classer_residences`, :func:`indicateurs_campagne`, on polars frames). :func:`verifier_indicateurs`
and :meth:`Indicateurs.verify` check that the counts add up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from attrib.engine.erreurs import EntreeInvalide


class Statut(StrEnum):
    CONCORDANT = "concordant"
    DIVERGENT = "divergent"
    UNE_SEULE_PARTIE = "une_seule_partie"
    NON_NOTEE = "non_notee"


STATUTS: tuple[Statut, ...] = tuple(Statut)
TYPE_STATUT = pl.Enum([s.value for s in STATUTS])
NIVEAUX: tuple[str, ...] = ("territoire", "commune", "bailleur")
CLE_TERRITOIRE = ""
#: Key of the residences without a known bailleur in the per-bailleur indicators.
CLE_SANS_BAILLEUR = ""

COLONNES_ENTREE: tuple[str, ...] = ("residence", "commune", "bailleur", "nb_logements", "note_commune", "note_bailleur")
TYPES_ENTREE: Mapping[str, pl.DataType] = {
    "residence": pl.Int64(),
    "commune": pl.String(),
    "bailleur": pl.String(),
    "nb_logements": pl.Int64(),
    "note_commune": pl.Int64(),
    "note_bailleur": pl.Int64(),
}
COLONNES_COMPTES: tuple[str, ...] = (
    "residences",
    "logements",
    *(f"residences_{s.value}" for s in STATUTS),
    *(f"logements_{s.value}" for s in STATUTS),
)
COLONNES_PARTS: tuple[str, ...] = (
    "part_residences_notees_deux_parties",
    "part_logements_notes_deux_parties",
    "part_residences_divergentes",
    "part_logements_divergents",
)
COLONNES_INDICATEURS: tuple[str, ...] = ("niveau", "cle", *COLONNES_COMPTES, *COLONNES_PARTS)


@dataclass(frozen=True)
class Echelle:
    """Scale of the notes (inclusive bounds)."""

    minimum: int = 1
    maximum: int = 4

    def __post_init__(self) -> None:
        if self.minimum > self.maximum:
            raise ValueError(f"Échelle invalide : minimum {self.minimum} supérieur au maximum {self.maximum}.")

    def __str__(self) -> str:
        return f"{self.minimum} à {self.maximum}"


#: The 1-to-4 "vivre ensemble" scale (MEL practice, DOMAIN.md §1.9).
ECHELLE_VIVRE_ENSEMBLE = Echelle(1, 4)


# --- per residence (reference path) ------------------------------------------------------------


@dataclass(frozen=True)
class Classement:
    statut: Statut
    ecart: int | None


def _verifier_note(nom: str, note: object, echelle: Echelle, lieu: str = "") -> None:
    if note is None:
        return
    if isinstance(note, bool) or not isinstance(note, int) or not echelle.minimum <= note <= echelle.maximum:
        raise EntreeInvalide(f"{lieu}{nom} « {note} » hors de l'échelle {echelle}.")


def classer(
    note_commune: int | None, note_bailleur: int | None, *, echelle: Echelle = ECHELLE_VIVRE_ENSEMBLE
) -> Classement:
    """Classification of one residence from its two notes (``None``: not rated)."""
    _verifier_note("note_commune", note_commune, echelle)
    _verifier_note("note_bailleur", note_bailleur, echelle)
    if note_commune is None and note_bailleur is None:
        return Classement(Statut.NON_NOTEE, None)
    if note_commune is None or note_bailleur is None:
        return Classement(Statut.UNE_SEULE_PARTIE, None)
    ecart = abs(note_commune - note_bailleur)
    return Classement(Statut.CONCORDANT if ecart == 0 else Statut.DIVERGENT, ecart)


@dataclass(frozen=True)
class NotesResidence:
    """One residence of a campaign: who it belongs to, its size and the two notes."""

    residence: int
    commune: str
    bailleur: str | None
    nb_logements: int
    note_commune: int | None
    note_bailleur: int | None

    def __post_init__(self) -> None:
        lieu = f"résidence {self.residence} : "
        if isinstance(self.nb_logements, bool) or not isinstance(self.nb_logements, int) or self.nb_logements < 0:
            raise EntreeInvalide(f"{lieu}nb_logements « {self.nb_logements} » n'est pas un entier positif ou nul.")
        if not self.commune:
            raise EntreeInvalide(f"{lieu}commune vide.")


@dataclass(frozen=True)
class Indicateurs:
    """Indicators of one group of residences (``niveau`` territoire / commune / bailleur, ``cle`` its code)."""

    niveau: str
    cle: str
    residences: int = 0
    logements: int = 0
    residences_par_statut: Mapping[Statut, int] = field(default_factory=dict)
    logements_par_statut: Mapping[Statut, int] = field(default_factory=dict)

    def _r(self, statut: Statut) -> int:
        return self.residences_par_statut.get(statut, 0)

    def _l(self, statut: Statut) -> int:
        return self.logements_par_statut.get(statut, 0)

    @property
    def residences_notees_deux_parties(self) -> int:
        return self._r(Statut.CONCORDANT) + self._r(Statut.DIVERGENT)

    @property
    def logements_notes_deux_parties(self) -> int:
        return self._l(Statut.CONCORDANT) + self._l(Statut.DIVERGENT)

    @property
    def part_residences_notees_deux_parties(self) -> float | None:
        return _part(self.residences_notees_deux_parties, self.residences)

    @property
    def part_logements_notes_deux_parties(self) -> float | None:
        return _part(self.logements_notes_deux_parties, self.logements)

    @property
    def part_residences_divergentes(self) -> float | None:
        return _part(self._r(Statut.DIVERGENT), self.residences_notees_deux_parties)

    @property
    def part_logements_divergents(self) -> float | None:
        return _part(self._l(Statut.DIVERGENT), self.logements_notes_deux_parties)

    def en_ligne(self) -> dict[str, object]:
        """The same keys and values as one row of :func:`indicateurs_campagne`."""
        ligne: dict[str, object] = {
            "niveau": self.niveau,
            "cle": self.cle,
            "residences": self.residences,
            "logements": self.logements,
        }
        ligne.update({f"residences_{s.value}": self._r(s) for s in STATUTS})
        ligne.update({f"logements_{s.value}": self._l(s) for s in STATUTS})
        ligne.update({nom: getattr(self, nom) for nom in COLONNES_PARTS})
        return ligne

    def verify(self) -> list[str]:
        """Violations of the invariants (empty list when the indicators are consistent)."""
        return _violations_ligne(self.en_ligne())


def _part(numerateur: int, denominateur: int) -> float | None:
    return numerateur / denominateur if denominateur else None


def _compte(ligne: Mapping[str, object], cle: str) -> int:
    valeur = ligne[cle]
    if isinstance(valeur, bool) or not isinstance(valeur, int):
        raise EntreeInvalide(f"{cle} « {valeur} » n'est pas un nombre entier.")
    return valeur


def _violations_ligne(ligne: Mapping[str, object]) -> list[str]:
    lieu = f"{ligne['niveau']} « {ligne['cle']} »" if ligne["cle"] != CLE_TERRITOIRE else str(ligne["niveau"])
    violations = []
    for unite in ("residences", "logements"):
        total = _compte(ligne, unite)
        somme = sum(_compte(ligne, f"{unite}_{s.value}") for s in STATUTS)
        if somme != total:
            violations.append(f"{lieu} : {unite} par statut ({somme}) ≠ {unite} ({total}).")
    for nom in COLONNES_PARTS:
        part = ligne[nom]
        if part is not None and not (isinstance(part, float) and 0.0 <= part <= 1.0):
            violations.append(f"{lieu} : {nom} = {part} hors de [0, 1].")
    return violations


def indicateurs_reference(
    residences: Iterable[NotesResidence], *, echelle: Echelle = ECHELLE_VIVRE_ENSEMBLE
) -> list[Indicateurs]:
    """Indicators of the territory, of each commune and of each bailleur, residence by residence.
    Sorted by level (territoire, commune, bailleur) then key."""
    comptes: dict[tuple[str, str], tuple[list[int], dict[Statut, int], dict[Statut, int]]] = {}
    vues: set[int] = set()
    for r in residences:
        if r.residence in vues:
            raise EntreeInvalide(f"résidence {r.residence} en double.")
        vues.add(r.residence)
        try:
            statut = classer(r.note_commune, r.note_bailleur, echelle=echelle).statut
        except EntreeInvalide as exc:
            raise EntreeInvalide(f"résidence {r.residence} : {exc}") from None
        bailleur = r.bailleur if r.bailleur is not None else CLE_SANS_BAILLEUR
        for cle in (("territoire", CLE_TERRITOIRE), ("commune", r.commune), ("bailleur", bailleur)):
            totaux, par_r, par_l = comptes.setdefault(cle, ([0, 0], {}, {}))
            totaux[0] += 1
            totaux[1] += r.nb_logements
            par_r[statut] = par_r.get(statut, 0) + 1
            par_l[statut] = par_l.get(statut, 0) + r.nb_logements
    if ("territoire", CLE_TERRITOIRE) not in comptes:
        comptes[("territoire", CLE_TERRITOIRE)] = ([0, 0], {}, {})
    ordre = {niveau: i for i, niveau in enumerate(NIVEAUX)}
    return [
        Indicateurs(
            niveau=niveau,
            cle=cle,
            residences=totaux[0],
            logements=totaux[1],
            residences_par_statut=par_r,
            logements_par_statut=par_l,
        )
        for (niveau, cle), (totaux, par_r, par_l) in sorted(comptes.items(), key=lambda e: (ordre[e[0][0]], e[0][1]))
    ]


# --- vectorised path --------------------------------------------------------------------------


def _premiere_ligne(df: pl.DataFrame, masque: pl.Expr) -> int | None:
    fautives = df.with_row_index("_ligne").filter(masque)
    return None if fautives.is_empty() else int(fautives["_ligne"][0]) + 1


def _verifier_entree(df: pl.DataFrame, echelle: Echelle) -> pl.DataFrame:
    """The input columns cast to their types; raises ``EntreeInvalide`` naming the first wrong line."""
    if manquantes := [c for c in COLONNES_ENTREE if c not in df.columns]:
        raise EntreeInvalide(f"colonnes manquantes : {', '.join(manquantes)}.")
    try:
        entree = df.select([pl.col(c).cast(t, strict=True) for c, t in TYPES_ENTREE.items()])
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as exc:
        raise EntreeInvalide(f"types d'entrée invalides : {exc}") from None
    controles: list[tuple[pl.Expr, str, str]] = [
        (pl.col("residence").is_null(), "residence", "vide"),
        (pl.col("commune").is_null() | (pl.col("commune") == ""), "commune", "vide"),
        (
            pl.col("nb_logements").is_null() | (pl.col("nb_logements") < 0),
            "nb_logements",
            "n'est pas un entier positif ou nul",
        ),
    ]
    for colonne in ("note_commune", "note_bailleur"):
        hors = pl.col(colonne).is_not_null() & ~pl.col(colonne).is_between(echelle.minimum, echelle.maximum)
        controles.append((hors, colonne, f"hors de l'échelle {echelle}"))
    for masque, colonne, probleme in controles:
        if (ligne := _premiere_ligne(entree, masque)) is not None:
            valeur = entree[colonne][ligne - 1]
            raise EntreeInvalide(f"ligne {ligne} : {colonne} « {valeur} » {probleme}.")
    if (ligne := _premiere_ligne(entree, pl.col("residence").is_duplicated())) is not None:
        raise EntreeInvalide(f"ligne {ligne} : résidence {entree['residence'][ligne - 1]} en double.")
    return entree


def expression_statut(note_commune: pl.Expr, note_bailleur: pl.Expr) -> pl.Expr:
    """The classification as a polars expression over two note columns."""
    return (
        pl.when(note_commune.is_null() & note_bailleur.is_null())
        .then(pl.lit(Statut.NON_NOTEE.value))
        .when(note_commune.is_null() | note_bailleur.is_null())
        .then(pl.lit(Statut.UNE_SEULE_PARTIE.value))
        .when(note_commune == note_bailleur)
        .then(pl.lit(Statut.CONCORDANT.value))
        .otherwise(pl.lit(Statut.DIVERGENT.value))
        .cast(TYPE_STATUT)
    )


def classer_residences(df: pl.DataFrame, *, echelle: Echelle = ECHELLE_VIVRE_ENSEMBLE) -> pl.DataFrame:
    """The input columns plus ``statut`` (enum) and ``ecart`` (|commune − bailleur|, empty unless both rated)."""
    entree = _verifier_entree(df, echelle)
    a, b = pl.col("note_commune"), pl.col("note_bailleur")
    return entree.with_columns(
        expression_statut(a, b).alias("statut"),
        (a - b).abs().alias("ecart"),
    )


def _comptes(classees: pl.DataFrame) -> pl.DataFrame:
    """Counts per (commune, bailleur) in one pass over the residences; the levels are sums of it."""
    statut, logements = pl.col("statut"), pl.col("nb_logements")
    comptes = [pl.len().cast(pl.Int64).alias("residences"), logements.sum().alias("logements")]
    comptes += [(statut == s.value).sum().cast(pl.Int64).alias(f"residences_{s.value}") for s in STATUTS]
    comptes += [(logements * (statut == s.value)).sum().alias(f"logements_{s.value}") for s in STATUTS]
    return (
        classees.with_columns(pl.col("bailleur").fill_null(CLE_SANS_BAILLEUR))
        .group_by("commune", "bailleur")
        .agg(comptes)
        .cast({c: pl.Int64 for c in COLONNES_COMPTES})
    )


def _part_expr(numerateur: pl.Expr, denominateur: pl.Expr) -> pl.Expr:
    return pl.when(denominateur > 0).then(numerateur.cast(pl.Float64) / denominateur.cast(pl.Float64))


def indicateurs_campagne(df: pl.DataFrame, *, echelle: Echelle = ECHELLE_VIVRE_ENSEMBLE) -> pl.DataFrame:
    """One row per group (territoire, each commune, each bailleur; residences without bailleur under the
    key ``""``), columns ``COLONNES_INDICATEURS``, sorted like :func:`indicateurs_reference`."""
    comptes = _comptes(classer_residences(df, echelle=echelle))
    sommes = [pl.col(c).sum() for c in COLONNES_COMPTES]
    morceaux = [
        comptes.select(pl.lit("territoire").alias("niveau"), pl.lit(CLE_TERRITOIRE).alias("cle"), *sommes),
        comptes.group_by("commune")
        .agg(sommes)
        .select(pl.lit("commune").alias("niveau"), pl.col("commune").alias("cle"), *COLONNES_COMPTES),
        comptes.group_by("bailleur")
        .agg(sommes)
        .select(pl.lit("bailleur").alias("niveau"), pl.col("bailleur").alias("cle"), *COLONNES_COMPTES),
    ]
    ordre = pl.Enum(list(NIVEAUX))
    deux_r = pl.col("residences_concordant") + pl.col("residences_divergent")
    deux_l = pl.col("logements_concordant") + pl.col("logements_divergent")
    return (
        pl.concat([m.cast({c: pl.Int64 for c in COLONNES_COMPTES}) for m in morceaux])
        .with_columns(
            _part_expr(deux_r, pl.col("residences")).alias("part_residences_notees_deux_parties"),
            _part_expr(deux_l, pl.col("logements")).alias("part_logements_notes_deux_parties"),
            _part_expr(pl.col("residences_divergent"), deux_r).alias("part_residences_divergentes"),
            _part_expr(pl.col("logements_divergent"), deux_l).alias("part_logements_divergents"),
        )
        .sort(pl.col("niveau").cast(ordre), "cle")
        .select(COLONNES_INDICATEURS)
    )


def verifier_indicateurs(indicateurs: pl.DataFrame) -> list[str]:
    """Violations of the invariants of a frame of :func:`indicateurs_campagne`: each row's counts by
    status add up to its totals, shares lie in [0, 1], and the communes (and the bailleurs) add up to
    the territory. Empty list: consistent."""
    violations = [v for ligne in indicateurs.iter_rows(named=True) for v in _violations_ligne(ligne)]
    territoire = indicateurs.filter(pl.col("niveau") == "territoire")
    if territoire.height != 1:
        return [*violations, f"{territoire.height} lignes « territoire » au lieu d'une."]
    for niveau in NIVEAUX[1:]:
        sommes = indicateurs.filter(pl.col("niveau") == niveau).select(pl.col(COLONNES_COMPTES).sum())
        for colonne in COLONNES_COMPTES:
            somme, total = int(sommes[colonne][0] or 0), int(territoire[colonne][0])
            if somme != total:
                violations.append(f"somme des {niveau}s : {colonne} = {somme} ≠ territoire ({total}).")
    return violations


def agenda_harmonisation(classees: pl.DataFrame) -> pl.DataFrame:
    """The divergent residences of a frame of :func:`classer_residences`, largest gap first, then the
    largest residence (dwellings), then the residence number."""
    return classees.filter(pl.col("statut") == Statut.DIVERGENT.value).sort(
        ["ecart", "nb_logements", "residence"], descending=[True, True, False]
    )
