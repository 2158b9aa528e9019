"""The objectives of the law over the attributions of the scope, one ``Indicateur`` each (value against target,
met or not).

* **Objectives** (L441-1 CCH, DOMAIN.md §1.2) with the engine's definitions
  (``attrib.engine.rapprochement.objectifs``: :func:`objectifs_cia`, :class:`Compte`, :class:`Objectif`) and
  the rates of ``data/parametres/objectifs_attribution.yaml`` in force on the last day of the period:
  Q1 outside QPV, non-Q1 in QPV, DALO then L441-1 priority households per réservataire, and the rating
  rule (at most a share of the most fragile households in the residences rated most fragile)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from attrib.engine.rapprochement.objectifs import (
    NON_Q1_EN_QPV,
    PRIORITAIRES,
    Q1_HORS_QPV,
    RESIDENCES_FRAGILES,
    Compte,
    Objectif,
    objectifs_cia,
)
from attrib.engine.rapprochement.parametres import ObjectifsAttribution
from attrib.engine.rapprochement.texte import pourcentage
from attrib.pilotage.selectors._commun import _compte
from attrib.pilotage.selectors.attributions import LigneAttribution


@dataclass(frozen=True)
class Indicateur:
    """One objective over the attributions of the scope: value vs target, met or not."""

    code: str
    libelle: str
    objectif: Objectif | None
    compte: Compte | None
    non_evaluees: int = 0
    note: str = ""
    source: str = ""
    reservataire_id: int | None = None
    #: What the card says when there is no target at all.
    cible_absente: str = "non renseignée"
    #: Plain-French field and target of the objective (drill-down page).
    champ_texte: str = ""
    cible_texte: str = ""

    @property
    def renseigne(self) -> bool:
        """A target and a measure."""
        return self.compte is not None and self.objectif is not None

    @property
    def mesure(self) -> bool:
        return self.compte is not None

    @property
    def part(self) -> Fraction | None:
        return self.compte.part() if self.compte is not None else None

    @property
    def part_texte(self) -> str:
        part = self.part
        if self.compte is None:
            return "non renseigné"
        return "aucune attribution" if part is None else pourcentage(part)

    @property
    def atteint(self) -> bool | None:
        """The engine's :meth:`Objectif.atteint`; ``None`` when not measurable (no data, no target, or no
        attribution in scope)."""
        if self.compte is None or self.compte.attributions == 0 or self.objectif is None:
            return None
        return self.objectif.atteint(self.compte)

    @property
    def etat(self) -> str:
        if self.compte is None:
            return "non renseigné"
        if self.objectif is not None:
            return self.objectif.etat(self.compte)
        part = self.compte.part()
        if part is None:
            return "aucune attribution"
        return f"{pourcentage(part)} ({self.cible_absente})"

    @property
    def cible(self) -> str:
        if self.objectif is not None:
            return f"{self.objectif.comparaison()} {pourcentage(self.objectif.taux)}"
        return self.cible_absente

    @property
    def badge(self) -> str:
        a = self.atteint
        if a is True:
            return "Objectif atteint"
        if a is False:
            return "Objectif non atteint"
        if self.mesure and not self.renseigne:
            return "Non renseigné (objectif de la CIA)"
        if self.renseigne:
            return "Aucune attribution dans le champ"
        return "Non renseigné"

    @property
    def statut(self) -> str:
        a = self.atteint
        if self.mesure and not self.renseigne:
            return self.cible_absente
        if not self.renseigne:
            return "non renseigné"
        if a is None:
            return "sans attribution"
        return "atteint" if a else "non atteint"


def compte_objectif(objectif: Objectif, lignes: Iterable[LigneAttribution]) -> Compte:
    return _compte(objectif, lignes)[0]


def indicateurs(
    lignes: list[LigneAttribution], parametres: ObjectifsAttribution
) -> tuple[tuple[Indicateur, ...], tuple[Indicateur, ...]]:
    """The general objectives, and one priority objective per réservataire of the lines."""
    noms = {ligne.reservataire: ligne.reservataire_id for ligne in lignes}
    generaux: list[Indicateur] = []
    reservataires: list[Indicateur] = []
    taux = {
        Q1_HORS_QPV: parametres.q1_hors_qpv,
        NON_Q1_EN_QPV: parametres.non_q1_en_qpv,
        PRIORITAIRES: parametres.prioritaires,
    }
    regle = parametres.residences_fragiles
    for objectif in objectifs_cia(parametres, noms):
        if objectif.code == RESIDENCES_FRAGILES:
            source = (
                f"Règle de qualification du parc : part maximale "
                f"{pourcentage(regle.part_maximale)}, notes {', '.join(str(n) for n in sorted(regle.notes))}, "
                f"en vigueur depuis le {regle.provenance.date_effet:%d/%m/%Y} ; "
                "note de la dernière campagne de qualification close avant le bail."
            )
        else:
            t = taux[PRIORITAIRES] if objectif.code.startswith(f"{PRIORITAIRES}:") else taux[objectif.code]
            source = f"{t.article} ; taux {pourcentage(t.taux)} en vigueur depuis le {t.provenance.date_effet:%d/%m/%Y}"
        compte, non_evaluees = _compte(objectif, lignes)
        note = (
            f"{non_evaluees} attribution(s) non évaluée(s) (1er quartile inconnu), hors du calcul."
            if non_evaluees
            else ""
        )
        ind = Indicateur(
            code=objectif.code,
            libelle=objectif.libelle,
            objectif=objectif,
            compte=compte,
            non_evaluees=non_evaluees,
            note=note,
            source=source,
            reservataire_id=noms.get(objectif.code.partition(":")[2]),
        )
        (reservataires if objectif.code.startswith(f"{PRIORITAIRES}:") else generaux).append(ind)
    return tuple(generaux), tuple(reservataires)
