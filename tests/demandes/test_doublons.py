import copy
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.doublons import doublon_decider, doublons_detecter
from attrib.demandes.models import Demande, DoublonPotentiel, Personne
from attrib.demandes.services import demande_radier
from attrib.organisations.acteurs import ANONYME, Refus, acteur_de, acteur_systeme
from tests.factories import creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = pytest.mark.django_db

NE_LE = date(1990, 5, 17)


@pytest.fixture
def org():
    territoire_minimal()
    return guichet()


def demande_de(org, **p):
    return creer_demande(guichet_org=org, personnes=[personne(**p)])


def paire(a, b):
    x, y = sorted((a.pk, b.pk))
    return DoublonPotentiel.objects.filter(demande_a_id=x, demande_b_id=y).first()


def test_accents_casse_et_motif_lisible(org):
    a = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    b = demande_de(org, nom="MARTIN", prenoms="Lea", date_naissance=NE_LE)
    doublon = paire(a, b)
    assert doublon is not None and doublon.statut == enums.StatutDoublon.A_EXAMINER
    assert doublon.score == 100
    assert doublon.motif == "Même date de naissance (17/05/1990), noms proches : MARTIN Léa / MARTIN Lea (score 100)"


@pytest.mark.parametrize(
    ("premiere", "seconde"),
    [
        ({"nom": "Martin", "prenoms": "Léa"}, {"nom": "Martim", "prenoms": "Léa"}),
        ({"nom": "Martin", "prenoms": "Léa"}, {"nom": "Léa", "prenoms": "Martin"}),
        ({"nom": "Ben Ali", "prenoms": "Yasmine"}, {"nom": "Benali", "prenoms": "Yasmine"}),
        ({"nom": "Martin-Durand", "prenoms": "Léa"}, {"nom": "Martin Durand", "prenoms": "Léa"}),
        ({"nom": "Martin", "prenoms": "Léa Marie"}, {"nom": "Martin", "prenoms": "Léa"}),
        ({"nom": "Dupont", "nom_naissance": "Martin", "prenoms": "Léa"}, {"nom": "Martin", "prenoms": "Léa"}),
    ],
    ids=[
        "faute-de-frappe",
        "nom-prenom-inverses",
        "nom-compose-colle",
        "trait-d-union",
        "second-prenom",
        "nom-naissance",
    ],
)
def test_variantes_de_saisie_detectees(org, premiere, seconde):
    a = demande_de(org, date_naissance=NE_LE, **premiere)
    b = demande_de(org, date_naissance=NE_LE, **seconde)
    assert paire(a, b) is not None


def test_jour_et_mois_inverses(org):
    a = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=date(1990, 5, 7))
    b = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=date(1990, 7, 5))
    doublon = paire(a, b)
    assert doublon is not None
    assert doublon.motif.startswith("Dates de naissance aux jour et mois inversés (07/05/1990 / 05/07/1990)")


def test_pas_de_rapprochement_sans_date_commune_ou_avec_noms_differents(org):
    a = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    autre_date = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=date(1990, 5, 18))
    autre_annee = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=date(1991, 5, 17))
    autre_nom = demande_de(org, nom="Durand", prenoms="Paul", date_naissance=NE_LE)
    assert DoublonPotentiel.objects.count() == 0
    assert doublons_detecter(auteur=acteur_systeme("test")) == 0
    assert all(paire(a, x) is None for x in (autre_date, autre_annee, autre_nom))


def test_meme_menage_et_demande_radiee_ignores(org):
    jumeaux = creer_demande(
        guichet_org=org,
        personnes=[
            personne(nom="Martin", prenoms="Léa", date_naissance=NE_LE),
            personne(role=enums.RolePersonne.CODEMANDEUR, nom="Martin", prenoms="Léo", date_naissance=NE_LE),
        ],
    )
    assert doublons_detecter(auteur=acteur_systeme("test")) == 0
    demande_radier(demande=jumeaux, auteur=acteur_systeme("test"), motif=enums.MotifRadiation.RENONCIATION)
    demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    assert DoublonPotentiel.objects.count() == 0


def test_co_demandeur_retrouve_sur_une_autre_demande(org):
    a = creer_demande(
        guichet_org=org,
        personnes=[
            personne(nom="Durand", prenoms="Marc", date_naissance=date(1988, 1, 2)),
            personne(role=enums.RolePersonne.CODEMANDEUR, nom="Martin", prenoms="Léa", date_naissance=NE_LE),
        ],
    )
    b = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    assert paire(a, b) is not None


def test_paire_tranchee_jamais_recreee_et_rien_n_est_fusionne(org):
    agent = membre(org)
    a = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    b = demande_de(org, nom="Martin", prenoms="Lea", date_naissance=NE_LE)
    doublon = doublon_decider(
        doublon=paire(a, b),
        auteur=acteur_de(agent),
        statut=enums.StatutDoublon.ECARTE,
        commentaire="Homonymes vérifiées",
    )
    assert doublon.decide_par == agent and doublon.commentaire == "Homonymes vérifiées"
    assert doublons_detecter(auteur=acteur_systeme("test")) == 0
    assert DoublonPotentiel.objects.get().statut == enums.StatutDoublon.ECARTE
    assert Evenement.objects.pour(a).filter(action="doublon_decide").count() == 1
    assert Evenement.objects.pour(b).filter(action="doublon_decide", resume__contains=a.numero_unique).exists()

    doublon_decider(doublon=doublon, auteur=acteur_de(agent), statut=enums.StatutDoublon.CONFIRME, commentaire="")
    assert Demande.objects.filter(pk__in=[a.pk, b.pk], statut=enums.StatutDemande.ACTIVE).count() == 2
    assert Personne.objects.filter(demande__in=[a, b]).count() == 2


