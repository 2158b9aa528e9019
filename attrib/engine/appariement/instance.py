"""A batch of dwellings, the candidate households and the value of each candidature.

:class:`InstanceAppariement` holds three tables as numpy columns:

- dwellings (``logements``): identifier, inside QPV or not, réservataire, agreed rating of the residence
  (0 = not rated);
- households (``demandes``): identifier, first quartile, DALO, L441-1 priority, cotation score;
- candidatures (``aretes``): one eligible (dwelling, household) pair, its value (maximised) and the rank of
  the dwelling's commune in the household's wishes (0 = unknown).

Build it with :meth:`InstanceAppariement.creer` (numpy arrays, validated) or
:meth:`InstanceAppariement.depuis_tables` (polars frames, errors name the table and the line). Candidatures
are kept sorted by dwelling, then decreasing value, then decreasing score, then household: this order ranks
the alternates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from attrib.engine.erreurs import EntreeInvalide


@dataclass(frozen=True, eq=False)
class InstanceAppariement:
    logements: tuple[str, ...]
    en_qpv: NDArray[np.bool_]
    reservataire: NDArray[np.object_]
    note_residence: NDArray[np.int64]
    demandes: tuple[str, ...]
    q1: NDArray[np.bool_]
    dalo: NDArray[np.bool_]
    prioritaire: NDArray[np.bool_]
    score: NDArray[np.float64]
    arete_logement: NDArray[np.int64]
    arete_demande: NDArray[np.int64]
    arete_valeur: NDArray[np.float64]
    arete_rang_commune: NDArray[np.int64]
    debut: NDArray[np.int64]  # candidatures of dwelling l: debut[l]:debut[l + 1]

    @property
    def nb_logements(self) -> int:
        return len(self.logements)

    @property
    def nb_demandes(self) -> int:
        return len(self.demandes)

    @property
    def nb_aretes(self) -> int:
        return int(self.arete_logement.shape[0])

    def candidatures(self, logement: int) -> slice:
        return slice(int(self.debut[logement]), int(self.debut[logement + 1]))

    def arete(self, logement: int, demande: int) -> int:
        """Index of the candidature (logement, demande), or −1 when the household is not a candidate."""
        tranche = self.candidatures(logement)
        trouves = np.flatnonzero(self.arete_demande[tranche] == demande)
        return int(tranche.start + trouves[0]) if trouves.size else -1

    @classmethod
    def creer(
        cls,
        *,
        logements: Sequence[str],
        en_qpv: NDArray[Any] | Sequence[bool],
        reservataire: Sequence[str] | NDArray[Any],
        note_residence: NDArray[Any] | Sequence[int],
        demandes: Sequence[str],
        q1: NDArray[Any] | Sequence[bool],
        dalo: NDArray[Any] | Sequence[bool],
        prioritaire: NDArray[Any] | Sequence[bool],
        score: NDArray[Any] | Sequence[float],
        arete_logement: NDArray[Any] | Sequence[int],
        arete_demande: NDArray[Any] | Sequence[int],
        arete_valeur: NDArray[Any] | Sequence[float],
        arete_rang_commune: NDArray[Any] | Sequence[int] | None = None,
    ) -> InstanceAppariement:
        n, d = len(logements), len(demandes)
        _unique(logements, "logements")
        _unique(demandes, "demandes")
        colonnes_logements = {
            "en_qpv": np.asarray(en_qpv, dtype=np.bool_),
            "reservataire": np.array([str(r) for r in reservataire], dtype=object),
            "note_residence": np.asarray(note_residence, dtype=np.int64),
        }
        q1_ = np.asarray(q1, dtype=np.bool_)
        dalo_ = np.asarray(dalo, dtype=np.bool_)
        prioritaire_ = np.asarray(prioritaire, dtype=np.bool_)
        s: NDArray[np.float64] = np.asarray(score, dtype=np.float64)
        colonnes_demandes: dict[str, NDArray[Any]] = {"q1": q1_, "dalo": dalo_, "prioritaire": prioritaire_, "score": s}
        for nom, valeurs in colonnes_logements.items():
            if valeurs.shape != (n,):
                raise EntreeInvalide(f"Logements : colonne « {nom} » de longueur {valeurs.shape[0]} au lieu de {n}.")
        for nom, valeurs in colonnes_demandes.items():
            if valeurs.shape != (d,):
                raise EntreeInvalide(f"Demandes : colonne « {nom} » de longueur {valeurs.shape[0]} au lieu de {d}.")
        if np.any(colonnes_logements["note_residence"] < 0):
            raise EntreeInvalide("Logements : note_residence négative (0 = résidence non notée).")
        if not np.all(np.isfinite(s)):
            ligne = int(np.flatnonzero(~np.isfinite(s))[0]) + 1
            raise EntreeInvalide(f"Demandes, ligne {ligne} : score non fini.")
        al = np.asarray(arete_logement, dtype=np.int64)
        ad = np.asarray(arete_demande, dtype=np.int64)
        av = np.asarray(arete_valeur, dtype=np.float64)
        ar = (
            np.zeros(al.shape[0], dtype=np.int64)
            if arete_rang_commune is None
            else np.asarray(arete_rang_commune, dtype=np.int64)
        )
        if not (al.shape == ad.shape == av.shape == ar.shape) or al.ndim != 1:
            raise EntreeInvalide("Candidatures : colonnes de longueurs différentes.")
        for nom, valeurs, borne in (("logement", al, n), ("demande", ad, d)):
            hors = np.flatnonzero((valeurs < 0) | (valeurs >= borne))
            if hors.size:
                raise EntreeInvalide(f"Candidatures, ligne {int(hors[0]) + 1} : {nom} {int(valeurs[hors[0]])} inconnu.")
        if not np.all(np.isfinite(av)):
            raise EntreeInvalide(
                f"Candidatures, ligne {int(np.flatnonzero(~np.isfinite(av))[0]) + 1} : valeur non finie."
            )
        cles = al * max(d, 1) + ad
        ordre_cles = np.argsort(cles, kind="stable")
        doublons = np.flatnonzero(cles[ordre_cles][1:] == cles[ordre_cles][:-1])
        if doublons.size:
            ligne = int(ordre_cles[doublons[0] + 1]) + 1
            raise EntreeInvalide(f"Candidatures, ligne {ligne} : même logement et même demande en double.")
        ordre = np.lexsort((ad, -s[ad], -av, al))
        al, ad, av, ar = al[ordre], ad[ordre], av[ordre], ar[ordre]
        return cls(
            logements=tuple(str(x) for x in logements),
            en_qpv=colonnes_logements["en_qpv"],
            reservataire=colonnes_logements["reservataire"],
            note_residence=colonnes_logements["note_residence"],
            demandes=tuple(str(x) for x in demandes),
            q1=q1_,
            dalo=dalo_,
            prioritaire=prioritaire_,
            score=s,
            arete_logement=al,
            arete_demande=ad,
            arete_valeur=av,
            arete_rang_commune=ar,
            debut=np.searchsorted(al, np.arange(n + 1)).astype(np.int64),
        )

    @classmethod
    def depuis_tables(
        cls, *, logements: pl.DataFrame, demandes: pl.DataFrame, candidatures: pl.DataFrame
    ) -> InstanceAppariement:
        """From three frames:

        - ``logements``: ``logement`` (str), ``en_qpv`` (bool), ``reservataire`` (str), ``note_residence`` (int or null);
        - ``demandes``: ``demande`` (str), ``q1``, ``dalo``, ``prioritaire`` (bool), ``score`` (number);
        - ``candidatures``: ``logement``, ``demande`` (identifiers), ``valeur`` (number), optional ``rang_commune``.
        """
        _colonnes(logements, "Logements", ("logement", "en_qpv", "reservataire", "note_residence"))
        _colonnes(demandes, "Demandes", ("demande", "q1", "dalo", "prioritaire", "score"))
        _colonnes(candidatures, "Candidatures", ("logement", "demande", "valeur"))
        for table, nom, colonnes in (
            (logements, "Logements", ("logement", "en_qpv", "reservataire")),
            (demandes, "Demandes", ("demande", "q1", "dalo", "prioritaire", "score")),
            (candidatures, "Candidatures", ("logement", "demande", "valeur")),
        ):
            for colonne in colonnes:
                premiere = table.select(pl.col(colonne).is_null().arg_true().first()).item()
                if premiere is not None:
                    raise EntreeInvalide(f"{nom}, ligne {int(premiere) + 1} : {colonne} manquant.")
        ids_l = [str(x) for x in logements.get_column("logement").to_list()]
        ids_d = [str(x) for x in demandes.get_column("demande").to_list()]
        _unique(ids_l, "logements")
        _unique(ids_d, "demandes")
        index_l = {v: i for i, v in enumerate(ids_l)}
        index_d = {v: i for i, v in enumerate(ids_d)}
        al, ad = [], []
        for ligne, (lg, dm) in enumerate(
            zip(
                candidatures.get_column("logement").to_list(), candidatures.get_column("demande").to_list(), strict=True
            ),
            start=1,
        ):
            if str(lg) not in index_l:
                raise EntreeInvalide(
                    f"Candidatures, ligne {ligne} : logement « {lg} » absent de la table des logements."
                )
            if str(dm) not in index_d:
                raise EntreeInvalide(
                    f"Candidatures, ligne {ligne} : demande « {dm} » absente de la table des demandes."
                )
            al.append(index_l[str(lg)])
            ad.append(index_d[str(dm)])
        rang = (
            candidatures.get_column("rang_commune").fill_null(0).to_numpy()
            if "rang_commune" in candidatures.columns
            else None
        )
        return cls.creer(
            logements=ids_l,
            en_qpv=logements.get_column("en_qpv").to_numpy(),
            reservataire=[str(x) for x in logements.get_column("reservataire").to_list()],
            note_residence=logements.get_column("note_residence").fill_null(0).to_numpy(),
            demandes=ids_d,
            q1=demandes.get_column("q1").to_numpy(),
            dalo=demandes.get_column("dalo").to_numpy(),
            prioritaire=demandes.get_column("prioritaire").to_numpy(),
            score=demandes.get_column("score").cast(pl.Float64).to_numpy(),
            arete_logement=np.array(al, dtype=np.int64),
            arete_demande=np.array(ad, dtype=np.int64),
            arete_valeur=candidatures.get_column("valeur").cast(pl.Float64).to_numpy(),
            arete_rang_commune=rang,
        )


def _colonnes(table: pl.DataFrame, nom: str, attendues: Sequence[str]) -> None:
    manquantes = [c for c in attendues if c not in table.columns]
    if manquantes:
        raise EntreeInvalide(f"{nom} : colonnes manquantes : {', '.join(manquantes)}.")


def _unique(identifiants: Sequence[str], nom: str) -> None:
    vus: set[str] = set()
    for ligne, ident in enumerate(identifiants, start=1):
        if ident in vus:
            raise EntreeInvalide(f"Table des {nom}, ligne {ligne} : identifiant « {ident} » en double.")
        vus.add(ident)
