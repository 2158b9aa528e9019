"""Benchmark: shortlist of one freed dwelling among 1,000,000 active demands.

- Demands and dwellings: :mod:`benchmarks.instances` (seeded; 300 sectors whose popularity follows a power
  law, so that the popular sectors hold tens of thousands of demands).
- ``p95_ms``: 95th percentile of :meth:`IndexDemandes.preselection` (10 candidates, every eligibility rule,
  signals and effects on the objectives) over ``REQUETES`` dwellings, after ``ECHAUFFEMENT`` warm-up queries.
  Index building is timed apart (``index_s``) and excluded.
- ``baseline_p95_ms``: the same shortlist by a full polars filter over the million demands per query
  (wish of the commune, typology, every eligibility rule as expressions on pre-derived columns, sort by rank),
  on ``REQUETES_BASELINE`` of the same dwellings; both answers are checked to be identical.
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl

from attrib.engine.parametres import charger_parametres
from attrib.engine.rapprochement.eligibilite import Logement
from attrib.engine.rapprochement.objectifs import objectifs_cia
from attrib.engine.rapprochement.preselection import IndexDemandes
from benchmarks.instances import generer_demandes, generer_logements, index_demandes, territoire

NB_DEMANDES = 1_000_000
NB_SECTEURS = 300
GRAINE = 20260602
ECHAUFFEMENT = 50
REQUETES = 1_000
REQUETES_BASELINE = 60
NOMBRE = 10


def _cadre_derive(index: IndexDemandes, demandes: pl.DataFrame) -> pl.DataFrame:
    t = index.table
    return demandes.select("demande", "communes", "typologie_min", "typologie_max").with_columns(
        pl.Series("rang", index.rang_global),
        pl.Series("categorie", t.categorie),
        pl.Series("supp", t.personnes_supplementaires),
        pl.Series("n", t.nb_personnes),
        pl.Series("rfr", t.revenu_fiscal_reference),
        pl.Series("revenus", t.revenus_mensuels),
        pl.Series("uc", t.unites_consommation),
        pl.Series("allocation", t.allocation_logement),
        pl.Series("fauteuil", t.besoin_fauteuil),
        pl.Series("adapte", t.besoin_logement_adapte),
        pl.Series("rdc", t.besoin_rdc_ou_ascenseur),
    )


def _baseline(cadre: pl.DataFrame, index: IndexDemandes, lg: Logement) -> list[str]:
    """Full scan: every rule as a polars expression over every demand."""
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
    condition = (
        pl.col("communes").list.contains(lg.commune)
        & (pl.col("typologie_min") <= lg.typologie)
        & (pl.col("typologie_max") >= lg.typologie)
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
    return cadre.filter(condition).sort("rang").head(NOMBRE).get_column("demande").to_list()


def run() -> None:
    terr = territoire(NB_SECTEURS, graine=GRAINE)
    demandes = generer_demandes(NB_DEMANDES, terr, graine=GRAINE + 1)
    debut = time.perf_counter()
    index = index_demandes(demandes)
    index_s = time.perf_counter() - debut
    logements = generer_logements(ECHAUFFEMENT + REQUETES, terr, graine=GRAINE + 2)
    objectifs = objectifs_cia(index.regles.objectifs, {lg.reservataire for lg in logements})

    for lg in logements[:ECHAUFFEMENT]:
        index.preselection(lg, nombre=NOMBRE, objectifs=objectifs)
    durees = []
    resultats = {}
    for lg in logements[ECHAUFFEMENT:]:
        t0 = time.perf_counter()
        sel = index.preselection(lg, nombre=NOMBRE, objectifs=objectifs)
        durees.append(time.perf_counter() - t0)
        resultats[lg.identifiant] = [c.demande for c in sel.candidats]
    p95 = float(np.percentile(np.array(durees) * 1000, 95))

    cadre = _cadre_derive(index, demandes)
    durees_base = []
    pas = max(1, REQUETES // REQUETES_BASELINE)
    for lg in logements[ECHAUFFEMENT::pas][:REQUETES_BASELINE]:
        t0 = time.perf_counter()
        attendu = _baseline(cadre, index, lg)
        durees_base.append(time.perf_counter() - t0)
        if attendu != resultats[lg.identifiant]:
            raise AssertionError(f"Logement {lg.identifiant} : la présélection diffère du filtre polars complet.")
    base95 = float(np.percentile(np.array(durees_base) * 1000, 95))
    print(
        f"BENCH shortlist demandes={NB_DEMANDES} p95_ms={p95:.2f} baseline_p95_ms={base95:.1f} "
        f"ratio={base95 / p95:.0f} index_s={index_s:.1f}"
    )
