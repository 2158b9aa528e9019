"""Scoring the demands of a territory with its published grids: who is scored by which grid, the engine,
the ranks, the explanations, and the write of the results.

* **Population**: the active demands whose first wished commune belongs to the EPCI's territory
  (``permissions.communes_du_territoire``). When the EPCI has a published mutation grid, the demands
  of social tenants (``statut_logement_actuel = locataire_parc_social``) are scored with it and the
  others with the general grid; otherwise the general grid scores every demand (a general grid for
  ``premieres_demandes`` only leaves the mutations unscored).
* **Ranks** (``attrib.engine.cotation.classer``: decreasing score, then the grid's tie-break order):
  among the demands of the same grid, same typology (minimal typology asked) and same sector (first
  wished commune), and among those of the same grid and typology on the whole territory.
* **Explanations** (``evaluer_un`` + ``expliquer``): the full sentences, and the sentences where the
  criteria revealing a sensitive situation are not named (:func:`criteres_sensibles`).

:func:`calculer` reads and computes without writing; :func:`ecrire` writes (the caller opens the
transaction). ``progression(etape, libelle, faites, total)`` reports the three steps.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from attrib.cotation.colonnes import DEMANDE_ID, SECTEUR, colonnes_cotation, preparer_pour
from attrib.cotation.enums import StatutVersion, TypeGrille
from attrib.cotation.models import Cotation, CotationHistorique, VersionGrille
from attrib.cotation.permissions import communes_du_territoire
from attrib.demandes import enums
from attrib.demandes.models import CommuneSouhaitee, Demande, PrioriteLegale
from attrib.engine import EntreeInvalide
from attrib.engine.cotation import (
    Grille,
    ResultatCotation,
    classer,
    colonnes_detail,
    colonnes_lues,
    evaluer,
    evaluer_un,
    expliquer,
    grille_vers_donnees,
)
from attrib.organisations.models import Organisation

Progression = Callable[[int, str, int, int], None]
ETAPE_LECTURE, ETAPE_CALCUL, ETAPE_ECRITURE = 1, 2, 3
LIBELLES_ETAPES = {
    ETAPE_LECTURE: "Lecture des demandes",
    ETAPE_CALCUL: "Calcul des scores et des explications",
    ETAPE_ECRITURE: "Enregistrement des cotations",
}
TAILLE_ECRITURE = 1000
TYPOLOGIE = "typologie_min"
PREFIXE_VALIDE = "valide:"
LIBELLE_CONFIDENTIEL = "Situation confidentielle (connue des seuls services habilités)"
#: Columns revealing a person's health (the demand page masks the disability flag too).
COLONNES_SANTE = frozenset({"nb_handicap", "handicap_demandeur", "handicap_codemandeur"})
COLONNES_MOTIFS = frozenset({"motif_principal", "motifs_secondaires"})
_TESTS_VALEURS = ("egal", "parmi", "contient", "contient_un_de", "contient_tous")


def _rien(etape: int, libelle: str, faites: int, total: int) -> None:
    return None


# --- populations -----------------------------------------------------------------------------------


def demandes_du_territoire(organisation: Organisation) -> QuerySet[Demande]:
    """Active demands whose first wished commune is in the EPCI's territory."""
    premiere = CommuneSouhaitee.objects.filter(
        demande=OuterRef("pk"), rang=1, commune__in=communes_du_territoire(organisation)
    )
    return Demande.objects.actives().filter(Exists(premiere))


def versions_publiees(organisation: Organisation) -> dict[str, VersionGrille]:
    """The published version of each grid type of the EPCI."""
    versions = VersionGrille.objects.filter(grille__organisation=organisation, statut=StatutVersion.PUBLIEE)
    return {v.grille.type: v for v in versions.select_related("grille")}


