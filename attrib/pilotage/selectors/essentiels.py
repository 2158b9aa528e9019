"""The essential-workers indicator, over the whole scope and per EPCI.

* **Essential workers** (L441-1 CCH 35th paragraph): the share of attributions to a household whose
  applicant or co-applicant declared a job that cannot be done remotely in a sector of the CIL's list,
  against the CIA's target of the EPCI (``data/parametres/cia.yaml``; « objectif de la CIA non renseigné »
  when the file has none — never guessed)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from attrib.engine.rapprochement import objectifs as objectifs_moteur
from attrib.engine.rapprochement.objectifs import TRAVAILLEURS_ESSENTIELS, Compte
from attrib.engine.sources import NON_PUBLIE
from attrib.pilotage.cia import ObjectifCia, objectif_travailleurs_essentiels
from attrib.pilotage.selectors._commun import _compte
from attrib.pilotage.selectors.attributions import LigneAttribution
from attrib.pilotage.selectors.objectifs import Indicateur
from attrib.pilotage.selectors.perimetre import Periode

CIBLE_CIA_ABSENTE = "objectif de la CIA non renseigné"
DEFINITION_TRAVAILLEURS_ESSENTIELS = (
    "Travailleur essentiel : demandeur ou co-demandeur dont l'emploi ne peut pas être exercé en télétravail, "
    "dans un secteur de la liste de la CIL, déclaré sur la demande. "
    "Ce n'est pas un public prioritaire."
)


def _indicateur_travailleurs_essentiels(
    lignes: list[LigneAttribution], objectif: ObjectifCia | None, *, libelle: str, epci: str | None, note: str = ""
) -> Indicateur:
    """The engine's essential-workers objective at the CIA's rate; without a rate, the share measured alone."""
    code = TRAVAILLEURS_ESSENTIELS if epci is None else f"{TRAVAILLEURS_ESSENTIELS}:{epci}"
    engine = (
        objectifs_moteur.objectif_travailleurs_essentiels(objectif.taux, epci=epci)
        if objectif is not None and objectif.taux is not None
        else None
    )
    if engine is not None:
        compte = _compte(engine, lignes)[0]
    else:
        compte = Compte()
        for ligne in lignes:
            compte = compte.plus(cible=ligne.travailleur_essentiel)
    if objectif is None:
        source = f"CIA de l'EPCI {epci} : taux {NON_PUBLIE}." if epci else "Objectif fixé par la CIA de chaque EPCI."
    else:
        source = objectif.libelle_source()
    return Indicateur(
        code=code,
        libelle=libelle,
        objectif=engine,
        compte=compte,
        note=" ".join(x for x in (note, DEFINITION_TRAVAILLEURS_ESSENTIELS) if x),
        source=f"L441-1 CCH, 35e alinéa (loi 3DS, art. 78). {source}",
        cible_absente=CIBLE_CIA_ABSENTE,
        champ_texte="toutes les attributions du périmètre",
        cible_texte="ménage dont le demandeur ou le co-demandeur est travailleur essentiel",
    )


LIBELLE_TRAVAILLEURS_ESSENTIELS = "Attributions aux travailleurs essentiels (loi 3DS, L441-1 CCH 35e alinéa)"


def travailleurs_essentiels(
    lignes: list[LigneAttribution], periode: Periode
) -> tuple[Indicateur, tuple[Indicateur, ...]]:
    """The share over the whole scope, against the CIA's target when the scope is one EPCI; and one
    indicator per EPCI of the lines (each against its own CIA's target)."""
    par_epci: dict[str, list[LigneAttribution]] = defaultdict(list)
    for ligne in lignes:
        if ligne.epci:
            par_epci[ligne.epci].append(ligne)
    objectifs = {e: objectif_travailleurs_essentiels(epci=e, jour=periode.fin) for e in par_epci}
    detail = tuple(
        _indicateur_travailleurs_essentiels(
            par_epci[e],
            objectifs[e],
            libelle=f"Travailleurs essentiels — {objectifs[e].nom if objectifs[e] else 'EPCI ' + e}",  # type: ignore[union-attr]
            epci=e,
        )
        for e in sorted(par_epci)
    )
    if len(par_epci) == 1:
        (epci,) = par_epci
        general = _indicateur_travailleurs_essentiels(
            lignes, objectifs[epci], libelle=LIBELLE_TRAVAILLEURS_ESSENTIELS, epci=None
        )
        general = replace(general, source=detail[0].source)
    else:
        note = (
            f"{len(par_epci)} EPCI dans le périmètre : chaque CIA fixe son propre objectif (voir l'export)."
            if len(par_epci) > 1
            else ""
        )
        general = _indicateur_travailleurs_essentiels(
            lignes, None, libelle=LIBELLE_TRAVAILLEURS_ESSENTIELS, epci=None, note=note
        )
    return general, detail
