"""A small Grand Narbonne: the EPCI, two communes that rate (Narbonne, Gruissan), Coursan without a
rater organisation, two bailleurs, and residences of known sizes; Carcassonne is outside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation, Role, TypeOrganisation
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from attrib.qualification.models import Campagne
from attrib.qualification.services import campagne_ouvrir, notation_enregistrer
from tests.factories import CARCASSONNE, COURSAN, GRUISSAN, NARBONNE, membre, territoire_minimal


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def creer_residence(
    identifiant: str,
    commune: str,
    bailleur: Organisation | None,
    logements: int,
    *,
    en_qpv: bool = False,
    bailleur_estime: bool = False,
    nom: str = "",
) -> Residence:
    residence = Residence.objects.create(
        identifiant=identifiant,
        nom=nom or f"Résidence {identifiant}",
        commune_id=commune,
        bailleur=bailleur,
        bailleur_estime=bailleur_estime,
        en_qpv=en_qpv,
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    Logement.objects.bulk_create(
        Logement(
            residence=residence,
            identifiant=f"{identifiant}-{i:03d}",
            nb_pieces=3,
            surface_habitable=Decimal("60"),
            loyer_principal=Decimal("320.77"),
            loyer_estime=True,
        )
        for i in range(1, logements + 1)
    )
    return residence


@dataclass
class Territoire:
    epci: Organisation
    narbonne: Organisation
    gruissan: Organisation
    alogea: Organisation
    domitia: Organisation
    guichet: Organisation
    residences: dict[str, Residence]
    users: dict[str, Any]

    def ouvrir(self, annee: int | None = None, **kw: Any) -> Campagne:
        jour = timezone.localdate()
        return campagne_ouvrir(
            organisation=self.epci,
            annee=annee or jour.year,
            date_limite=jour + timedelta(days=60),
            auteur=acteur_de(self.users["epci"]),
            **kw,
        )

    def noter(self, campagne: Campagne, qui: str, residence: str, note: int | None, commentaire: str = "") -> Any:
        org = getattr(self, qui)
        return notation_enregistrer(
            campagne=campagne,
            organisation=org,
            residence=self.residences[residence],
            note=note,
            commentaire=commentaire,
            auteur=acteur_de(self.users[qui]),
        )


@pytest.fixture
def territoire(db: None) -> Territoire:
    gn = territoire_minimal()
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci=gn)
    narbonne = Organisation.objects.create(nom="Ville de Narbonne", type=TypeOrganisation.COMMUNE, commune_id=NARBONNE)
    gruissan = Organisation.objects.create(nom="Ville de Gruissan", type=TypeOrganisation.COMMUNE)
    gruissan.perimetre.set([GRUISSAN])
    alogea = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR)
    domitia = Organisation.objects.create(nom="Domitia Habitat", type=TypeOrganisation.BAILLEUR)
    guichet = Organisation.objects.create(
        nom="Maison de l'habitat", type=TypeOrganisation.GUICHET, code_guichet="MHN01"
    )
    guichet.perimetre.set([NARBONNE])
    residences = {
        # Narbonne: Alogea owns a, b, c; Domitia owns d; e has no known bailleur.
        "a": creer_residence("A", NARBONNE, alogea, 10, en_qpv=True),
        "b": creer_residence("B", NARBONNE, alogea, 20),
        "c": creer_residence("C", NARBONNE, alogea, 30),
        "d": creer_residence("D", NARBONNE, domitia, 40, bailleur_estime=True),
        "e": creer_residence("E", NARBONNE, None, 5),
        # Gruissan: Domitia.
        "g": creer_residence("G", GRUISSAN, domitia, 8),
        # Coursan: no commune organisation.
        "k": creer_residence("K", COURSAN, alogea, 12),
        # Outside the EPCI.
        "x": creer_residence("X", CARCASSONNE, alogea, 7),
    }
    users = {
        "epci": membre(epci, username="epci"),
        "narbonne": membre(narbonne, username="narbonne"),
        "gruissan": membre(gruissan, username="gruissan"),
        "alogea": membre(alogea, username="alogea"),
        "domitia": membre(domitia, username="domitia"),
        "guichet": membre(guichet, username="guichet"),
        "lecteur_narbonne": membre(narbonne, role=Role.CONSULTATION, username="lecteur_narbonne"),
    }
    return Territoire(
        epci=epci,
        narbonne=narbonne,
        gruissan=gruissan,
        alogea=alogea,
        domitia=domitia,
        guichet=guichet,
        residences=residences,
        users=users,
    )


def hier() -> date:
    return timezone.localdate() - timedelta(days=1)
