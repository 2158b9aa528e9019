"""The dashboard of a period and a scope (``tableau``): the attributions, the indicators, the waiting times by
typology and by commune, the refusals, the months and the Q1 thresholds used; and the drill-down of one
indicator (``detail_indicateur``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from attrib.demandes.quartile import SeuilQ1, euros, seuil_officiel
from attrib.engine.rapprochement.objectifs import Q1_HORS_QPV, Objectif
from attrib.engine.rapprochement.parametres import ObjectifsAttribution, charger_regles
from attrib.engine.sources import NON_PUBLIE
from attrib.journal.generation import RACINE_DEMANDE, RACINE_ORGANISATION, RACINE_RESIDENCE
from attrib.journal.memoire import MemoireParEtat
from attrib.organisations.acteurs import Acteur
from attrib.pilotage.selectors._commun import _dans_la_cible, _seuil_par_defaut
from attrib.pilotage.selectors.attributions import (
    LigneAttribution,
    SourceSeuils,
    baux,
    choix_perimetre,
    lignes_attributions,
)
from attrib.pilotage.selectors.chiffres import Mois, Refus, Repartition, offres, refus
from attrib.pilotage.selectors.essentiels import travailleurs_essentiels
from attrib.pilotage.selectors.objectifs import Indicateur, compte_objectif, indicateurs
from attrib.pilotage.selectors.perimetre import Perimetre, Periode


@dataclass(frozen=True)
class Tableau:
    periode: Periode
    perimetre: Perimetre
    lignes: tuple[LigneAttribution, ...]
    indicateurs: tuple[Indicateur, ...]
    travailleurs_essentiels: Indicateur
    delais_typologie: tuple[Repartition, ...]
    delais_commune: tuple[Repartition, ...]
    refus: Refus
    mensuel: tuple[Mois, ...]
    seuils: tuple[SeuilQ1, ...]
    seuils_officiels: tuple[tuple[str, int, str], ...]
    parametres: ObjectifsAttribution
    par_reservataire: tuple[Indicateur, ...] = field(default=())
    travailleurs_essentiels_par_epci: tuple[Indicateur, ...] = field(default=())

    @property
    def attributions(self) -> int:
        return len(self.lignes)

    def indicateur(self, code: str) -> Indicateur:
        for i in (*self.indicateurs, self.travailleurs_essentiels):
            if i.code == code:
                return i
        raise KeyError(code)


def detail_indicateur(t: Tableau, code: str) -> tuple[Indicateur, list[tuple[LigneAttribution, bool | None]]] | None:
    """The attributions in an indicator's field, each with whether it counts (``None``: not evaluated)."""
    indicateurs = {i.code: i for i in (*t.indicateurs, *t.par_reservataire, t.travailleurs_essentiels)}
    indicateur = indicateurs.get(code)
    if indicateur is None:
        return None
    if indicateur.objectif is None:  # essential workers without the CIA's rate: the share measured alone
        return indicateur, [(ligne, ligne.travailleur_essentiel) for ligne in t.lignes]
    objectif = indicateur.objectif
    lignes: list[tuple[LigneAttribution, bool | None]] = []
    for ligne in t.lignes:
        if not objectif.portee.contient(
            en_qpv=ligne.en_qpv, reservataire=ligne.reservataire, note=ligne.note_residence
        ):
            continue
        compte = None if "q1" in objectif.cible.drapeaux and ligne.q1 is None else _dans_la_cible(objectif, ligne)
        lignes.append((ligne, compte))
    return indicateur, lignes


def _delais(lignes: list[LigneAttribution], cle: Callable[[LigneAttribution], str]) -> tuple[Repartition, ...]:
    groupes: dict[str, list[int]] = defaultdict(list)
    for ligne in lignes:
        groupes[cle(ligne)].append(ligne.delai_jours)
    return tuple(Repartition.de(g, groupes[g]) for g in sorted(groupes))


def _typologie(ligne: LigneAttribution) -> str:
    return f"T{ligne.typologie}" if ligne.typologie < 5 else "T5 et plus"


def _mensuel(periode: Periode, lignes: list[LigneAttribution], objectif: Objectif) -> tuple[Mois, ...]:
    par_mois: dict[tuple[int, int], list[LigneAttribution]] = defaultdict(list)
    for ligne in lignes:
        par_mois[(ligne.date_signature.year, ligne.date_signature.month)].append(ligne)
    return tuple(
        Mois(a, m, len(par_mois[(a, m)]), compte_objectif(objectif, par_mois[(a, m)])) for a, m in periode.mois()
    )


