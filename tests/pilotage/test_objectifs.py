"""Golden test of the objectives: shares computed by hand from the table of ``tests/pilotage/conftest.py``,
asserted exactly as fractions (run on SQLite and PostgreSQL).

Hand computation, 2026, whole EPCI (threshold 9 000 €/UC, official in the test file):

* outside QPV: leases 1, 2, 3, 4, 5, 6, 10 = 7; Q1 among them: 1 (8 400 €) and 4 (9 000 € = threshold,
  « ≤ » counts it) → 2/7 ≈ 28,6 % ≥ 25 % → met;
* in QPV: leases 7, 8, 9 = 3; non-Q1: 8 → 1/3 ≈ 33,3 % < 50 % → not met;
* État: leases 1, 2, 3, 8, 9 = 5; DALO 1 and 9, validated priority 2 → 3/5 = 60 % ≥ 25 % → met;
* Action Logement: leases 4, 5, 6, 7 = 4; priority 6 → 1/4 = 25 % ≥ 25 % → met (boundary);
* Alogea, non-reserved share: lease 10 → 0/1 → not met.

Scopes: Gruissan (4, 5, 6, 10, all outside QPV) → Q1 outside QPV 1/4 = 25 % met, no attribution in QPV;
réservataire État → outside QPV 1/3, non-Q1 in QPV 1/2 (lease 8 of 8, 9) met.

2025 (lease 11 only, Narbonne outside QPV, 8 400 €/UC): no official threshold → computed on the 13 demands
active on 31/12/2024 (both extras and the third party at 18 000 €, demands 1 to 10 registered in 2024:
8 400 ×3, 9 000, 14 400 ×6): ⌈13/4⌉ = 4th smallest = 9 000 € → lease 11 is Q1 → 1/1.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from attrib.engine.rapprochement.objectifs import NON_Q1_EN_QPV, Q1_HORS_QPV
from attrib.organisations.acteurs import acteur_de
from attrib.pilotage.selectors import Perimetre, Periode, tableau
from tests.factories import GRUISSAN, UserFactory
from tests.pilotage.conftest import Monde

pytestmark = pytest.mark.django_db

ANNEE = Periode.annee(2026)


@pytest.fixture
def admin() -> object:
    return UserFactory(username="admin", is_superuser=True)


def _compte(t: object, code: str) -> tuple[int, int]:
    i = t.indicateur(code)  # type: ignore[attr-defined]
    return i.compte.attributions, i.compte.cibles


def test_objectifs_de_l_epci_calcules_a_la_main(monde: Monde, admin: object) -> None:
    t = tableau(acteur_de(admin), ANNEE, Perimetre())
    assert t.attributions == 10
    q1 = t.indicateur(Q1_HORS_QPV)
    assert _compte(t, Q1_HORS_QPV) == (7, 2)
    assert q1.part == Fraction(2, 7)
    assert (q1.atteint, q1.statut, q1.etat) == (True, "atteint", "28,6\u00a0% ≥ 25\u00a0%")
    qpv = t.indicateur(NON_Q1_EN_QPV)
    assert _compte(t, NON_Q1_EN_QPV) == (3, 1)
    assert qpv.part == Fraction(1, 3)
    assert (qpv.atteint, qpv.statut) == (False, "non atteint")

    par_reservataire = {i.libelle: (i.compte.attributions, i.compte.cibles, i.atteint) for i in t.par_reservataire}
    assert par_reservataire == {
        "Attributions du réservataire Action Logement Services aux ménages DALO ou prioritaires": (4, 1, True),
        "Attributions du réservataire Alogea (logements non réservés) aux ménages DALO ou prioritaires": (1, 0, False),
        "Attributions du réservataire Préfecture de l'Aude aux ménages DALO ou prioritaires": (5, 3, True),
    }
    assert {i.reservataire_id for i in t.par_reservataire} == {
        monde.etat.pk,
        monde.action_logement.pk,
        monde.bailleur.pk,
    }

    # Essential workers: nobody declared one in this world → 0 of 10, measured; the Grand Narbonne CIA's
    # target is unknown (cia.yaml, [K]) → « objectif de la CIA non renseigné », never a guessed target.
    te = t.travailleurs_essentiels
    assert (te.compte.attributions, te.compte.cibles) == (10, 0)
    assert (te.statut, te.atteint, te.cible) == (
        "objectif de la CIA non renseigné",
        None,
        "objectif de la CIA non renseigné",
    )

    # Each line says why it counts.
    quatre = next(ligne for ligne in t.lignes if ligne.logement == "LGT-04")
    assert quatre.q1 is True
    assert quatre.explication_q1() == (
        "ménage du 1er quartile : 9\u202f000 € par UC ≤ 9\u202f000 € (seuil officiel 2026)"
    )
    assert quatre.explication_qpv() == "logement hors QPV"
    huit = next(ligne for ligne in t.lignes if ligne.logement == "LGT-08")
    assert huit.explication_q1().startswith("ménage hors 1er quartile : 14\u202f400 € par UC > 9\u202f000 €")
    deux = next(ligne for ligne in t.lignes if ligne.logement == "LGT-02")
    assert deux.explication_priorite() == "ménage prioritaire L441-1 (priorité validée)"
    assert t.seuils_officiels == (
        (
            "241100593",
            2026,
            "9\u202f000 € (Arrêté d'essai du 2 mai 2026 fixant le seuil du premier quartile, JORF d'essai du 5 mai 2026)",
        ),
    )


def test_objectifs_par_commune_et_par_reservataire(monde: Monde, admin: object) -> None:
    gruissan = tableau(acteur_de(admin), ANNEE, Perimetre(commune=GRUISSAN))
    assert gruissan.attributions == 4
    assert _compte(gruissan, Q1_HORS_QPV) == (4, 1)
    assert gruissan.indicateur(Q1_HORS_QPV).atteint is True  # 25 % exactly
    assert _compte(gruissan, NON_Q1_EN_QPV) == (0, 0)
    assert gruissan.indicateur(NON_Q1_EN_QPV).statut == "sans attribution"

    etat = tableau(acteur_de(admin), ANNEE, Perimetre(reservataire=monde.etat.pk))
    assert etat.attributions == 5
    assert _compte(etat, Q1_HORS_QPV) == (3, 1)
    assert _compte(etat, NON_Q1_EN_QPV) == (2, 1)
    assert etat.indicateur(NON_Q1_EN_QPV).atteint is True

    part_bailleur = tableau(acteur_de(admin), ANNEE, Perimetre(reservataire=monde.bailleur.pk))
    assert [ligne.logement for ligne in part_bailleur.lignes] == ["LGT-10"]


def test_annee_sans_seuil_officiel_le_seuil_calcule_est_utilise_et_dit(monde: Monde, admin: object) -> None:
    t = tableau(acteur_de(admin), Periode.annee(2025), Perimetre())
    assert [ligne.logement for ligne in t.lignes] == ["LGT-11"]
    (seuil,) = t.seuils
    assert (seuil.origine, seuil.valeur) == ("calcule", 9000.0)
    assert _compte(t, Q1_HORS_QPV) == (1, 1)
    assert "seuil calculé par Attrib 2025" in t.lignes[0].explication_q1()
    assert t.seuils_officiels == (("241100593", 2025, "arrêté 2025 non publié à ce jour"),)


def test_delais_d_attente_refus_et_evolution_mensuelle(monde: Monde, admin: object) -> None:
    t = tableau(acteur_de(admin), ANNEE, Perimetre())
    # Demand n was filed on 1 March 2024 + 30·n days. Gruissan = leases 4, 5, 6, 10:
    # 29/06/2024 → 05/03/2026 = 614 days; 29/07/2024 → 18/03/2026 = 597; 28/08/2024 → 02/04/2026 = 582;
    # 26/12/2024 → 30/06/2026 = 551. Sorted: 551, 582, 597, 614.
    gruissan = next(r for r in t.delais_commune if r.groupe == "Gruissan")
    assert gruissan.nombre == 4
    # Median = (582 + 597) / 2; inclusive quartiles: 551 + 31 × 0.75 and 597 + 17 × 0.25.
    assert (gruissan.premier_quartile, gruissan.mediane, gruissan.troisieme_quartile) == (574.25, 589.5, 601.25)
    assert sum(r.nombre for r in t.delais_typologie) == 10

    # Offers answered in 2026: 10 accepted, 1 refused (rent), 1 unanswered in the delay (R441-10).
    assert (t.refus.offres_repondues, t.refus.acceptees, t.refus.refusees, t.refus.sans_reponse) == (12, 10, 1, 1)
    assert t.refus.taux == Fraction(2, 12)
    assert dict(t.refus.motifs) == {
        "Loyer ou charges trop élevés": 1,
        "Absence de réponse dans le délai (R441-10)": 1,
    }

    # Monthly counts: Jan 1, Feb 2, Mar 2, Apr 2, May 1, Jun 2, then none.
    assert [m.attributions for m in t.mensuel] == [1, 2, 2, 2, 1, 2, 0, 0, 0, 0, 0, 0]
    assert t.mensuel[0].libelle == "janv. 2026"
