"""The CALEOL worlds of the tests, built from the factories.

``construire_caleol`` (``Caleol``; the ``caleol`` fixture of ``tests/commissions``): the Grand Narbonne; Alogea, a
bailleur (SIREN known) with a residence in a QPV of Narbonne and its dwellings (OUEST-001, PLUS 3 rooms, RPLS id
known; OUEST-002, PLAI); the State as a réservataire, with no agreement; active demands of the Narbonne desk filed
on 2 June 2025, not scored; Alogea's CALEOL (president, tenants' representative, mayor; Action Logement with voix
consultative) with a session opened on 10 March 2026, every member present. No dwelling is freed: the
commissions tests set the flux they need themselves.

``construire_monde_caleol`` (``MondeCaleol``; the shared fixture ``monde_caleol`` of ``tests/conftest.py``): the
same, plus the EPCI's organisation, the agreements of the State (20 %) and Action Logement (25 %) from 1 January
2026, OUEST-001 freed on 2 February 2026 and oriented by the flux, and the demands scored by the EPCI's
published grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from attrib.commissions.enums import SensVote, Voix
from attrib.commissions.models import Commission, Seance
from attrib.cotation.models import VersionGrille
from attrib.cotation.services import cotations_recalculer, version_publier
from attrib.demandes.models import Demande
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation
from attrib.organisations.models import CategorieReservataire, Organisation, User
from attrib.patrimoine.enums import Financement
from attrib.patrimoine.models import Logement, Residence
from attrib.territoires.models import EPCI
from tests.factories import membre, personne, territoire_minimal
from tests.factories.modeles import (
    DEPOT,
    JOUR_SEANCE,
    BailleurFactory,
    CommissionFactory,
    ConventionReservationFactory,
    DemandeFactory,
    LogementFactory,
    LogementLibereFactory,
    ReservataireFactory,
    ResidenceFactory,
    VersionGrilleFactory,
    guichet_narbonne,
    organisation_epci,
    seance_ouverte,
)
from tests.factories.systeme import services_par_le_systeme

services_par_le_systeme(globals())

NOMS = ["Martin", "Bernard", "Petit", "Robert", "Richard", "Durand", "Moreau", "Simon"]


@dataclass(kw_only=True)
class Caleol:
    """A bailleur's CALEOL with its opened session, two dwellings and the desk's demands."""

    epci: EPCI
    bailleur: Organisation
    gestionnaire: User
    residence: Residence
    logement: Logement
    logement_plai: Logement
    etat: Organisation
    desk: Organisation
    commission: Commission
    seance: Seance
    demandes: list[Demande] = field(default_factory=list)

    def demande(self, nom: str, **kw: Any) -> Demande:
        """One more active demand of the Narbonne desk (filed before the session), not yet scored."""
        kw.setdefault("date_depot", DEPOT)
        d = DemandeFactory(guichet_org=self.desk, personnes=[personne(nom=nom)], **kw)
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


@dataclass(kw_only=True)
class MondeCaleol(Caleol):
    """The CALEOL world with its flux (agreements, OUEST-001 freed and oriented) and the EPCI's published grid."""

    epci_org: Organisation
    action_logement: Organisation
    conventions: dict[str, ConventionReservation]
    logement_libere: LogementLibere
    orientation: Orientation
    grille: VersionGrille

    def coter(self, jour: date = JOUR_SEANCE) -> None:
        """Re-score every active demand with the published grid."""
        cotations_recalculer(organisation=self.epci_org, jour=jour)


def construire_caleol(nombre_demandes: int = 4) -> Caleol:
    """The CALEOL world without flux nor scores (see the module's docstring)."""
    epci = territoire_minimal()
    bailleur = BailleurFactory(nom="Alogea", siren="272500022", epci=epci)
    residence = ResidenceFactory(identifiant="OUEST", nom="Résidence Ouest", bailleur=bailleur, en_qpv=True)
    commission = CommissionFactory(bailleur=bailleur, nom="CALEOL Narbonne")
    caleol = Caleol(
        epci=epci,
        bailleur=bailleur,
        gestionnaire=membre(bailleur, username="alogea"),
        residence=residence,
        logement=LogementFactory(residence=residence, identifiant="OUEST-001", identifiant_rpls="0001234567"),
        logement_plai=LogementFactory(
            residence=residence,
            identifiant="OUEST-002",
            identifiant_rpls="0001234568",
            nb_pieces=2,
            surface_habitable=Decimal("48"),
            financement=Financement.PLAI,
        ),
        etat=ReservataireFactory(nom="Préfecture de l'Aude", categorie_reservataire=CategorieReservataire.ETAT),
        desk=guichet_narbonne(),
        commission=commission,
        seance=seance_ouverte(commission),
    )
    for nom in NOMS[:nombre_demandes]:
        caleol.demande(nom)
    return caleol


def construire_monde_caleol(nombre_demandes: int = 4) -> MondeCaleol:
    """The CALEOL world with its flux and scores (see the module's docstring)."""
    caleol = construire_caleol(nombre_demandes)
    epci_org = organisation_epci()
    action_logement = ReservataireFactory(
        nom="Action Logement Services", categorie_reservataire=CategorieReservataire.ACTION_LOGEMENT
    )
    conventions = {
        "etat": ConventionReservationFactory(bailleur=caleol.bailleur, reservataire=caleol.etat, part=Decimal("20")),
        "action_logement": ConventionReservationFactory(
            bailleur=caleol.bailleur, reservataire=action_logement, categorie="action_logement", part=Decimal("25")
        ),
    }
    logement_libere = LogementLibereFactory(logement=caleol.logement)
    monde = MondeCaleol(
        **{f.name: getattr(caleol, f.name) for f in fields(Caleol)},
        epci_org=epci_org,
        action_logement=action_logement,
        conventions=conventions,
        logement_libere=logement_libere,
        orientation=logement_libere.orientations.get(actuelle=True),
        grille=VersionGrilleFactory(organisation=epci_org),
    )
    version_publier(version=monde.grille, jour=JOUR_SEANCE)
    monde.grille.refresh_from_db()
    return monde
