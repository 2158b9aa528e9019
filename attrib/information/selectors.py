"""What the applicant is told of their demand (L441-2-6, R441-2-10 CCH; CRPA R311-3-1-2): the score with each
criterion, its points and its source; the position among similar demands; the waiting range of similar demands
satisfied; what would change the position. And the positions that moved since the last snapshot.

The position index of each published grid version (``attrib.engine.position.IndexPositions``) is built once
per state of the data, like the ranked lists keep theirs: the key is the freshness of the scores
(``attrib.cotation.selectors.fraicheur_cotations``: the demands' generation, moved by any write under a demand
— its leases included — and the last cotation written), the day and the local rule in force. The callers check
that the demand is the applicant's (``attrib.demandes``); these functions read for that demand only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.utils import timezone

from attrib.cotation.calcul import codes_sensibles, criteres_sensibles
from attrib.cotation.colonnes import colonnes_cotation, correspondances_pieces, criteres_valides, lit_des_plafonds
from attrib.cotation.enums import StatutVersion
from attrib.cotation.models import Cotation, VersionGrille
from attrib.cotation.permissions import communes_du_territoire
from attrib.cotation.selectors import LigneDemandeur, explication_demandeur, fraicheur_cotations
from attrib.demandes.models import Demande
from attrib.engine.cotation.explication_demandeur import article_en_clair
from attrib.engine.erreurs import PlafondNonRenseigne
from attrib.engine.position import (
    Bande,
    IndexPositions,
    ReglesInformation,
    Simulation,
    Situation,
    charger_regles_information,
    simuler,
)
from attrib.information.colonnes import cadre_attributions, cadre_version, departage
from attrib.information.models import InstantanePosition

# --- the index of a version, cached --------------------------------------------------------------------------

_INDEX: dict[int, tuple[tuple[Any, ...], IndexPositions]] = {}
_ATTRIBUTIONS: dict[tuple[Any, ...], pl.DataFrame] = {}
_VERROU = threading.Lock()


def vider_cache() -> None:
    with _VERROU:
        _INDEX.clear()
        _ATTRIBUTIONS.clear()


def _attributions(regles: ReglesInformation, jour: date, fraicheur: tuple[Any, ...]) -> pl.DataFrame:
    cle = (regles, jour, fraicheur)
    with _VERROU:
        connu = _ATTRIBUTIONS.get(cle)
    if connu is None:
        connu = cadre_attributions(regles, jour)
        with _VERROU:
            _ATTRIBUTIONS.clear()
            _ATTRIBUTIONS[cle] = connu
    return connu


def index_version(version: VersionGrille, *, jour: date | None = None) -> IndexPositions:
    """The position index of the demands scored by ``version``, rebuilt when the scores, the demands (their
    leases included), the day or the local rule changed."""
    jour = jour or timezone.localdate()
    regles = charger_regles_information(jour)
    fraicheur = fraicheur_cotations()
    cle = (jour, regles, fraicheur)
    with _VERROU:
        connu = _INDEX.get(version.pk)
    if connu is not None and connu[0] == cle:
        return connu[1]
    index = IndexPositions.construire(
        cadre_version(version),
        _attributions(regles, jour, fraicheur),
        departage=departage(version.charger()),
        regles=regles,
        jour=jour,
    )
    with _VERROU:
        _INDEX[version.pk] = (cle, index)
    return index


# --- the score, the position, the waiting range -------------------------------------------------------------


@dataclass(frozen=True)
class SituationDemandeur:
    score: int
    score_provisoire: int
    score_valide: int
    grille: str
    date_calcul: date
    #: Who adopted the grid and since when (« Ces critères viennent de la grille de cotation adoptée par … »).
    origine: str
    lignes: tuple[LigneDemandeur, ...]
    #: The score in plain sentences (``attrib.cotation.selectors.explication_demandeur``).
    explication: tuple[str, ...]
    typologie: str
    situation: Situation
    regles: ReglesInformation
    #: How equal scores are ordered, in words.
    departage: str
    #: The article of law the local rule applies, spelt out (empty when its source cites none).
    source_regle: str = ""

    @property
    def position(self) -> Bande | None:
        return self.situation.position


#: Tie-break fields of the grids, in words (a field not listed is named « selon la règle de la grille »).
_DEPARTAGE = {
    "date_depot_initiale": "la plus ancienne demande d'abord",
    "anciennete_mois": "la plus ancienne demande d'abord",
    "numero_unique": "par numéro de demande",
}


def departage_en_mots(version: VersionGrille) -> str:
    mots = list(
        dict.fromkeys(
            _DEPARTAGE.get(c.champ, "") if c.ordre == "croissant" else "" for c in version.charger().departage
        )
    )
    mots = [m or "selon la règle de départage de la grille" for m in mots]
    return ", puis ".join(dict.fromkeys(mots)) if mots else "par numéro de demande"


def _typologie(n: int) -> str:
    return "T6 et plus" if n >= 6 else f"T{n}"


def _cotation(demande: Demande) -> Cotation | None:
    return (
        Cotation.objects.select_related("version__grille__organisation")
        .filter(demande=demande, version__statut=StatutVersion.PUBLIEE)
        .first()
    )


def situation_de(
    *, demande: Demande, jour: date | None = None, voit_sensible: bool = False
) -> SituationDemandeur | None:
    """The applicant's score explained, position and waiting range (``None``: the demand has no score). The
    criteria revealing a sensitive situation are named only for ``voit_sensible`` (the household itself:
    ``attrib.demandeurs.selectors.voit_sensible``); otherwise « Situation particulière (confidentielle) » with
    its points."""
    cotation = _cotation(demande)
    if cotation is None:
        return None
    index = index_version(cotation.version, jour=jour)
    situation = index.situation(demande.pk)
    if situation is None:  # scored, but no longer active
        return None
    explication = explication_demandeur(cotation, voit_sensible=voit_sensible)
    return SituationDemandeur(
        score=cotation.score,
        score_provisoire=cotation.score_provisoire,
        score_valide=cotation.score_valide,
        grille=cotation.version.libelle,
        date_calcul=cotation.date_reference,
        origine=explication.origine,
        lignes=explication.lignes,
        explication=explication.phrases,
        typologie=_typologie(cotation.typologie),
        situation=situation,
        regles=index.regles,
        departage=departage_en_mots(cotation.version),
        source_regle=article_en_clair(index.regles.source),
    )


# --- what would change the position --------------------------------------------------------------------------


def justifiables(version: VersionGrille) -> dict[str, str]:
    """Criteria of the grid a household can have validated, and what to provide, in words: a document when the
    territory validates the criterion on documents (``data/grilles/validation_criteres.yaml``), a social
    worker's attestation when the grid asks one."""
    pieces = correspondances_pieces()
    resultat = {}
    for _, critere in version.charger().criteres():
        if not critere.a_valider:
            continue
        if critere.validation == "travailleur_social":
            resultat[critere.id] = "l'attestation d'un travailleur social"
        elif pieces.get(critere.id) or critere.priorites_legales:
            resultat[critere.id] = "le justificatif demandé"
    return resultat


