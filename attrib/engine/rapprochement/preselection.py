"""Shortlist of one freed dwelling among the active demands (``IndexDemandes.preselection``).

The index is built once from the demand file (a polars frame, :data:`COLONNES_DEMANDES`):

- every demand is derived once (category, consumption units, first quartile) into numpy columns
  (:class:`~attrib.engine.rapprochement.eligibilite.TableDemandeurs`);
- demands are ranked once: by the ``rang`` column when given (the cotation's ranking, tie-break included),
  otherwise by decreasing score, then oldest first filing, then identifier;
- each demand is filed under every (commune wished, typology wished) pair, and each such partition is an
  int64 array of rows already in rank order, with the rank of the commune in the demand's wishes.

A query reads the partition of the dwelling's commune and typology, evaluates every eligibility rule on it
in one numpy pass, keeps the first eligible rows (already ranked) and explains them: eligibility rule by rule,
steering signals (first quartile, DALO and priorities, the residence's agreed rating) and the effect of each
candidate on every objective that covers the dwelling. Cost: proportional to the partition, not to the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.menage import COLONNES_ENTREE
from attrib.engine.parametres import Parametres, charger_parametres
from attrib.engine.q1 import appartient_tableau, revenus_par_uc_tableau
from attrib.engine.rapprochement.eligibilite import (
    COLONNES_BESOINS,
    REGLES,
    Eligibilite,
    EligibiliteVectorielle,
    Logement,
    TableDemandeurs,
    contexte_logement,
    eligibilite_vectorielle,
)
from attrib.engine.rapprochement.objectifs import Compte, EffetObjectif, Objectif, effets
from attrib.engine.rapprochement.parametres import TYPOLOGIE_MAX, Regles, charger_regles
from attrib.engine.rapprochement.texte import pluriel
from attrib.engine.rapprochement.valeur import detail_valeur, valeurs_candidature

#: Columns of the demand frame, besides :data:`attrib.engine.menage.COLONNES_ENTREE` and ``COLONNES_BESOINS``.
COLONNES_DEMANDES: tuple[str, ...] = ("demande", "score", "typologie_max", "communes", "dalo", "priorites")
#: Optional column: global rank from the cotation (1 = first), used instead of score and tie-break.
COLONNE_RANG = "rang"
#: Optional Boolean column: the household holds an offer waiting for its answer or accepted (one household,
#: one attribution at a time): flagged on every shortlist, left out of batch proposals by default.
COLONNE_OFFRE_EN_COURS = "offre_en_cours"
SIGNAL_OFFRE_EN_COURS = (
    "offre de logement en cours (en attente de réponse ou acceptée) : une autre désignation ou attribution "
    "demande une décision motivée"
)


@dataclass(frozen=True, slots=True)
class CandidatPreselection:
    demande: str
    position: int  # 1 = first eligible in the shortlist
    rang_global: int  # rank among all active demands (1 = first)
    score: float
    rang_commune: int
    q1: bool
    dalo: bool
    priorites: tuple[str, ...]
    eligibilite: Eligibilite
    effets: tuple[EffetObjectif, ...]
    valeur: float
    detail_valeur: str
    offre_en_cours: bool = False

    @property
    def prioritaire(self) -> bool:
        return self.dalo or bool(self.priorites)

    def signaux(self) -> tuple[str, ...]:
        """Steering signals in French (quartile, priorities, wish rank, objectives)."""
        lignes = [
            "ménage du 1er quartile" if self.q1 else "ménage hors 1er quartile",
            f"commune souhaitée n° {self.rang_commune}",
        ]
        if self.offre_en_cours:
            lignes.insert(0, SIGNAL_OFFRE_EN_COURS)
        if self.dalo:
            lignes.append("reconnu prioritaire DALO")
        if self.priorites:
            lignes.append(f"priorités L441-1 : {', '.join(self.priorites)}")
        if not self.prioritaire:
            lignes.append("ni DALO ni prioritaire")
        lignes.extend(e.phrase() for e in self.effets)
        return tuple(lignes)


@dataclass(frozen=True)
class Preselection:
    logement: Logement
    candidats: tuple[CandidatPreselection, ...]
    nb_souhaitant: int
    nb_eligibles: int
    exclusions: Mapping[str, int]

    def explication(self) -> tuple[str, ...]:
        lg = self.logement
        lignes = [
            f"{pluriel(self.nb_souhaitant, 'demande souhaite', 'demandes souhaitent')} la commune {lg.commune} "
            f"en T{lg.typologie} ; {pluriel(self.nb_eligibles, 'est éligible', 'sont éligibles')}.",
        ]
        libelles = {r.code: r.libelle for r in REGLES}
        for code, nombre in self.exclusions.items():
            if nombre:
                lignes.append(f"{libelles[code]} : {pluriel(nombre, 'demande écartée', 'demandes écartées')}.")
        en_cours = sum(1 for c in self.candidats if c.offre_en_cours)
        if en_cours:
            lignes.append(
                f"{pluriel(en_cours, 'candidat a', 'candidats ont')} déjà une offre de logement en cours (signalée)."
            )
        note = "non notée" if lg.note_residence is None else f"note convenue {lg.note_residence}"
        lignes.append(f"Résidence : {note} ; {'en QPV' if lg.en_qpv else 'hors QPV'}.")
        return tuple(lignes)


@dataclass(eq=False)
class IndexDemandes:
    """Active demands, derived and partitioned by (commune, typology). Build with :meth:`construire`."""

    table: TableDemandeurs
    regles: Regles
    parametres: Parametres
    demandes: NDArray[Any]  # identifiers (object array of str)
    score: NDArray[np.float64]
    rang_global: NDArray[np.int64]  # 1 = first
    q1: NDArray[np.bool_]
    dalo: NDArray[np.bool_]
    prioritaire: NDArray[np.bool_]
    priorites: list[tuple[str, ...]]
    offre_en_cours: NDArray[np.bool_]  # the household holds an offer waiting or accepted
    lignes: NDArray[np.int64]  # rows, partition by partition, in rank order
    rangs_commune: NDArray[np.int8]
    partitions: dict[tuple[str, int], tuple[int, int]]
    _contextes: dict[Logement, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.table)

    @classmethod
    def construire(
        cls,
        demandes: pl.DataFrame,
        *,
        annee_plafonds: int,
        date_reference: date,
        seuil_q1: float,
        regles: Regles | None = None,
        parametres: Parametres | None = None,
    ) -> IndexDemandes:
        """Index the active demands. ``seuil_q1``: first-quartile threshold of the EPCI and year (€ per year
        and per consumption unit, NaN when unknown); a household is Q1 when its SNE monthly income × 12 / UC is
        at most this threshold (:mod:`attrib.engine.q1`)."""
        p = parametres or charger_parametres()
        r = regles or charger_regles(date_reference)
        _verifier(demandes)
        table = TableDemandeurs.depuis_cadre(
            demandes, annee_plafonds=annee_plafonds, date_reference=date_reference, parametres=p
        )
        numerote = demandes.with_row_index("_ligne")
        if COLONNE_RANG in demandes.columns:
            ordre = numerote.sort([COLONNE_RANG, "demande"])
        else:
            ordre = numerote.sort(
                ["score", "date_depot_initiale", "demande"], descending=[True, False, False], nulls_last=True
            )
        rang = np.empty(demandes.height, dtype=np.int64)
        rang[ordre.get_column("_ligne").to_numpy()] = np.arange(1, demandes.height + 1)
        souhaits = (
            numerote.select(
                "_ligne",
                pl.col("communes").list.eval(pl.element().cast(pl.String)).alias("commune"),
                pl.int_ranges(1, pl.col("communes").list.len() + 1).alias("rang_commune"),
                pl.int_ranges(
                    pl.col("typologie_min").clip(1, TYPOLOGIE_MAX), pl.col("typologie_max").clip(1, TYPOLOGIE_MAX) + 1
                ).alias("typologie"),
            )
            .explode(["commune", "rang_commune"])
            .drop_nulls("commune")
            .unique(subset=["_ligne", "commune"], keep="first", maintain_order=True)
            .explode("typologie")
            .drop_nulls("typologie")
            .with_columns(pl.lit(pl.Series("_rang", rang)).gather(pl.col("_ligne")).alias("_rang"))
            .sort(["commune", "typologie", "_rang"])
        )
        cles = (
            souhaits.select("commune", "typologie")
            .with_row_index("_debut")
            .unique(subset=["commune", "typologie"], keep="first", maintain_order=True)
        )
        debuts = cles.get_column("_debut").to_list()
        fins = [*debuts[1:], souhaits.height] if debuts else []  # no wish at all: no partition
        partitions = {
            (str(c), int(t)): (int(a), int(b))
            for c, t, a, b in zip(cles.get_column("commune"), cles.get_column("typologie"), debuts, fins, strict=True)
        }
        revenu_uc = revenus_par_uc_tableau(table.revenus_mensuels, table.unites_consommation)
        priorites = [tuple(str(x) for x in (v or ())) for v in demandes.get_column("priorites").to_list()]
        return cls(
            table=table,
            regles=r,
            parametres=p,
            demandes=np.array(demandes.get_column("demande").cast(pl.String).to_list(), dtype=object),
            score=demandes.get_column("score").cast(pl.Float64).to_numpy(),
            rang_global=rang,
            q1=appartient_tableau(revenu_uc, seuil_q1),
            dalo=demandes.get_column("dalo").to_numpy().astype(np.bool_),
            prioritaire=np.array([bool(x) for x in priorites], dtype=np.bool_),
            priorites=priorites,
            offre_en_cours=(
                demandes.get_column(COLONNE_OFFRE_EN_COURS).fill_null(False).to_numpy().astype(np.bool_)
                if COLONNE_OFFRE_EN_COURS in demandes.columns
                else np.zeros(demandes.height, dtype=np.bool_)
            ),
            lignes=souhaits.get_column("_ligne").to_numpy().astype(np.int64),
            rangs_commune=souhaits.get_column("rang_commune").to_numpy().astype(np.int8),
            partitions=partitions,
        )

    # --- queries ---------------------------------------------------------------------------------

    def souhaitant(self, logement: Logement) -> tuple[NDArray[np.int64], NDArray[np.int8]]:
        """Rows wishing the dwelling's commune and typology, in rank order, with the commune's rank."""
        debut, fin = self.partitions.get((logement.commune, logement.typologie), (0, 0))
        return self.lignes[debut:fin], self.rangs_commune[debut:fin]

    def evaluer(self, logement: Logement) -> tuple[EligibiliteVectorielle, NDArray[np.int8]]:
        """Eligibility of every demand wishing the dwelling (rank order) and the commune's rank in its wishes."""
        lignes, rangs = self.souhaitant(logement)
        contexte = self._contextes.get(logement)
        if contexte is None:
            if len(self._contextes) > 4096:
                self._contextes.clear()
            contexte = contexte_logement(
                logement, annee_plafonds=self.table.annee_plafonds, regles=self.regles, parametres=self.parametres
            )
            self._contextes[logement] = contexte
        ev = eligibilite_vectorielle(self.table, logement, lignes=lignes, contexte=contexte)
        return ev, rangs

    def valeurs(
        self,
        logement: Logement,
        ev: EligibiliteVectorielle,
        rangs: NDArray[np.int8],
        positions: NDArray[np.int64] | None = None,
    ) -> NDArray[np.float64]:
        """Value for the dwelling of the evaluated rows at ``positions`` (default: all), see
        :mod:`attrib.engine.rapprochement.valeur`."""
        pos = np.arange(len(ev), dtype=np.int64) if positions is None else positions
        lignes = ev.lignes[pos]
        n = self.table.nb_personnes[lignes]
        cibles = np.array(
            [self.regles.adequation.typologies.pour(int(t)).cible for t in range(int(n.max(initial=1)) + 1)],
            dtype=np.int64,
        )
        return valeurs_candidature(
            score=self.score[lignes],
            rang_commune=rangs[pos].astype(np.int64),
            typologie_cible=cibles[n] == logement.typologie,
            taux_effort=ev.taux_effort[pos],
            regle=self.regles.valeur,
        )

    def preselection(
        self,
        logement: Logement,
        *,
        nombre: int = 10,
        objectifs: Sequence[Objectif] = (),
        etat: Mapping[str, Compte] | None = None,
    ) -> Preselection:
        """The ``nombre`` first eligible demands wishing the dwelling's commune and typology, ranked by
        score then tie-break, each with its eligibility, signals and effect on ``objectifs`` (counts of the
        period so far in ``etat``, by objective code)."""
        if nombre < 0:
            raise ValueError(f"nombre : entier positif attendu, reçu {nombre}.")
        ev, rangs = self.evaluer(logement)
        positions = np.flatnonzero(ev.eligible)
        retenues = positions[:nombre]
        valeurs = self.valeurs(logement, ev, rangs, retenues)
        exclusions: Counter[str] = Counter()
        for regle in REGLES:
            s = ev.statuts[regle.code]
            bloque = (s == 0) | ((s == -1) & regle.bloquante_si_non_evaluee)
            exclusions[regle.code] = int(np.count_nonzero(bloque))
        comptes = etat or {}
        candidats = []
        for numero, (pos, valeur) in enumerate(zip(retenues.tolist(), valeurs.tolist(), strict=True), start=1):
            ligne = int(ev.lignes[pos])
            detail = ev.detail(pos)
            taux = None if np.isnan(ev.taux_effort[pos]) else float(ev.taux_effort[pos])
            cible = self.regles.adequation.typologies.pour(int(self.table.nb_personnes[ligne])).cible
            candidats.append(
                CandidatPreselection(
                    demande=str(self.demandes[ligne]),
                    position=numero,
                    rang_global=int(self.rang_global[ligne]),
                    score=float(self.score[ligne]),
                    rang_commune=int(rangs[pos]),
                    q1=bool(self.q1[ligne]),
                    dalo=bool(self.dalo[ligne]),
                    priorites=self.priorites[ligne],
                    eligibilite=detail,
                    effets=effets(
                        objectifs,
                        comptes,
                        en_qpv=logement.en_qpv,
                        reservataire=logement.reservataire,
                        note=logement.note_residence,
                        q1=bool(self.q1[ligne]),
                        dalo=bool(self.dalo[ligne]),
                        prioritaire=bool(self.prioritaire[ligne]),
                    ),
                    valeur=float(valeur),
                    offre_en_cours=bool(self.offre_en_cours[ligne]),
                    detail_valeur=detail_valeur(
                        score=float(self.score[ligne]),
                        rang_commune=int(rangs[pos]),
                        typologie_cible=cible == logement.typologie,
                        taux_effort=taux,
                        regle=self.regles.valeur,
                    ),
                )
            )
        return Preselection(
            logement=logement,
            candidats=tuple(candidats),
            nb_souhaitant=len(ev),
            nb_eligibles=int(positions.size),
            exclusions=dict(exclusions),
        )


