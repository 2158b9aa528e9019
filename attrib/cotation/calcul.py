"""Scoring the demands of a territory with its published grids: who is scored by which grid, the engine,
the ranks, the explanations, and the write of the results.

* **Population**: the active demands whose first wished commune belongs to the EPCI's territory
  (``permissions.communes_du_territoire``). When the EPCI has a published mutation grid, the demands
  of social tenants (``statut_logement_actuel = locataire_parc_social``) are scored with it and the
  others with the general grid; otherwise the general grid scores every demand (a general grid for
  ``premieres_demandes`` only leaves the mutations unscored).
* **Ranks** (``attrib.engine.cotation.classer``: decreasing score, then the grid's tie-break order):
  among the demands of the same grid, same typology (minimal typology asked) and same sector (first
  wished commune), and among those of the same grid and typology on the whole territory.
* **Explanations** (``attrib.engine.cotation.expliquer_lot``, from the engine's columns: each distinct
  sentence formatted once, the sentences of ``expliquer(evaluer_un(…))``): the full sentences, and the
  sentences where the criteria revealing a sensitive situation are not named (:func:`criteres_sensibles`),
  kept as JSON text in :attr:`CotationsCalculees.lignes` and written as such
  (``docs/decisions/0022-recotation-en-colonnes.md``).

:func:`calculer` reads and computes without writing; :func:`ecrire` writes (the caller opens the
transaction). ``progression(etape, libelle, faites, total)`` reports the three steps.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from attrib.common.copie import copie_sql
from attrib.cotation.colonnes import DEMANDE_ID, SECTEUR, colonnes_cotation_isolees, preparer_pour
from attrib.cotation.enums import StatutVersion, TypeGrille
from attrib.cotation.models import Cotation, CotationHistorique, VersionGrille
from attrib.cotation.permissions import communes_du_territoire
from attrib.demandes import enums
from attrib.demandes.models import CommuneSouhaitee, Demande, PrioriteLegale
from attrib.engine import EntreeInvalide, ErreurMoteur
from attrib.engine.cotation import (
    LIBELLE_CONFIDENTIEL as LIBELLE_CONFIDENTIEL,  # re-exported: screens and tests name it from here
)
from attrib.engine.cotation import (
    Grille,
    classer,
    colonnes_detail,
    evaluer,
    expliquer_lot,
    grille_vers_donnees,
    lignes_refusees,
)
from attrib.engine.cotation import (
    masquer as masquer,  # re-exported
)
from attrib.engine.cotation.explication_lot import ECHEC, EXPLICATION, RESTREINTE
from attrib.organisations.models import Organisation
from attrib.taches.progression import Progression

logger = logging.getLogger(__name__)

ETAPE_LECTURE, ETAPE_CALCUL, ETAPE_ECRITURE = 1, 2, 3
LIBELLES_ETAPES = {
    ETAPE_LECTURE: "Lecture des demandes",
    ETAPE_CALCUL: "Calcul des scores et des explications",
    ETAPE_ECRITURE: "Enregistrement des cotations",
}
TAILLE_ECRITURE = 1000
#: Rows written at once by a run (one COPY on PostgreSQL; the progress is reported after each).
TAILLE_LOT_ECRITURE = 20_000
TYPOLOGIE = "typologie_min"
PREFIXE_VALIDE = "valide:"
#: Columns revealing a person's health (the demand page masks the disability flag too).
COLONNES_SANTE = frozenset({"nb_handicap", "handicap_demandeur", "handicap_codemandeur"})
COLONNES_MOTIFS = frozenset({"motif_principal", "motifs_secondaires"})
_TESTS_VALEURS = ("egal", "parmi", "contient", "contient_un_de", "contient_tous")


def _rien(etape: int, libelle: str, faites: int, total: int) -> None:
    return None


# --- populations -----------------------------------------------------------------------------------


def demandes_du_territoire(organisation: Organisation) -> QuerySet[Demande]:
    """Active demands whose first wished commune is in the EPCI's territory."""
    premiere = CommuneSouhaitee.objects.filter(
        demande=OuterRef("pk"), rang=1, commune__in=communes_du_territoire(organisation)
    )
    return Demande.objects.actives().filter(Exists(premiere))


def versions_publiees(organisation: Organisation) -> dict[str, VersionGrille]:
    """The published version of each grid type of the EPCI."""
    versions = VersionGrille.objects.filter(grille__organisation=organisation, statut=StatutVersion.PUBLIEE)
    return {v.grille.type: v for v in versions.select_related("grille")}


def populations(
    organisation: Organisation, versions: Mapping[str, VersionGrille]
) -> list[tuple[VersionGrille, QuerySet[Demande]]]:
    """Each version with the demands it scores (see the module docstring)."""
    toutes = demandes_du_territoire(organisation)
    mutation = {"statut_logement_actuel": enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL}
    resultat: list[tuple[VersionGrille, QuerySet[Demande]]] = []
    generale = versions.get(TypeGrille.GENERALE)
    grille_mutation = versions.get(TypeGrille.MUTATION)
    if generale is not None:
        if grille_mutation is not None or generale.charger().public != "toutes":
            resultat.append((generale, toutes.exclude(**mutation)))
        else:
            resultat.append((generale, toutes))
    if grille_mutation is not None:
        resultat.append((grille_mutation, toutes.filter(**mutation)))
    return resultat


