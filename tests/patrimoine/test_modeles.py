"""Invariants of residences and dwellings held by the database itself."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from attrib.territoires.models import QPV

pytestmark = pytest.mark.django_db


def residence(identifiant: str = "R1", **champs: Any) -> Residence:
    valeurs: dict[str, Any] = {
        "commune_id": "11262",
        "nom_voie": "VOLTAIRE",
        "type_construction": TypeConstruction.COLLECTIF,
        "source": SourceResidence.RPLS_ADRESSES,
    }
    return Residence.objects.create(identifiant=identifiant, **(valeurs | champs))


def logement(res: Residence, identifiant: str = "L1", **champs: Any) -> Logement:
    valeurs: dict[str, Any] = {"nb_pieces": 3, "surface_habitable": Decimal("65.00")}
    return Logement.objects.create(residence=res, identifiant=identifiant, **(valeurs | champs))


def refuse(creer: Any, contrainte: str) -> None:
    with pytest.raises(IntegrityError, match=contrainte), transaction.atomic():
        creer()


@pytest.fixture
def res(grand_narbonne: None) -> Residence:
    return residence()


def test_contraintes_des_logements(res: Residence) -> None:
    logement(res)
    refuse(lambda: logement(res), "unique|UNIQUE|identifiant")
    refuse(lambda: logement(res, "L2", surface_habitable=Decimal("0")), "logement_surface_positive")
    refuse(lambda: logement(res, "L3", nb_pieces=0), "logement_nb_pieces_plausible")
    refuse(lambda: logement(res, "L4", nb_pieces=21), "logement_nb_pieces_plausible")
    refuse(lambda: logement(res, "L5", loyer_estime=True), "logement_loyer_estime_renseigne")
    refuse(lambda: logement(res, "L6", charges=Decimal("-1")), "logement_charges_positives")
    assert Logement.objects.count() == 1


def test_contraintes_des_residences(res: Residence) -> None:
    refuse(lambda: residence("R1"), "unique|UNIQUE|identifiant")
    refuse(lambda: residence("R2", qpv=QPV.objects.get(code="QP011008")), "residence_qpv_implique_en_qpv")
    refuse(lambda: residence("R3", enjeu_mixite=True), "residence_enjeu_mixite_motive")
    refuse(lambda: residence("R4", bailleur_estime=True), "residence_bailleur_estime_renseigne")
    refuse(lambda: residence("R5", annee_construction=850), "residence_annee_construction_plausible")
    motivee = residence("R6", enjeu_mixite=True, enjeu_mixite_motif="Concentration de ménages du premier quartile.")
    assert motivee.enjeu_mixite


def test_adresse_et_libelle(res: Residence) -> None:
    res.numero_voie, res.indice_repetition, res.type_voie = "16", "BIS", "RUE"
    assert res.adresse == "16 BIS RUE VOLTAIRE"
    assert str(res) == "16 BIS RUE VOLTAIRE"
    res.nom = "Résidence San Miguel"
    assert str(res) == "Résidence San Miguel"
    assert str(logement(res)) == "T3 de 65.00 m² — Résidence San Miguel"
