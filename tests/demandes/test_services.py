from datetime import date

import pytest
from django.core.exceptions import ValidationError

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_radier, demande_renouveler
from tests.factories import NARBONNE, creer_demande, guichet, personne, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    territoire_minimal()
    return guichet()


def test_enregistrement_attribue_un_numero_et_un_an_de_validite(org):
    d = creer_demande(guichet_org=org, date_depot=date(2026, 3, 15), aujourd_hui=date(2026, 3, 20))
    assert d.numero_unique == "0112603" + "0000001" + "NAR01"
    assert d.date_echeance == date(2027, 3, 15)
    assert Evenement.objects.pour(d).filter(action="enregistrement").count() == 1
    d2 = creer_demande(guichet_org=org, date_depot=date(2026, 4, 1), aujourd_hui=date(2026, 4, 1))
    assert d2.numero_unique.startswith("0112604") and d2.numero_unique[7:14] == "0000002"


def test_erreurs_localisees_et_rien_d_ecrit(org):
    with pytest.raises(ValidationError) as exc:
        creer_demande(
            guichet_org=org,
            communes=(NARBONNE, "99999"),
            personnes=[personne(), personne(role=enums.RolePersonne.PERSONNE_A_LOGER, date_naissance=None)],
            typologie_min=4,
            typologie_max=2,
        )
    erreurs = exc.value.message_dict
    assert "communes[1]" in erreurs
    assert "personnes[1].date_naissance" in erreurs
    assert "typologie_max" in erreurs
    assert Demande.objects.count() == 0


def test_renouvellement_garde_l_anciennete(org):
    d = creer_demande(guichet_org=org, date_depot=date(2025, 6, 1), aujourd_hui=date(2025, 6, 1))
    d = demande_renouveler(demande=d, auteur=None, aujourd_hui=date(2026, 5, 20))
    assert d.date_depot_initiale == date(2025, 6, 1)
    assert d.date_echeance == date(2027, 5, 20)
    assert Evenement.objects.pour(d).filter(action="renouvellement").exists()


def test_renouvellement_refuse_apres_expiration(org):
    d = creer_demande(guichet_org=org, date_depot=date(2025, 1, 10), aujourd_hui=date(2025, 1, 10))
    with pytest.raises(ValidationError) as exc:
        demande_renouveler(demande=d, auteur=None, aujourd_hui=date(2026, 2, 1))
    assert "date_echeance" in exc.value.message_dict


def test_radiation_puis_plus_de_modification(org):
    d = creer_demande(guichet_org=org)
    d = demande_radier(demande=d, auteur=None, motif=enums.MotifRadiation.RENONCIATION)
    assert d.statut == enums.StatutDemande.RADIEE and d.date_radiation
    with pytest.raises(ValidationError):
        demande_radier(demande=d, auteur=None, motif=enums.MotifRadiation.RENONCIATION)
