"""The actor of a request: built once, from the memberships, with an explicit system actor."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from attrib.organisations.acteurs import ANONYME, Nature, Refus, acteur_de, acteur_systeme
from attrib.organisations.models import Role, TypeOrganisation
from tests.factories import OrganisationFactory, UserFactory, membre

pytestmark = pytest.mark.django_db


def test_un_agent_porte_ses_appartenances_et_ses_droits_d_ecriture() -> None:
    bailleur = OrganisationFactory(type=TypeOrganisation.BAILLEUR)
    commune = OrganisationFactory(type=TypeOrganisation.COMMUNE)
    user = membre(bailleur, Role.GESTIONNAIRE)
    user.memberships.create(organisation=commune, role=Role.CONSULTATION)

    acteur = acteur_de(user)

    assert acteur.nature is Nature.AGENT and not acteur.voit_tout
    assert sorted(acteur.organisation_ids()) == sorted([bailleur.pk, commune.pk])
    assert acteur.organisation_ids(ecriture=True) == [bailleur.pk]
    assert acteur.est_membre(commune.pk) and not acteur.est_membre(commune.pk, ecriture=True)
    assert acteur.organisations(types=(TypeOrganisation.BAILLEUR,)) == [bailleur]


def test_l_acteur_est_construit_une_fois_par_utilisateur(django_assert_num_queries) -> None:
    user = membre(OrganisationFactory())
    acteur_de(user)
    with django_assert_num_queries(0):
        assert acteur_de(user) is acteur_de(user)


def test_anonyme_superutilisateur_et_systeme() -> None:
    assert acteur_de(AnonymousUser()) is ANONYME and not ANONYME.est_authentifie
    admin = UserFactory(is_superuser=True)
    assert acteur_de(admin).est_superutilisateur and acteur_de(admin).voit_tout
    systeme = acteur_systeme("commande recoter")
    assert systeme.est_systeme and systeme.voit_tout and systeme.libelle == "Attrib (commande recoter)"
    with pytest.raises(ValueError):
        acteur_systeme("  ")


def test_un_refus_porte_son_message_en_francais() -> None:
    acteur = acteur_de(membre(OrganisationFactory(), Role.CONSULTATION))
    with pytest.raises(Refus, match="Seuls les gestionnaires"):
        acteur.exiger(bool(acteur.organisation_ids(ecriture=True)), "Seuls les gestionnaires peuvent le faire.")


def test_chaque_requete_porte_son_acteur(client: Client) -> None:
    user = membre(OrganisationFactory(type=TypeOrganisation.GUICHET))
    client.force_login(user)
    reponse = client.get("/")
    assert reponse.wsgi_request.acteur.user_id == user.pk  # type: ignore[attr-defined]
    assert reponse.wsgi_request.acteur.nature is Nature.AGENT  # type: ignore[attr-defined]
