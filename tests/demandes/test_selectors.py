from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from attrib.demandes import enums
from attrib.demandes.selectors import demande_detail, demandes_liste, historique, situations_visibles
from attrib.organisations.models import Organisation, Role, TypeOrganisation
from tests.factories import (
    CARCASSONNE,
    GRUISSAN,
    NARBONNE,
    creer_demande,
    guichet,
    membre,
    personne,
    territoire_minimal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    territoire_minimal()
    narbonne = guichet()
    carcassonne = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    mairie = Organisation.objects.create(nom="Mairie de Narbonne", type=TypeOrganisation.COMMUNE)
    mairie.perimetre.set([NARBONNE])
    lea = creer_demande(
        guichet_org=narbonne,
        communes=(NARBONNE, GRUISSAN),
        personnes=[
            personne(nom="Martin", nom_naissance="Dupré", prenoms="Léa"),
            personne(
                role=enums.RolePersonne.PERSONNE_A_LOGER,
                lien=enums.LienParente.ENFANT,
                nom="Martin",
                prenoms="Tom",
                date_naissance=date(2015, 2, 1),
            ),
        ],
        priorites=("l441_g", "l441_k"),
        motif_principal=enums.Motif.VIOLENCES,
        motifs_secondaires=(enums.Motif.TROP_CHER,),
        dalo_reconnu=True,
        dalo_date_decision=date(2025, 11, 3),
        typologie_min=3,
        typologie_max=4,
        date_depot=date(2025, 3, 10),
        aujourd_hui=date(2025, 3, 10),
    )
    mutation = creer_demande(
        guichet_org=narbonne,
        communes=(GRUISSAN,),
        personnes=[personne(nom="Benali", prenoms="Yasmine", date_naissance=date(1985, 1, 9))],
        statut_logement_actuel=enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL,
        typologie_min=1,
        typologie_max=2,
        date_depot=date(2025, 7, 1),
        aujourd_hui=date(2025, 7, 1),
    )
    ailleurs = creer_demande(
        guichet_org=carcassonne,
        communes=(CARCASSONNE,),
        personnes=[personne(nom="Garcia", prenoms="Hugo", date_naissance=date(1970, 3, 3))],
        date_depot=date(2025, 5, 1),
        aujourd_hui=date(2025, 5, 1),
    )
    return {
        "agent": membre(narbonne),
        "elu": membre(mairie, role=Role.GESTIONNAIRE),
        "narbonne": narbonne,
        "lea": lea,
        "mutation": mutation,
        "ailleurs": ailleurs,
    }


def _pks(qs):
    return {d.pk for d in qs}


def test_perimetre_liste_et_detail(monde):
    agent, lea, ailleurs = monde["agent"], monde["lea"], monde["ailleurs"]
    assert _pks(demandes_liste(user=agent)) == {lea.pk, monde["mutation"].pk}
    assert demande_detail(user=agent, pk=lea.pk) == lea
    with pytest.raises(Http404):
        demande_detail(user=agent, pk=ailleurs.pk)
    with pytest.raises(Http404):
        demande_detail(user=agent, pk="pas-un-numero")


def test_recherche_par_numero_et_par_nom_sans_accents(monde):
    agent, lea = monde["agent"], monde["lea"]
    assert _pks(demandes_liste(user=agent, recherche=lea.numero_unique)) == {lea.pk}
    assert _pks(demandes_liste(user=agent, recherche=lea.numero_unique[:9])) == {lea.pk}
    assert _pks(demandes_liste(user=agent, recherche="lea MARTIN")) == {lea.pk}
    assert _pks(demandes_liste(user=agent, recherche="dupre")) == {lea.pk}, "nom de naissance"
    assert _pks(demandes_liste(user=agent, recherche="tom")) == {lea.pk}, "autre personne du ménage"
    assert _pks(demandes_liste(user=agent, recherche="garcia")) == set(), "hors périmètre"


def test_liste_annotee_sans_requete_par_ligne(monde, django_assert_num_queries):
    agent = monde["agent"]
    for i in range(3):
        creer_demande(guichet_org=monde["narbonne"], personnes=[personne(nom=f"Nom{i}", prenoms="Zoé")])
    agent._attrib_memberships = None
    list(demandes_liste(user=agent))  # loads the memberships once
    with django_assert_num_queries(1):
        lignes = {d.pk: d for d in demandes_liste(user=agent)}
        resumes = [(d.demandeur_nom, d.nb_personnes, d.commune_principale, d.guichet.nom) for d in lignes.values()]
    assert len(resumes) == 5
    lea = lignes[monde["lea"].pk]
    assert (lea.demandeur_nom, lea.demandeur_prenoms, lea.nb_personnes) == ("Martin", "Léa", 2)
    assert (lea.commune_principale, lea.commune_principale_code) == ("Narbonne", NARBONNE)


def test_filtres(monde):
    agent, lea, mutation = monde["agent"], monde["lea"], monde["mutation"]

    def f(**filtres):
        return _pks(demandes_liste(user=agent, filtres=filtres, aujourd_hui=date(2026, 2, 20)))

    assert f(commune=NARBONNE) == {lea.pk}
    assert f(commune=GRUISSAN) == {lea.pk, mutation.pk}
    assert f(typologie="4") == {lea.pk}
    assert f(typologie=2) == {mutation.pk}
    assert f(dalo="oui") == {lea.pk}
    assert f(dalo="non") == {mutation.pk}
    assert f(priorite="l441_k") == {lea.pk}
    assert f(mutation=True) == {mutation.pk}
    assert f(mutation="0") == {lea.pk}
    assert f(guichet=monde["narbonne"].pk, statut="active") == {lea.pk, mutation.pk}
    assert f(echeance_proche="oui") == {lea.pk}, "échéance 10/03/2026, préavis d'un mois"
    assert f(statut="", dalo=None) == {lea.pk, mutation.pk}, "valeurs vides ignorées"
    with pytest.raises(ValidationError) as exc:
        f(typologie="grand")
    assert "typologie" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        f(couleur="bleu")
    assert "couleur" in exc.value.message_dict


def test_situations_sensibles_masquees_a_qui_n_en_a_pas_besoin(monde):
    agent, elu, lea = monde["agent"], monde["elu"], monde["lea"]
    vu_agent = situations_visibles(demande_detail(user=agent, pk=lea.pk), agent)
    assert [s.priorite_id for s in vu_agent] == ["l441_g", "l441_k"]
    assert vu_agent.motif_principal == enums.Motif.VIOLENCES
    assert any(p.critere == "l441_g" for p in vu_agent.pieces)

    vu_elu = situations_visibles(demande_detail(user=elu, pk=lea.pk), elu)
    assert [s.priorite_id for s in vu_elu] == ["l441_k"]
    assert vu_elu.motif_principal is None
    assert "Non communiqué" in vu_elu.motif_principal_libelle
    assert vu_elu.motifs_secondaires_libelles == ["Logement trop cher"]
    assert not any(p.critere == "l441_g" or p.sensible for p in vu_elu.pieces)
    assert any(p.critere == "identite" for p in vu_elu.pieces)
    with pytest.raises(ValidationError):
        demandes_liste(user=elu, filtres={"priorite": "l441_g"})


def test_historique(monde):
    lea = monde["lea"]
    actions = list(historique(lea).values_list("action", flat=True))
    assert "enregistrement" in actions
    assert "Garcia" not in " ".join(historique(lea).values_list("resume", flat=True))
