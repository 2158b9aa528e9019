"""The bridge from the database to the rapprochement engine (``docs/rapprochement.md`` §2).

* :func:`cadre_demandes`: the active demands of a territory (an EPCI) as the engine's demand columns
  (:data:`attrib.engine.rapprochement.COLONNES_DEMANDES`, the household columns and the needs), read with
  the cotation's bridge (:func:`attrib.cotation.colonnes.colonnes_cotation`) so that a household is the same
  for the cotation and for the rapprochement; the score is the demand's current cotation and the ``rang``
  column its rank by score then the tie-break of the territory's published grid.
* :func:`index_territoire`: the engine's :class:`~attrib.engine.rapprochement.IndexDemandes` of a territory,
  built once and kept in memory until a demand or a score changes (see :func:`signature`).
* :func:`logement_moteur`: a freed dwelling as the engine's :class:`~attrib.engine.rapprochement.Logement`.
* :func:`etat_objectifs`: the attributions already made in the year (signed leases), per objective.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from attrib.commissions.models import STATUTS_OFFRE_EN_COURS, Bail, Offre
from attrib.cotation.colonnes import DEMANDE_ID, PRIORITES_VALIDEES, colonnes_cotation
from attrib.cotation.enums import StatutVersion, TypeGrille
from attrib.cotation.models import Cotation, VersionGrille
from attrib.cotation.selectors import etat_cotations
from attrib.demandes import quartile
from attrib.demandes.models import CommuneSouhaitee, Demande
from attrib.engine.cotation import classer
from attrib.engine.cotation.catalogue import COLONNES_COTATION
from attrib.engine.erreurs import EntreeInvalide, ErreurMoteur
from attrib.engine.menage import COLONNES_ENTREE
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT as DOSSIER_PARAMETRES
from attrib.engine.q1 import appartient_tableau, revenus_par_uc_tableau
from attrib.engine.rapprochement import (
    Compte,
    IndexDemandes,
    Logement,
    Objectif,
    TableDemandeurs,
    charger_regles,
    objectifs_cia,
)
from attrib.engine.rapprochement.eligibilite import COLONNES_BESOINS
from attrib.engine.rapprochement.preselection import COLONNE_OFFRE_EN_COURS, COLONNE_RANG, COLONNES_DEMANDES
from attrib.flux.models import LogementLibere, Orientation
from attrib.journal.generation import RACINE_DEMANDE, RACINE_GRILLE, RACINE_VERSION_GRILLE, generation, generations
from attrib.qualification.selectors import note_retenue, notes_retenues
from attrib.territoires.models import EPCI, Commune

logger = logging.getLogger(__name__)

#: Legal priority codes that are not L441-1 priorities (DALO is its own flag).
CODES_HORS_PRIORITES = frozenset({"dalo"})


class LogementNonEvaluable(Exception):
    """The dwelling lacks what the eligibility rules need (its financing); the message says what, in French."""


# --- the threshold of the first quartile -------------------------------------------------------------


@dataclass(frozen=True)
class Seuil:
    """The Q1 threshold of a territory and year (``attrib.demandes.quartile``; ``valeur`` None: not known)."""

    valeur: float | None
    origine: str
    source: str
    libelle: str

    @property
    def connu(self) -> bool:
        return self.valeur is not None


def seuil_territoire(epci: EPCI, annee: int) -> Seuil:
    s = quartile.seuil_q1(epci_siren=epci.siren, annee=annee)
    return Seuil(valeur=s.valeur, origine=s.origine, source=s.source, libelle=s.libelle)


# --- demands --------------------------------------------------------------------------------------------


def communes_epci(epci: EPCI) -> QuerySet[Commune]:
    return Commune.objects.filter(epci=epci)


def demandes_du_territoire(epci: EPCI) -> QuerySet[Demande]:
    """Active demands wishing at least one commune of the EPCI."""
    souhait = CommuneSouhaitee.objects.filter(demande=OuterRef("pk"), commune__epci=epci)
    return Demande.objects.actives().filter(Exists(souhait))


def _grille_du_territoire(epci: EPCI) -> Any:
    version = (
        VersionGrille.objects.filter(
            grille__organisation__epci=epci, grille__type=TypeGrille.GENERALE, statut=StatutVersion.PUBLIEE
        )
        .order_by("-publiee_le", "-pk")
        .first()
    )
    return None if version is None else version.charger()


@dataclass(frozen=True)
class CadreDemandes:
    cadre: pl.DataFrame  # engine columns, one row per scored active demand
    nb_actives: int
    nb_sans_cotation: int
    departage: str  # the tie-break, in French


def cadre_demandes(epci: EPCI, *, jour: date, demandes: QuerySet[Demande] | None = None) -> CadreDemandes:
    """The engine's demand frame of the territory (or of ``demandes``): every active demand with a current
    cotation. A demand without cotation cannot be ranked: it is counted in ``nb_sans_cotation``, never given
    an invented score."""
    qs = demandes_du_territoire(epci) if demandes is None else demandes
    brut = colonnes_cotation(qs, jour=jour)
    scores = pl.DataFrame(
        list(Cotation.objects.filter(demande_id__in=qs.values("pk")).values_list("demande_id", "score")),
        schema={DEMANDE_ID: pl.Int64, "score": pl.Int64},
        orient="row",
    )
    cote = brut.join(scores, on=DEMANDE_ID, how="inner", maintain_order="left")
    en_cours = set(
        Offre.objects.filter(demande_id__in=qs.values("pk"), statut__in=STATUTS_OFFRE_EN_COURS).values_list(
            "demande_id", flat=True
        )
    )
    priorites = pl.col(PRIORITES_VALIDEES).list.eval(pl.element().filter(~pl.element().is_in(CODES_HORS_PRIORITES)))
    cadre = cote.with_columns(
        pl.col("numero_unique").alias("demande"),
        pl.col("score").cast(pl.Float64),
        pl.col("communes_souhaitees").list.eval(pl.element().cast(pl.String)).alias("communes"),
        pl.col("dalo_reconnu").fill_null(False).cast(pl.Boolean).alias("dalo"),
        priorites.fill_null([]).alias("priorites"),
        pl.col("typologie_min").cast(pl.Int64),
        pl.col("typologie_max").cast(pl.Int64),
        pl.col("allocation_logement").fill_null(0).cast(pl.Float64),
        *(pl.col(c).fill_null(False).cast(pl.Boolean) for c in _BESOINS),
        pl.col(DEMANDE_ID).is_in(list(en_cours)).alias(COLONNE_OFFRE_EN_COURS),
    )
    grille = _grille_du_territoire(epci)
    departage = "date de dépôt initiale la plus ancienne, puis numéro unique"
    if grille is not None and all(c.champ in cadre.columns for c in grille.departage):
        rangs = classer(cadre.select("score", *{c.champ for c in grille.departage}), grille)
        cadre = cadre.with_columns(rangs.get_column("rang").alias("rang"))
        libelles = [
            f"{_libelle_champ(c.champ)} ({'décroissant' if c.ordre == 'decroissant' else 'croissant'})"
            for c in grille.departage
        ]
        departage = f"grille publiée du territoire : {', puis '.join(libelles)}"
    return CadreDemandes(
        cadre=cadre, nb_actives=brut.height, nb_sans_cotation=brut.height - cadre.height, departage=departage
    )


_BESOINS = ("besoin_fauteuil", "besoin_logement_adapte", "besoin_rdc_ou_ascenseur")


# --- the index of a territory, cached ------------------------------------------------------------------


def signature(epci: EPCI) -> tuple[Any, ...]:
    """What changes when a demand of the territory, a grid or a score changes, read in a few index steps
    (never a scan of the tables): the last journal entry under a demand (a demand, its persons, wished
    communes, offers and leases: every writer is journalled by the database, ``attrib.journal.generation``),
    under a grid and a grid version, and the state of the cotations (``cotation.selectors.etat_cotations``: the
    committed transactions that wrote them, whatever their commit order, and the last one written)."""
    return (epci.pk, *generations(RACINE_DEMANDE, RACINE_GRILLE, RACINE_VERSION_GRILLE), etat_cotations())


@dataclass(frozen=True, eq=False)
class IndexTerritoire:
    epci: EPCI
    jour: date
    index: IndexDemandes
    seuil: Seuil
    nb_actives: int
    nb_sans_cotation: int
    departage: str
    demande_pk: dict[str, int]  # numéro unique → demand id
    lignes: dict[str, int]  # numéro unique → row of the index
    signature: tuple[Any, ...]
    construit_le: datetime
    cle: str = ""  # the state it was built from (:func:`_cle_index`)
    cadre: pl.DataFrame = field(default_factory=pl.DataFrame)  # the columns it was built from (COLONNES_INDEX)

    @property
    def nb_indexees(self) -> int:
        return len(self.index)


_CACHE: dict[str, IndexTerritoire] = {}
_VERROU = threading.Lock()
#: Columns of the demand frame the index reads (the persisted copy keeps these only: no name, no address).
COLONNES_INDEX: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            DEMANDE_ID,
            *COLONNES_DEMANDES,
            *COLONNES_ENTREE,
            *COLONNES_BESOINS,
            "typologie_min",
            COLONNE_RANG,
            COLONNE_OFFRE_EN_COURS,
        )
    )
)


def vider_cache() -> None:
    """Forget the indexes in memory and those kept for the other processes."""
    with _VERROU:
        _CACHE.clear()
        _DRAPEAUX.clear()
    for fichier in dossier_index().glob("*.index"):
        fichier.unlink(missing_ok=True)


def _fichier_index(epci: EPCI) -> Path:
    """The file of the territory's index, named after the database too (two databases never share it)."""
    nom = hashlib.sha256(f"{connection.settings_dict['NAME']}|{epci.pk}".encode()).hexdigest()[:24]
    return dossier_index() / f"{nom}.index"


