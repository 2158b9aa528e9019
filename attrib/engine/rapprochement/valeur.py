"""Value of a candidature (one household for one dwelling), maximised by the batch proposals.

value = cotation score + bonus of the commune's rank in the household's wishes
        + bonus when the dwelling has the household's target typology
        − malus per point of effort rate above the comfort threshold.

Weights are local choices (``objectifs_attribution.yaml``, ``valeur_candidature``). The score stays
dominant; the other terms separate the candidates of one dwelling and make the value depend on the dwelling.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from attrib.engine.rapprochement.parametres import ValeurCandidature
from attrib.engine.rapprochement.texte import decimal, pourcentage


def malus_effort(taux_effort: float | None, regle: ValeurCandidature) -> float:
    if taux_effort is None or math.isnan(taux_effort):
        return 0.0
    return regle.malus_par_point_de_taux_effort * max(0.0, (taux_effort - regle.seuil_confort_taux_effort) * 100)


def valeur_candidature(
    *, score: float, rang_commune: int, typologie_cible: bool, taux_effort: float | None, regle: ValeurCandidature
) -> float:
    return (
        score
        + regle.bonus_rang(rang_commune)
        + (regle.bonus_typologie_cible if typologie_cible else 0)
        - malus_effort(taux_effort, regle)
    )


def valeurs_candidature(
    *,
    score: NDArray[np.float64],
    rang_commune: NDArray[np.int64],
    typologie_cible: NDArray[np.bool_],
    taux_effort: NDArray[np.float64],
    regle: ValeurCandidature,
) -> NDArray[np.float64]:
    """Vectorised :func:`valeur_candidature` (NaN effort rate = no malus); same arithmetic, same results."""
    bonus = np.array([0, *regle.bonus_rang_commune], dtype=np.float64)
    rangs = np.clip(rang_commune, 0, len(regle.bonus_rang_commune))
    ecart = np.where(np.isnan(taux_effort), 0.0, np.maximum(0.0, (taux_effort - regle.seuil_confort_taux_effort) * 100))
    malus = regle.malus_par_point_de_taux_effort * ecart
    return score + bonus[rangs] + np.where(typologie_cible, float(regle.bonus_typologie_cible), 0.0) - malus


def detail_valeur(
    *, score: float, rang_commune: int, typologie_cible: bool, taux_effort: float | None, regle: ValeurCandidature
) -> str:
    """ "valeur 472 = score 412 + 60 (commune souhaitée n° 1) + 30 (typologie cible) − 30 (taux d'effort 40 %)"."""
    valeur = valeur_candidature(
        score=score, rang_commune=rang_commune, typologie_cible=typologie_cible, taux_effort=taux_effort, regle=regle
    )
    termes = [f"score {decimal(score)}"]
    if rang_commune >= 1:
        termes.append(f"+ {regle.bonus_rang(rang_commune)} (commune souhaitée n° {rang_commune})")
    if typologie_cible:
        termes.append(f"+ {regle.bonus_typologie_cible} (typologie cible)")
    malus = malus_effort(taux_effort, regle)
    if malus > 0 and taux_effort is not None:
        termes.append(f"− {decimal(malus)} (taux d'effort {pourcentage(taux_effort)})")
    return f"valeur {decimal(valeur)} = {' '.join(termes)}"