# --- sensitive criteria ----------------------------------------------------------------------------


def _lectures(condition: Any) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """``(column, constants compared)`` of every leaf of a condition (document form)."""
    if not isinstance(condition, dict):
        return
    for cle in ("tous", "un_de"):
        for sous in condition.get(cle) or ():
            yield from _lectures(sous)
    if "non" in condition:
        yield from _lectures(condition["non"])
    champ = condition.get("champ")
    if isinstance(champ, str):
        valeurs: list[Any] = []
        for test in _TESTS_VALEURS:
            if test in condition:
                v = condition[test]
                valeurs += v if isinstance(v, list) else [v]
        yield champ, tuple(valeurs)


def codes_sensibles() -> frozenset[str]:
    return frozenset(PrioriteLegale.objects.filter(sensible=True).values_list("code", flat=True))


def criteres_sensibles(grille: Grille, sensibles: frozenset[str]) -> frozenset[str]:
    """Ids of the criteria that reveal a sensitive situation: they implement or test a sensitive legal
    priority (violences, prostitution, trafficking, disability…), test a sensitive motive (violences,
    health) or read a disability flag."""
    motifs = {str(m) for m in enums.MOTIFS_SENSIBLES}
    resultat: set[str] = set()
    for section in grille_vers_donnees(grille)["sections"]:
        for critere in section["criteres"]:
            revele = bool(set(critere.get("priorites_legales") or ()) & sensibles)
            for champ, valeurs in _lectures(critere.get("condition")):
                codes = set(map(str, valeurs))
                revele = revele or (
                    champ in COLONNES_SANTE
                    or (champ == "priorites" and bool(codes & sensibles))
                    or (champ in COLONNES_MOTIFS and bool(codes & motifs))
                )
            if revele:
                resultat.add(critere["id"])
    return frozenset(resultat)


# --- computing -------------------------------------------------------------------------------------

#: Prefix of the tie-break columns kept in :attr:`CotationsCalculees.lignes` (to rank again after a catch-up).
PREFIXE_CLE = "\u00a7cle:"
#: Columns of :attr:`CotationsCalculees.lignes` holding the two explanations (JSON text of the sentences).
COLONNE_EXPLICATION = "\u00a7explication"
COLONNE_RESTREINTE = "\u00a7explication_restreinte"
#: What was read of a demand before its data: its last modification and the date of its stored cotation
#: (columns :data:`MODIFIEE`, :data:`CALCULEE`: microseconds since 1970, null without cotation), one row per
#: demand. A run compares them with the database before writing
#: (``docs/decisions/0006-recotation-sans-resultat-perime.md``).
MODIFIEE, CALCULEE, LUE = "\u00a7modifie_le", "\u00a7calculee_le", "\u00a7lue"
SCHEMA_FILIGRANES = {DEMANDE_ID: pl.Int64, MODIFIEE: pl.Int64, CALCULEE: pl.Int64}
_EPOQUE = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DemandeEcartee:
    """A demand a batch left out (not scored) and why, in French."""

    demande_id: int
    numero_unique: str
    motif: str

    def __str__(self) -> str:
        return f"demande {self.numero_unique} : {self.motif}"


@dataclass
class CotationsCalculees:
    """The scores of one version's population: one row per demand of ``lignes`` (``demande_id``,
    ``secteur``, ``typologie_min``, scores, ranks, detail columns, tie-break keys, the two explanations as
    JSON text: :data:`COLONNE_EXPLICATION`, :data:`COLONNE_RESTREINTE`), the demands left out
    (:class:`DemandeEcartee`) and the watermarks of the demands read (:data:`SCHEMA_FILIGRANES`)."""

    version: VersionGrille
    grille: Grille
    lignes: pl.DataFrame
    ecartees: list[DemandeEcartee] = field(default_factory=list)
    lues: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SCHEMA_FILIGRANES))

    @property
    def effectif(self) -> int:
        return self.lignes.height


def classer_population(demandes: pl.DataFrame, scores: pl.DataFrame, grille: Grille) -> pl.DataFrame:
    """``rang`` / ``effectif`` (same typology and sector) and ``rang_territoire`` / ``effectif_territoire``
    (same typology) of each demand, in the input order."""
    cles = list(dict.fromkeys([DEMANDE_ID, TYPOLOGIE, SECTEUR, *(c.champ for c in grille.departage)]))
    base = pl.concat([demandes.select(cles), scores.select("score")], how="horizontal")
    secteur = classer(base, grille, par=[TYPOLOGIE, SECTEUR])
    territoire = classer(base, grille, par=[TYPOLOGIE])
    return pl.DataFrame(
        {
            "rang": secteur["rang"],
            "effectif": secteur.select(pl.len().over(TYPOLOGIE, SECTEUR)).to_series(),
            "rang_territoire": territoire["rang"],
            "effectif_territoire": territoire.select(pl.len().over(TYPOLOGIE)).to_series(),
        },
        schema={c: pl.Int64 for c in ("rang", "effectif", "rang_territoire", "effectif_territoire")},
    )


_LIGNE = re.compile(r"^Ligne (\d+) : ")


