"""The essential-worker declaration through the API (L441-1 CCH 35th paragraph): written, read back,
and refused with a located French message when incoherent."""

from __future__ import annotations

import pytest

from attrib.demandes.models import Demande
from tests.api.aide import champs, corps_demande

pytestmark = pytest.mark.django_db


def test_declaration_enregistree_puis_relue(api_narbonne):
    corps = corps_demande()
    corps["personnes"][0] |= {
        "situation_professionnelle": "cdd",
        "emploi_non_teletravaillable": True,
        "secteur_essentiel": "securite_secours",
    }
    reponse = api_narbonne.post("/api/v1/demandes/", corps, format="json")
    assert reponse.status_code == 201, reponse.content
    lue = api_narbonne.get(f"/api/v1/demandes/{reponse.json()['numero_unique']}/").json()
    demandeur = lue["personnes"][0]
    assert (demandeur["emploi_non_teletravaillable"], demandeur["secteur_essentiel"]) == (True, "securite_secours")


@pytest.mark.parametrize(
    ("personne", "cle", "message"),
    [
        (
            {"situation_professionnelle": "cdi", "emploi_non_teletravaillable": True, "secteur_essentiel": "banque"},
            "personnes[0].secteur_essentiel",
            "banque",
        ),
        (
            {"situation_professionnelle": "retraite", "emploi_non_teletravaillable": True},
            "personnes[0].emploi_non_teletravaillable",
            "personne en emploi",
        ),
    ],
)
def test_declaration_incoherente_refusee_et_localisee(api_narbonne, personne, cle, message):
    corps = corps_demande()
    corps["personnes"][0] |= personne
    reponse = api_narbonne.post("/api/v1/demandes/", corps, format="json")
    assert reponse.status_code == 400
    assert message in champs(reponse)[cle]
    assert Demande.objects.count() == 0