def populations(
    organisation: Organisation, versions: Mapping[str, VersionGrille]
) -> list[tuple[VersionGrille, QuerySet[Demande]]]:
    """Each version with the demands it scores (see the module docstring)."""
    toutes = demandes_du_territoire(organisation)
    mutation = {"statut_logement_actuel": enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL}
    resultat: list[tuple[VersionGrille, QuerySet[Demande]]] = []
    generale = versions.get(TypeGrille.GENERALE)
    grille_mutation = versions.get(TypeGrille.MUTATION)
    if generale is not None:
        if grille_mutation is not None or generale.charger().public != "toutes":
            resultat.append((generale, toutes.exclude(**mutation)))
        else:
            resultat.append((generale, toutes))
    if grille_mutation is not None:
        resultat.append((grille_mutation, toutes.filter(**mutation)))
    return resultat


# --- sensitive criteria ----------------------------------------------------------------------------


def _lectures(condition: Any) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """``(column, constants compared)`` of every leaf of a condition (document form)."""
    if not isinstance(condition, dict):
        return
    for cle in ("tous", "un_de"):
        for sous in condition.get(cle) or ():
            yield from _lectures(sous)
    if "non" in condition:
        yield from _lectures(condition["non"])
    champ = condition.get("champ")
    if isinstance(champ, str):
        valeurs: list[Any] = []
        for test in _TESTS_VALEURS:
            if test in condition:
                v = condition[test]
                valeurs += v if isinstance(v, list) else [v]
        yield champ, tuple(valeurs)


def codes_sensibles() -> frozenset[str]:
    return frozenset(PrioriteLegale.objects.filter(sensible=True).values_list("code", flat=True))


def criteres_sensibles(grille: Grille, sensibles: frozenset[str]) -> frozenset[str]:
    """Ids of the criteria that reveal a sensitive situation: they implement or test a sensitive legal
    priority (violences, prostitution, trafficking, disability…), test a sensitive motive (violences,
    health) or read a disability flag."""
    motifs = {str(m) for m in enums.MOTIFS_SENSIBLES}
    resultat: set[str] = set()
    for section in grille_vers_donnees(grille)["sections"]:
        for critere in section["criteres"]:
            revele = bool(set(critere.get("priorites_legales") or ()) & sensibles)
            for champ, valeurs in _lectures(critere.get("condition")):
                codes = set(map(str, valeurs))
                revele = revele or (
                    champ in COLONNES_SANTE
                    or (champ == "priorites" and bool(codes & sensibles))
                    or (champ in COLONNES_MOTIFS and bool(codes & motifs))
                )
            if revele:
                resultat.add(critere["id"])
    return frozenset(resultat)


def masquer(resultat: ResultatCotation, sensibles: frozenset[str]) -> ResultatCotation:
    """``resultat`` with the sensitive criteria renamed :data:`LIBELLE_CONFIDENTIEL`."""
    lignes = tuple(
        dataclasses.replace(ligne, critere=dataclasses.replace(ligne.critere, libelle=LIBELLE_CONFIDENTIEL))
        if ligne.critere.id in sensibles
        else ligne
        for ligne in resultat.lignes
    )
    return dataclasses.replace(resultat, lignes=lignes)


# --- computing -------------------------------------------------------------------------------------


@dataclass
class CotationsCalculees:
    """The scores of one version's population: one row per demand of ``lignes`` (``demande_id``,
    ``secteur``, ``typologie_min``, scores, ranks, detail columns) and its two explanations."""

    version: VersionGrille
    grille: Grille
    lignes: pl.DataFrame
    explications: list[list[str]]
    restreintes: list[list[str]]

    @property
    def effectif(self) -> int:
        return self.lignes.height


def classer_population(demandes: pl.DataFrame, scores: pl.DataFrame, grille: Grille) -> pl.DataFrame:
    """``rang`` / ``effectif`` (same typology and sector) and ``rang_territoire`` / ``effectif_territoire``
    (same typology) of each demand, in the input order."""
    cles = list(dict.fromkeys([DEMANDE_ID, TYPOLOGIE, SECTEUR, *(c.champ for c in grille.departage)]))
    base = pl.concat([demandes.select(cles), scores.select("score")], how="horizontal")
    secteur = classer(base, grille, par=[TYPOLOGIE, SECTEUR])
    territoire = classer(base, grille, par=[TYPOLOGIE])
    return pl.DataFrame(
        {
            "rang": secteur["rang"],
            "effectif": secteur.select(pl.len().over(TYPOLOGIE, SECTEUR)).to_series(),
            "rang_territoire": territoire["rang"],
            "effectif_territoire": territoire.select(pl.len().over(TYPOLOGIE)).to_series(),
        }
    )