def dossier_index() -> Path:
    """Where the indexes built are kept for every process of the installation (``ATTRIB_VAR_DIR``)."""
    return Path(settings.VAR_DIR) / "cache" / "rapprochement"


#: Version of the kept index (its file's layout and the rules that build its columns from the database): raise it
#: with any change to either. It is part of the index's key: after a deployment that changes them, the files of the
#: previous version are never read (they are replaced by the next build).
FORMAT_INDEX = 2

#: Folders of the dated data files the columns and the index are computed from (parameters: ceilings, UC,
#: eligibility rules…; the grids' rules: validation of the criteria). Their content is part of the index's key.
DOSSIERS_DONNEES: tuple[Path, ...] = (DOSSIER_PARAMETRES, DOSSIER_PARAMETRES.parent / "grilles")

#: The data files' fingerprint known, under the state of the files it was computed from (names, sizes, dates).
_EMPREINTE_DONNEES: dict[tuple[Any, ...], str] = {}
#: Seconds during which the files' state, once read, is trusted (a shortlist does not ``stat`` every file).
EMPREINTE_DUREE = 2.0
_EMPREINTE_LUE: list[Any] = [None, 0.0, ""]  # folders, monotonic time of the last look, fingerprint


def _etat_fichiers() -> list[tuple[str, int, int, str]]:
    """(name, size, modification time, path) of each data file, in name order (one ``scandir`` per folder)."""
    etat = []
    for dossier in DOSSIERS_DONNEES:
        try:
            entrees = list(os.scandir(dossier))
        except OSError:
            continue
        for e in entrees:
            if e.is_file():
                infos = e.stat()
                etat.append((f"{dossier.name}/{e.name}", infos.st_size, infos.st_mtime_ns, e.path))
    return sorted(etat)


