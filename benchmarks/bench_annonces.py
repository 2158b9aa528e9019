"""Benchmark: households to alert for 1,000 new adverts of location voulue among 1,000,000 active demands.

- Demands and dwellings: :mod:`benchmarks.instances` (seeded; the shortlist benchmark's territory of 300
  sectors whose popularity follows a power law). Each advert is a freed dwelling of
  :func:`~benchmarks.instances.generer_logements` with a public: ``tous`` (60 %), ``q1`` (25 %) or
  ``prioritaires`` (15 %). 1 % of the households are excluded (suspended, or at their limit of applications).
- ``alerte_s``: time of :func:`~attrib.engine.annonces.alertes.menages_a_alerter` for the 1,000 adverts (every
  blocking eligibility rule, the public, the exclusions). Index building is timed apart (``index_s``) and
  excluded; ``menages``: households alerted, summed over the adverts.
- ``baseline_s``: the same answer by a full polars filter over the million demands per advert (wish of the
  commune and typology, every blocking rule as expressions on pre-derived columns, public, exclusions, sorted
  by rank), as the shortlist benchmark's baseline, on ``ANNONCES_BASELINE`` of the adverts, extrapolated to
  1,000; both answers are checked identical on that sample.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import polars as pl

from attrib.engine.annonces.alertes import PRIORITAIRES, Q1, TOUS, AnnonceAAlerter, menages_a_alerter
from attrib.engine.parametres import charger_parametres
from attrib.engine.rapprochement.eligibilite import Logement
from attrib.engine.rapprochement.preselection import IndexDemandes
from benchmarks.bench_shortlist import _cadre_derive
from benchmarks.instances import generer_demandes, generer_logements, index_demandes, territoire

NB_DEMANDES = 1_000_000
NB_SECTEURS = 300
NB_ANNONCES = 1_000
GRAINE = 20260614
PART_PUBLICS = ((TOUS, 0.60), (Q1, 0.25), (PRIORITAIRES, 0.15))
PART_EXCLUS = 0.01
ANNONCES_BASELINE = 25
LIMITE_S = 10.0


def _condition(index: IndexDemandes, lg: Logement) -> pl.Expr:
    """Wish and every blocking rule of the dwelling as one polars expression (taux d'effort and reste à vivre
    block only when evaluated, as in the engine; the generated dwellings all have a rent and charges)."""
    p, r = charger_parametres(), index.regles
    annee = index.table.annee_plafonds
    cellules = [p.plafond_cellule(lg.financement, lg.zone_plafond, annee, str(c)) for c in range(1, 7)]
    supplement = p.plafond_cellule(lg.financement, lg.zone_plafond, annee, "personne_supplementaire")
    taille_max = 12
    pieces_max = [r.adequation.sous_occupation.pieces_maximum(t) for t in range(taille_max + 1)]
    surface_min = [float(r.adequation.sur_occupation.surface_minimale(t)) for t in range(taille_max + 1)]
    typ = [r.adequation.typologies.pour(t) for t in range(taille_max + 1)]
    n = pl.col("n").clip(0, taille_max)
    plafond = pl.lit(pl.Series([0, *cellules])).gather(pl.col("categorie")) + pl.col("supp") * supplement
    rdc = (lg.etage or 0) <= 0
    acces_rdc = rdc or bool(lg.ascenseur)
    acces_fauteuil = bool(lg.adapte_pmr) and acces_rdc
    assert lg.loyer is not None and lg.charges is not None
    depense = (pl.lit(lg.loyer + lg.charges) - pl.col("allocation")).clip(lower_bound=0.0)
    return (
        pl.col("communes").list.contains(lg.commune)
        & (pl.col("typologie_min").clip(1, 6) <= lg.typologie)
        & (pl.col("typologie_max").clip(1, 6) >= lg.typologie)
        & (pl.col("rfr") <= plafond)
        & (lg.nb_pieces <= pl.lit(pl.Series(pieces_max)).gather(n))
        & (lg.surface_habitable >= pl.lit(pl.Series(surface_min)).gather(n))
        & (pl.lit(pl.Series([t.minimum for t in typ])).gather(n) <= lg.typologie)
        & (pl.lit(pl.Series([t.maximum for t in typ])).gather(n) >= lg.typologie)
        & (~pl.col("fauteuil") | acces_fauteuil)
        & (~pl.col("adapte") | bool(lg.adapte_pmr))
        & (~pl.col("rdc") | acces_rdc)
        & ((pl.col("revenus") <= 0) | (depense / pl.col("revenus") <= r.effort.taux_effort_maximum.valeur))
        & ((pl.col("revenus") - depense) / pl.col("uc") >= r.effort.reste_a_vivre_minimum.valeur)
    )


def _baseline(cadre: pl.DataFrame, index: IndexDemandes, annonce: AnnonceAAlerter) -> list[str]:
    """Full scan of the million demands for one advert."""
    condition = _condition(index, annonce.logement) & ~pl.col("exclu")
    if annonce.public == Q1:
        condition &= pl.col("q1")
    elif annonce.public == PRIORITAIRES:
        condition &= pl.col("prioritaire")
    return cadre.filter(condition).sort("rang").get_column("demande").to_list()


def _annonces(logements: list[Logement], graine: int) -> list[AnnonceAAlerter]:
    rng = np.random.default_rng(graine)
    publics = rng.choice([p for p, _ in PART_PUBLICS], size=len(logements), p=[q for _, q in PART_PUBLICS])
    return [
        AnnonceAAlerter(cle=f"LV{i:05d}", logement=lg, public=str(public))
        for i, (lg, public) in enumerate(zip(logements, publics, strict=True))
    ]


def run() -> None:
    terr = territoire(NB_SECTEURS, graine=GRAINE)
    demandes = generer_demandes(NB_DEMANDES, terr, graine=GRAINE + 1)
    debut = time.perf_counter()
    index = index_demandes(demandes)
    index_s = time.perf_counter() - debut
    annonces = _annonces(generer_logements(NB_ANNONCES, terr, graine=GRAINE + 2), GRAINE + 3)
    rng = np.random.default_rng(GRAINE + 4)
    exclus_masque = rng.random(NB_DEMANDES) < PART_EXCLUS
    exclus = frozenset(index.demandes[exclus_masque].tolist())

    t0 = time.perf_counter()
    resultat = menages_a_alerter(index, annonces, exclus=exclus)
    alerte_s = time.perf_counter() - t0
    menages = sum(len(v) for v in resultat.values())

    cadre = _cadre_derive(index, demandes).with_columns(
        pl.Series("q1", index.q1),
        pl.Series("prioritaire", index.dalo | index.prioritaire),
        pl.Series("exclu", exclus_masque),
    )
    pas = max(1, NB_ANNONCES // ANNONCES_BASELINE)
    echantillon = annonces[::pas][:ANNONCES_BASELINE]
    t0 = time.perf_counter()
    for annonce in echantillon:
        if _baseline(cadre, index, annonce) != resultat[annonce.cle].tolist():
            raise AssertionError(f"Annonce {annonce.cle} : les ménages à alerter diffèrent du filtre polars complet.")
    baseline_s = (time.perf_counter() - t0) * NB_ANNONCES / len(echantillon)
    print(
        f"BENCH annonces demandes={NB_DEMANDES} annonces={NB_ANNONCES} alerte_s={alerte_s:.2f} menages={menages} "
        f"baseline_s={baseline_s:.1f} ratio={baseline_s / alerte_s:.0f} index_s={index_s:.1f}"
    )
    if alerte_s > LIMITE_S:
        print(f"Attention : alerte_s={alerte_s:.2f} au-delà de l'objectif de {LIMITE_S:.0f} s.", file=sys.stderr)