def ecarter_refusees(
    frame: pl.DataFrame, grilles: Sequence[Grille], *, jour: date
) -> tuple[pl.DataFrame, list[DemandeEcartee]]:
    """``frame`` without the demands the engine would refuse for ``grilles`` (checked up front, in one
    vectorised pass: ``attrib.engine.cotation.lignes_refusees``), and those demands with the reason."""
    refus = lignes_refusees(frame, grilles, date_reference=jour)
    if not refus:
        return frame, []
    ecartees = [DemandeEcartee(int(frame[DEMANDE_ID][i]), str(frame["numero_unique"][i]), motif) for i, motif in refus]
    indices = [i for i, _ in refus]
    return frame.filter(~pl.int_range(pl.len()).is_in(indices)), ecartees


def coter_frame(
    frame: pl.DataFrame, grille: Grille, *, jour: date, explication: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Prepared demands, the engine's scores with detail (and the explanation columns with
    ``explication``), and the ranks (:func:`classer_population`). An invalid row named by the engine
    (« Ligne 3 : … ») is named by its demand's numéro unique (call :func:`ecarter_refusees` first to
    leave such rows out instead)."""
    try:
        prepare = preparer_pour(frame, grille, jour=jour)
    except EntreeInvalide as exc:
        texte = str(exc)
        m = _LIGNE.match(texte)
        if m is None:
            raise
        numero = frame["numero_unique"][int(m.group(1)) - 1]
        raise EntreeInvalide(f"Demande {numero} : {texte[m.end() :]}") from None
    scores = evaluer(grille, prepare, date_reference=jour, detail=True, explication=explication)
    return prepare, scores, classer_population(prepare, scores, grille)


def _champs_cles(grille: Grille) -> list[str]:
    return [c for c in dict.fromkeys(c.champ for c in grille.departage) if c not in (DEMANDE_ID, TYPOLOGIE, SECTEUR)]


def reclasser(calcul: CotationsCalculees) -> CotationsCalculees:
    """``calcul`` with the ranks computed again on its rows (after rows were added or removed)."""
    champs = _champs_cles(calcul.grille)
    lignes = calcul.lignes.drop([c for c in RANGS if c in calcul.lignes.columns])
    base = lignes.select(DEMANDE_ID, TYPOLOGIE, SECTEUR, *(pl.col(PREFIXE_CLE + c).alias(c) for c in champs))
    rangs = classer_population(base, lignes.select("score"), calcul.grille)
    return dataclasses.replace(calcul, lignes=pl.concat([lignes, rangs], how="horizontal"))


RANGS = ("rang", "effectif", "rang_territoire", "effectif_territoire")


def _microsecondes(instant: datetime | None) -> int | None:
    return None if instant is None else (instant - _EPOQUE) // timedelta(microseconds=1)


def filigranes(ids: Sequence[int]) -> pl.DataFrame:
    """The watermarks of the demands of ``ids`` (:data:`SCHEMA_FILIGRANES`), read now: on PostgreSQL one
    ``COPY`` of a query with an array of the ids, the instants converted by the server (no time stamp parsed
    in Python); elsewhere lists of :data:`TAILLE_ECRITURE` ids."""
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        demandes, cotations = qn(Demande._meta.db_table), qn(Cotation._meta.db_table)
        microsecondes = "(EXTRACT(EPOCH FROM {}) * 1000000)::bigint"
        sql = (
            f"SELECT d.id, {microsecondes.format('d.modifie_le')}, {microsecondes.format('c.calculee_le')} "
            f"FROM {demandes} d LEFT JOIN {cotations} c ON c.demande_id = d.id WHERE d.id = ANY(%s)"
        )
        return copie_sql(sql, [list(ids)], SCHEMA_FILIGRANES)
    lignes: list[tuple[int, int | None, int | None]] = []
    for debut in range(0, len(ids), TAILLE_ECRITURE):
        lot = ids[debut : debut + TAILLE_ECRITURE]
        for pk, modifie_le, calculee_le in Demande.objects.filter(pk__in=lot).values_list(
            "pk", "modifie_le", "cotation__calculee_le"
        ):
            lignes.append((pk, _microsecondes(modifie_le), _microsecondes(calculee_le)))
    return pl.DataFrame(lignes, schema=SCHEMA_FILIGRANES, orient="row")


def coter_demandes(
    version: VersionGrille,
    ids: Sequence[int],
    *,
    jour: date,
    sensibles: frozenset[str] | None = None,
    lecture: Callable[[int, int], None] | None = None,
    calcul_fait: Callable[[int], None] | None = None,
) -> CotationsCalculees:
    """Read and score the demands ``ids`` with ``version`` (no write), ranked among themselves.

    The watermark of each demand is read before its data. A demand whose data cannot be read, that the
    engine refuses (checked up front for all rows at once) or whose explanation fails is left out and
    reported (:attr:`CotationsCalculees.ecartees`); the others are scored."""
    ids = sorted(ids)
    grille = version.charger()
    lues = filigranes(ids)
    frame, illisibles = colonnes_cotation_isolees(ids, jour=jour, progression=lecture)
    ecartees = [DemandeEcartee(pk, numeros_uniques([pk]).get(pk, str(pk)), motif) for pk, motif in illisibles]
    frame, refusees = ecarter_refusees(frame, [grille], jour=jour)
    ecartees += refusees
    prepare, scores, _ = coter_frame(frame, grille, jour=jour, explication=True)
    sensibles = codes_sensibles() if sensibles is None else sensibles
    lot = expliquer_lot(grille, scores, date_reference=jour, masques=criteres_sensibles(grille, sensibles))
    champs = _champs_cles(grille)
    lignes = pl.concat(
        [
            prepare.select(DEMANDE_ID, SECTEUR, TYPOLOGIE, *(pl.col(c).alias(PREFIXE_CLE + c) for c in champs)),
            scores.select("score", "score_provisoire", "score_valide", *colonnes_detail(grille)),
            lot.select(pl.col(EXPLICATION).alias(COLONNE_EXPLICATION), pl.col(RESTREINTE).alias(COLONNE_RESTREINTE)),
        ],
        how="horizontal",
    ).with_columns(pl.col(TYPOLOGIE).cast(pl.Int64))
    echecs = lot[ECHEC].is_not_null()
    if echecs.any():
        # One demand never stops the batch: those whose explanation failed are reported, the others scored.
        for pk, numero, motif in (
            pl.DataFrame({"pk": prepare[DEMANDE_ID], "numero": prepare["numero_unique"], "motif": lot[ECHEC]})
            .filter(echecs)
            .iter_rows()
        ):
            ecartees.append(DemandeEcartee(pk, numero, motif))
        lignes = lignes.filter(~echecs)
    if calcul_fait is not None:
        calcul_fait(prepare.height)
    ecartees.sort(key=lambda e: e.numero_unique)
    return reclasser(CotationsCalculees(version, grille, lignes, ecartees, lues))


def numeros_uniques(ids: Sequence[int]) -> dict[int, str]:
    return dict(Demande.objects.filter(pk__in=ids).values_list("pk", "numero_unique"))


def calculer(
    organisation: Organisation,
    versions: Mapping[str, VersionGrille],
    *,
    jour: date,
    progression: Progression = _rien,
) -> list[CotationsCalculees]:
    """Read and score the populations of ``versions`` (no write); the demands that cannot be scored are
    left out and reported in each result's ``ecartees``."""
    parts = [
        (version, list(qs.order_by("pk").values_list("pk", flat=True)))
        for version, qs in populations(organisation, versions)
    ]
    total = sum(len(ids) for _, ids in parts)
    sensibles = codes_sensibles()
    resultats: list[CotationsCalculees] = []
    progression(ETAPE_LECTURE, LIBELLES_ETAPES[ETAPE_LECTURE], 0, total)
    faites = 0
    # Each grid's population is read then computed. The steps shown never go back: reading counts every
    # population's demands; the computing step starts with the last population (the previous ones were
    # computed, quickly, between two readings) and counts from what they held.
    derniere = len(parts) - 1
    for rang, (version, ids) in enumerate(parts):

        def lire(n: int, _: int, avant: int = faites) -> None:
            progression(ETAPE_LECTURE, LIBELLES_ETAPES[ETAPE_LECTURE], avant + n, total)

        def calculees(n: int, avant: int = faites, montrer: bool = rang == derniere) -> None:
            if montrer:
                progression(ETAPE_CALCUL, LIBELLES_ETAPES[ETAPE_CALCUL], avant + n, total)

        resultats.append(
            coter_demandes(version, ids, jour=jour, sensibles=sensibles, lecture=lire, calcul_fait=calculees)
        )
        faites += len(ids)
    if not parts:
        progression(ETAPE_CALCUL, LIBELLES_ETAPES[ETAPE_CALCUL], 0, 0)
    return resultats


