"""Batch proposals: exact on small instances (checked against the MILP), certificate, verify(), explanations."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import polars as pl
import pytest

from attrib.engine.appariement import (
    InstanceAppariement,
    Solution,
    affectation_gloutonne,
    contraintes_objectifs,
    proposer,
    resoudre_milp,
)
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.rapprochement.objectifs import NON_Q1_EN_QPV, Q1_HORS_QPV, Compte, objectifs_cia
from attrib.engine.rapprochement.parametres import Regles
from benchmarks.instances import DATE_REFERENCE, instance_reference
from tests.engine.rapprochement.fabriques import instance, instance_aleatoire


def _contraintes(  # type: ignore[no-untyped-def]
    inst: InstanceAppariement, regles: Regles, etat: dict[str, Compte] | None = None, codes: tuple[str, ...] = ()
):
    objectifs = objectifs_cia(regles.objectifs, set(inst.reservataire.tolist()))
    return contraintes_objectifs(inst, [o for o in objectifs if not codes or o.code in codes], etat)


@pytest.fixture
def hors_qpv() -> InstanceAppariement:
    """4 dwellings outside QPV; households D0–D3 (not Q1) worth 100 everywhere, D4–D5 (Q1) worth 90."""
    q1 = [False, False, False, False, True, True]
    aretes = [(lo, h, 90.0 if q1[h] else 100.0) for lo in range(4) for h in range(6)]
    return instance(en_qpv=[False] * 4, q1=q1, aretes=aretes, score=[100.0, 110, 120, 130, 140, 150])


def test_l_optimum_sans_objectif_manque_le_quartile(hors_qpv: InstanceAppariement, regles: Regles) -> None:
    contraintes = _contraintes(hors_qpv, regles, codes=(Q1_HORS_QPV,))
    libre = proposer(hors_qpv)
    assert libre.certificat.valeur == 400.0 and libre.certificat.ecart == 0.0
    sans = Solution(hors_qpv, contraintes, libre.premier, libre.suppleants, libre.certificat, libre.pourvus_max)
    assert sans.part(Q1_HORS_QPV) == 0.0
    assert any("Objectif non respecté : Attributions hors QPV aux ménages du 1er quartile" in v for v in sans.verify())

    solution = proposer(hors_qpv, contraintes)
    assert solution.verify() == []
    assert solution.certificat.valeur == 390.0  # one Q1 household among four: 25 %
    assert solution.part(Q1_HORS_QPV) == 0.25
    assert solution.certificat.borne >= 390.0 - 1e-9
    assert solution.certificat.ecart <= 1e-5


def test_explications_en_francais(hors_qpv: InstanceAppariement, regles: Regles) -> None:
    solution = proposer(hors_qpv, _contraintes(hors_qpv, regles, codes=(Q1_HORS_QPV,)))
    propositions = solution.propositions()
    q1 = [p for p in propositions if p.premier in {"D4", "D5"}]
    assert len(q1) == 1
    texte = q1[0].explication
    assert texte.startswith("Proposé en premier : valeur 90, score ")
    assert (
        ", commune souhaitée n° 1, ménage du 1er quartile — contribue à l'objectif hors QPV (25\u00a0% ≥ 25\u00a0%)."
        in texte
    )
    assert "Préféré au candidat de plus forte valeur (" in texte
    assert texte.endswith("au titre de : l'objectif hors QPV (25\u00a0% ≥ 25\u00a0%).")
    autres = [p for p in propositions if p.premier not in {"D4", "D5"}]
    assert all(p.explication.startswith("Proposé en premier : valeur 100, score ") for p in autres)
    assert all(p.explications_suppleants[0].startswith("Suppléant n° 1 : valeur ") for p in propositions)
    assert (
        solution.resume()[1]
        == "Attributions hors QPV aux ménages du 1er quartile : 1 sur 4 attributions, 25\u00a0% ≥ 25\u00a0% — atteint."
    )


def test_chaque_menage_premier_une_fois_et_suppleants_classes(regles: Regles) -> None:
    rng = np.random.default_rng(3)
    inst = instance_aleatoire(rng, logements=12, demandes=30, degre=8)
    solution = proposer(inst, _contraintes(inst, regles), nb_suppleants=3)
    assert solution.verify() == []
    premiers = solution.premier[solution.premier >= 0]
    assert len(set(premiers.tolist())) == premiers.shape[0]
    for lo in range(inst.nb_logements):
        alternes = [int(h) for h in solution.suppleants[lo] if h >= 0]
        assert not set(alternes) & set(premiers.tolist())
        valeurs = [float(inst.arete_valeur[inst.arete(lo, h)]) for h in alternes]
        assert valeurs == sorted(valeurs, reverse=True)


@pytest.mark.parametrize("graine", range(30))
def test_petites_instances_egales_a_l_optimum_du_milp(graine: int, regles: Regles) -> None:
    rng = np.random.default_rng(graine)
    inst = instance_aleatoire(rng, logements=int(rng.integers(4, 11)), demandes=int(rng.integers(10, 25)), degre=5)
    contraintes = _contraintes(inst, regles)
    solution = proposer(inst, contraintes)
    exact = resoudre_milp(inst, contraintes, duree_max_s=30)
    c = solution.certificat
    if exact.premier is None:
        # No proposal meets every objective: the solution says which one is missed.
        assert any(v.startswith("Objectif non respecté") for v in solution.verify())
        return
    assert solution.verify() == []
    assert exact.valeur is not None
    assert c.valeur <= exact.valeur + 1e-6
    assert c.borne >= exact.valeur - 1e-6  # the bound holds
    assert exact.valeur - c.valeur <= c.ecart * abs(c.borne) + 1e-6  # the optimum lies within the gap
    assert c.ecart == pytest.approx((c.borne - c.valeur) / abs(c.borne))


def test_verify_repere_les_violations_faites_a_la_main(regles: Regles) -> None:
    rng = np.random.default_rng(11)
    inst = instance_aleatoire(rng, logements=8, demandes=20, degre=6)
    solution = proposer(inst, _contraintes(inst, regles))
    assert solution.verify() == []

    doublon = solution.premier.copy()
    doublon[1] = doublon[0]
    faux = dataclasses.replace(solution, premier=doublon)
    messages = faux.verify()
    assert any(
        f"Demande {inst.demandes[doublon[0]]} proposée en premier pour plusieurs logements" in m for m in messages
    )

    hors_liste = solution.premier.copy()
    non_candidat = next(h for h in range(inst.nb_demandes) if inst.arete(0, h) < 0)
    hors_liste[0] = non_candidat
    assert any("n'est pas candidate" in m for m in dataclasses.replace(solution, premier=hors_liste).verify())

    vide = solution.premier.copy()
    vide[2] = -1
    assert any("peuvent l'être" in m for m in dataclasses.replace(solution, premier=vide).verify())

    alternes = solution.suppleants.copy()
    alternes[0, [0, 1]] = alternes[0, [1, 0]]
    if inst.arete_valeur[inst.arete(0, int(alternes[0, 0]))] != inst.arete_valeur[inst.arete(0, int(alternes[0, 1]))]:
        assert any("non classés" in m for m in dataclasses.replace(solution, suppleants=alternes).verify())

    menteur = dataclasses.replace(solution, certificat=dataclasses.replace(solution.certificat, borne=0.0))
    assert any("Certificat : borne" in m for m in menteur.verify())


def test_objectif_viole_repere(hors_qpv: InstanceAppariement, regles: Regles) -> None:
    contraintes = _contraintes(hors_qpv, regles, codes=(Q1_HORS_QPV,))
    solution = proposer(hors_qpv, contraintes)
    sans_q1 = solution.premier.copy()
    sans_q1[np.isin(sans_q1, [4, 5])] = next(h for h in range(4) if h not in sans_q1.tolist())
    messages = dataclasses.replace(solution, premier=sans_q1).verify()
    assert (
        "Objectif non respecté : Attributions hors QPV aux ménages du 1er quartile : 0 sur 4 attributions, 0\u00a0% < 25\u00a0% — NON ATTEINT."
        in messages
    )


def test_attributions_deja_faites_dans_l_annee(hors_qpv: InstanceAppariement, regles: Regles) -> None:
    # 12 attributions already made outside QPV, none to Q1: the batch must catch up (4 of 16 → 2 Q1 here).
    solution = proposer(hors_qpv, _contraintes(hors_qpv, regles, {Q1_HORS_QPV: Compte(12, 2)}, codes=(Q1_HORS_QPV,)))
    assert solution.verify() == []
    assert int(np.isin(solution.premier, [4, 5]).sum()) == 2
    assert solution.part(Q1_HORS_QPV) == 0.25


def test_objectif_inatteignable_dit_lequel(regles: Regles) -> None:
    inst = instance(en_qpv=[False, False], q1=[False, False, False], aretes=[(0, 0, 10.0), (0, 1, 9.0), (1, 2, 8.0)])
    solution = proposer(inst, _contraintes(inst, regles), iterations_max=5)
    assert solution.certificat.valeur == 18.0
    assert solution.certificat.objectifs_inatteignables == (Q1_HORS_QPV, "prioritaires:bailleur")
    violations = solution.verify()
    assert len(violations) == 2  # the two objectives, not the certificate (bound of the lowered targets)
    assert violations[0].startswith("Objectif non respecté : Attributions hors QPV")
    assert "visés au mieux : q1_hors_qpv, prioritaires:bailleur" in solution.resume()[-1]


def test_couverture_maximale_et_logement_sans_candidat(regles: Regles) -> None:
    # L0 and L1 share their only candidate; L2 has none; L3 has its own.
    inst = instance(en_qpv=[True] * 4, q1=[False, False], aretes=[(0, 0, 5.0), (1, 0, 7.0), (3, 1, 4.0)])
    solution = proposer(inst, _contraintes(inst, regles, codes=(NON_Q1_EN_QPV,)))
    assert solution.verify() == []
    assert solution.premier.tolist() == [-1, 0, -1, 1]
    assert solution.certificat.logements_sans_candidat == 1
    assert solution.certificat.logements_non_pourvus == 1
    textes = [p.explication for p in solution.propositions()]
    assert textes[0] == "Aucun candidat disponible : tous sont proposés en premier pour d'autres logements."
    assert textes[2] == "Aucun candidat éligible souhaitant ce logement."


def test_glouton_et_milp_de_reference(hors_qpv: InstanceAppariement, regles: Regles) -> None:
    assert sorted(affectation_gloutonne(hors_qpv).tolist()) == [0, 1, 2, 3]
    exact = resoudre_milp(hors_qpv, _contraintes(hors_qpv, regles, codes=(Q1_HORS_QPV,)))
    assert exact.valeur == 390.0 and exact.ecart == pytest.approx(0.0)


def test_instance_depuis_tables_et_erreurs_localisees() -> None:
    logements = pl.DataFrame(
        {
            "logement": ["L1", "L2"],
            "en_qpv": [False, True],
            "reservataire": ["etat", "commune"],
            "note_residence": [1, None],
        }
    )
    demandes = pl.DataFrame(
        {
            "demande": ["A", "B"],
            "q1": [True, False],
            "dalo": [False, False],
            "prioritaire": [True, False],
            "score": [10, 20],
        }
    )
    candidatures = pl.DataFrame({"logement": ["L1", "L2", "L2"], "demande": ["A", "A", "B"], "valeur": [5.0, 6.0, 4.0]})
    inst = InstanceAppariement.depuis_tables(logements=logements, demandes=demandes, candidatures=candidatures)
    assert inst.note_residence.tolist() == [1, 0]
    assert proposer(inst).premier.tolist() == [0, 1]
    with pytest.raises(EntreeInvalide, match="Candidatures, ligne 3 : demande « Z » absente"):
        InstanceAppariement.depuis_tables(
            logements=logements,
            demandes=demandes,
            candidatures=candidatures.with_columns(pl.Series("demande", ["A", "A", "Z"])),
        )
    with pytest.raises(EntreeInvalide, match="Candidatures, ligne 3 : même logement et même demande en double"):
        InstanceAppariement.depuis_tables(
            logements=logements,
            demandes=demandes,
            candidatures=candidatures.with_columns(pl.Series("demande", ["A", "A", "A"])),
        )
    with pytest.raises(EntreeInvalide, match="Table des logements, ligne 2 : identifiant « L1 » en double"):
        InstanceAppariement.depuis_tables(
            logements=logements.with_columns(pl.Series("logement", ["L1", "L1"])),
            demandes=demandes,
            candidatures=candidatures,
        )


def test_lot_construit_depuis_l_index_des_demandes() -> None:
    reference = instance_reference(nb_logements=60, nb_demandes=1_500, nb_secteurs=20, graine=5)
    inst = reference.instance
    assert inst.nb_logements == 60 and inst.nb_aretes > 0
    assert inst.arete_valeur.dtype == np.float64
    objectifs = objectifs_cia(reference.index.regles.objectifs, set(inst.reservataire.tolist()))
    contraintes = contraintes_objectifs(inst, objectifs)
    solution = proposer(inst, contraintes)
    assert solution.verify() == []
    exact = resoudre_milp(inst, contraintes, duree_max_s=30)
    assert exact.valeur is not None and solution.certificat.borne >= exact.valeur - 1e-6
    assert reference.index.regles.jour == DATE_REFERENCE
    assert all(Fraction(c.objectif.taux) > 0 for c in contraintes)


@pytest.mark.parametrize(
    ("logements", "aretes"),
    [(0, []), (2, [])],
    ids=["aucun-logement", "aucune-candidature"],
)
def test_lot_vide_ou_sans_candidature(logements: int, aretes: list[tuple[int, int, float]], regles: Regles) -> None:
    """A batch with no dwelling, or whose dwellings have no eligible candidate, gives an empty, verified proposal
    (the month may have no freed dwelling yet) instead of failing."""
    inst = instance(en_qpv=[False] * logements, q1=[True, False], aretes=aretes)
    solution = proposer(inst, _contraintes(inst, regles))
    assert solution.verify() == []
    assert solution.pourvus_max == 0
    assert all(p < 0 for p in solution.premier.tolist())


def test_lot_sans_candidature_signale_l_objectif_deja_manque(regles: Regles) -> None:
    """The year already misses the Q1 objective (0 of 10): a batch without candidates cannot help, and says so like
    a batch with candidates does (objective out of reach, reported by verify())."""
    etat = {Q1_HORS_QPV: Compte(10, 0)}
    vide = instance(en_qpv=[False, False], q1=[True, False], aretes=[])
    solution = proposer(vide, _contraintes(vide, regles, etat, codes=(Q1_HORS_QPV,)))
    assert solution.certificat.objectifs_inatteignables == (Q1_HORS_QPV,)
    assert [v.split(" :")[0] for v in solution.verify()] == ["Objectif non respecté"]