def empreinte_donnees() -> str:
    """The fingerprint of the content of the data files (:data:`DOSSIERS_DONNEES`): their state (names, sizes,
    dates) is looked at again after :data:`EMPREINTE_DUREE` seconds, their content hashed again only when that state
    changed. A deployment (new processes) always computes it afresh."""
    maintenant = time.monotonic()
    with _VERROU:
        dossiers, vu_le, connue = _EMPREINTE_LUE
    if dossiers == DOSSIERS_DONNEES and maintenant - vu_le < EMPREINTE_DUREE:
        return str(connue)
    fichiers = _etat_fichiers()
    etat = tuple(f[:3] for f in fichiers)
    with _VERROU:
        connue = _EMPREINTE_DONNEES.get(etat)
    if connue is None:
        empreinte = hashlib.sha256()
        for nom, _taille, _date, chemin in fichiers:
            with open(chemin, "rb") as f:
                empreinte.update(nom.encode() + b"\0" + f.read() + b"\0")
        connue = empreinte.hexdigest()
    with _VERROU:
        _EMPREINTE_DONNEES.clear()
        _EMPREINTE_DONNEES[etat] = connue
        _EMPREINTE_LUE[:] = [DOSSIERS_DONNEES, maintenant, connue]
    return connue


def empreinte_territoire(epci: EPCI) -> tuple[Any, ...]:
    """The referential of the territory the index reads: its communes (which demands are the territory's) and their
    ceiling zones (the households' ceilings). One indexed read of a few dozen rows; the referential is loaded by
    ``importer_territoires``, outside the change journal."""
    return tuple(Commune.objects.filter(epci=epci).order_by("code_insee").values_list("code_insee", "zone_plafond"))