def rattraper(
    calculs: Sequence[CotationsCalculees],
    organisation: Organisation,
    *,
    jour: date,
) -> tuple[list[CotationsCalculees], int]:
    """The results of a run brought up to date just before they are written (call it holding the
    versions' locks, :func:`verrouiller`): the demands that left a population (struck off, moved, now
    scored by the other grid) are dropped, those that entered it or whose watermark changed since they
    were read (modified, or scored alone meanwhile) are read and scored again, and the ranks computed
    again. Returns the results and the number of demands caught up (scored again or dropped)."""
    versions = {c.version.grille.type: c.version for c in calculs}
    actuelles = {v.pk: qs for v, qs in populations(organisation, versions)}
    resultats = []
    rattrapees = 0
    for calcul in calculs:
        ids = list(actuelles[calcul.version.pk].order_by("pk").values_list("pk", flat=True))
        maintenant = filigranes(ids)
        lues_avant = calcul.lues.with_columns(pl.lit(True).alias(LUE))
        compares = maintenant.join(lues_avant, on=DEMANDE_ID, how="left", suffix="\u00a7lu")
        change = (
            pl.col(LUE).is_null()  # entered the population
            | pl.col(MODIFIEE).ne_missing(pl.col(MODIFIEE + "\u00a7lu"))
            | pl.col(CALCULEE).ne_missing(pl.col(CALCULEE + "\u00a7lu"))
        )
        a_relire = compares.filter(change)[DEMANDE_ID].to_list()
        gardees = compares.filter(~change)[DEMANDE_ID]
        sorties = calcul.lues.join(maintenant, on=DEMANDE_ID, how="anti").height
        lignes = calcul.lignes.join(gardees.to_frame(), on=DEMANDE_ID, how="semi", maintain_order="left")
        gardees_ids = set(gardees.to_list())
        ecartees = [e for e in calcul.ecartees if e.demande_id in gardees_ids]
        if not a_relire and lignes.height == calcul.lignes.height and len(ecartees) == len(calcul.ecartees):
            resultats.append(calcul)
            continue
        lues = calcul.lues.join(gardees.to_frame(), on=DEMANDE_ID, how="semi")
        if a_relire:
            relu = coter_demandes(calcul.version, a_relire, jour=jour)
            lignes = pl.concat([lignes, relu.lignes.select(lignes.columns)], how="vertical_relaxed")
            ecartees += relu.ecartees
            lues = pl.concat([lues, relu.lues], how="vertical")
        rattrapees += len(a_relire) + sorties
        lignes = lignes.sort(DEMANDE_ID)
        resultats.append(reclasser(CotationsCalculees(calcul.version, calcul.grille, lignes, ecartees, lues)))
    return resultats, rattrapees


