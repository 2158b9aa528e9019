"""Build a batch instance from the demand index: every eligible demand wishing each dwelling becomes a
candidature, valued by :mod:`attrib.engine.rapprochement.valeur`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from attrib.engine.appariement.instance import InstanceAppariement
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.rapprochement.eligibilite import Logement
from attrib.engine.rapprochement.preselection import IndexDemandes


def instance_depuis_index(
    index: IndexDemandes,
    logements: Sequence[Logement],
    *,
    nb_max_candidats: int | None = None,
    inclure_offres_en_cours: bool = False,
) -> InstanceAppariement:
    """Candidatures of ``logements`` (identified by ``Logement.identifiant``, unique) among the indexed demands.

    ``nb_max_candidats``: keep only the best-valued eligible candidates of each dwelling (None: all).
    A household holding an offer waiting or accepted is left out (one household, one attribution at a time)
    unless ``inclure_offres_en_cours``.
    """
    vus: set[str] = set()
    for i, lg in enumerate(logements, start=1):
        if not lg.identifiant or lg.identifiant in vus:
            raise EntreeInvalide(f"Logement n° {i} : identifiant vide ou en double (« {lg.identifiant} »).")
        vus.add(lg.identifiant)
    aretes_l: list[NDArray[np.int64]] = []
    aretes_d: list[NDArray[np.int64]] = []
    valeurs: list[NDArray[np.float64]] = []
    rangs: list[NDArray[np.int64]] = []
    for lo, lg in enumerate(logements):
        ev, rangs_commune = index.evaluer(lg)
        garde = np.flatnonzero(ev.eligible)
        if not inclure_offres_en_cours:
            garde = garde[~index.offre_en_cours[ev.lignes[garde]]]
        v = index.valeurs(lg, ev, rangs_commune, garde)
        if nb_max_candidats is not None and garde.shape[0] > nb_max_candidats:
            meilleurs = np.argsort(-v, kind="stable")[:nb_max_candidats]
            garde, v = garde[meilleurs], v[meilleurs]
        aretes_l.append(np.full(garde.shape[0], lo, dtype=np.int64))
        aretes_d.append(ev.lignes[garde])
        valeurs.append(v)
        rangs.append(rangs_commune[garde].astype(np.int64))
    toutes_d = np.concatenate(aretes_d) if aretes_d else np.zeros(0, dtype=np.int64)
    utiles, colonne = np.unique(toutes_d, return_inverse=True)
    return InstanceAppariement.creer(
        logements=[lg.identifiant for lg in logements],
        en_qpv=[lg.en_qpv for lg in logements],
        reservataire=[lg.reservataire for lg in logements],
        note_residence=[lg.note_residence or 0 for lg in logements],
        demandes=[str(index.demandes[i]) for i in utiles],
        q1=index.q1[utiles],
        dalo=index.dalo[utiles],
        prioritaire=index.prioritaire[utiles],
        score=index.score[utiles],
        arete_logement=np.concatenate(aretes_l) if aretes_l else np.zeros(0, dtype=np.int64),
        arete_demande=colonne.reshape(-1),
        arete_valeur=np.concatenate(valeurs) if valeurs else np.zeros(0),
        arete_rang_commune=np.concatenate(rangs) if rangs else np.zeros(0, dtype=np.int64),
    )
