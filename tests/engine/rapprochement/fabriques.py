"""Households, dwellings and small batches for the rapprochement tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import polars as pl

from attrib.engine.appariement import InstanceAppariement
from attrib.engine.menage import TYPES_ENTREE, Menage
from attrib.engine.rapprochement.eligibilite import Demandeur, Logement
from tests.engine.fabriques import menage

ANNEE = 2025
JOUR = date(2025, 6, 1)


def logement(**champs: Any) -> Logement:
    """A PLUS T2 of 45 m² in Aude (autres régions), ground floor, rent 350 € + 60 € of charges (fits the
    default household of ``tests.engine.fabriques.menage``: one person, 1 200 € a month)."""
    valeurs: dict[str, Any] = {
        "financement": "PLUS",
        "zone_plafond": "autres_regions",
        "nb_pieces": 2,
        "surface_habitable": 45.0,
        "loyer": 350.0,
        "charges": 60.0,
        "adapte_pmr": False,
        "ascenseur": False,
        "etage": 0,
        "identifiant": "L1",
        "commune": "11262",
    }
    valeurs.update(champs)
    return Logement(**valeurs)


def demandeur(allocation_logement: float = 0.0, besoins: tuple[str, ...] = (), **champs: Any) -> Demandeur:
    return Demandeur(
        menage=menage(**champs),
        allocation_logement=allocation_logement,
        besoin_fauteuil="fauteuil" in besoins,
        besoin_logement_adapte="adapte" in besoins,
        besoin_rdc_ou_ascenseur="rdc" in besoins,
    )


def menage_aleatoire(rng: np.random.Generator) -> Menage:
    n = int(rng.integers(1, 10))
    couple = n >= 2 and bool(rng.random() < 0.5)
    a_charge = int(rng.integers(0, n - (2 if couple else 1) + 1)) if n > 1 else 0
    age = int(rng.integers(18, 90))
    return menage(
        nb_personnes=n,
        nb_personnes_a_charge=a_charge,
        couple=couple,
        age_demandeur=age,
        age_codemandeur=int(rng.integers(18, 90)) if couple else None,
        nb_handicap=int(rng.random() < 0.2),
        nb_moins_14_ans=int(rng.integers(0, n)),
        revenus_mensuels=float(np.round(rng.choice([0.0, rng.uniform(100, 5000)]), 2)),
        revenu_fiscal_reference=int(rng.integers(0, 90_000)),
    )


def demandeur_aleatoire(rng: np.random.Generator) -> Demandeur:
    return Demandeur(
        menage=menage_aleatoire(rng),
        allocation_logement=float(np.round(rng.choice([0.0, rng.uniform(0, 600)]), 2)),
        besoin_fauteuil=bool(rng.random() < 0.2),
        besoin_logement_adapte=bool(rng.random() < 0.2),
        besoin_rdc_ou_ascenseur=bool(rng.random() < 0.3),
    )


def logement_aleatoire(rng: np.random.Generator, i: int) -> Logement:
    def peut_etre(valeur: Any) -> Any:
        return None if rng.random() < 0.15 else valeur

    return Logement(
        financement=str(rng.choice(["PLAI", "PLUS", "PLS"])),
        zone_plafond=str(rng.choice(["paris_communes_limitrophes", "ile_de_france", "autres_regions"])),
        nb_pieces=int(rng.integers(1, 9)),
        surface_habitable=float(np.round(rng.uniform(12, 140), 1)),
        loyer=peut_etre(float(np.round(rng.uniform(150, 1200), 2))),
        charges=peut_etre(float(np.round(rng.uniform(20, 200), 2))),
        adapte_pmr=peut_etre(bool(rng.random() < 0.4)),
        ascenseur=peut_etre(bool(rng.random() < 0.5)),
        etage=peut_etre(int(rng.integers(0, 8))),
        identifiant=f"L{i}",
    )


def cadre_demandeurs(demandeurs: list[Demandeur]) -> pl.DataFrame:
    lignes = []
    for d in demandeurs:
        ligne = {c: getattr(d.menage, c) for c in TYPES_ENTREE}
        ligne.update(
            allocation_logement=d.allocation_logement,
            besoin_fauteuil=d.besoin_fauteuil,
            besoin_logement_adapte=d.besoin_logement_adapte,
            besoin_rdc_ou_ascenseur=d.besoin_rdc_ou_ascenseur,
        )
        lignes.append(ligne)
    schema = dict(TYPES_ENTREE) | {
        "allocation_logement": pl.Float64(),
        "besoin_fauteuil": pl.Boolean(),
        "besoin_logement_adapte": pl.Boolean(),
        "besoin_rdc_ou_ascenseur": pl.Boolean(),
    }
    return pl.DataFrame(lignes, schema=schema, orient="row")


def instance(
    *,
    en_qpv: list[bool],
    q1: list[bool],
    aretes: list[tuple[int, int, float]],
    reservataire: list[str] | None = None,
    note: list[int] | None = None,
    dalo: list[bool] | None = None,
    prioritaire: list[bool] | None = None,
    score: list[float] | None = None,
    rang: list[int] | None = None,
) -> InstanceAppariement:
    """A hand-made batch: dwellings L0…, households D0…, candidatures (dwelling, household, value)."""
    n, d = len(en_qpv), len(q1)
    return InstanceAppariement.creer(
        logements=[f"L{i}" for i in range(n)],
        en_qpv=en_qpv,
        reservataire=reservataire or ["bailleur"] * n,
        note_residence=note or [0] * n,
        demandes=[f"D{i}" for i in range(d)],
        q1=q1,
        dalo=dalo or [False] * d,
        prioritaire=prioritaire or [False] * d,
        score=score or [100.0] * d,
        arete_logement=[a[0] for a in aretes],
        arete_demande=[a[1] for a in aretes],
        arete_valeur=[a[2] for a in aretes],
        arete_rang_commune=rang or [1] * len(aretes),
    )


def instance_aleatoire(rng: np.random.Generator, *, logements: int, demandes: int, degre: int) -> InstanceAppariement:
    """Random small batch: Q1 households worth less outside QPV, so that the Q1 objective binds."""
    q1 = rng.random(demandes) < 0.3
    en_qpv = rng.random(logements) < 0.35
    aretes = []
    for lo in range(logements):
        for h in rng.choice(demandes, size=min(degre, demandes), replace=False):
            valeur = float(rng.integers(50, 100)) - (25.0 if q1[h] and not en_qpv[lo] else 0.0)
            aretes.append((lo, int(h), valeur))
    return instance(
        en_qpv=en_qpv.tolist(),
        q1=q1.tolist(),
        aretes=aretes,
        reservataire=[str(rng.choice(["etat", "commune"])) for _ in range(logements)],
        note=[int(rng.integers(0, 5)) for _ in range(logements)],
        dalo=(rng.random(demandes) < 0.1).tolist(),
        prioritaire=(rng.random(demandes) < 0.25).tolist(),
        score=rng.integers(0, 300, size=demandes).astype(float).tolist(),
    )


def instance_cia_aleatoire(
    rng: np.random.Generator, *, logements: int, demandes: int, degre: int
) -> InstanceAppariement:
    """Random small batch where every CIA objective and the rating rule tend to bind: Q1 households are worth
    less outside QPV and more inside QPV (where most residences rated 1 are), priority households are worth
    less everywhere."""
    q1 = rng.random(demandes) < 0.4
    prioritaire = rng.random(demandes) < 0.2
    dalo = prioritaire & (rng.random(demandes) < 0.3)
    en_qpv = rng.random(logements) < 0.45
    note = np.where(en_qpv, rng.choice([1, 2], size=logements, p=[0.7, 0.3]), rng.choice([0, 2, 3], size=logements))
    aretes = []
    for lo in range(logements):
        for h in rng.choice(demandes, size=min(degre, demandes), replace=False):
            valeur = float(rng.integers(50, 100))
            valeur += (25.0 if en_qpv[lo] else -25.0) if q1[h] else 0.0
            valeur -= 20.0 if prioritaire[h] else 0.0
            aretes.append((lo, int(h), valeur))
    return instance(
        en_qpv=en_qpv.tolist(),
        q1=q1.tolist(),
        aretes=aretes,
        reservataire=[str(rng.choice(["etat", "commune"])) for _ in range(logements)],
        note=[int(x) for x in note],
        dalo=dalo.tolist(),
        prioritaire=prioritaire.tolist(),
        score=rng.integers(0, 300, size=demandes).astype(float).tolist(),
    )