def verrouiller(versions: Iterable[VersionGrille | int]) -> None:
    """Lock the rows of ``versions`` until the end of the transaction: the writes of cotations of an EPCI
    (a whole run, one demand) take their turns (PostgreSQL; SQLite serialises every write anyway).

    ``FOR NO KEY UPDATE``, like the demand services' lock on a demand: neither blocks the key-share locks
    that the foreign keys of the rows written take at commit, so a run writing the cotation of a demand
    being modified (whose scoring waits for the run) does not deadlock with it."""
    pks = sorted({v if isinstance(v, int) else v.pk for v in versions})
    verrouillees = VersionGrille.objects.select_for_update(no_key=True).filter(pk__in=pks).order_by("pk")
    list(verrouillees.values_list("pk", flat=True))


# --- writing ---------------------------------------------------------------------------------------


def detail_stocke(ligne: Mapping[str, Any], colonnes: Sequence[str]) -> dict[str, dict[str, int]]:
    """``{"provisoire": {colonne: points}, "valide": {…}}``: the non-zero detail columns of one row."""
    provisoire = {c: int(ligne[c]) for c in colonnes if not c.startswith(PREFIXE_VALIDE) and ligne[c]}
    if any(c.startswith(PREFIXE_VALIDE) for c in colonnes):
        valide = {
            c.removeprefix(PREFIXE_VALIDE): int(ligne[c]) for c in colonnes if c.startswith(PREFIXE_VALIDE) and ligne[c]
        }
    else:
        valide = dict(provisoire)
    return {"provisoire": provisoire, "valide": valide}


def _valeur_json(valeur: Any) -> Any:
    if isinstance(valeur, (date, datetime)):
        return valeur.isoformat()
    if valeur is None or isinstance(valeur, (bool, int, float, str)):
        return valeur
    return str(valeur)


def cles_stockees(ligne: Mapping[str, Any], grille: Grille) -> dict[str, Any]:
    """The tie-break values of one row, as stored with its cotation (to rank a demand scored alone)."""
    return {c: _valeur_json(ligne.get(PREFIXE_CLE + c)) for c in _champs_cles(grille)}


#: Columns written for a cotation, in order (the names of the table's columns: ``*_id`` for the keys).
COLONNES_COTATION = (
    "demande_id",
    "version_id",
    "score",
    "score_provisoire",
    "score_valide",
    "typologie",
    "secteur_id",
    "rang",
    "effectif",
    "rang_territoire",
    "effectif_territoire",
    "detail",
    "explication",
    "explication_restreinte",
    "cles_classement",
    "date_reference",
    "calculee_le",
)
COLONNES_HISTORIQUE = (
    "demande_id",
    "version_id",
    "score",
    "score_provisoire",
    "score_valide",
    "date_reference",
    "calculee_le",
)
#: polars types whose values :func:`_json_cles` writes as :func:`cles_stockees` does.
_TYPES_CLES_JSON = (
    pl.Int64,
    pl.Int32,
    pl.Int16,
    pl.Int8,
    pl.UInt32,
    pl.UInt16,
    pl.UInt8,
    pl.String,
    pl.Date,
    pl.Boolean,
)


def _objet_json(paires: Sequence[tuple[str, str]]) -> pl.Expr:
    """JSON text of ``{cle: points}`` for the non-zero integer columns of ``paires`` (``(cle, colonne)``)."""
    if not paires:
        return pl.lit("{}")
    morceaux = [
        pl.when(pl.col(colonne) != 0).then(pl.lit(json.dumps(cle) + ": ") + pl.col(colonne).cast(pl.String))
        for cle, colonne in paires
    ]
    return pl.lit("{") + pl.concat_str(morceaux, separator=", ", ignore_nulls=True) + pl.lit("}")


def _json_detail(colonnes: Sequence[str]) -> pl.Expr:
    """JSON text of :func:`detail_stocke` of each row, computed on the columns."""
    provisoires = [(c, c) for c in colonnes if not c.startswith(PREFIXE_VALIDE)]
    valides = [(c.removeprefix(PREFIXE_VALIDE), c) for c in colonnes if c.startswith(PREFIXE_VALIDE)] or provisoires
    return pl.lit('{"provisoire": ') + _objet_json(provisoires) + pl.lit(', "valide": ') + _objet_json(valides) + "}"


