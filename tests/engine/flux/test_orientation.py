"""Orientation, per dwelling: hand-computed sequences, French reasons, overrides, lapsed proposals."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import polars as pl
import pytest

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.flux import (
    RESERVATAIRE_BAILLEUR,
    Arbitrage,
    Categorie,
    Convention,
    Critere,
    EtatFlux,
    JeuConventions,
    LogementLibere,
    constater_echec,
    etat_depuis,
    forcer,
    orienter,
    orienter_sequence,
    ouvrir_periode,
    verifier_sequence,
)
from attrib.engine.flux.sequenceur import Regle, sequence_rapide
from tests.engine.flux.fabriques import DEBUT, JOUR, jeu, logements
from tests.engine.flux.test_conventions import demo


def logement(k: int, **autres: object) -> LogementLibere:
    return LogementLibere(f"L{k}", JOUR, **autres)  # type: ignore[arg-type]


def suite(etat: EtatFlux, n: int, **autres: object) -> tuple[list[str], EtatFlux]:
    choix = []
    for k in range(n):
        o = orienter(etat, logement(k, **autres))
        choix.append(o.reservataire)
        etat = o.etat
    return choix, etat


def test_sequence_calculee_a_la_main() -> None:
    # Shares 1/2, 1/3, 1/6, Tijdeman's δ = 1/(2(3 − 1)) = 1/4. Unit k is released at the first slot s with
    # λ·s ≥ k − 3/4 and due at the first s with λ·s > k − 1/4: r00 (A) units at [1, 2], [3, 4], [5, 6];
    # r01 (B) at [1, 3], [4, 6]; r02 (C) at [2, 5]. Earliest deadline first (ties: larger share) gives
    # A B A C A B: the largest gap is B's 2/3 behind at the 5th dwelling, within 1 − δ = 3/4.
    etat = ouvrir_periode(jeu([Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)]), jour=DEBUT)
    choix, etat = suite(etat, 12)
    assert choix == ["r00", "r01", "r00", "r02", "r00", "r01"] * 2
    assert etat.ecarts() == {"r00": 0, "r01": 0, "r02": 0}
    choix5, etat5 = suite(ouvrir_periode(jeu([Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)]), jour=DEBUT), 5)
    assert etat5.ecarts() == {"r00": Fraction(1, 2), "r01": Fraction(-2, 3), "r02": Fraction(1, 6)}


def test_l_ancienne_constante_atteint_sa_borne_plus_faible() -> None:
    # The earlier rule (δ = 1/(2n) = 1/6) on the same shares gives A B A B A C: C is 5/6 = 1 − 1/6 behind
    # at the 5th dwelling, above Tijdeman's 3/4 which the rule now keeps.
    regle = Regle.de([Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)], delta=Fraction(1, 6))
    servis, _ = sequence_rapide(regle, [0, 0, 0], 0, [None] * 6)
    assert servis == [0, 1, 0, 1, 0, 2]


def test_la_regle_naive_du_plus_fort_deficit_depasse_un_logement() -> None:
    # Shares 3/7, 3/7, 1/21, 1/21, 1/21. Serving the largest deficit λ·t − x (ties: lower index) lets a
    # réservataire fall a whole dwelling behind at the 14th dwelling; the engine stays within 1 − 1/10.
    parts = [Fraction(3, 7), Fraction(3, 7), Fraction(1, 21), Fraction(1, 21), Fraction(1, 21)]
    recus = [0] * 5
    pire = Fraction(0)
    for t in range(1, 64):
        i = max(range(5), key=lambda k: (parts[k] * t - recus[k], -k))
        recus[i] += 1
        pire = max(pire, *(abs(recus[k] - parts[k] * t) for k in range(5)))
    assert pire >= 1
    etat = ouvrir_periode(jeu(parts), jour=DEBUT)
    sequence = orienter_sequence(etat, logements(63))
    assert verifier_sequence(etat.periode, sequence) == []
    assert verifier_sequence(etat.periode, sequence, seuil=Fraction(9, 10) + Fraction(1, 10**9)) == []


def test_raison_en_francais() -> None:
    etat = ouvrir_periode(demo(), jour=DEBUT)
    o = orienter(etat, logement(1))
    assert o.reservataire == "action-logement"
    assert o.raison_fr == (
        "Orienté vers Action Logement : part 32 %, reçu 0 sur 0, déficit 0,0. Règle : échéance la plus proche — "
        "son 1er logement lui est dû au plus tard au 3e logement du flux."
    )
    assert o.rang == 1
    assert o.date_limite_proposition == JOUR + timedelta(days=30)
    # The example of the issue: Action Logement has received 31 of the first 100 dwellings.
    historique = pl.DataFrame(
        {
            "reservataire": [
                "action-logement",
                RESERVATAIRE_BAILLEUR,
                "etat",
                "narbonne",
                "grand-narbonne",
                "etat-agents",
            ],
            "nombre": [31, 25, 20, 10, 9, 5],
        }
    ).select(pl.col("reservataire").repeat_by("nombre").explode())
    etat = etat_depuis(etat, historique)
    o = orienter(etat, logement(101))
    assert o.raison_fr.startswith("Orienté vers Action Logement : part 32 %, reçu 31 sur 100, déficit 1,0.")
    assert o.ecarts["action-logement"] == Fraction(32) - Fraction(32, 100) * 101


def test_la_part_du_bailleur_n_a_pas_de_delai_de_proposition() -> None:
    etat = ouvrir_periode(
        JeuConventions(
            "B",
            (Convention("ville", "Ville", Categorie.COMMUNE, DEBUT, part=Fraction(1, 2), delai_proposition_jours=15),),
        ),
        jour=DEBUT,
    )
    premiere = orienter(etat, logement(1))
    seconde = orienter(premiere.etat, logement(2))
    assert {premiere.reservataire, seconde.reservataire} == {"ville", RESERVATAIRE_BAILLEUR}
    delais = {o.reservataire: o.date_limite_proposition for o in (premiere, seconde)}
    assert delais == {"ville": JOUR + timedelta(days=15), RESERVATAIRE_BAILLEUR: None}


def test_derogation_puis_compensation() -> None:
    # Shares 1/2, 1/2: unit k of each is released at slot 2k − 1 and due at 2k.
    etat = ouvrir_periode(jeu([Fraction(1, 2), Fraction(1, 2)]), jour=DEBUT)
    etat = orienter(etat, logement(1)).etat  # r00
    o = forcer(etat, logement(2), "r00", "Relogement urgent après sinistre")
    assert (o.reservataire, o.propose, o.regle, o.force) == ("r00", "r01", "force", True)
    assert o.ecarts == {"r00": 1, "r01": -1}  # one dwelling off: the guarantee is suspended…
    assert o.compensation_au_plus_tard == 4  # …until r00's second dwelling falls due
    assert o.raison_fr.endswith(
        "Orientation imposée par le bailleur (le moteur proposait Réservataire 1) — motif : « Relogement urgent "
        "après sinistre ». Compensation : l'écart créé est résorbé au plus tard au 4e logement du flux, sauf "
        "nouvelle dérogation."
    )
    assert o.motif_force == "Relogement urgent après sinistre"
    suivants, etat = suite(o.etat, 2)
    assert suivants == ["r01", "r01"]
    assert etat.ecarts() == {"r00": 0, "r01": 0}


def test_une_derogation_conforme_a_la_garantie_ne_demande_pas_de_compensation() -> None:
    etat = ouvrir_periode(jeu([Fraction(1, 2), Fraction(1, 2)]), jour=DEBUT)
    o = forcer(etat, logement(1), "r01", "Logement adapté PMR")
    assert o.compensation_au_plus_tard is None
    assert o.raison_fr.endswith("Ce choix reste dans la garantie d'équité : aucun écart à compenser.")


def test_derogation_sans_motif_ou_vers_un_inconnu_refusee() -> None:
    etat = ouvrir_periode(jeu([Fraction(1, 2)]), jour=DEBUT)
    with pytest.raises(EntreeInvalide, match="Logement L1 : le motif de la dérogation est obligatoire"):
        forcer(etat, logement(1), "r00", "  ")
    with pytest.raises(
        EntreeInvalide, match="Réservataire « r09 » inconnu pour la période du 01/01/2026 au 31/12/2026"
    ):
        forcer(etat, logement(1), "r09", "motif")


def test_echec_de_proposition_decompte_ou_non() -> None:
    deux = [Fraction(1, 2), Fraction(1, 2)]
    _, etat = suite(ouvrir_periode(jeu(deux, echec_compte=True), jour=DEBUT), 2)
    e = constater_echec(etat, reservataire="r00")
    assert e.decompte and e.etat == etat
    assert "décompté de la part du réservataire" in e.raison_fr

    _, etat = suite(ouvrir_periode(jeu(deux, echec_compte=False), jour=DEBUT), 2)
    e = constater_echec(etat, reservataire="r00")
    assert not e.decompte
    assert (e.etat.total, e.etat.recus("r00"), e.etat.recus("r01")) == (1, 0, 1)
    assert e.raison_fr == (
        "Échec de proposition de Réservataire 0 : le logement revient au bailleur pour ce tour ; la convention "
        "prévoit qu'il n'est pas décompté : il sort de la répartition et reste dû au réservataire."
    )
    assert orienter(e.etat, logement(3)).reservataire == "r00"  # still owed: served next
    with pytest.raises(EntreeInvalide, match="n'a reçu aucun logement"):
        constater_echec(e.etat, reservataire="r00")


def test_logement_hors_periode_refuse() -> None:
    etat = ouvrir_periode(jeu([Fraction(1, 2)]), jour=DEBUT)
    with pytest.raises(
        EntreeInvalide, match="libéré le 02/01/2027, hors de la période d'orientation du 01/01/2026 au 31/12/2026"
    ):
        orienter(etat, LogementLibere("L1", date(2027, 1, 2)))


def test_strates_et_donnees_requises() -> None:
    mix = frozenset({Critere.TYPOLOGIE, Critere.QPV})
    etat = ouvrir_periode(jeu([Fraction(1, 2)], mixite=mix), jour=DEBUT)
    assert etat.strate(logement(1, typologie=2, qpv=False)) == "T1-T2 · hors QPV"
    assert etat.strate(logement(1, typologie=5, qpv=True)) == "T4 et plus · QPV"
    with pytest.raises(EntreeInvalide, match="Logement L1 : situation en QPV \\(oui / non\\) requise"):
        orienter(etat, logement(1, typologie=2))
    with pytest.raises(EntreeInvalide, match="typologie \\(nombre de pièces ≥ 1\\) requise"):
        orienter(etat, logement(1, qpv=True))


def test_sequences_par_strate_equilibrees_sur_le_flux() -> None:
    # Shares 1/2, 1/2, a QPV / non-QPV mix, dwellings QPV, non-QPV, QPV, non-QPV. In each stratum the
    # first dwelling may go to either; the engine gives the second one (first non-QPV) to r01, whose
    # global deficit is larger: the flux stays balanced (plain per-stratum sequences would give r00
    # the first two dwellings: a whole dwelling ahead).
    etat = ouvrir_periode(jeu([Fraction(1, 2), Fraction(1, 2)], mixite=frozenset({Critere.QPV})), jour=DEBUT)
    orientations = []
    for k, qpv in enumerate([True, False, True, False]):
        o = orienter(etat, logement(k, qpv=qpv))
        orientations.append(o)
        etat = o.etat
    assert [o.reservataire for o in orientations] == ["r00", "r01", "r01", "r00"]
    assert [o.regle for o in orientations] == ["echeance", "equilibre", "echeance", "echeance"]
    assert orientations[1].raison_fr == (
        "Orienté vers Réservataire 1 : part 50 %, reçu 0 sur 1, déficit 0,5. Strate hors QPV : reçu 0 sur 0, "
        "déficit 0,0. Règle : parmi les réservataires qu'on peut servir sans qu'aucune part ne s'écarte d'un "
        "logement ou plus dans la strate, celui qui a le plus fort déficit sur l'ensemble du flux."
    )
    assert etat.ecarts("QPV") == {"r00": 0, "r01": 0}
    assert etat.ecarts() == {"r00": 0, "r01": 0}


def test_etat_reconstruit_depuis_l_historique() -> None:
    mix = frozenset({Critere.QPV})
    etat0 = ouvrir_periode(
        jeu([Fraction(1, 3), Fraction(1, 4)], mixite=mix, arbitrage=Arbitrage.PART_GLOBALE), jour=DEBUT
    )
    cadre = logements(40, qpv=[k % 3 == 0 for k in range(40)])
    sequence = orienter_sequence(etat0, cadre)
    etat = etat0
    for ligne in cadre.iter_rows(named=True):
        etat = orienter(etat, LogementLibere(ligne["logement"], JOUR, qpv=ligne["qpv"])).etat
    assert etat_depuis(etat0, sequence) == etat
    sans_un = sequence.with_columns((pl.col("rang") != 7).alias("decompte"))
    assert etat_depuis(etat0, sans_un).total == 39