_LIGNE = re.compile(r"^Ligne (\d+) : ")


def coter_frame(frame: pl.DataFrame, grille: Grille, *, jour: date) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Prepared demands, the engine's scores with detail, and the ranks (:func:`classer_population`).
    An invalid row named by the engine (« Ligne 3 : … ») is named by its demand's numéro unique."""
    try:
        prepare = preparer_pour(frame, grille, jour=jour)
    except EntreeInvalide as exc:
        texte = str(exc)
        m = _LIGNE.match(texte)
        if m is None:
            raise
        numero = frame["numero_unique"][int(m.group(1)) - 1]
        raise EntreeInvalide(f"Demande {numero} : {texte[m.end() :]}") from None
    scores = evaluer(grille, prepare, date_reference=jour, detail=True)
    return prepare, scores, classer_population(prepare, scores, grille)


def calculer(
    organisation: Organisation,
    versions: Mapping[str, VersionGrille],
    *,
    jour: date,
    progression: Progression = _rien,
) -> list[CotationsCalculees]:
    """Read and score the populations of ``versions`` (no write)."""
    parts = populations(organisation, versions)
    total = sum(qs.count() for _, qs in parts)
    lues = 0
    cadres: list[tuple[VersionGrille, pl.DataFrame]] = []
    progression(ETAPE_LECTURE, LIBELLES_ETAPES[ETAPE_LECTURE], 0, total)
    for version, qs in parts:

        def lire(faites: int, _: int, avant: int = lues) -> None:
            progression(ETAPE_LECTURE, LIBELLES_ETAPES[ETAPE_LECTURE], avant + faites, total)

        frame = colonnes_cotation(qs, jour=jour, progression=lire)
        lues += frame.height
        cadres.append((version, frame))
    sensibles = codes_sensibles()
    resultats: list[CotationsCalculees] = []
    expliquees = 0
    progression(ETAPE_CALCUL, LIBELLES_ETAPES[ETAPE_CALCUL], 0, total)
    for version, frame in cadres:
        grille = version.charger()
        prepare, scores, rangs = coter_frame(frame, grille, jour=jour)
        lignes = pl.concat(
            [prepare.select(DEMANDE_ID, SECTEUR, TYPOLOGIE), scores, rangs], how="horizontal"
        ).with_columns(pl.col(TYPOLOGIE).cast(pl.Int64))
        masques = criteres_sensibles(grille, sensibles)
        explications: list[list[str]] = []
        restreintes: list[list[str]] = []
        for i, demande in enumerate(prepare.select(sorted(colonnes_lues(grille))).iter_rows(named=True)):
            resultat = evaluer_un(grille, demande, date_reference=jour)
            explications.append(expliquer(resultat))
            touche = any(ligne.applique and ligne.critere.id in masques for ligne in resultat.lignes)
            restreintes.append(expliquer(masquer(resultat, masques)) if touche else [])
            if (i + 1) % 500 == 0:
                progression(ETAPE_CALCUL, LIBELLES_ETAPES[ETAPE_CALCUL], expliquees + i + 1, total)
        expliquees += prepare.height
        progression(ETAPE_CALCUL, LIBELLES_ETAPES[ETAPE_CALCUL], expliquees, total)
        resultats.append(CotationsCalculees(version, grille, lignes, explications, restreintes))
    return resultats


# --- writing ---------------------------------------------------------------------------------------