def test_decision_invalide_refusee(org):
    agent = membre(org)
    a = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    b = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    with pytest.raises(ValidationError) as exc:
        doublon_decider(doublon=paire(a, b), auteur=acteur_de(agent), statut="fusionner", commentaire="")
    assert "Décision inconnue" in exc.value.message_dict["statut"][0]
    with pytest.raises(Refus):
        doublon_decider(doublon=paire(a, b), auteur=ANONYME, statut=enums.StatutDoublon.CONFIRME)
    assert paire(a, b).statut == enums.StatutDoublon.A_EXAMINER


def test_detection_complete_et_commande(org):
    a = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    b = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    c = demande_de(org, nom="Martin", prenoms="Lea", date_naissance=NE_LE)
    d = demande_de(org, nom="Marten", prenoms="Léa", date_naissance=NE_LE)
    DoublonPotentiel.objects.all().delete()
    sortie = StringIO()
    call_command("detecter_doublons", stdout=sortie)
    assert "5 nouvelle(s) paire(s)" in sortie.getvalue()
    # a, b and c are written the same way (accents aside): each is paired with the oldest, a; the near
    # spelling d is paired with each of them.
    assert {(x.demande_a_id, x.demande_b_id) for x in DoublonPotentiel.objects.all()} == {
        (a.pk, b.pk),
        (a.pk, c.pk),
        (a.pk, d.pk),
        (b.pk, d.pk),
        (c.pk, d.pk),
    }
    assert doublons_detecter(auteur=acteur_systeme("test")) == 0


def test_liste_des_doublons_limitee_au_perimetre(org):
    from attrib.demandes.selectors import doublons_liste
    from tests.factories import CARCASSONNE

    agent = membre(org)
    carcassonne = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    agent_carcassonne = membre(carcassonne)
    a = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    b = demande_de(org, nom="Martin", prenoms="Lea", date_naissance=NE_LE)
    assert [(d.demande_a, d.demande_b) for d in doublons_liste(user=agent)] == [(a, b)]
    assert list(doublons_liste(user=agent_carcassonne)) == []
    doublon_decider(doublon=paire(a, b), auteur=acteur_de(agent), statut=enums.StatutDoublon.CONFIRME)
    assert list(doublons_liste(user=agent)) == []
    assert len(doublons_liste(user=agent, statut=None)) == 1


def _copies(demande, n):
    """``n`` copies of ``demande`` and its persons, inserted in bulk (as a repeated import would leave them)."""
    personnes = list(demande.personnes.all())
    copies = []
    for i in range(n):
        copie = copy.copy(demande)
        copie.pk = None
        copie.numero_unique = f"{demande.numero_unique[:10]}C{i:08d}"[:20]
        copies.append(copie)
    Demande.objects.bulk_create(copies, batch_size=500)
    nouvelles = []
    for copie_id in Demande.objects.exclude(pk=demande.pk).order_by("pk").values_list("pk", flat=True):
        for p in personnes:
            clone = copy.copy(p)
            clone.pk = None
            clone.demande_id = copie_id
            nouvelles.append(clone)
    Personne.objects.bulk_create(nouvelles, batch_size=500)


def test_lignes_identiques_un_nombre_lineaire_de_paires(org):
    # 2,000 identical demands (the same person): n - 1 pairs, each with the oldest, not n(n - 1)/2 = 1,999,000.
    premiere = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    _copies(premiere, 1_999)
    proche = demande_de(org, nom="Marten", prenoms="Léa", date_naissance=NE_LE)
    DoublonPotentiel.objects.all().delete()
    creees = doublons_detecter(auteur=acteur_systeme("test"))
    assert creees == DoublonPotentiel.objects.count()
    # 1,999 copies with the first; the near spelling with the first, and each copy with it.
    assert creees == 1_999 + 2_000
    assert DoublonPotentiel.objects.filter(demande_a=premiere).count() == 2_000
    assert paire(premiere, proche) is not None
    # At registration, a new identical demand is paired with the oldest (and the near one), not with 2,000.
    nouvelle = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    assert {(d.demande_a_id, d.demande_b_id) for d in DoublonPotentiel.objects.filter(demande_b=nouvelle)} == {
        (premiere.pk, nouvelle.pk),
        (proche.pk, nouvelle.pk),
    }


def test_paires_bornees_par_bloc_les_meilleures_d_abord(org, settings):
    a = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    b = demande_de(org, nom="Martin", prenoms="Léa", date_naissance=NE_LE)
    demande_de(org, nom="Marten", prenoms="Léa", date_naissance=NE_LE)
    DoublonPotentiel.objects.all().delete()
    settings.ATTRIB_DOUBLONS_PAIRES_PAR_BLOC_MAX = 1
    assert doublons_detecter(auteur=acteur_systeme("test")) == 1
    assert paire(a, b).score == 100
