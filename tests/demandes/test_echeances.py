from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandes.services import (
    demande_renouveler,
    demandes_envoyer_avis_renouvellement,
    demandes_radier_non_renouvelees,
)
from attrib.organisations.acteurs import acteur_systeme
from tests.factories import creer_demande, guichet, personne, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    territoire_minimal()
    return guichet()


def deposee_le(org, jour, nom="Martin"):
    return creer_demande(guichet_org=org, date_depot=jour, aujourd_hui=jour, personnes=[personne(nom=nom)])


def evenements(demande, action):
    return Evenement.objects.pour(demande).filter(action=action).count()


def test_avis_exactement_un_mois_avant_l_echeance_et_une_seule_fois(org):
    d = deposee_le(org, date(2026, 3, 15))
    assert d.date_echeance == date(2027, 3, 15)
    assert demandes_envoyer_avis_renouvellement(aujourd_hui=date(2027, 2, 14), auteur=acteur_systeme("test")) == 0
    assert demandes_envoyer_avis_renouvellement(aujourd_hui=date(2027, 2, 15), auteur=acteur_systeme("test")) == 1
    d.refresh_from_db()
    assert d.date_avis_renouvellement == date(2027, 2, 15)
    assert demandes_envoyer_avis_renouvellement(aujourd_hui=date(2027, 2, 15), auteur=acteur_systeme("test")) == 0
    assert demandes_envoyer_avis_renouvellement(aujourd_hui=date(2027, 3, 1), auteur=acteur_systeme("test")) == 0
    assert evenements(d, "avis_renouvellement") == 1
    avis = Evenement.objects.pour(d).get(action="avis_renouvellement")
    assert avis.visible_demandeur and "15/03/2027" in avis.resume


def test_avis_en_fin_de_mois(org):
    d = deposee_le(org, date(2026, 3, 31))
    assert d.date_echeance == date(2027, 3, 31)
    assert demandes_envoyer_avis_renouvellement(aujourd_hui=date(2027, 2, 27), auteur=acteur_systeme("test")) == 0
    assert demandes_envoyer_avis_renouvellement(aujourd_hui=date(2027, 2, 28), auteur=acteur_systeme("test")) == 1


def test_radiation_le_lendemain_de_l_echeance_une_seule_fois(org):
    d = deposee_le(org, date(2026, 3, 15))
    autre = deposee_le(org, date(2026, 6, 1), nom="Durand")
    demandes_envoyer_avis_renouvellement(aujourd_hui=date(2027, 2, 15), auteur=acteur_systeme("test"))
    assert demandes_radier_non_renouvelees(aujourd_hui=date(2027, 3, 15), auteur=acteur_systeme("test")) == 0
    assert demandes_radier_non_renouvelees(aujourd_hui=date(2027, 3, 16), auteur=acteur_systeme("test")) == 1
    d.refresh_from_db()
    assert d.statut == enums.StatutDemande.RADIEE
    assert d.motif_radiation == enums.MotifRadiation.NON_RENOUVELLEMENT
    assert d.date_radiation == date(2027, 3, 16)
    assert demandes_radier_non_renouvelees(aujourd_hui=date(2027, 3, 17), auteur=acteur_systeme("test")) == 0
    assert evenements(d, "radiation") == 1
    assert Demande.objects.get(pk=autre.pk).statut == enums.StatutDemande.ACTIVE


def test_renouvellement_apres_avis_repart_pour_un_cycle(org):
    d = deposee_le(org, date(2026, 3, 15))
    demandes_envoyer_avis_renouvellement(aujourd_hui=date(2027, 2, 15), auteur=acteur_systeme("test"))
    d = demande_renouveler(
        demande=Demande.objects.get(pk=d.pk), auteur=acteur_systeme("test"), aujourd_hui=date(2027, 2, 20)
    )
    assert d.date_avis_renouvellement is None and d.date_echeance == date(2028, 2, 20)
    assert demandes_radier_non_renouvelees(aujourd_hui=date(2027, 3, 16), auteur=acteur_systeme("test")) == 0
    assert demandes_envoyer_avis_renouvellement(aujourd_hui=date(2028, 1, 19), auteur=acteur_systeme("test")) == 0
    assert demandes_envoyer_avis_renouvellement(aujourd_hui=date(2028, 1, 20), auteur=acteur_systeme("test")) == 1
    assert evenements(d, "avis_renouvellement") == 2


def test_commande_traiter_echeances(org):
    deposee_le(org, date(2026, 3, 15))
    deposee_le(org, date(2026, 4, 10), nom="Durand")
    deposee_le(org, date(2026, 1, 5), nom="Petit")
    sortie = StringIO()
    call_command("traiter_echeances", "--date", "2027-03-16", stdout=sortie)
    texte = sortie.getvalue()
    assert "Traitement des échéances au 16/03/2027" in texte
    assert "avis de renouvellement enregistrés : 1" in texte
    assert "demandes radiées pour non-renouvellement : 2 (dont 2 sans avis" in texte
    sortie = StringIO()
    call_command("traiter_echeances", "--date", "2027-03-16", stdout=sortie)
    assert "enregistrés : 0" in sortie.getvalue() and "non-renouvellement : 0" in sortie.getvalue()
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("traiter_echeances", "--date", "16/03/2027")
