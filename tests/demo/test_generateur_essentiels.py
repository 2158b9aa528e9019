"""Essential workers in the demo population (attrib/demo/generateur.py, [hypothèse] shares)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from attrib.demo import generateur
from attrib.demo.generateur import generer_menages, generer_personnes
from attrib.engine.travailleurs_essentiels import liste_en_vigueur

REFERENCE = date(2026, 1, 1)


def test_les_secteurs_de_la_demo_sont_ceux_de_la_liste_en_vigueur() -> None:
    assert set(generateur.SECTEURS_ESSENTIELS_DEMO) <= set(liste_en_vigueur(REFERENCE).codes)


def test_une_part_plausible_des_demandeurs_en_emploi_est_travailleur_essentiel() -> None:
    personnes = generer_personnes(
        generer_menages(20_000, seed=3, date_reference=REFERENCE), seed=3, date_reference=REFERENCE
    )
    situation = pl.col("situation_professionnelle").cast(pl.String)
    en_emploi = personnes.filter(situation.is_in(list(generateur.EN_EMPLOI)))
    essentiels = en_emploi.filter(pl.col("secteur_essentiel").is_not_null())
    part = essentiels.height / en_emploi.height
    attendu = generateur.PART_EMPLOI_NON_TELETRAVAILLABLE * generateur.PART_SECTEUR_ESSENTIEL
    assert abs(part - attendu) < 0.02
    # Only applicants and co-applicants in work declare it, and a sector always goes with a non-remote job.
    declarants = personnes.filter(pl.col("emploi_non_teletravaillable"))
    assert set(declarants.get_column("role").cast(pl.String).unique()) <= {"demandeur", "codemandeur"}
    assert set(declarants.get_column("situation_professionnelle").cast(pl.String).unique()) <= set(generateur.EN_EMPLOI)
    assert (
        personnes.filter(pl.col("secteur_essentiel").is_not_null() & ~pl.col("emploi_non_teletravaillable")).height == 0
    )


def test_les_autres_tirages_de_la_demo_sont_inchanges(monkeypatch: pytest.MonkeyPatch) -> None:
    """The essential workers are drawn from a stream of their own: changing their shares moves no other
    column of the demo population."""
    menages = generer_menages(2_000, seed=5, date_reference=REFERENCE)
    avec = generer_personnes(menages, seed=5, date_reference=REFERENCE)
    monkeypatch.setattr(generateur, "PART_EMPLOI_NON_TELETRAVAILLABLE", 0.0)
    sans = generer_personnes(menages, seed=5, date_reference=REFERENCE)
    assert avec.get_column("emploi_non_teletravaillable").sum() > 0
    assert sans.get_column("emploi_non_teletravaillable").sum() == 0
    autres = [c for c in avec.columns if c not in ("emploi_non_teletravaillable", "secteur_essentiel")]
    assert avec.select(autres).equals(sans.select(autres))