def _cle_index(epci: EPCI, jour: date, sig: tuple[Any, ...]) -> str:
    """The state an index is built from: the version of the format (:data:`FORMAT_INDEX`), the signature (demands,
    grids, scores), the territory's referential (:func:`empreinte_territoire`), the data files
    (:func:`empreinte_donnees`), the day and the official Q1 threshold of the year (when there is none, the computed
    threshold follows the demands, already in the signature)."""
    officiel = quartile.seuil_officiel(epci_siren=epci.siren, annee=jour.year)
    etat = (FORMAT_INDEX, sig, empreinte_territoire(epci), empreinte_donnees(), jour.isoformat(), officiel)
    return hashlib.sha256(repr(etat).encode()).hexdigest()


def index_territoire(epci: EPCI, *, jour: date | None = None) -> IndexTerritoire:
    """The demand index of the territory on ``jour`` (today by default), rebuilt when :func:`signature`
    changed, when the day changed, or when the official Q1 threshold changed; otherwise the one in memory, or
    the one another process of the installation built for the same state (:func:`dossier_index`, decision
    0023): a new process (a restarted server, a worker replaced after ``GUNICORN_MAX_REQUESTS``) reads it
    instead of reading every demand again."""
    jour = jour or timezone.localdate()
    sig = signature(epci)
    cle = _cle_index(epci, jour, sig)
    with _VERROU:
        en_memoire = _CACHE.get(epci.pk)
    if en_memoire is not None and en_memoire.cle == cle:
        return en_memoire
    fichier = _fichier_index(epci)
    construit = _lire_index(fichier, epci, jour, cle, sig)
    if construit is None:
        fichier.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # One process builds a state; the others wait for it and read its file.
        with open(fichier.with_suffix(".verrou"), "a+b") as verrou:
            fcntl.flock(verrou, fcntl.LOCK_EX)
            try:
                construit = _lire_index(fichier, epci, jour, cle, sig)
                if construit is None:
                    construit = _construire(epci, jour, cle, sig)
                    _ecrire_index(fichier, construit)
            finally:
                fcntl.flock(verrou, fcntl.LOCK_UN)
    with _VERROU:
        _CACHE[epci.pk] = construit
    return construit


def territoires_a_prechauffer() -> list[EPCI]:
    """The territories whose shortlists are opened: those with dwellings freed since the start of last year."""
    debut = date(timezone.localdate().year - 1, 1, 1)
    codes = (
        LogementLibere.objects.filter(date_liberation__gte=debut, commune__epci__isnull=False)
        .order_by()
        .values("commune__epci_id")
        .distinct()
    )
    return list(EPCI.objects.filter(pk__in=codes).order_by("nom"))


def prechauffer_seuils(epci: EPCI, jour: date) -> None:
    """The Q1 thresholds of this year and the last (the pilotage reads both), computed once for the installation
    (``attrib.demandes.quartile`` keeps them in ``ATTRIB_VAR_DIR``)."""
    for annee in (jour.year - 1, jour.year):
        quartile.seuil_q1(epci_siren=epci.siren, annee=annee)


