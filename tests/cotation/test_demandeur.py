"""What the applicant is told (L441-2-8 CCH), and the score section of the demand page for each viewer."""

from __future__ import annotations

from datetime import date

import pytest

from attrib.cotation import services
from attrib.cotation.calcul import LIBELLE_CONFIDENTIEL
from attrib.cotation.selectors import NON_DISPONIBLE_ATTRIBUTIONS, cotation_affichee, cotation_pour_demandeur
from attrib.organisations.acteurs import acteur_systeme
from tests.cotation.conftest import Territoire, importer
from tests.factories import GRUISSAN

pytestmark = pytest.mark.django_db


def test_position_parmi_les_demandes_semblables_et_attributions_non_disponibles(territoire: Territoire) -> None:
    demandes = [territoire.demande(mois=m) for m in (30, 20, 10, 5)]
    autre_secteur = territoire.demande(mois=50, communes=(GRUISSAN,))
    assert cotation_pour_demandeur(demandes[0]) is None
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))

    vue = cotation_pour_demandeur(demandes[2])
    assert vue is not None
    assert (vue.score, vue.score_provisoire, vue.score_valide) == (100, 100, 100)
    assert (vue.rang, vue.effectif, vue.centile) == (3, 4, 25)  # one similar demand of four ranked after it
    assert (vue.rang_territoire, vue.effectif_territoire) == (4, 5)  # Gruissan's 500 points come first
    assert (vue.typologie, vue.secteur, vue.version) == ("T2", "Narbonne", 1)
    assert vue.lignes[0].libelle == "Ancienneté de la demande" and vue.lignes[0].points_provisoires == 100
    assert vue.explication[-1] == "Score : 100 points."
    # No attribution is recorded yet: nothing is estimated.
    assert vue.score_moyen_attribuees is None and vue.delai_moyen_attribuees_mois is None
    assert vue.attributions == NON_DISPONIBLE_ATTRIBUTIONS == "non disponible : aucune attribution enregistrée"
    premier = cotation_pour_demandeur(autre_secteur)
    assert premier is not None and (premier.rang, premier.effectif, premier.centile) == (1, 1, 0)


def test_les_situations_sensibles_ne_sont_nommees_qu_aux_habilites(territoire: Territoire) -> None:
    demande = territoire.demande(mois=3, priorites=("l441_g",), dalo_reconnu=True, dalo_date_decision=date(2025, 1, 1))
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    habilite = cotation_affichee(demande, territoire.agent_guichet)
    non_habilite = cotation_affichee(demande, territoire.gestionnaire)  # an EPCI sees no sensitive situation
    assert habilite is not None and non_habilite is not None
    libelles = [ligne.libelle for ligne in habilite.lignes]
    assert "Victime de violences au sein du couple" in libelles
    assert any("Victime de violences" in p for p in habilite.explication)
    masques = [ligne.libelle for ligne in non_habilite.lignes]
    assert "Victime de violences au sein du couple" not in masques and LIBELLE_CONFIDENTIEL in masques
    assert not any("violences" in p.lower() for p in non_habilite.explication)
    assert any(LIBELLE_CONFIDENTIEL in p for p in non_habilite.explication)
    # Same points for both: the detail adds up to the scores.
    assert non_habilite.total_provisoire == habilite.total_provisoire == 1000 + 500 + 30
    assert non_habilite.total_valide == 30
    etats = {ligne.libelle: ligne.etat for ligne in habilite.lignes}
    assert etats["Victime de violences au sein du couple"] == (
        "Provisoire : en attente de validation par un travailleur social"
    )
    assert etats["Ancienneté de la demande"] == "Sans validation requise"
