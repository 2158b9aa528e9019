"""Private helpers shared by the grid's checks (:mod:`.validation`, :mod:`.legalite`)."""

from __future__ import annotations

from collections.abc import Iterator

from attrib.engine.cotation.grille.modele import Critere, Grille, Section


def _chemins(grille: Grille) -> Iterator[tuple[str, Section, Critere]]:
    for i, section in enumerate(grille.sections):
        for j, critere in enumerate(section.criteres):
            yield f"sections[{i}].criteres[{j}]", section, critere
