"""A small Grand Narbonne for the flux: a bailleur (Alogea) with dwellings in Narbonne (in and outside
QPV) and Gruissan, another bailleur outside (Carcassonne), and the réservataires: the Préfecture (State),
Action Logement, the Ville de Narbonne and the EPCI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from attrib.flux.models import ConventionReservation, LogementLibere
from attrib.flux.services import convention_enregistrer, logement_declarer_libere
from attrib.organisations.acteurs import Acteur, acteur_de, acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, Role, TypeOrganisation
from attrib.patrimoine.enums import Financement, SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from tests.factories import CARCASSONNE, GRUISSAN, NARBONNE, membre, territoire_minimal


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def creer_residence(
    identifiant: str, commune: str, bailleur: Organisation, typologies: list[int], *, en_qpv: bool = False
) -> Residence:
    residence = Residence.objects.create(
        identifiant=identifiant,
        nom=f"Résidence {identifiant}",
        commune_id=commune,
        bailleur=bailleur,
        en_qpv=en_qpv,
        numero_voie="3",
        type_voie="rue",
        nom_voie=f"des {identifiant.title()}",
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    Logement.objects.bulk_create(
        Logement(
            residence=residence,
            identifiant=f"{identifiant}-{i:03d}",
            nb_pieces=t,
            surface_habitable=Decimal("30") + 15 * t,
            financement=Financement.PLUS if i % 3 else Financement.PLAI,
        )
        for i, t in enumerate(typologies, start=1)
    )
    return residence


def _acteur(user: Any) -> Acteur:
    """The actor of a test's user, or the system when the test names none."""
    return acteur_systeme("test") if user is None else acteur_de(user)


@dataclass
class Monde:
    alogea: Organisation
    carcassonne: Organisation
    etat: Organisation
    action_logement: Organisation
    ville: Organisation
    epci: Organisation
    users: dict[str, Any]
    residences: dict[str, Residence]

    def logement(self, residence: str, rang: int = 1) -> Logement:
        return Logement.objects.get(identifiant=f"{self.residences[residence].identifiant}-{rang:03d}")

    def logements(self, residence: str) -> list[Logement]:
        return list(Logement.objects.filter(residence=self.residences[residence]).order_by("identifiant"))

    def convention(
        self, reservataire: Organisation, categorie: str, part: str | None, **kw: Any
    ) -> ConventionReservation:
        kw.setdefault("debut", date(timezone.localdate().year, 1, 1))
        return convention_enregistrer(
            bailleur=kw.pop("bailleur", self.alogea),
            reservataire=reservataire,
            categorie=categorie,
            part=None if part is None else Decimal(part),
            auteur=_acteur(kw.pop("auteur", None)),
            **kw,
        )

    def conventions_standard(self) -> dict[str, ConventionReservation]:
        """State 20 % + agents 5 %, Action Logement 25 %: the bailleur keeps 50 %."""
        return {
            "etat": self.convention(self.etat, "etat", "20"),
            "agents": self.convention(self.etat, "etat_agents", "5"),
            "al": self.convention(self.action_logement, "action_logement", "25"),
        }

    def declarer(self, logement: Logement, jour: date | None = None, **kw: Any) -> LogementLibere:
        return logement_declarer_libere(
            logement=logement,
            date_liberation=jour or timezone.localdate(),
            nature=kw.pop("nature", "relocation"),
            auteur=_acteur(kw.pop("auteur", None)),
            **kw,
        )


@pytest.fixture
def monde(db: None) -> Monde:
    gn = territoire_minimal()
    alogea = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR, epci=gn)
    carcassonne = Organisation.objects.create(nom="Carcassonne Habitat", type=TypeOrganisation.BAILLEUR)

    def reservataire(nom: str, type_: str, categorie: str, **kw: Any) -> Organisation:
        return Organisation.objects.create(nom=nom, type=type_, categorie_reservataire=categorie, **kw)

    etat = reservataire("Préfecture de l'Aude", TypeOrganisation.RESERVATAIRE, CategorieReservataire.ETAT)
    al = reservataire("Action Logement Services", TypeOrganisation.RESERVATAIRE, CategorieReservataire.ACTION_LOGEMENT)
    ville = reservataire(
        "Ville de Narbonne", TypeOrganisation.COMMUNE, CategorieReservataire.COMMUNE, commune_id=NARBONNE
    )
    epci = reservataire("CA Le Grand Narbonne", TypeOrganisation.EPCI, CategorieReservataire.EPCI, epci=gn)
    residences = {
        "ouest": creer_residence("OUEST", NARBONNE, alogea, [1, 2, 2, 3, 3, 3, 4, 4, 5, 2] * 3, en_qpv=True),
        "centre": creer_residence("CENTRE", NARBONNE, alogea, [2, 3, 3, 4, 1, 2] * 5),
        "plage": creer_residence("PLAGE", GRUISSAN, alogea, [2, 3, 4] * 4),
        "cite": creer_residence("CITE", CARCASSONNE, carcassonne, [3, 3, 4]),
    }
    users = {
        "alogea": membre(alogea, username="alogea"),
        "alogea_lecteur": membre(alogea, role=Role.CONSULTATION, username="alogea_lecteur"),
        "carcassonne": membre(carcassonne, username="carcassonne"),
        "etat": membre(etat, username="etat"),
        "al": membre(al, username="al"),
        "ville": membre(ville, username="ville"),
    }
    return Monde(
        alogea=alogea,
        carcassonne=carcassonne,
        etat=etat,
        action_logement=al,
        ville=ville,
        epci=epci,
        users=users,
        residences=residences,
    )


def hier() -> date:
    return timezone.localdate() - timedelta(days=1)