def prechauffer_processus() -> int:
    """In a web process that starts (gunicorn's ``post_worker_init``): the index of each territory, read back from
    the kept file (:func:`dossier_index`), and the households of the year's leases, so that the process's first
    shortlist reads neither. Returns the territories ready; one that fails is skipped (its first shortlist builds
    it)."""
    prets = 0
    jour = timezone.localdate()
    for epci in territoires_a_prechauffer():
        try:
            it = index_territoire(epci, jour=jour)
            attributions_de_l_annee(epci, jour.year, it.seuil)
            prechauffer_seuils(epci, jour)
        except Exception:  # a territory never stops the process from starting
            logger.exception("Préchauffage de la présélection impossible pour %s", epci.pk)
            continue
        prets += 1
    return prets


def _indexer(
    epci: EPCI,
    jour: date,
    cle: str,
    sig: tuple[Any, ...],
    cadre: pl.DataFrame,
    seuil: Seuil,
    nb_actives: int,
    nb_sans_cotation: int,
    departage: str,
) -> IndexTerritoire:
    index = IndexDemandes.construire(
        cadre,
        annee_plafonds=jour.year,
        date_reference=jour,
        seuil_q1=seuil.valeur if seuil.valeur is not None else float("nan"),
    )
    return IndexTerritoire(
        epci=epci,
        jour=jour,
        index=index,
        seuil=seuil,
        nb_actives=nb_actives,
        nb_sans_cotation=nb_sans_cotation,
        departage=departage,
        demande_pk=dict(
            zip(cadre.get_column("demande").to_list(), cadre.get_column(DEMANDE_ID).to_list(), strict=True)
        ),
        lignes={str(n): i for i, n in enumerate(index.demandes.tolist())},
        signature=sig,
        construit_le=timezone.now(),
        cle=cle,
        cadre=cadre,
    )


def _construire(epci: EPCI, jour: date, cle: str, sig: tuple[Any, ...]) -> IndexTerritoire:
    seuil = seuil_territoire(epci, jour.year)
    donnees = cadre_demandes(epci, jour=jour)
    cadre = donnees.cadre.select(c for c in COLONNES_INDEX if c in donnees.cadre.columns)
    return _indexer(epci, jour, cle, sig, cadre, seuil, donnees.nb_actives, donnees.nb_sans_cotation, donnees.departage)