def _verifier(demandes: pl.DataFrame) -> None:
    attendues = (*COLONNES_DEMANDES, *COLONNES_ENTREE, *COLONNES_BESOINS)
    manquantes = [c for c in attendues if c not in demandes.columns]
    if manquantes:
        raise EntreeInvalide(f"Colonnes manquantes : {', '.join(manquantes)}.")
    schema = demandes.schema
    for colonne in ("communes", "priorites"):
        if not isinstance(schema[colonne], pl.List):
            raise EntreeInvalide(f"Colonne « {colonne} » : liste attendue, type {schema[colonne]} reçu.")
    if not schema["score"].is_numeric():
        raise EntreeInvalide(f"Colonne « score » : nombre attendu, type {schema['score']} reçu.")
    if schema["dalo"] != pl.Boolean:
        raise EntreeInvalide(f"Colonne « dalo » : Boolean attendu, type {schema['dalo']} reçu.")
    checks: list[tuple[pl.Expr, str]] = [
        (pl.col("demande").is_null(), "demande : identifiant manquant."),
        (~pl.col("demande").is_first_distinct(), "demande : identifiant en double."),
        (pl.col("score").is_null() | ~pl.col("score").cast(pl.Float64).is_finite(), "score : nombre attendu."),
        (pl.col("dalo").is_null(), "dalo : valeur manquante (vrai ou faux)."),
        (
            pl.col("typologie_max").is_null() | (pl.col("typologie_max") < pl.col("typologie_min")),
            "typologie_max : doit être supérieure ou égale à typologie_min.",
        ),
    ]
    if COLONNE_RANG in demandes.columns:
        checks.append((pl.col(COLONNE_RANG).is_null(), "rang : valeur manquante."))
    for condition, message in checks:
        premiere = demandes.select(condition.arg_true().first()).item()
        if premiere is not None:
            raise EntreeInvalide(f"Ligne {int(premiere) + 1} : {message}")


__all__ = [
    "COLONNES_DEMANDES",
    "COLONNE_RANG",
    "CandidatPreselection",
    "IndexDemandes",
    "Preselection",
]
