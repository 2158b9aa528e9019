"""Seeded reference instances of the rapprochement benchmarks (and of the tests that need a realistic batch).

- :func:`generer_demandes`: active demands in the shape :class:`~attrib.engine.rapprochement.preselection.IndexDemandes`
  reads (households, wished sectors ranked, typologies, needs, DALO and priorities, cotation score);
- :func:`generer_logements`: freed dwellings (:class:`~attrib.engine.rapprochement.eligibilite.Logement`) in
  residences rated 1 to 4, 30 % of them in QPV, oriented to five réservataires;
- :func:`instance_reference`: the batch of the matching benchmark — 2,000 dwellings, 50,000 demands, the
  candidatures of each dwelling computed by the engine itself (wish of the sector and typology, eligibility,
  value), ~100 per dwelling.

The territory is a set of sectors (communes, or districts of the larger ones) whose popularity follows a
power law, for demands and dwellings alike. Households of the first quartile declare lower incomes; the
dwellings outside QPV are newer and dearer (higher rent per m²), so the effort rate of a Q1 household there
is higher and its value lower (malus of ``valeur_candidature``): the unconstrained optimum gives fewer than
25 % of the attributions outside QPV to Q1 households, as in the field. All numbers are hypotheses of the
generator, not observed data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from attrib.engine.appariement import InstanceAppariement, instance_depuis_index
from attrib.engine.rapprochement.eligibilite import Logement
from attrib.engine.rapprochement.preselection import IndexDemandes

ANNEE_PLAFONDS = 2024  # last year whose PLAI, PLUS and PLS ceilings are all sourced in every zone
DATE_REFERENCE = date(2024, 9, 1)
RESERVATAIRES: tuple[str, ...] = ("etat", "action_logement", "commune", "departement", "bailleur")
PART_RESERVATAIRES: tuple[float, ...] = (0.25, 0.30, 0.20, 0.05, 0.20)
LETTRES_PRIORITE: tuple[str, ...] = ("a", "c", "d", "e", "f", "g", "j", "k", "l")
EXPOSANT_POPULARITE = 0.5


@dataclass(frozen=True, slots=True)
class Hypotheses:
    """Hypotheses of the generator (not observed data). The defaults make the Q1 objective outside QPV bind,
    as described in the module docstring; :data:`CIA_LIEE` makes every objective of the CIA bind."""

    prix_m2_en_qpv: float = 5.4  # € per m² and month
    prix_m2_hors_qpv: float = 9.0
    part_dalo: tuple[float, float] = (0.05, 0.01)  # (first quartile, others)
    part_prioritaires: tuple[float, float] = (0.25, 0.08)
    bonus_score_q1: float = 0.0  # cotation points a first-quartile household earns for its low resources
    part_qpv_note_1: float = 0.35  # share of QPV residences rated 1 (most fragile)


HYPOTHESES = Hypotheses()
#: All four CIA objectives and the rating rule binding: few priority households (the priority share of every
#: réservataire falls below its target without steering), and the cotation rewards low resources, so that the
#: first quartile fills the cheap QPV dwellings and the most fragile residences beyond their limits, while the
#: dear dwellings outside QPV still go to other households.
CIA_LIEE = Hypotheses(
    part_dalo=(0.02, 0.004),
    part_prioritaires=(0.06, 0.02),
    bonus_score_q1=25.0,
    part_qpv_note_1=0.5,
)


@dataclass(frozen=True, slots=True)
class Territoire:
    secteurs: tuple[str, ...]
    popularite_demandes: np.ndarray
    popularite_logements: np.ndarray
    a_un_qpv: np.ndarray


def territoire(nb_secteurs: int, *, graine: int, exposant: float | None = None) -> Territoire:
    rng = np.random.default_rng(graine)
    rangs = np.arange(1, nb_secteurs + 1)
    popularite = 1.0 / rangs ** (EXPOSANT_POPULARITE if exposant is None else exposant)
    popularite /= popularite.sum()
    a_un_qpv = rng.random(nb_secteurs) < 0.3
    a_un_qpv[: max(1, nb_secteurs // 50)] = True
    return Territoire(
        secteurs=tuple(f"S{i:04d}" for i in range(nb_secteurs)),
        popularite_demandes=popularite,
        popularite_logements=popularite,
        a_un_qpv=a_un_qpv,
    )


def _souhaits(rng: np.random.Generator, poids: np.ndarray, nombres: np.ndarray, tirages: int = 8) -> pl.Series:
    """Ranked distinct sectors of each row: ``tirages`` weighted draws, duplicates dropped (first kept),
    the first ``nombres[i]`` kept. A list column (built without a Python loop over rows)."""
    n = nombres.shape[0]
    brut = rng.choice(poids.shape[0], size=(n, tirages), p=poids)
    ordre = np.argsort(brut, axis=1, kind="stable")
    tries = np.take_along_axis(brut, ordre, axis=1)
    doublon_trie = np.zeros_like(brut, dtype=bool)
    doublon_trie[:, 1:] = tries[:, 1:] == tries[:, :-1]
    doublon = np.zeros_like(doublon_trie)
    np.put_along_axis(doublon, ordre, doublon_trie, axis=1)
    garde = ~doublon
    rang = np.cumsum(garde, axis=1)
    garde &= rang <= nombres[:, None]
    lignes, colonnes = np.nonzero(garde)
    return (
        pl.DataFrame({"ligne": lignes, "secteur": brut[lignes, colonnes]})
        .group_by("ligne", maintain_order=True)
        .agg("secteur")
        .join(pl.DataFrame({"ligne": np.arange(n)}), on="ligne", how="right")
        .sort("ligne")
        .get_column("secteur")
    )


def generer_demandes(n: int, terr: Territoire, *, graine: int, hypotheses: Hypotheses = HYPOTHESES) -> pl.DataFrame:
    """``n`` active demands of the territory (columns of ``IndexDemandes.construire``)."""
    rng = np.random.default_rng(graine)
    personnes = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.38, 0.24, 0.17, 0.12, 0.06, 0.03])
    couple = (personnes >= 2) & (rng.random(n) < 0.5)
    adultes = np.where(couple, 2, 1)
    enfants = personnes - adultes
    a_charge = np.where(couple, enfants, personnes - 1)
    moins_14 = rng.binomial(np.maximum(enfants, 0), 0.7)
    moins_14 = np.minimum(moins_14, personnes - 1)
    age = rng.integers(19, 80, size=n)
    age_co = np.clip(age + rng.integers(-6, 7, size=n), 18, 95)
    handicap = (rng.random(n) < 0.05).astype(np.int64)
    uc = 1.0 + 0.5 * (personnes - 1 - moins_14) + 0.3 * moins_14
    revenu_uc = rng.lognormal(np.log(1050.0), 0.55, size=n)
    revenus = np.round(revenu_uc * uc, 2)
    rfr = np.round(revenus * 12 * rng.uniform(0.8, 1.05, size=n)).astype(np.int64)
    seuil_q1 = float(np.quantile(revenus * 12 / uc, 0.25))
    q1 = revenus * 12 / uc <= seuil_q1
    allocation = np.round(np.where(revenu_uc < 900, (900 - revenu_uc) * 0.35 * uc, 0.0), 2)
    dalo = rng.random(n) < np.where(q1, *hypotheses.part_dalo)
    prioritaire = rng.random(n) < np.where(q1, *hypotheses.part_prioritaires)
    score = np.round(
        np.clip(rng.normal(200, 60, size=n) + 120 * dalo + 60 * prioritaire + hypotheses.bonus_score_q1 * q1, 0, None)
    )
    nb_priorites = np.where(prioritaire, rng.integers(1, 3, size=n), 0)
    lettres = np.array(LETTRES_PRIORITE)
    priorites = _souhaits(rng, np.full(lettres.shape[0], 1.0 / lettres.shape[0]), nb_priorites, tirages=4)
    typ_min = np.clip(np.where(personnes == 1, 1, personnes - 1), 1, 6)
    typ_max = np.clip(personnes + (rng.random(n) < 0.5), 1, 6)
    typ_min = np.minimum(typ_min, typ_max)
    nb_souhaits = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.25, 0.25, 0.25, 0.15, 0.10])
    secteurs = np.array(terr.secteurs)
    communes = _souhaits(rng, terr.popularite_demandes, nb_souhaits)
    depot = DATE_REFERENCE - timedelta(days=1)
    jours = rng.integers(0, 5 * 365, size=n)
    return pl.DataFrame(
        {
            "demande": [f"D{i:07d}" for i in range(n)],
            "score": score,
            "nb_personnes": personnes,
            "nb_personnes_a_charge": a_charge,
            "couple": couple,
            "age_demandeur": age,
            "age_codemandeur": pl.Series(np.where(couple, age_co, 0)).cast(pl.Int64),
            "nb_handicap": handicap,
            "nb_moins_14_ans": moins_14,
            "revenus_mensuels": revenus,
            "revenu_fiscal_reference": rfr,
            "zone_plafond": ["autres_regions"] * n,
            "departement": ["11"] * n,
            "date_depot_initiale": pl.Series(np.datetime64(depot, "D") - jours.astype("timedelta64[D]")),
            "typologie_min": typ_min,
            "typologie_max": typ_max,
            "communes": communes.list.eval(pl.lit(pl.Series(secteurs)).gather(pl.element())).fill_null([]),
            "allocation_logement": allocation,
            "besoin_fauteuil": rng.random(n) < 0.01,
            "besoin_logement_adapte": rng.random(n) < 0.02,
            "besoin_rdc_ou_ascenseur": rng.random(n) < 0.05,
            "dalo": dalo,
            "priorites": priorites.list.eval(pl.lit(pl.Series(lettres)).gather(pl.element()).sort()).fill_null([]),
        }
    ).with_columns(pl.when(pl.col("couple")).then(pl.col("age_codemandeur")).otherwise(None).alias("age_codemandeur"))


def seuil_premier_quartile(demandes: pl.DataFrame) -> float:
    """The first-quartile threshold of the generated file (annual income per UC), as the SNE computes it."""
    personnes = demandes.get_column("nb_personnes").to_numpy()
    moins_14 = demandes.get_column("nb_moins_14_ans").to_numpy()
    uc = 1.0 + 0.5 * (personnes - 1 - moins_14) + 0.3 * moins_14
    return float(np.quantile(demandes.get_column("revenus_mensuels").to_numpy() * 12 / uc, 0.25))


def generer_logements(
    n: int, terr: Territoire, *, graine: int, part_qpv: float = 0.30, hypotheses: Hypotheses = HYPOTHESES
) -> list[Logement]:
    """``n`` freed dwellings in residences of the territory; ``part_qpv`` of them in QPV."""
    rng = np.random.default_rng(graine)
    nb_residences = max(10, n // 3)
    secteur = rng.choice(len(terr.secteurs), size=nb_residences, p=terr.popularite_logements)
    en_qpv = terr.a_un_qpv[secteur] & (rng.random(nb_residences) < 0.7)
    note = np.where(
        en_qpv,
        rng.choice([1, 2, 3, 4], size=nb_residences, p=_notes_qpv(hypotheses.part_qpv_note_1)),
        rng.choice([1, 2, 3, 4], size=nb_residences, p=[0.1, 0.2, 0.35, 0.35]),
    )
    poids = np.where(en_qpv, part_qpv / max(int(en_qpv.sum()), 1), (1 - part_qpv) / max(int((~en_qpv).sum()), 1))
    residence = rng.choice(nb_residences, size=n, p=poids / poids.sum())
    typologie = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.08, 0.24, 0.36, 0.22, 0.08, 0.02])
    surface = np.round(np.array([0, 30, 47, 66, 80, 95, 110])[typologie] * rng.uniform(0.9, 1.15, size=n), 1)
    financement = rng.choice(["PLAI", "PLUS", "PLS"], size=n, p=[0.2, 0.7, 0.1])
    prix = np.where(en_qpv[residence], hypotheses.prix_m2_en_qpv, hypotheses.prix_m2_hors_qpv) * np.where(
        financement == "PLAI", 0.85, np.where(financement == "PLS", 1.25, 1.0)
    )
    loyer = np.round(surface * prix * rng.uniform(0.92, 1.08, size=n), 2)
    charges = np.round(surface * rng.uniform(0.9, 1.4, size=n), 2)
    etage = rng.integers(0, 6, size=n)
    ascenseur = rng.random(n) < 0.5
    adapte = rng.random(n) < 0.06
    reservataire = rng.choice(len(RESERVATAIRES), size=n, p=PART_RESERVATAIRES)
    return [
        Logement(
            financement=str(financement[i]),
            zone_plafond="autres_regions",
            nb_pieces=int(typologie[i]),
            surface_habitable=float(surface[i]),
            loyer=float(loyer[i]),
            charges=float(charges[i]),
            adapte_pmr=bool(adapte[i]),
            ascenseur=bool(ascenseur[i]),
            etage=int(etage[i]),
            identifiant=f"L{i:05d}",
            commune=terr.secteurs[int(secteur[residence[i]])],
            en_qpv=bool(en_qpv[residence[i]]),
            note_residence=int(note[residence[i]]),
            reservataire=RESERVATAIRES[int(reservataire[i])],
        )
        for i in range(n)
    ]


def _notes_qpv(part_note_1: float) -> list[float]:
    """Ratings of QPV residences: ``part_note_1`` rated 1, the rest spread 35 : 20 : 10 over ratings 2 to 4."""
    reste = 1.0 - part_note_1
    return [part_note_1, reste * 35 / 65, reste * 20 / 65, reste * 10 / 65]


def index_demandes(demandes: pl.DataFrame) -> IndexDemandes:
    return IndexDemandes.construire(
        demandes,
        annee_plafonds=ANNEE_PLAFONDS,
        date_reference=DATE_REFERENCE,
        seuil_q1=seuil_premier_quartile(demandes),
    )


@dataclass(frozen=True)
class Reference:
    index: IndexDemandes
    logements: list[Logement]
    instance: InstanceAppariement


def instance_reference(
    *,
    nb_logements: int = 2_000,
    nb_demandes: int = 50_000,
    nb_secteurs: int = 550,
    graine: int = 20260601,
    hypotheses: Hypotheses = HYPOTHESES,
) -> Reference:
    """The matching benchmark's batch (seeded): dwellings, demands and their candidatures."""
    terr = territoire(nb_secteurs, graine=graine)
    demandes = generer_demandes(nb_demandes, terr, graine=graine + 1, hypotheses=hypotheses)
    index = index_demandes(demandes)
    logements = generer_logements(nb_logements, terr, graine=graine + 2, hypotheses=hypotheses)
    return Reference(index=index, logements=logements, instance=instance_depuis_index(index, logements))
