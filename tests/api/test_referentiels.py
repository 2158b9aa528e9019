"""Read-only referentials of the API."""

from __future__ import annotations

import pytest

from attrib.territoires.models import QPV
from tests.api.aide import champs
from tests.factories import CARCASSONNE, COURSAN, GRUISSAN, NARBONNE

pytestmark = pytest.mark.django_db

GRAND_NARBONNE = "241100593"
CONTOUR = {"type": "Polygon", "coordinates": [[[3.0, 43.18], [3.01, 43.18], [3.01, 43.19], [3.0, 43.18]]]}


def codes(reponse, cle: str) -> list[str]:
    assert reponse.status_code == 200, reponse.content
    return [r[cle] for r in reponse.json()["results"]]


def test_communes_filtrees_par_epci_et_departement(api_ville):
    assert codes(api_ville.get("/api/v1/communes/", {"epci": GRAND_NARBONNE}), "code_insee") == [
        COURSAN,
        GRUISSAN,
        NARBONNE,
    ]
    tout = codes(api_ville.get("/api/v1/communes/", {"departement": "11"}), "code_insee")
    assert CARCASSONNE in tout and NARBONNE in tout
    assert codes(api_ville.get("/api/v1/communes/", {"departement": "34"}), "code_insee") == []
    ligne = api_ville.get("/api/v1/communes/", {"epci": GRAND_NARBONNE, "limit": 1}).json()["results"][0]
    assert ligne["epci"] == GRAND_NARBONNE and ligne["zone_plafond"]


def test_epci(api_ville):
    assert GRAND_NARBONNE in codes(api_ville.get("/api/v1/epci/"), "siren")


def test_qpv_contour_seulement_sur_demande(api_ville):
    QPV.objects.create(code="QN01101M", nom="Razimbaud", commune_id=NARBONNE, contour=CONTOUR)
    QPV.objects.create(code="QN01102M", nom="Le Viguier", commune_id=CARCASSONNE)
    sans = api_ville.get("/api/v1/qpv/", {"commune": NARBONNE}).json()["results"]
    assert sans == [{"code": "QN01101M", "nom": "Razimbaud", "commune": NARBONNE, "generation": "2015"}]
    avec = api_ville.get("/api/v1/qpv/", {"epci": GRAND_NARBONNE, "contour": "1"}).json()["results"]
    assert [q["contour"] for q in avec] == [CONTOUR]
    assert "contour" in champs(api_ville.get("/api/v1/qpv/", {"contour": "peut-être"}))


def test_priorites_l441_1(api_ville):
    lignes = {p["code"]: p for p in api_ville.get("/api/v1/priorites/", {"limit": 100}).json()["results"]}
    assert lignes["l441_g"]["lettre"] == "g" and lignes["l441_g"]["sensible"] is True
    assert lignes["l441_k"]["sensible"] is False
    avant = api_ville.get("/api/v1/priorites/", {"en_vigueur_le": "2000-01-01"}).json()
    assert avant["count"] < len(lignes)
    assert "en_vigueur_le" in champs(api_ville.get("/api/v1/priorites/", {"en_vigueur_le": "31/12/2026"}))


def test_organisations_publiques_et_les_miennes(api_ville, ville_narbonne, guichet_narbonne, guichet_carcassonne):
    toutes = {o["nom"]: o for o in api_ville.get("/api/v1/organisations/").json()["results"]}
    assert set(toutes) == {"Ville de Narbonne", "Guichet Narbonne", "Guichet Carcassonne"}
    assert toutes["Ville de Narbonne"]["role"] == "gestionnaire"
    assert toutes["Ville de Narbonne"]["perimetre"] == [NARBONNE]
    assert toutes["Guichet Carcassonne"]["role"] is None
    assert toutes["Guichet Carcassonne"]["perimetre"] is None, "le périmètre des autres n'est pas exposé"
    assert toutes["Guichet Carcassonne"]["code_guichet"] == "CAR01"
    miennes = api_ville.get("/api/v1/organisations/", {"miennes": "true"}).json()["results"]
    assert [o["nom"] for o in miennes] == ["Ville de Narbonne"]
    guichets = api_ville.get("/api/v1/organisations/", {"type": "guichet"}).json()["results"]
    assert {o["code_guichet"] for o in guichets} == {"NAR01", "CAR01"}


def test_referentiels_en_lecture_seule(api_narbonne):
    reponse = api_narbonne.post("/api/v1/communes/", {"code_insee": "11999"}, format="json")
    assert reponse.status_code == 405
    assert "POST" in champs(reponse)["__all__"]