def simulations_de(*, demande: Demande, jour: date | None = None, voit_sensible: bool = False) -> list[Simulation]:
    """The actions the household may take (provide a document, widen its typologies or communes), each with its
    effect on the score, the band of places and the waiting range (empty: the demand has no score). Without
    ``voit_sensible``, a document validating a sensitive criterion does not name it (as :func:`situation_de`)."""
    jour = jour or timezone.localdate()
    cotation = _cotation(demande)
    if cotation is None:
        return []
    version = cotation.version
    grille = version.charger()
    index = index_version(version, jour=jour)
    brut = colonnes_cotation(Demande.objects.filter(pk=demande.pk), jour=jour)
    ligne = brut.with_columns(criteres_valides(grille))
    communes = list(communes_du_territoire(version.grille.organisation).values_list("code_insee", "nom"))
    arguments: dict[str, Any] = {
        "demande_id": demande.pk,
        "communes": [c for c, _ in communes],
        "libelles_communes": dict(communes),
        "justifiables": justifiables(version),
        "date_reference": jour,
        "masques": frozenset() if voit_sensible else criteres_sensibles(grille, codes_sensibles()),
    }
    try:
        return simuler(index, grille, ligne, **arguments)
    except PlafondNonRenseigne:
        # As the re-scoring does (``preparer_pour``): a grid that reads no ceiling is computed in the first days
        # of a year whose ceilings are not published yet with the previous year's, never read.
        if lit_des_plafonds(grille):
            raise
        return simuler(index, grille, ligne, annee_plafonds=jour.year - 1, **arguments)


# --- alerts: the positions that moved -----------------------------------------------------------------------


@dataclass(frozen=True)
class PositionChangee:
    demande_id: int
    avant: Bande
    apres: Bande
    #: The snapshot row the position was compared with (a notice is written once per demand and snapshot).
    instantane_id: int = 0


def bandes_actuelles(*, jour: date | None = None) -> pl.DataFrame:
    """``demande_id``, ``debut``, ``fin``, ``effectif`` of every demand whose position is shown today."""
    cadres = [
        index_version(v, jour=jour).bandes()
        for v in VersionGrille.objects.filter(statut=StatutVersion.PUBLIEE).select_related("grille").order_by("pk")
    ]
    if not cadres:
        return pl.DataFrame(schema={"demande_id": pl.Int64, "debut": pl.Int64, "fin": pl.Int64, "effectif": pl.Int64})
    return pl.concat(cadres, how="vertical")


def positions_changees(*, jour: date | None = None) -> list[PositionChangee]:
    """The demands whose band of places differs from the one of the last snapshot (a demand without a snapshot,
    or whose position is no longer shown, has not "moved")."""
    actuelles = bandes_actuelles(jour=jour)
    avant = pl.DataFrame(
        list(
            InstantanePosition.objects.order_by("demande_id").values_list(
                "demande_id", "debut", "fin", "effectif", "id"
            )
        ),
        schema={
            "demande_id": pl.Int64,
            "debut_avant": pl.Int64,
            "fin_avant": pl.Int64,
            "effectif_avant": pl.Int64,
            "instantane_id": pl.Int64,
        },
        orient="row",
    )
    bougees = actuelles.join(avant, on="demande_id", how="inner").filter(
        (pl.col("debut") != pl.col("debut_avant")) | (pl.col("fin") != pl.col("fin_avant"))
    )
    return [
        PositionChangee(
            demande_id=r["demande_id"],
            avant=Bande(r["debut_avant"], r["fin_avant"], r["effectif_avant"]),
            apres=Bande(r["debut"], r["fin"], r["effectif"]),
            instantane_id=r["instantane_id"],
        )
        for r in bougees.sort("demande_id").iter_rows(named=True)
    ]