#: Roots of what a dashboard is computed from: demands with their offers and leases, the ratings of the stock,
#: the reservation agreements, the stock itself, the organisations
#: with their perimeters and members
#: (``attrib.journal.registre``). The orientations of freed dwellings are not journalled (their triggers, run for
#: each orientation inside the flux services' savepoints, made every later read of a dwelling cost a second in a
#: long transaction): a lease carries its orientation when it is signed, and a signed lease is not reoriented.
RACINES_TABLEAU = (
    RACINE_DEMANDE,
    "qualification.campagne",
    "flux.conventionreservation",
    RACINE_RESIDENCE,
    RACINE_ORGANISATION,
)

#: Dashboards kept per state of their roots.
_TABLEAUX: MemoireParEtat[Tableau] = MemoireParEtat(*RACINES_TABLEAU)


def cle_acteur(acteur: Acteur) -> tuple[Any, ...]:
    """What the attributions an actor sees depend on: who they are and their organisations."""
    return (
        acteur.nature,
        acteur.user_id if acteur.voit_tout else None,
        tuple(sorted((a.organisation_id, a.role) for a in acteur.appartenances)),
    )


def tableau(
    acteur: Acteur, periode: Periode, perimetre: Perimetre, *, seuils: SourceSeuils = _seuil_par_defaut
) -> Tableau:
    """The dashboard, computed once per state of the data it reads (decision 0023, addendum): the same actor's
    organisations, period, scope and day, and no write since under any of ``RACINES_TABLEAU`` (whatever the
    writer: the keys move on every committed write, ``attrib.journal.generation``)."""
    if seuils is not _seuil_par_defaut:
        return _calculer(acteur, periode, perimetre, seuils=seuils)
    return _TABLEAUX.obtenir(
        (cle_acteur(acteur), periode, perimetre, timezone.localdate()),
        lambda: _calculer(acteur, periode, perimetre, seuils=seuils),
    )


#: Filter choices (communes, bailleurs, réservataires of the attributions an actor sees) per state.
_CHOIX: MemoireParEtat[dict[str, list[tuple[Any, str]]]] = MemoireParEtat(*RACINES_TABLEAU)


def choix_perimetre_garde(acteur: Acteur) -> dict[str, list[tuple[Any, str]]]:
    """:func:`choix_perimetre`, computed once per actor's organisations and state of the data."""
    return _CHOIX.obtenir(cle_acteur(acteur), lambda: choix_perimetre(acteur))


def vider() -> None:
    _TABLEAUX.vider()
    _CHOIX.vider()


def _calculer(acteur: Acteur, periode: Periode, perimetre: Perimetre, *, seuils: SourceSeuils) -> Tableau:
    lignes, cache = lignes_attributions(baux(acteur, periode, perimetre), seuils=seuils)
    parametres = charger_regles(periode.fin).objectifs
    generaux, par_reservataire = indicateurs(lignes, parametres)
    q1_hors_qpv = next(i.objectif for i in generaux if i.code == Q1_HORS_QPV)
    assert q1_hors_qpv is not None
    essentiels, essentiels_par_epci = travailleurs_essentiels(lignes, periode)
    officiels = []
    for epci, annee in sorted(cache):
        entree = seuil_officiel(epci_siren=epci, annee=annee)
        if entree is None or entree.valeur is None:
            officiels.append((epci, annee, f"arrêté {annee} {NON_PUBLIE}"))
        else:
            officiels.append((epci, annee, f"{euros(entree.valeur)} ({entree.reference()})"))
    return Tableau(
        periode=periode,
        perimetre=perimetre,
        lignes=tuple(lignes),
        indicateurs=generaux,
        travailleurs_essentiels=essentiels,
        travailleurs_essentiels_par_epci=essentiels_par_epci,
        delais_typologie=_delais(lignes, _typologie),
        delais_commune=_delais(lignes, lambda ligne: ligne.commune_nom),
        refus=refus(offres(acteur, periode, perimetre)),
        mensuel=_mensuel(periode, lignes, q1_hors_qpv),
        seuils=tuple(cache[k] for k in sorted(cache)),
        seuils_officiels=tuple(officiels),
        parametres=parametres,
        par_reservataire=par_reservataire,
    )
