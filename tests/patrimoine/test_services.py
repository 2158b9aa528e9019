"""The bailleur's own changes to its residences and dwellings: permission, estimates replaced, audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from attrib.common.models import Evenement
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Role, TypeOrganisation
from attrib.patrimoine.enums import ReserveStock
from attrib.patrimoine.models import Logement, Residence
from attrib.patrimoine.services import bailleurs_estimer, logement_modifier, patrimoine_reconstituer, residence_modifier
from attrib.territoires.models import QPV
from tests.factories import OrganisationFactory, membre
from tests.patrimoine.conftest import FICHIER_COMPTAGES, bailleur

pytestmark = pytest.mark.django_db


@pytest.fixture
def residence(grand_narbonne: None) -> Residence:
    patrimoine_reconstituer(
        chemin=FICHIER_COMPTAGES, graine=2026, bailleurs=[bailleur("Alogea")], auteur=acteur_systeme("test")
    )
    return Residence.objects.get(identifiant="RPLS2019-11266-1973-C-H-01")


def test_le_bailleur_saisit_loyer_charges_et_accessibilite(residence: Residence) -> None:
    gestionnaire = membre(residence.bailleur, role=Role.GESTIONNAIRE)
    logement = residence.logements.order_by("identifiant").first()
    assert logement is not None and logement.loyer_estime

    logement_modifier(
        auteur=acteur_de(gestionnaire),
        logement=logement,
        donnees={
            "loyer_principal": Decimal("398.40"),
            "charges": Decimal("61.00"),
            "etage": 3,
            "ascenseur": True,
            "surface_habitable": Decimal("71.50"),
            "reserve_stock": ReserveStock.DEFENSE,
        },
    )

    logement.refresh_from_db()
    assert (logement.loyer_principal, logement.loyer_estime, logement.charges) == (
        Decimal("398.40"),
        False,
        Decimal("61.00"),
    )
    assert (logement.surface_habitable, logement.surface_estimee) == (Decimal("71.50"), False)
    assert (logement.etage, logement.ascenseur, logement.reserve_stock) == (3, True, "defense")
    evenement = Evenement.objects.pour(logement).get()
    assert evenement.action == "logement_modifie"
    assert evenement.auteur == gestionnaire
    assert evenement.details["loyer_principal"]["apres"] == "398.40"


def test_un_autre_que_le_bailleur_ne_modifie_rien(residence: Residence) -> None:
    commune = OrganisationFactory(nom="Ville de Port-la-Nouvelle", type=TypeOrganisation.COMMUNE, commune_id="11266")
    logement = residence.logements.first()
    assert logement is not None

    with pytest.raises(PermissionDenied, match="Seul le bailleur de la résidence"):
        logement_modifier(auteur=acteur_de(membre(commune)), logement=logement, donnees={"etage": 2})
    with pytest.raises(PermissionDenied):
        residence_modifier(
            auteur=acteur_de(membre(residence.bailleur, role=Role.CONSULTATION)),
            residence=residence,
            donnees={"nom": "X"},
        )
    assert not Evenement.objects.exists()


def test_valeurs_refusees_avec_le_champ_en_cause(residence: Residence) -> None:
    gestionnaire = membre(residence.bailleur)
    logement = residence.logements.first()
    assert logement is not None

    with pytest.raises(ValidationError) as erreur:
        logement_modifier(
            auteur=acteur_de(gestionnaire), logement=logement, donnees={"surface_habitable": Decimal("0")}
        )
    assert "La surface habitable doit être positive." in erreur.value.messages
    with pytest.raises(ValidationError) as erreur:
        logement_modifier(auteur=acteur_de(gestionnaire), logement=logement, donnees={"identifiant": "autre"})
    assert erreur.value.message_dict == {"identifiant": ["Ce champ ne peut pas être modifié ici."]}
    logement.refresh_from_db()
    assert logement.surface_estimee and logement.identifiant.startswith("RPLS2019-")


def test_le_bailleur_rattache_sa_residence_a_un_qpv(residence: Residence) -> None:
    centre = QPV.objects.get(code="QP011008")

    residence_modifier(
        auteur=acteur_de(membre(residence.bailleur)), residence=residence, donnees={"qpv": centre, "nom": "Les Pins"}
    )

    residence.refresh_from_db()
    assert (residence.qpv, residence.en_qpv, residence.nom) == (centre, True, "Les Pins")
    assert Evenement.objects.pour(residence).get().action == "residence_modifiee"


def test_estimer_les_bailleurs_demande_des_bailleurs(residence: Residence) -> None:
    with pytest.raises(ValidationError, match="Au moins un bailleur"):
        bailleurs_estimer(bailleurs=[], graine=1, auteur=acteur_systeme("test"))
    commune = OrganisationFactory(nom="Ville de Gruissan", type=TypeOrganisation.COMMUNE)
    with pytest.raises(ValidationError, match="n'est pas un bailleur social"):
        bailleurs_estimer(bailleurs=[commune], graine=1, auteur=acteur_systeme("test"))
    # A bailleur given by a source (not estimated) is never replaced by a draw.
    Residence.objects.filter(pk=residence.pk).update(bailleur_estime=False)
    autre = bailleur("Domitia Habitat")
    bailleurs_estimer(bailleurs=[autre], graine=1, auteur=acteur_systeme("test"))
    residence.refresh_from_db()
    assert residence.bailleur is not None and residence.bailleur.nom == "Alogea"
    assert Logement.objects.filter(residence__bailleur=autre).exists()