def detail_stocke(ligne: Mapping[str, Any], colonnes: Sequence[str]) -> dict[str, dict[str, int]]:
    """``{"provisoire": {colonne: points}, "valide": {…}}``: the non-zero detail columns of one row."""
    provisoire = {c: int(ligne[c]) for c in colonnes if not c.startswith(PREFIXE_VALIDE) and ligne[c]}
    if any(c.startswith(PREFIXE_VALIDE) for c in colonnes):
        valide = {
            c.removeprefix(PREFIXE_VALIDE): int(ligne[c]) for c in colonnes if c.startswith(PREFIXE_VALIDE) and ligne[c]
        }
    else:
        valide = dict(provisoire)
    return {"provisoire": provisoire, "valide": valide}


def ecrire(
    calculs: Sequence[CotationsCalculees],
    *,
    organisation: Organisation,
    jour: date,
    progression: Progression = _rien,
) -> int:
    """Replace the cotations of the scored demands (and drop those of the EPCI's demands no longer
    scored: radiated, moved out of the territory); write the history of changed scores. Call inside
    a transaction. Returns the number of cotations written."""
    maintenant = timezone.now()
    total = sum(c.effectif for c in calculs)
    ids = {pk for c in calculs for pk in c.lignes[DEMANDE_ID].to_list()}
    anciennes = Cotation.objects.filter(version__grille__organisation=organisation).values_list("demande_id", flat=True)
    retirees = sorted(set(anciennes) - ids)
    for debut in range(0, len(retirees), TAILLE_ECRITURE):
        Cotation.objects.filter(demande_id__in=retirees[debut : debut + TAILLE_ECRITURE]).delete()
    ecrites = 0
    progression(ETAPE_ECRITURE, LIBELLES_ETAPES[ETAPE_ECRITURE], 0, total)
    for calcul in calculs:
        colonnes = colonnes_detail(calcul.grille)
        lignes = calcul.lignes.to_dicts()
        for debut in range(0, len(lignes), TAILLE_ECRITURE):
            lot = lignes[debut : debut + TAILLE_ECRITURE]
            lot_ids = [ligne[DEMANDE_ID] for ligne in lot]
            avant = {
                pk: (version_id, provisoire, valide)
                for pk, version_id, provisoire, valide in Cotation.objects.filter(demande_id__in=lot_ids).values_list(
                    "demande_id", "version_id", "score_provisoire", "score_valide"
                )
            }
            Cotation.objects.filter(demande_id__in=lot_ids).delete()
            nouvelles = []
            historique = []
            for i, ligne in enumerate(lot, start=debut):
                cotation = Cotation(
                    demande_id=ligne[DEMANDE_ID],
                    version=calcul.version,
                    score=ligne["score"],
                    score_provisoire=ligne["score_provisoire"],
                    score_valide=ligne["score_valide"],
                    typologie=ligne[TYPOLOGIE],
                    secteur_id=ligne[SECTEUR],
                    rang=ligne["rang"],
                    effectif=ligne["effectif"],
                    rang_territoire=ligne["rang_territoire"],
                    effectif_territoire=ligne["effectif_territoire"],
                    detail=detail_stocke(ligne, colonnes),
                    explication=calcul.explications[i],
                    explication_restreinte=calcul.restreintes[i],
                    date_reference=jour,
                    calculee_le=maintenant,
                )
                nouvelles.append(cotation)
                if avant.get(cotation.demande_id) != (
                    calcul.version.pk,
                    cotation.score_provisoire,
                    cotation.score_valide,
                ):
                    historique.append(
                        CotationHistorique(
                            demande_id=cotation.demande_id,
                            version=calcul.version,
                            score=cotation.score,
                            score_provisoire=cotation.score_provisoire,
                            score_valide=cotation.score_valide,
                            date_reference=jour,
                            calculee_le=maintenant,
                        )
                    )
            Cotation.objects.bulk_create(nouvelles)
            CotationHistorique.objects.bulk_create(historique)
            ecrites += len(nouvelles)
            progression(ETAPE_ECRITURE, LIBELLES_ETAPES[ETAPE_ECRITURE], ecrites, total)
    return ecrites
