"""Who sees the housing stock: everyone in the territory reads it; outside, a residence is missing (404)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from attrib.organisations.models import Organisation, Role, TypeOrganisation
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from attrib.patrimoine.permissions import peut_modifier_residence
from attrib.patrimoine.selectors import residence_visible, residences_visibles, synthese_par_commune
from attrib.territoires.models import EPCI, Commune
from tests.factories import OrganisationFactory, UserFactory, membre
from tests.patrimoine.conftest import bailleur

pytestmark = pytest.mark.django_db

CARCASSONNE = "11069"


@pytest.fixture
def parc(grand_narbonne: None) -> dict[str, Residence]:
    carca = EPCI.objects.create(siren="200035715", nom="CA Carcassonne Agglo", nature="CA")
    Commune.objects.create(code_insee=CARCASSONNE, nom="Carcassonne", departement="11", region="76", epci=carca)
    alogea = bailleur("Alogea")
    residences = {}
    for code, commune, proprietaire, en_qpv in [
        ("narbonne", "11262", None, True),
        ("gruissan", "11170", alogea, False),
        ("carcassonne", CARCASSONNE, alogea, False),
        ("carcassonne_autre", CARCASSONNE, None, False),
    ]:
        residences[code] = Residence.objects.create(
            identifiant=code,
            commune_id=commune,
            bailleur=proprietaire,
            en_qpv=en_qpv,
            type_construction=TypeConstruction.COLLECTIF,
            source=SourceResidence.RPLS_ADRESSES,
        )
        Logement.objects.create(
            residence=residences[code],
            identifiant=f"{code}-001",
            nb_pieces=2,
            surface_habitable=Decimal("50"),
            loyer_principal=Decimal("267.31"),
            loyer_estime=True,
        )
    return residences


def visibles(user: object) -> set[str]:
    return set(residences_visibles(user).values_list("identifiant", flat=True))


def test_une_commune_du_grand_narbonne_voit_tout_le_parc_de_l_epci(parc: dict[str, Residence]) -> None:
    ville = OrganisationFactory(nom="Ville de Gruissan", type=TypeOrganisation.COMMUNE, commune_id="11170")
    agent = membre(ville, role=Role.CONSULTATION)

    assert visibles(agent) == {"narbonne", "gruissan"}
    assert set(Logement.objects.visible_to(agent).values_list("identifiant", flat=True)) == {
        "narbonne-001",
        "gruissan-001",
    }
    with pytest.raises(Http404):
        residence_visible(agent, parc["carcassonne"].pk)
    assert not peut_modifier_residence(agent, parc["gruissan"])


def test_le_bailleur_voit_son_territoire_et_son_parc_et_ne_modifie_que_le_sien(parc: dict[str, Residence]) -> None:
    alogea = Organisation.objects.get(nom="Alogea")
    alogea.perimetre.set(["11262"])
    gestionnaire = membre(alogea, role=Role.GESTIONNAIRE)
    lecteur = membre(alogea, role=Role.CONSULTATION)

    assert visibles(gestionnaire) == {"narbonne", "gruissan", "carcassonne"}
    assert residence_visible(gestionnaire, parc["carcassonne"].pk).nb_logements == 1  # type: ignore[attr-defined]
    assert peut_modifier_residence(gestionnaire, parc["gruissan"])
    assert not peut_modifier_residence(gestionnaire, parc["narbonne"])
    assert not peut_modifier_residence(lecteur, parc["gruissan"])


def test_sans_organisation_rien_superutilisateur_tout(parc: dict[str, Residence]) -> None:
    assert visibles(AnonymousUser()) == set()
    assert visibles(UserFactory()) == set()
    assert visibles(UserFactory(is_superuser=True)) == set(parc)


def test_synthese_par_commune(parc: dict[str, Residence]) -> None:
    synthese = synthese_par_commune(residences_visibles(UserFactory(is_superuser=True)))

    assert [(s.nom, s.residences, s.logements, s.logements_en_qpv, s.loyers_estimes) for s in synthese] == [
        ("Carcassonne", 2, 2, 0, 2),
        ("Gruissan", 1, 1, 0, 1),
        ("Narbonne", 1, 1, 1, 1),
    ]
    assert [(s.residences_sans_bailleur, s.residences_bailleur_estime) for s in synthese] == [(1, 0), (0, 0), (1, 0)]
