"""First-quartile threshold: the official value of the data file, else the system's own computation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from attrib.demandes import enums, quartile
from attrib.demandes.quartile import CALCULE, OFFICIEL, SeuilsQ1Invalides, seuil_q1
from attrib.demandes.services import demande_radier
from attrib.engine.q1 import premier_quartile
from attrib.organisations.acteurs import acteur_systeme
from tests.factories import CARCASSONNE, GRUISSAN, NARBONNE, creer_demande, guichet, personne, territoire_minimal
from tests.menages import conjoint, enfant

GRAND_NARBONNE = "241100593"


def test_premier_quartile_est_la_plus_haute_valeur_du_quart_le_plus_modeste() -> None:
    # 8 values: the quarter of lowest is the 2 smallest, its highest value is the 2nd.
    assert premier_quartile([900.0, 100.0, 500.0, 300.0, 700.0, 200.0, 800.0, 400.0]) == 200.0
    # 5 values: ⌈5/4⌉ = 2 → the 2nd smallest.
    assert premier_quartile([50.0, 10.0, 40.0, 30.0, 20.0]) == 20.0
    assert premier_quartile([7.0]) == 7.0
    assert premier_quartile([]) is None


def test_le_fichier_reel_ne_devine_aucun_montant_pour_le_grand_narbonne() -> None:
    for annee in (2024, 2025, 2026):
        entree = quartile.seuil_officiel(epci_siren=GRAND_NARBONNE, annee=annee)
        assert entree is not None
        assert entree.valeur is None
        assert entree.fiabilite == "K"
        assert "non trouvé" in entree.manque


@pytest.fixture
def fichier_officiel(tmp_path: Path) -> Path:
    chemin = tmp_path / "seuils_q1.yaml"
    chemin.write_text(
        """
arretes:
  - annee: 2025
    intitule: "Arrêté d'essai fixant le seuil du premier quartile"
    date_arrete: 2025-06-03
    journal_officiel: "JORF n° 0001 du 5 juin 2025"
    date_effet: 2025-01-01
    source: "essai"
    fiabilite: V
    manque: ""
seuils:
  - epci: "241100593"
    nom: CA Le Grand Narbonne
    annee: 2025
    valeur: 9876
    source: "essai"
    fiabilite: V
    manque: ""
""",
        encoding="utf-8",
    )
    return chemin


def test_la_valeur_officielle_du_fichier_prime(fichier_officiel: Path) -> None:
    seuil = seuil_q1(epci_siren=GRAND_NARBONNE, annee=2025, fichier=fichier_officiel)
    assert seuil.origine == OFFICIEL
    assert seuil.valeur == 9876.0
    assert "9\u202f876 €" in seuil.libelle
    assert "JORF n° 0001 du 5 juin 2025" in seuil.source


def test_un_fichier_invalide_est_signale_avec_sa_ligne(tmp_path: Path) -> None:
    chemin = tmp_path / "seuils_q1.yaml"
    chemin.write_text(
        'arretes: []\nseuils:\n  - epci: "241100593"\n    annee: 2025\n    valeur: 9000\n    source: essai\n'
        "    fiabilite: K\n",
        encoding="utf-8",
    )
    with pytest.raises(SeuilsQ1Invalides, match=r"seuil n° 1 .*fiabilité V ou S"):
        seuil_q1(epci_siren=GRAND_NARBONNE, annee=2025, fichier=chemin)


@pytest.mark.django_db
def test_sans_valeur_officielle_le_seuil_est_calcule_sur_les_demandes_au_31_decembre() -> None:
    territoire_minimal()
    g = guichet(communes=(NARBONNE, GRUISSAN, CARCASSONNE))
    avant = date(2024, 6, 1)

    def demande(salaires: int, *, communes: tuple[str, ...] = (NARBONNE,), jour: date = avant, **kw: object):
        return creer_demande(
            guichet_org=g,
            communes=communes,
            personnes=[personne(salaires=salaires, **kw)],
            aujourd_hui=jour,
        )

    # Single adults (1 UC): resources per UC = salary × 12.
    for salaires in (500, 1000, 1500, 2000, 2500, 3000, 3500):
        demande(salaires)
    # A couple with a child under 14 (1 + 0.5 + 0.3 = 1.8 UC): (900 + 0) × 12 / 1.8 = 6 000 €.
    creer_demande(
        guichet_org=g,
        communes=(GRUISSAN,),
        personnes=[
            personne(salaires=900),
            conjoint(),
            enfant(),
        ],
        aujourd_hui=avant,
    )
    # Not counted: outside the EPCI, registered after 31 December, struck off before it.
    demande(100, communes=(CARCASSONNE,))
    demande(100, jour=date(2025, 1, 15))
    radiee = demande(100)
    demande_radier(
        demande=radiee,
        auteur=acteur_systeme("test"),
        motif=enums.MotifRadiation.RENONCIATION,
        date_radiation=date(2024, 11, 30),
    )

    # 8 demands: 6 000, 6 000, 12 000, 18 000, 24 000, 30 000, 36 000, 42 000 → ⌈8/4⌉ = 2nd = 6 000 €.
    assert quartile.quartile_calcule(epci_siren=GRAND_NARBONNE, date_reference=date(2024, 12, 31)) == 6000.0
    seuil = seuil_q1(epci_siren=GRAND_NARBONNE, annee=2025)
    assert seuil.origine == CALCULE
    assert seuil.valeur == 6000.0
    assert "Seuil calculé par Attrib" in seuil.libelle
    assert "seuil officiel 2025 non publié à ce jour" in seuil.libelle
    assert "8 demandes actives au 31/12/2024" in seuil.source


@pytest.mark.django_db
def test_sans_demande_le_seuil_calcule_est_absent_et_le_dit() -> None:
    territoire_minimal()
    seuil = seuil_q1(epci_siren=GRAND_NARBONNE, annee=2025)
    assert seuil.valeur is None
    assert seuil.origine == CALCULE
    assert "aucune demande active au 31/12/2024" in seuil.libelle
