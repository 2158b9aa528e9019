"""A bailleur of the Grand Narbonne (Alogea, SIREN known) with a CALEOL, dwellings in Narbonne (one in QPV,
one PLAI), the State as réservataire of 20 % of the flux, and active demands from a Narbonne desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from attrib.commissions.enums import ModePresence, SensVote, Voix
from attrib.commissions.models import Commission, Seance
from attrib.commissions.services import commission_creer, presences_enregistrer, seance_creer, seance_ouvrir
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from attrib.patrimoine.enums import Financement, SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from tests.factories import (
    NARBONNE,
    a_l_heure,
    creer_demande,
    guichet,
    membre,
    membres_caleol,
    personne,
    territoire_minimal,
)

JOUR_SEANCE = date(2026, 3, 10)
DEPOT_DEMANDES = date(2025, 6, 2)


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Caleol:
    bailleur: Organisation
    etat: Organisation
    gestionnaire: Any
    commission: Commission
    seance: Seance
    logement: Logement
    logement_plai: Logement
    desk: Organisation
    demandes: list[Demande] = field(default_factory=list)

    def demande(self, nom: str, **kw: Any) -> Demande:
        # Filed before the session and its leases: an event never precedes the facts it follows.
        kw.setdefault("date_depot", DEPOT_DEMANDES)
        d = creer_demande(guichet_org=self.desk, personnes=[personne(nom=nom)], **kw)
        self.demandes.append(d)
        return d

    def votes(self, sens: str = SensVote.POUR) -> dict[int, str]:
        """Every deliberative member votes ``sens`` (in the room)."""
        return {m.pk: sens for m in self.commission.membres.filter(voix=Voix.DELIBERATIVE)}

    @property
    def pour(self) -> dict[int, str]:
        return self.votes(SensVote.POUR)

    @property
    def contre(self) -> dict[int, str]:
        return self.votes(SensVote.CONTRE)


def seance_ouverte(commission: Commission, jour: date = JOUR_SEANCE, *, a_distance: bool = False) -> Seance:
    """A session with every member present in the room, opened (quorum held)."""
    seance = seance_creer(auteur=acteur_systeme("test"), commission=commission, date_seance=jour, a_distance=a_distance)
    presences_enregistrer(
        auteur=acteur_systeme("test"),
        seance=seance,
        presences={m.pk: ModePresence.SEANCE for m in commission.membres.all()},
    )
    return seance_ouvrir(auteur=acteur_systeme("test"), seance=seance, ouverte_le=a_l_heure(jour, 9))


def monde_caleol(nombre_demandes: int = 4) -> Caleol:
    territoire_minimal()
    bailleur = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR, siren="272500022")
    etat = Organisation.objects.create(
        nom="Préfecture de l'Aude",
        type=TypeOrganisation.RESERVATAIRE,
        categorie_reservataire=CategorieReservataire.ETAT,
    )
    residence = Residence.objects.create(
        identifiant="OUEST",
        nom="Résidence Ouest",
        commune_id=NARBONNE,
        bailleur=bailleur,
        en_qpv=True,
        numero_voie="3",
        type_voie="rue",
        nom_voie="des Peupliers",
        code_postal="11100",
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    logement = Logement.objects.create(
        residence=residence,
        identifiant="OUEST-001",
        identifiant_rpls="0001234567",
        nb_pieces=3,
        surface_habitable=Decimal("65"),
        financement=Financement.PLUS,
        loyer_principal=Decimal("412.50"),
    )
    logement_plai = Logement.objects.create(
        residence=residence, identifiant="OUEST-002", nb_pieces=2, surface_habitable=Decimal("48"), financement="PLAI"
    )
    commission = commission_creer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        nom="CALEOL Narbonne",
        membres=membres_caleol(reservataire_consultatif=True),
    )
    monde = Caleol(
        bailleur=bailleur,
        etat=etat,
        gestionnaire=membre(bailleur, username="alogea"),
        commission=commission,
        seance=seance_ouverte(commission),
        logement=logement,
        logement_plai=logement_plai,
        desk=guichet(),
    )
    for nom in ["Martin", "Bernard", "Petit", "Robert", "Richard", "Durand", "Moreau", "Simon"][:nombre_demandes]:
        monde.demande(nom)
    return monde


@pytest.fixture
def caleol(db: None) -> Caleol:
    return monde_caleol()
