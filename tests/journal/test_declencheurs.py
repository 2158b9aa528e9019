"""The database triggers journal every change of a tracked row, bulk updates included, on both backends."""

from __future__ import annotations

from decimal import Decimal

import pytest

from attrib.demandes.models import Personne
from attrib.journal.contexte import contexte_journal
from attrib.journal.models import EntreeJournal, Operation
from attrib.organisations.acteurs import acteur_de
from tests.factories import creer_demande, guichet, membre, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demande():
    territoire_minimal()
    return creer_demande(guichet_org=guichet())


def test_creation_journalisee_avec_toutes_les_valeurs(demande):
    entree = EntreeJournal.objects.get(
        racine_table="demandes.demande",
        racine_id=str(demande.pk),
        table_objet="demandes.personne",
        operation=Operation.CREATION,
    )
    assert entree.racine_table == "demandes.demande"
    assert entree.racine_id == str(demande.pk)
    assert entree.avant is None
    assert entree.apres["nom"] == "Martin"
    assert "nom_normalise" not in entree.apres


def test_queryset_update_journalise_chaque_personne_avec_auteur(demande):
    agent = membre(demande.guichet, first_name="Inès", last_name="Roux")
    with contexte_journal(origine="test", auteur=acteur_de(agent)):
        Personne.objects.filter(demande=demande).update(telephone="0611223344", salaires=Decimal("1720.50"))
    entree = EntreeJournal.objects.get(
        racine_table="demandes.demande",
        racine_id=str(demande.pk),
        table_objet="demandes.personne",
        operation=Operation.MODIFICATION,
    )
    assert entree.avant["telephone"] == ""
    assert Decimal(str(entree.avant["salaires"])) == Decimal("1500")
    assert entree.apres["telephone"] == "0611223344"
    assert Decimal(str(entree.apres["salaires"])) == Decimal("1720.5")
    assert set(entree.apres) == {"telephone", "salaires"}
    assert entree.auteur == agent
    assert entree.auteur_libelle == "Inès Roux"
    assert entree.organisation_id == demande.guichet_id
    assert entree.origine == "test"


def test_une_mise_a_jour_sans_changement_ne_journalise_rien(demande):
    avant = EntreeJournal.objects.count()
    Personne.objects.filter(demande=demande).update(nom="Martin")
    demande.save()  # modifie_le only: excluded
    assert EntreeJournal.objects.count() == avant


def test_suppression_journalisee(demande):
    p = demande.personnes.get()
    pk = p.pk
    Personne.objects.filter(pk=pk).delete()
    entree = EntreeJournal.objects.get(
        racine_table="demandes.demande",
        racine_id=str(demande.pk),
        table_objet="demandes.personne",
        operation=Operation.SUPPRESSION,
    )
    assert entree.objet_id == str(pk)
    assert entree.avant["prenoms"] == "Léa"
    assert entree.apres is None
