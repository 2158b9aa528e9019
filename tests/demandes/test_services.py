from datetime import date

import pytest
from django.core.exceptions import ValidationError

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_radier, demande_renouveler
from attrib.organisations.acteurs import acteur_systeme
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
    d = demande_renouveler(demande=d, auteur=acteur_systeme("test"), aujourd_hui=date(2026, 5, 20))
    assert d.date_depot_initiale == date(2025, 6, 1)
    assert d.date_echeance == date(2027, 5, 20)
    assert Evenement.objects.pour(d).filter(action="renouvellement").exists()


def test_renouvellement_refuse_apres_expiration(org):
    d = creer_demande(guichet_org=org, date_depot=date(2025, 1, 10), aujourd_hui=date(2025, 1, 10))
    with pytest.raises(ValidationError) as exc:
        demande_renouveler(demande=d, auteur=acteur_systeme("test"), aujourd_hui=date(2026, 2, 1))
    assert "date_echeance" in exc.value.message_dict


def test_radiation_puis_plus_de_modification(org):
    d = creer_demande(guichet_org=org)
    d = demande_radier(demande=d, auteur=acteur_systeme("test"), motif=enums.MotifRadiation.RENONCIATION)
    assert d.statut == enums.StatutDemande.RADIEE and d.date_radiation
    with pytest.raises(ValidationError):
        demande_radier(demande=d, auteur=acteur_systeme("test"), motif=enums.MotifRadiation.RENONCIATION)


# --- L441-1 priorities loaded from the dated data file ------------------------------------------


def test_priorites_chargees_depuis_le_fichier_et_rechargement_sans_effet(org):
    from attrib.demandes.models import PrioriteLegale
    from attrib.demandes.services import priorites_charger

    codes = set(PrioriteLegale.objects.values_list("code", flat=True))
    assert {"dalo", "l441_a", "l441_g", "l441_k", "l441_m"} <= codes
    assert len([c for c in codes if c.startswith("l441_")]) == 13
    violences = PrioriteLegale.objects.get(code="l441_g")
    assert violences.lettre == "g" and violences.sensible and violences.base_legale == "L441-1 g) CCH"
    assert not PrioriteLegale.objects.get(code="l441_k").sensible
    rapport = priorites_charger(auteur=acteur_systeme("test"))
    assert rapport.creees == [] and rapport.modifiees == [] and len(rapport.inchangees) == len(codes)


def test_priorites_fichier_modifie_puis_fichier_invalide(org, tmp_path):
    from attrib.demandes.models import PrioriteLegale
    from attrib.demandes.services import FICHIER_PRIORITES, priorites_charger

    texte = FICHIER_PRIORITES.read_text(encoding="utf-8")
    modifie = tmp_path / "priorites.yaml"
    modifie.write_text(texte.replace("date_fin: null\n    ordre: 130", "date_fin: 2030-12-31\n    ordre: 130"))
    rapport = priorites_charger(chemin=modifie, auteur=acteur_systeme("test"))
    assert rapport.modifiees == ["l441_m"]
    assert PrioriteLegale.objects.get(code="l441_m").date_fin == date(2030, 12, 31)
    assert Evenement.objects.pour(PrioriteLegale.objects.get(code="l441_m")).exists()

    casse = tmp_path / "casse.yaml"
    casse.write_text(texte.replace('fiabilite: "V/K"', "fiabilite: peut-etre").replace("ordre: 130", "ordre: -1"))
    with pytest.raises(ValidationError) as exc:
        priorites_charger(chemin=casse, auteur=acteur_systeme("test"))
    assert "priorites[7].fiabilite" in exc.value.message_dict
    assert "priorites[13].ordre" in exc.value.message_dict
    assert PrioriteLegale.objects.get(code="l441_m").date_fin == date(2030, 12, 31)


def test_commande_charger_priorites(org):
    from io import StringIO

    from django.core.management import call_command

    sortie = StringIO()
    call_command("charger_priorites", stdout=sortie)
    assert "0 créée(s), 0 mise(s) à jour, 14 inchangée(s)" in sortie.getvalue()


# --- hooks of registration and modification ------------------------------------------------------


def test_enregistrement_cree_les_pieces_attendues_et_detecte_les_doublons(org):
    from attrib.demandes.models import DoublonPotentiel, PieceJustificative

    d1 = creer_demande(guichet_org=org, priorites=("l441_k",))
    criteres = set(PieceJustificative.objects.filter(demande=d1).values_list("critere", flat=True))
    assert {"identite", "ressources", "logement_actuel", "l441_k"} <= criteres
    assert not DoublonPotentiel.objects.exists()
    d2 = creer_demande(guichet_org=org, personnes=[personne(nom="MARTIN", prenoms="Lea")])
    paire = DoublonPotentiel.objects.get()
    assert (paire.demande_a_id, paire.demande_b_id) == (d1.pk, d2.pk)


def test_modification_revelant_une_situation_sensible_est_masquee_dans_l_historique(org):
    from attrib.demandes.selectors import historique
    from attrib.demandes.services import demande_modifier
    from attrib.organisations.models import Organisation, TypeOrganisation
    from tests.factories import membre

    d = creer_demande(guichet_org=org)
    demande_modifier(demande=d, auteur=acteur_systeme("test"), priorites=["l441_g"])
    demande_modifier(demande=d, auteur=acteur_systeme("test"), donnees={"typologie_max": 4})
    mairie = Organisation.objects.create(nom="Mairie de Narbonne", type=TypeOrganisation.COMMUNE)
    mairie.perimetre.set([NARBONNE])
    elu = membre(mairie)
    agent = membre(org)
    actions_agent = list(historique(d, user=agent).values_list("action", "details__sensible"))
    actions_elu = list(historique(d, user=elu).values_list("action", flat=True))
    assert ("modification", True) in actions_agent
    assert actions_elu.count("modification") == 1
    assert "enregistrement" in actions_elu