def _ecrire_index(fichier: Path, it: IndexTerritoire) -> None:
    """The index's columns (Arrow IPC) after one line of JSON (its state and counts), written whole then renamed:
    a reader sees the previous file or this one, never a part. Only the columns the index reads are kept (no
    name, address or contact); the file is replaced by the next state's."""
    entete = {
        "cle": it.cle,
        "seuil": {
            "valeur": it.seuil.valeur,
            "origine": it.seuil.origine,
            "source": it.seuil.source,
            "libelle": it.seuil.libelle,
        },
        "nb_actives": it.nb_actives,
        "nb_sans_cotation": it.nb_sans_cotation,
        "departage": it.departage,
    }
    tampon = io.BytesIO()
    it.cadre.write_ipc(tampon, compression="lz4")
    # Households' incomes and composition: readable by the service's user only; one temporary name per thread.
    provisoire = fichier.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    with os.fdopen(os.open(provisoire, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
        f.write(json.dumps(entete).encode() + b"\n")
        f.write(tampon.getvalue())
    os.replace(provisoire, fichier)


def _lire_index(fichier: Path, epci: EPCI, jour: date, cle: str, sig: tuple[Any, ...]) -> IndexTerritoire | None:
    """The index kept in ``fichier`` when it was built from the state ``cle``; ``None`` otherwise (absent,
    another state, unreadable: then built again)."""
    try:
        with open(fichier, "rb") as f:
            entete = json.loads(f.readline())
            if entete.get("cle") != cle:
                return None
            cadre = pl.read_ipc(io.BytesIO(f.read()))
        s = entete["seuil"]
        seuil = Seuil(valeur=s["valeur"], origine=s["origine"], source=s["source"], libelle=s["libelle"])
        return _indexer(
            epci, jour, cle, sig, cadre, seuil, entete["nb_actives"], entete["nb_sans_cotation"], entete["departage"]
        )
    except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
        return None


# --- dwellings ------------------------------------------------------------------------------------------


def reservataire_de(ll: LogementLibere, orientation: Orientation | None) -> str:
    """The key of the dwelling's réservataire in the objectives: the label of its orientation in force (the
    bailleur's own share included), the bailleur's name when the dwelling is not oriented."""
    if orientation is not None:
        return orientation.libelle
    return str(ll.bailleur)


def logement_moteur(ll: LogementLibere, orientation: Orientation | None = None) -> Logement:
    """The freed dwelling as the engine sees it; :class:`LogementNonEvaluable` when its financing is unknown."""
    lg = ll.logement
    financement = ll.financement or lg.financement
    if financement not in ("PLAI", "PLUS", "PLS"):
        detail = "non renseigné" if not financement else f"« {financement} », sans plafond de ressources connu"
        raise LogementNonEvaluable(
            f"Logement {lg.identifiant} : financement {detail}. Renseignez le financement (PLAI, PLUS ou PLS) "
            "dans le patrimoine : sans lui, le plafond de ressources ne peut pas être vérifié."
        )
    note = note_retenue(lg.residence)
    try:
        return Logement(
            financement=financement,
            zone_plafond=ll.commune.zone_plafond,
            nb_pieces=int(ll.typologie),
            surface_habitable=float(lg.surface_habitable),
            loyer=None if lg.loyer_principal is None else float(lg.loyer_principal),
            charges=None if lg.charges is None else float(lg.charges),
            adapte_pmr=lg.adapte_pmr,
            ascenseur=lg.ascenseur,
            etage=lg.etage,
            identifiant=lg.identifiant,
            commune=ll.commune_id,
            en_qpv=ll.en_qpv,
            note_residence=None if note is None else note[0],
            reservataire=reservataire_de(ll, orientation if orientation is not None else ll.orientation),
        )
    except EntreeInvalide as exc:
        raise LogementNonEvaluable(str(exc)) from None


# --- objectives -------------------------------------------------------------------------------------------


def objectifs(jour: date, reservataires: Iterable[str], seuil: Seuil) -> tuple[Objectif, ...]:
    """The CIA objectives and the rating rule in force on ``jour``. Without a known Q1 threshold, the
    objectives that count first-quartile households are left out (never computed on a guess)."""
    tous = objectifs_cia(charger_regles(jour).objectifs, reservataires)
    if seuil.connu:
        return tous
    return tuple(o for o in tous if "q1" not in o.cible.drapeaux)


def objectifs_sans_seuil(jour: date, reservataires: Iterable[str]) -> tuple[Objectif, ...]:
    """The objectives left out for want of a Q1 threshold."""
    return tuple(o for o in objectifs_cia(charger_regles(jour).objectifs, reservataires) if "q1" in o.cible.drapeaux)


@dataclass(frozen=True)
class Attribution:
    """One lease of the year as the objectives count it."""

    en_qpv: bool
    reservataire: str
    note: int | None
    q1: bool
    dalo: bool
    prioritaire: bool


def attributions_de_l_annee(epci: EPCI, annee: int, seuil: Seuil) -> list[Attribution]:
    """The leases signed in ``annee`` for dwellings of the territory, with the household's flags. The
    household's first quartile is computed as for the demands (monthly resources × 12 / consumption units,
    on the signature day) when the threshold is known."""
    baux = list(
        Bail.objects.filter(date_signature__year=annee, logement__residence__commune__epci=epci).select_related(
            "orientation", "bailleur", "logement__residence"
        )
    )
    if not baux:
        return []
    jour = max(b.date_signature for b in baux)
    q1_par_demande, prioritaires = _drapeaux_menages(sorted({b.demande_id for b in baux}), jour, seuil)
    notes = notes_retenues(b.logement.residence_id for b in baux)
    resultat = []
    for b in baux:
        residence = b.logement.residence
        resultat.append(
            Attribution(
                en_qpv=b.en_qpv,
                reservataire=b.orientation.libelle if b.orientation is not None else str(b.bailleur),
                note=notes[residence.pk],
                q1=bool(q1_par_demande.get(b.demande_id, False)),
                dalo=b.dalo,
                prioritaire=prioritaires.get(b.demande_id, False),
            )
        )
    return resultat


#: The households' flags of the leased demands, kept per state of the demand file (see :func:`_drapeaux_menages`).
_DRAPEAUX: dict[tuple[Any, ...], tuple[dict[int, bool], dict[int, bool]]] = {}
_DRAPEAUX_MAX = 64


def _drapeaux_menages(ids: list[int], jour: date, seuil: Seuil) -> tuple[dict[int, bool], dict[int, bool]]:
    """Whether each demand of ``ids`` is Q1 (on ``jour``, with ``seuil``) and prioritaire. Read once per state of
    the demand file (its generation: any write to a demand, its persons, situations or leases moves it), not on
    every shortlist: the leases of a year are the same from one request to the next."""
    cle = (tuple(ids), jour, seuil.valeur, generation(RACINE_DEMANDE))
    with _VERROU:
        connu = _DRAPEAUX.get(cle)
    if connu is not None:
        return connu
    q1_par_demande: dict[int, bool] = {}
    brut = colonnes_cotation(Demande.objects.filter(pk__in=ids), jour=jour)
    prioritaires = {
        pk: bool([c for c in (codes or []) if c not in CODES_HORS_PRIORITES])
        for pk, codes in zip(
            brut.get_column(DEMANDE_ID).to_list(), brut.get_column(PRIORITES_VALIDEES).to_list(), strict=True
        )
    }
    if seuil.valeur is not None and brut.height:
        cadre = brut.with_columns(
            pl.col("allocation_logement").fill_null(0).cast(pl.Float64),
            *(pl.col(c).fill_null(False).cast(pl.Boolean) for c in _BESOINS),
        )
        table = TableDemandeurs.depuis_cadre(cadre, annee_plafonds=jour.year, date_reference=jour)
        q1 = appartient_tableau(revenus_par_uc_tableau(table.revenus_mensuels, table.unites_consommation), seuil.valeur)
        q1_par_demande = dict(zip(brut.get_column(DEMANDE_ID).to_list(), np.asarray(q1).tolist(), strict=True))
    with _VERROU:
        if len(_DRAPEAUX) >= _DRAPEAUX_MAX:
            _DRAPEAUX.clear()
        _DRAPEAUX[cle] = (q1_par_demande, prioritaires)
    return q1_par_demande, prioritaires


def etat_objectifs(objectifs_: Sequence[Objectif], attributions: Sequence[Attribution]) -> dict[str, Compte]:
    """Attributions already made in scope of each objective, and how many went to its target households."""
    etat: dict[str, Compte] = {}
    for o in objectifs_:
        compte = Compte()
        for a in attributions:
            if o.portee.contient(en_qpv=a.en_qpv, reservataire=a.reservataire, note=a.note):
                compte = compte.plus(cible=o.cible.contient(q1=a.q1, dalo=a.dalo, prioritaire=a.prioritaire))
        etat[o.code] = compte
    return etat


__all__ = [
    "Attribution",
    "CadreDemandes",
    "ErreurMoteur",
    "IndexTerritoire",
    "LogementNonEvaluable",
    "Seuil",
    "attributions_de_l_annee",
    "cadre_demandes",
    "demandes_du_territoire",
    "etat_objectifs",
    "index_territoire",
    "logement_moteur",
    "objectifs",
    "seuil_territoire",
    "signature",
    "prechauffer_processus",
    "prechauffer_seuils",
    "territoires_a_prechauffer",
    "vider_cache",
]


def _libelle_champ(champ: str) -> str:
    """The French name of a column of the interchange format, as its catalogue describes it (first clause)."""
    for colonne in COLONNES_COTATION:
        if colonne.nom == champ:
            premiere = colonne.description.split(".")[0].split(",")[0].strip()
            return premiere[:1].lower() + premiere[1:]
    return champ.replace("_", " ")
