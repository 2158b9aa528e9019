"""Lint of a grid version on the demands of its territory (rule 10 of issue 10).

:func:`controler` reads the demands the version would score if it were published (same population
rules as the publication and the simulation), prepares them as for the scoring, and runs the engine's
:func:`attrib.engine.cotation.controler_sur_demandes`: criteria reading a value unknown for every
demand (a délai anormalement long not published for the territory's département…) and criteria no
demand meets. Warnings only: they never block the publication. Shown by the grid editor, the
publication page and the simulation (screen and PDF).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from attrib.cotation import calcul
from attrib.cotation.colonnes import colonnes_cotation, preparer_pour
from attrib.cotation.models import VersionGrille
from attrib.engine.cotation import Grille, MessageGrille, controler_sur_demandes
from attrib.engine.erreurs import ErreurMoteur


@dataclass(frozen=True)
class Controle:
    """The warnings of one version on ``effectif`` demands of its territory, on ``jour``."""

    jour: date
    effectif: int
    avertissements: tuple[dict[str, object], ...]


def _en_dicts(messages: list[MessageGrille]) -> tuple[dict[str, object], ...]:
    return tuple({"ligne": m.ligne, "chemin": m.chemin, "message": m.message} for m in messages)


def controler_cadre(grille: Grille, frame: pl.DataFrame, *, jour: date) -> list[MessageGrille]:
    """Warnings of ``grille`` on ``frame`` (read by :func:`colonnes_cotation`); a demand the engine cannot
    prepare is reported as a warning, not raised."""
    try:
        prepare = preparer_pour(frame, grille, jour=jour)
    except ErreurMoteur as exc:
        return [
            MessageGrille(
                grille.nom,
                None,
                "",
                f"contrôle des critères sur les demandes impossible : {exc}",
                "avertissement",
            )
        ]
    return controler_sur_demandes(grille, prepare, date_reference=jour)


def controler(version: VersionGrille, *, jour: date) -> Controle:
    """Lint ``version`` on the demands of its territory (no write)."""
    organisation = version.grille.organisation
    versions = calcul.versions_publiees(organisation)
    versions[version.grille.type] = version
    qs = next(q for v, q in calcul.populations(organisation, versions) if v.pk == version.pk)
    frame = colonnes_cotation(qs, jour=jour)
    return Controle(
        jour=jour,
        effectif=frame.height,
        avertissements=_en_dicts(controler_cadre(version.charger(), frame, jour=jour)),
    )