def _json_cles(lignes: pl.DataFrame, grille: Grille) -> pl.Series:
    """JSON text of :func:`cles_stockees` of each row (on the columns when their types allow it)."""
    champs = _champs_cles(grille)
    if not champs:
        return pl.repeat("{}", lignes.height, dtype=pl.String, eager=True)
    colonnes = [PREFIXE_CLE + c for c in champs]
    if all(isinstance(lignes.schema[c], (pl.Enum, pl.Categorical, *_TYPES_CLES_JSON)) for c in colonnes):
        return lignes.select(
            pl.struct(
                pl.col(PREFIXE_CLE + c).cast(pl.String).alias(c)
                if isinstance(lignes.schema[PREFIXE_CLE + c], (pl.Enum, pl.Categorical))
                else pl.col(PREFIXE_CLE + c).alias(c)
                for c in champs
            ).struct.json_encode()
        ).to_series()
    return pl.Series(
        [json.dumps(cles_stockees(ligne, grille)) for ligne in lignes.select(colonnes).iter_rows(named=True)],
        dtype=pl.String,
    )


def lignes_a_ecrire(calcul: CotationsCalculees, lignes: pl.DataFrame, *, jour: date) -> pl.DataFrame:
    """The rows of ``lignes`` (of ``calcul.lignes``) as written: :data:`COLONNES_COTATION` but
    ``calculee_le``, the JSON fields as text."""
    return lignes.select(
        pl.col(DEMANDE_ID).alias("demande_id"),
        pl.lit(calcul.version.pk, dtype=pl.Int64).alias("version_id"),
        pl.col("score", "score_provisoire", "score_valide"),
        pl.col(TYPOLOGIE).alias("typologie"),
        pl.col(SECTEUR).alias("secteur_id"),
        pl.col(*RANGS),
        _json_detail(colonnes_detail(calcul.grille)).alias("detail"),
        pl.col(COLONNE_EXPLICATION).cast(pl.String).alias("explication"),
        pl.col(COLONNE_RESTREINTE).cast(pl.String).alias("explication_restreinte"),
        pl.lit(_json_cles(lignes, calcul.grille)).alias("cles_classement"),
        pl.lit(jour, dtype=pl.Date).alias("date_reference"),
    )


