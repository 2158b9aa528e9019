"""Location voulue beside the classic route (issue 14, point 6): for a period and a scope, the share of the
attributions made through an advert, the refusal rate of the offers of each route, the life of the adverts and
the effect on each objective of the CIA.

* **Attributions**: the leases of the dashboard (``tableau``: same period, scope and rights), split by
  :func:`attrib.annonces.pilotage.baux_par_annonce` (the lease of an attributed advert).
* **Refusals**: the offers answered in the period (``offres``, as the dashboard's refusal indicator), split by
  :func:`attrib.annonces.pilotage.offres_par_annonce` (an offer to an applicant presented for the dwelling);
  rate = (refused + left without answer) / answered, for each route.
* **Objectives**: each objective of the dashboard (the law's, the rating rule, the essential workers, DALO and
  priority households per réservataire) counted with the engine's field and target over the attributions of
  each route; the two counts add up to the dashboard's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from attrib.annonces.pilotage import (
    BilanAnnonces,
    annonces_du_perimetre,
    baux_par_annonce,
    bilan_annonces,
    filtre_perimetre,
    offres_classiques,
    offres_par_annonce,
)
from attrib.engine.rapprochement.objectifs import (
    NON_Q1_EN_QPV,
    PRIORITAIRES,
    Q1_HORS_QPV,
    RESIDENCES_FRAGILES,
    TRAVAILLEURS_ESSENTIELS,
    Compte,
)
from attrib.engine.rapprochement.texte import pourcentage
from attrib.organisations.acteurs import Acteur
from attrib.pilotage.selectors._commun import _compte
from attrib.pilotage.selectors.attributions import LigneAttribution
from attrib.pilotage.selectors.chiffres import Refus, offres, refus
from attrib.pilotage.selectors.objectifs import Indicateur
from attrib.pilotage.selectors.perimetre import Perimetre, Periode
from attrib.pilotage.selectors.tableau_de_bord import Tableau, tableau

#: Short names of the objectives (charts; the sheets of the CIL's workbook say the same).
NOMS_COURTS = {
    Q1_HORS_QPV: "Q1 hors QPV",
    NON_Q1_EN_QPV: "Non-Q1 en QPV",
    RESIDENCES_FRAGILES: "Résidences fragiles",
    TRAVAILLEURS_ESSENTIELS: "Travailleurs essentiels",
}


def _texte_compte(compte: Compte) -> str:
    part = compte.part()
    if part is None:
        return "aucune attribution dans le champ"
    return f"{pourcentage(part)} ({compte.cibles} sur {compte.attributions})"


@dataclass(frozen=True)
class EffetObjectif:
    """One objective counted over the attributions of each route."""

    indicateur: Indicateur
    location_voulue: Compte
    classique: Compte
    #: Attributions of each route whose Q1 status is unknown, left out of an objective that reads it.
    non_evaluees_location_voulue: int = 0
    non_evaluees_classique: int = 0

    @property
    def libelle(self) -> str:
        return self.indicateur.libelle

    @property
    def nom_court(self) -> str:
        """A short name for a chart's label (the table gives the full one)."""
        code, _, reservataire = self.indicateur.code.partition(":")
        if code == PRIORITAIRES:
            return f"Prioritaires, {reservataire}"
        return NOMS_COURTS.get(code, self.indicateur.libelle)

    @property
    def cible(self) -> str:
        return self.indicateur.cible

    @property
    def texte_location_voulue(self) -> str:
        return _texte_compte(self.location_voulue)

    @property
    def texte_classique(self) -> str:
        return _texte_compte(self.classique)

    @property
    def texte_ensemble(self) -> str:
        return _texte_compte(self.location_voulue + self.classique)

    def atteint(self, compte: Compte) -> bool | None:
        """Whether ``compte`` meets the objective (``None``: no target, or nothing in its field)."""
        objectif = self.indicateur.objectif
        if objectif is None or compte.attributions == 0:
            return None
        return objectif.atteint(compte)


def _compte_indicateur(indicateur: Indicateur, lignes: Iterable[LigneAttribution]) -> tuple[Compte, int]:
    """The indicator's count over ``lignes``: the engine's objective when there is one; the essential workers
    measured alone when the CIA gives no rate (as the dashboard does)."""
    if indicateur.objectif is not None:
        return _compte(indicateur.objectif, lignes)
    compte = Compte()
    for ligne in lignes:
        compte = compte.plus(cible=ligne.travailleur_essentiel)
    return compte, 0


@dataclass(frozen=True)
class LocationVoulue:
    periode: Periode
    perimetre: Perimetre
    attributions: int
    attributions_location_voulue: int
    refus_location_voulue: Refus
    refus_classique: Refus
    annonces: BilanAnnonces
    objectifs: tuple[EffetObjectif, ...]

    @property
    def attributions_classiques(self) -> int:
        return self.attributions - self.attributions_location_voulue

    @property
    def part(self) -> Fraction | None:
        """Share of the attributions made through location voulue (``None``: no attribution)."""
        return None if self.attributions == 0 else Fraction(self.attributions_location_voulue, self.attributions)

    @property
    def part_texte(self) -> str:
        part = self.part
        return "aucune attribution" if part is None else pourcentage(part)


def location_voulue(
    acteur: Acteur, periode: Periode, perimetre: Perimetre, *, t: Tableau | None = None
) -> LocationVoulue:
    """Location voulue beside the classic route, over the dashboard ``t`` of the same actor, period and scope
    (computed when not given)."""
    t = t if t is not None else tableau(acteur, periode, perimetre)
    par_annonce = baux_par_annonce(ligne.bail_id for ligne in t.lignes)
    lv = [ligne for ligne in t.lignes if ligne.bail_id in par_annonce]
    classiques = [ligne for ligne in t.lignes if ligne.bail_id not in par_annonce]
    effets = []
    for indicateur in (*t.indicateurs, t.travailleurs_essentiels, *t.par_reservataire):
        compte_lv, non_lv = _compte_indicateur(indicateur, lv)
        compte_classique, non_classique = _compte_indicateur(indicateur, classiques)
        effets.append(
            EffetObjectif(
                indicateur=indicateur,
                location_voulue=compte_lv,
                classique=compte_classique,
                non_evaluees_location_voulue=non_lv,
                non_evaluees_classique=non_classique,
            )
        )
    repondues = offres(acteur, periode, perimetre)
    annonces = annonces_du_perimetre(acteur).filter(
        filtre_perimetre(commune=perimetre.commune, bailleur=perimetre.bailleur, reservataire=perimetre.reservataire)
    )
    return LocationVoulue(
        periode=periode,
        perimetre=perimetre,
        attributions=len(t.lignes),
        attributions_location_voulue=len(lv),
        refus_location_voulue=refus(offres_par_annonce(repondues)),
        refus_classique=refus(offres_classiques(repondues)),
        annonces=bilan_annonces(annonces, debut=periode.debut, fin=periode.fin),
        objectifs=tuple(effets),
    )