def _pour_ids(sql: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Run ``sql`` (``{ids}``: the condition on the ids column, e.g. ``demande_id {ids}``) for ``ids``:
    one query with an array on PostgreSQL, lists of at most :data:`TAILLE_ECRITURE` ids on SQLite.
    Returns the rows read (none for a write)."""
    lignes: list[tuple[Any, ...]] = []
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            curseur.execute(sql.format(ids="= ANY(%s)"), [list(ids)])
            return list(curseur.fetchall()) if curseur.description else []
        for debut in range(0, len(ids), TAILLE_ECRITURE):
            lot = list(ids[debut : debut + TAILLE_ECRITURE])
            curseur.execute(sql.format(ids=f"IN ({', '.join(['%s'] * len(lot))})"), lot)
            if curseur.description:
                lignes += curseur.fetchall()
    return lignes


def _inserer(table: str, colonnes: Sequence[str], lignes: pl.DataFrame, maintenant: datetime) -> None:
    """Insert ``lignes`` (columns ``colonnes`` but the last, ``calculee_le`` = ``maintenant``) into
    ``table``: one COPY on PostgreSQL, one ``executemany`` elsewhere."""
    if not lignes.height:
        return
    qn = connection.ops.quote_name
    noms = ", ".join(qn(c) for c in colonnes)
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            tampon = io.StringIO()
            lignes.with_columns(pl.lit(maintenant.isoformat()).alias(colonnes[-1])).select(colonnes).write_csv(
                tampon, include_header=False, quote_style="non_numeric"
            )
            with curseur.cursor.copy(f"COPY {qn(table)} ({noms}) FROM STDIN (FORMAT csv)") as copie:
                copie.write(tampon.getvalue())
            return
        calculee_le = connection.ops.adapt_datetimefield_value(maintenant)
        jour_iso = {c for c in colonnes if lignes.schema.get(c) == pl.Date}
        valeurs = lignes.with_columns(pl.col(c).cast(pl.String) for c in jour_iso).select(colonnes[:-1])
        curseur.executemany(
            f"INSERT INTO {qn(table)} ({noms}) VALUES ({', '.join(['%s'] * len(colonnes))})",
            [(*ligne, calculee_le) for ligne in valeurs.iter_rows()],
        )


def ecrire_lignes(calcul: CotationsCalculees, lignes: pl.DataFrame, *, jour: date, maintenant: datetime) -> int:
    """Replace the cotations of the demands of ``lignes`` (rows of ``calcul.lignes``) and write the
    history of the changed scores (score or version), in a few set-based statements (COPY on
    PostgreSQL). Call inside a transaction."""
    if not lignes.height:
        return 0
    table = Cotation._meta.db_table
    ids = lignes[DEMANDE_ID].to_list()
    avant = pl.DataFrame(
        _pour_ids(
            f"SELECT demande_id, version_id, score_provisoire, score_valide FROM {connection.ops.quote_name(table)} "
            "WHERE demande_id {ids}",
            ids,
        ),
        schema={"demande_id": pl.Int64, "§v": pl.Int64, "§p": pl.Int64, "§s": pl.Int64},
        orient="row",
    )
    _pour_ids(f"DELETE FROM {connection.ops.quote_name(table)} WHERE demande_id {{ids}}", ids)
    nouvelles = lignes_a_ecrire(calcul, lignes, jour=jour)
    _inserer(table, COLONNES_COTATION, nouvelles, maintenant)
    changees = nouvelles.join(avant, on="demande_id", how="left").filter(
        pl.col("§v").is_null()
        | (pl.col("§v") != pl.col("version_id"))
        | (pl.col("§p") != pl.col("score_provisoire"))
        | (pl.col("§s") != pl.col("score_valide"))
    )
    _inserer(CotationHistorique._meta.db_table, COLONNES_HISTORIQUE, changees, maintenant)
    return nouvelles.height


def ecrire(
    calculs: Sequence[CotationsCalculees],
    *,
    organisation: Organisation,
    jour: date,
    progression: Progression = _rien,
) -> int:
    """Replace the cotations of the scored demands (and drop those of the EPCI's demands no longer
    scored: radiated, moved out of the territory, left out of this run); write the history of changed
    scores. Call inside a transaction. Returns the number of cotations written."""
    maintenant = timezone.now()
    total = sum(c.effectif for c in calculs)
    ids = {pk for c in calculs for pk in c.lignes[DEMANDE_ID].to_list()}
    anciennes = Cotation.objects.filter(version__grille__organisation=organisation).values_list("demande_id", flat=True)
    retirees = sorted(set(anciennes) - ids)
    _pour_ids(f"DELETE FROM {connection.ops.quote_name(Cotation._meta.db_table)} WHERE demande_id {{ids}}", retirees)
    ecrites = 0
    progression(ETAPE_ECRITURE, LIBELLES_ETAPES[ETAPE_ECRITURE], 0, total)
    ecrire_lot = ecrire_lignes
    if connection.vendor == "postgresql":
        _creer_tampon()
        ecrire_lot = _reecrire_lignes
    for calcul in calculs:
        for debut in range(0, calcul.lignes.height, TAILLE_LOT_ECRITURE):
            lot = calcul.lignes.slice(debut, TAILLE_LOT_ECRITURE)
            ecrites += ecrire_lot(calcul, lot, jour=jour, maintenant=maintenant)
            progression(ETAPE_ECRITURE, LIBELLES_ETAPES[ETAPE_ECRITURE], ecrites, total)
    return ecrites


#: PostgreSQL: the temporary table a run copies its rows into before writing them (dropped at commit).
TAMPON = "attrib_cotations_a_ecrire"


def _creer_tampon() -> None:
    """The temporary table of a run (:data:`COLONNES_COTATION`, typed as the cotations, no constraint or index)."""
    qn = connection.ops.quote_name
    colonnes = ", ".join(qn(c) for c in COLONNES_COTATION)
    with connection.cursor() as curseur:
        curseur.execute(f"DROP TABLE IF EXISTS {TAMPON}")
        curseur.execute(
            f"CREATE TEMPORARY TABLE {TAMPON} ON COMMIT DROP AS "
            f"SELECT {colonnes} FROM {qn(Cotation._meta.db_table)} WITH NO DATA"
        )


def _reecrire_lignes(calcul: CotationsCalculees, lignes: pl.DataFrame, *, jour: date, maintenant: datetime) -> int:
    """PostgreSQL, a run: :func:`ecrire_lignes` in set-based statements on a copy of the rows. The rows are copied
    (``COPY``) into the run's temporary table (:func:`_creer_tampon`); then one statement writes the history of
    the changed scores (compared with the stored ones in the database: nothing read back in Python), one updates
    the stored cotations in place (their foreign keys unchanged: PostgreSQL checks none of them, where a deletion
    and a new insertion checked three per row at commit) and one inserts those of the demands not scored yet."""
    nouvelles = lignes_a_ecrire(calcul, lignes, jour=jour)
    if not nouvelles.height:
        return 0
    qn = connection.ops.quote_name
    table, historique = qn(Cotation._meta.db_table), qn(CotationHistorique._meta.db_table)
    with connection.cursor() as curseur:
        curseur.execute(f"TRUNCATE {TAMPON}")
    _inserer(TAMPON, COLONNES_COTATION, nouvelles, maintenant)
    with connection.cursor() as curseur:
        # The lot's size for the planner (a temporary table has no statistics): each row is then joined to its
        # cotation through the unique index, never by reading the whole table (measured: a hash join over a
        # sequential scan of the cotations for each lot).
        curseur.execute(f"ANALYZE {TAMPON} (demande_id)")
    colonnes = [qn(c) for c in COLONNES_COTATION]
    noms = ", ".join(colonnes)
    de_n = ", ".join(f"n.{c}" for c in colonnes)
    noms_historique = ", ".join(qn(c) for c in COLONNES_HISTORIQUE)
    historique_de_n = ", ".join(f"n.{qn(c)}" for c in COLONNES_HISTORIQUE)
    with connection.cursor() as curseur:
        curseur.execute(
            f"INSERT INTO {historique} ({noms_historique}) SELECT {historique_de_n} FROM {TAMPON} n "
            f"LEFT JOIN {table} c ON c.demande_id = n.demande_id "
            "WHERE c.id IS NULL OR c.version_id <> n.version_id OR c.score_provisoire <> n.score_provisoire "
            "OR c.score_valide <> n.score_valide ORDER BY n.demande_id"
        )
        mises_a_jour = ", ".join(f"{c} = n.{c}" for c in colonnes if c != qn("demande_id"))
        curseur.execute(f"UPDATE {table} c SET {mises_a_jour} FROM {TAMPON} n WHERE c.demande_id = n.demande_id")
        curseur.execute(
            f"INSERT INTO {table} ({noms}) SELECT {de_n} FROM {TAMPON} n "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} c WHERE c.demande_id = n.demande_id) ORDER BY n.demande_id"
        )
    return nouvelles.height


# --- one demand, or a few, scored at once ----------------------------------------------------------


def reclasser_groupe(version: VersionGrille, typologie: int) -> int:
    """Rank again the stored cotations of ``version`` and ``typologie`` (after a demand of the group was
    scored alone, or left it), from their scores and stored tie-break values; active demands only.
    Returns the number of cotations whose rank changed."""
    grille = version.charger()
    champs = _champs_cles(grille)
    lignes = list(
        Cotation.objects.filter(
            version=version, typologie=typologie, demande__statut=enums.StatutDemande.ACTIVE
        ).order_by("demande_id")
    )
    if not lignes:
        return 0
    base = pl.DataFrame(
        [
            {
                DEMANDE_ID: c.demande_id,
                TYPOLOGIE: c.typologie,
                SECTEUR: c.secteur_id,
                "score": c.score,
                **{champ: (c.cles_classement or {}).get(champ) for champ in champs},
            }
            for c in lignes
        ],
        infer_schema_length=None,
    )
    rangs = classer_population(base, base.select("score"), grille).to_dicts()
    changees = []
    for cotation, rang in zip(lignes, rangs, strict=True):
        if any(getattr(cotation, cle) != rang[cle] for cle in RANGS):
            for cle in RANGS:
                setattr(cotation, cle, rang[cle])
            changees.append(cotation)
    Cotation.objects.bulk_update(changees, list(RANGS), batch_size=TAILLE_ECRITURE)
    return len(changees)


def organisations_des_demandes(ids: Sequence[int]) -> dict[Organisation, list[int]]:
    """The EPCI with a published grid that scores each demand of ``ids`` (by its first wished commune)."""
    premieres = dict(
        CommuneSouhaitee.objects.filter(demande_id__in=ids, rang=1).values_list("demande_id", "commune_id")
    )
    communes = set(premieres.values())
    publiees = VersionGrille.objects.filter(statut=StatutVersion.PUBLIEE).values("grille__organisation_id")
    resultat: dict[Organisation, list[int]] = {}
    placees: set[int] = set()
    for organisation in Organisation.objects.filter(pk__in=publiees).order_by("nom", "pk"):
        siennes = set(communes_du_territoire(organisation).filter(pk__in=communes).values_list("pk", flat=True))
        ids_org = [pk for pk, commune in premieres.items() if commune in siennes and pk not in placees]
        if ids_org:
            resultat[organisation] = sorted(ids_org)
            placees.update(ids_org)
    return resultat


def actualiser(ids: Sequence[int], *, jour: date) -> list[DemandeEcartee]:
    """Score the demands ``ids`` now with the published grids of their EPCI, or clear their cotation when
    no grid scores them (struck off, out of every territory) or when they cannot be scored (returned,
    with the reason); then rank again the groups they joined or left. Call inside a transaction: the
    writes wait for a re-scoring run writing the same EPCI (:func:`verrouiller`)."""
    ids = sorted(set(ids))
    if not ids:
        return []
    par_organisation = organisations_des_demandes(ids)
    anciennes = Cotation.objects.filter(demande_id__in=ids)
    verrouiller(
        [
            *(v for organisation in par_organisation for v in versions_publiees(organisation).values()),
            *anciennes.values_list("version_id", flat=True),
        ]
    )
    groupes = set(anciennes.values_list("version_id", "typologie"))
    maintenant = timezone.now()
    cotees: set[int] = set()
    ecartees: list[DemandeEcartee] = []
    for organisation, ids_org in par_organisation.items():
        versions = versions_publiees(organisation)
        verrouiller(versions.values())  # a publication committed meanwhile
        for version, qs in populations(organisation, versions):
            a_coter = list(qs.filter(pk__in=ids_org).order_by("pk").values_list("pk", flat=True))
            if not a_coter:
                continue
            try:
                resultat = coter_demandes(version, a_coter, jour=jour)
            except ErreurMoteur as exc:
                # The grid cannot be computed at all today (a parameter missing): the demands lose
                # their cotation, named with the reason; the modification that called is kept.
                numeros = numeros_uniques(a_coter)
                ecartees += [DemandeEcartee(pk, numeros.get(pk, str(pk)), str(exc)) for pk in a_coter]
                continue
            ecrire_lignes(resultat, resultat.lignes, jour=jour, maintenant=maintenant)
            cotees.update(resultat.lignes[DEMANDE_ID].to_list())
            groupes.update((version.pk, int(t)) for t in resultat.lignes[TYPOLOGIE].unique().to_list())
            ecartees += resultat.ecartees
    Cotation.objects.filter(demande_id__in=ids).exclude(demande_id__in=cotees).delete()
    versions_par_pk = VersionGrille.objects.in_bulk({v for v, _ in groupes})
    for version_id, typologie in sorted(groupes):
        reclasser_groupe(versions_par_pk[version_id], typologie)
    return ecartees
