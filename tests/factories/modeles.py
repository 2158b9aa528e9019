"""One factory per concrete model of ``attrib/*``, each creating a valid saved row.

Rows a service writes are created through that service (demands, agreements, freed dwellings and their
orientation, grids and scores, campaigns and notes, commissions to leases, frozen documents): a factory
never writes what the service would refuse. Reference rows with no service (territories, dwellings,
organisations) are plain model factories. Every date is fixed, never today's.

``FABRIQUES`` maps each model to its factory; ``tests/test_fabriques.py`` checks that none is missing.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import override_settings
from django.utils import timezone

from attrib.annonces.models import Annonce, Candidature, PhotoAnnonce, RegleLocationVoulue
from attrib.annonces.services import (
    annonce_creer,
    annonce_publier,
    candidature_deposer,
    photo_ajouter,
    regle_enregistrer,
)
from attrib.avis.models import Avis, Envoi, Filigrane
from attrib.commissions.enums import ModePresence, SensVote, TypeDecision, Voix
from attrib.commissions.models import (
    Bail,
    Commission,
    Decision,
    Examen,
    MembreCommission,
    Offre,
    Presence,
    Seance,
    Vote,
)
from attrib.commissions.services import (
    bail_signer,
    commission_creer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    presences_enregistrer,
    seance_creer,
    seance_ouvrir,
    vote_enregistrer,
)
from attrib.common.models import Evenement
from attrib.common.services import evenement_enregistrer
from attrib.cotation import calcul
from attrib.cotation.enums import TypeGrille
from attrib.cotation.models import Cotation, CotationHistorique, GrilleCotation, TacheCotation, VersionGrille
from attrib.cotation.services import cotations_recalculer, grille_importer_yaml, version_publier
from attrib.dalo.alertes import alertes_dalo_ecrire
from attrib.dalo.enums import SensDecision
from attrib.dalo.models import AlerteDalo, DecisionDalo, DesignationPrefet
from attrib.dalo.services import decision_dalo_enregistrer, designation_enregistrer
from attrib.demandes import enums
from attrib.demandes.doublons import doublons_detecter
from attrib.demandes.models import (
    CommuneSouhaitee,
    CompteurNumero,
    Demande,
    DoublonPotentiel,
    MotifSecondaire,
    Personne,
    PieceJustificative,
    PrioriteLegale,
    SituationPrioritaire,
)
from attrib.demandes.pieces import piece_deposer, piece_valider
from attrib.demandeurs.models import CodeLiaison, CompteDemandeur, Liaison
from attrib.documents.models import Document, Instantane
from attrib.documents.services import document_figer, instantane_etablir
from attrib.engine.siret import completer_cle
from attrib.exploitation.models import Effacement, Regle
from attrib.flux.enums import Arbitrage
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation, ReglageFlux
from attrib.flux.services import (
    convention_enregistrer,
    logement_declarer_libere,
    orientation_forcer,
    reglage_flux_enregistrer,
)
from attrib.information.models import InstantanePosition
from attrib.journal.models import EntreeJournal, GenerationRacine
from attrib.labellisation.enums import ModeConsentement, ObjetConsentement
from attrib.labellisation.models import (
    Accompagnement,
    Consentement,
    Label,
    PieceLabel,
    Qualification,
    RegleLabellisation,
    ValidationCritere,
)
from attrib.labellisation.services import (
    accompagnement_ouvrir,
    consentement_recueillir,
    critere_valider,
    demande_qualifier,
    label_proposer,
)
from attrib.labellisation.services import regle_enregistrer as regle_labellisation_enregistrer
from attrib.organisations.models import (
    CategorieReservataire,
    Membership,
    Organisation,
    Role,
    TypeOrganisation,
    User,
)
from attrib.partenariat.enums import MotifCloture, NatureDecision, QualiteMembre, SensAvis
from attrib.partenariat.models import (
    AvisPartenaire,
    ClotureDossier,
    CommissionPartenariale,
    DecisionCommission,
    Dossier,
    EvaluationSociale,
    InscriptionDossier,
    MembreCommissionPartenariale,
    PresenceSeancePartenariale,
    SeancePartenariale,
)
from attrib.partenariat.services import (
    avis_donner,
    decision_prendre,
    dossier_clore,
    dossier_inscrire,
    dossier_saisir,
    evaluation_joindre,
)
from attrib.partenariat.services import commission_creer as commission_partenariale_creer
from attrib.partenariat.services import membre_ajouter as membre_partenarial_ajouter
from attrib.partenariat.services import presences_enregistrer as presences_partenariales_enregistrer
from attrib.partenariat.services import seance_creer as seance_partenariale_creer
from attrib.partenariat.services import seance_ouvrir as seance_partenariale_ouvrir
from attrib.patrimoine.enums import Financement, SourceResidence, TypeConstruction
from attrib.patrimoine.models import IndicateursOccupation, Logement, Residence
from attrib.qualification.models import Campagne, EnjeuMixite, Notation, NoteHarmonisee, ResultatResidence
from attrib.qualification.services import (
    campagne_cloturer,
    campagne_ouvrir,
    enjeu_mixite_marquer,
    notation_enregistrer,
    note_harmonisee_enregistrer,
)
from attrib.rapprochement.choix import CandidatChoisi, choix_transmettre
from attrib.rapprochement.cotisantes import cotisantes_importer
from attrib.rapprochement.models import ChoixReservataire, EntrepriseCotisante, LigneChoix, LotPropositions
from attrib.siad.models import ChiffresCles, Creneau, ExceptionHoraire, LieuAccueil, PlageHoraire, RendezVous
from attrib.taches.models import StatutTravail, Travail
from attrib.territoires.models import EPCI, QPV, Commune
from tests.factories import (
    NARBONNE,
    OrganisationFactory,
    UserFactory,
    a_l_heure,
    creer_demande,
    membres_caleol,
    personne,
    territoire_minimal,
)
from tests.factories.systeme import SYSTEME as SYSTEME_FABRIQUE
from tests.factories.systeme import services_par_le_systeme

services_par_le_systeme(globals())

__all__ = [
    "FABRIQUES",
    "DEPOT",
    "JOUR_SEANCE",
    "GRILLE_SIMPLE",
    "guichet_narbonne",
    "organisation_epci",
    "seance_ouverte",
    "coter_les_demandes",
]

#: Demands are filed before the session, the session is held before its offers and leases.
DEPOT = date(2025, 6, 2)
JOUR_SEANCE = date(2026, 3, 10)

#: The test grid (``grille_simple.yaml`` beside this module): DALO 1000 (to validate), sans logement (l441_k)
#: 300, violences (l441_g) 500, 10 points per month of seniority capped at 600: the legal block every grid must
#: hold, and one local criterion.
GRILLE_SIMPLE = (Path(__file__).parent / "grille_simple.yaml").read_text(encoding="utf-8")


def _narbonne() -> Commune:
    territoire_minimal()
    return Commune.objects.get(pk=NARBONNE)


def guichet_narbonne() -> Organisation:
    """The registration desk of Narbonne (one per database)."""
    territoire_minimal()
    org, cree = Organisation.objects.get_or_create(
        code_guichet="NAR01",
        defaults={"nom": "Guichet Narbonne", "type": TypeOrganisation.GUICHET, "commune_id": NARBONNE},
    )
    if cree:
        org.perimetre.set([NARBONNE])
    return org


def organisation_epci() -> Organisation:
    """The Grand Narbonne as an organisation (its grids, campaigns and batches; one per database)."""
    gn = territoire_minimal()
    org, cree = Organisation.objects.get_or_create(
        type=TypeOrganisation.EPCI, epci=gn, defaults={"nom": "CA Le Grand Narbonne"}
    )
    if cree:
        org.perimetre.set(gn.communes.all())
    return org


def seance_ouverte(commission: Commission, jour: date = JOUR_SEANCE) -> Seance:
    """A session with every member present in the room, opened (quorum held)."""
    seance = seance_creer(commission=commission, date_seance=jour)
    presences_enregistrer(seance=seance, presences={m.pk: ModePresence.SEANCE for m in commission.membres.all()})
    return seance_ouvrir(seance=seance, ouverte_le=a_l_heure(jour, 9))


def coter_les_demandes(jour: date = JOUR_SEANCE) -> None:
    """Score every active demand of the Grand Narbonne: publish its grid the first time, re-score after."""
    org = organisation_epci()
    if calcul.versions_publiees(org):
        cotations_recalculer(organisation=org, jour=jour)
    else:
        version_publier(version=VersionGrilleFactory(organisation=org), jour=jour)


def _votes_pour(commission: Commission) -> dict[int, str]:
    return {m.pk: SensVote.POUR for m in commission.membres.filter(voix=Voix.DELIBERATIVE)}


class _ParService(factory.Factory):
    """A factory whose ``_create`` goes through the product's service (``creer``)."""

    class Meta:
        abstract = True

    #: The product's service that writes the row; every concrete factory names it (``creer``).
    creer: Any

    @classmethod
    def _create(cls, model_class: type[models.Model], *args: Any, **kwargs: Any) -> Any:
        return cls.creer(**kwargs)


# --- territories and organisations -------------------------------------------------------------------------


class EPCIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EPCI
        django_get_or_create = ("siren",)

    siren = factory.Sequence(lambda n: f"2000{n:05d}")
    nom = factory.Sequence(lambda n: f"CC Essai {n}")
    nature = "CC"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code_insee",)

    code_insee = factory.Sequence(lambda n: f"11{500 + n % 500:03d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    departement = "11"
    region = "76"
    epci = factory.SubFactory(EPCIFactory)


class QPVFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QPV

    code = factory.Sequence(lambda n: f"QN011{n:03d}")
    nom = factory.Sequence(lambda n: f"Quartier {n}")
    commune = factory.LazyFunction(_narbonne)


class BailleurFactory(OrganisationFactory):
    nom = factory.Sequence(lambda n: f"Bailleur {n}")
    type = TypeOrganisation.BAILLEUR
    siren = factory.Sequence(lambda n: f"27250{n:04d}")
    epci = factory.LazyFunction(territoire_minimal)


class ReservataireFactory(OrganisationFactory):
    nom = factory.Sequence(lambda n: f"Réservataire {n}")
    type = TypeOrganisation.RESERVATAIRE
    categorie_reservataire = CategorieReservataire.ETAT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.GESTIONNAIRE


# --- demands -------------------------------------------------------------------------------------------------


class PrioriteLegaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrioriteLegale
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"essai_{n}")
    libelle = factory.Sequence(lambda n: f"Priorité d'essai {n}")
    base_legale = "L441-1 CCH"
    date_debut = date(2024, 1, 1)


class CompteurNumeroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompteurNumero

    departement = "11"
    annee = factory.Sequence(lambda n: 1990 + n % 30)


class DemandeFactory(_ParService):
    """A demand registered through ``demande_enregistrer`` at the Narbonne desk, filed on ``DEPOT``."""

    class Meta:
        model = Demande

    guichet_org = factory.LazyFunction(guichet_narbonne)
    date_depot = DEPOT
    personnes = factory.LazyFunction(lambda: [personne()])

    @classmethod
    def creer(cls, **kwargs: Any) -> Demande:
        return creer_demande(**kwargs)


class PersonneFactory(_ParService):
    """The applicant of a new demand (persons are written by the demand's service); keyword arguments
    describe the person."""

    class Meta:
        model = Personne

    nom = factory.Sequence(lambda n: f"Personne{n}")

    @classmethod
    def creer(cls, **kwargs: Any) -> Personne:
        demande = DemandeFactory(personnes=[personne(**kwargs)])
        return demande.personnes.get()


class CommuneSouhaiteeFactory(_ParService):
    class Meta:
        model = CommuneSouhaitee

    @classmethod
    def creer(cls, **kwargs: Any) -> CommuneSouhaitee:
        return DemandeFactory(**kwargs).communes_souhaitees.order_by("rang").first()


class MotifSecondaireFactory(_ParService):
    class Meta:
        model = MotifSecondaire

    motifs_secondaires = (enums.Motif.HEBERGE,)

    @classmethod
    def creer(cls, **kwargs: Any) -> MotifSecondaire:
        return DemandeFactory(**kwargs).motifs_secondaires.get()


class SituationPrioritaireFactory(_ParService):
    """A demand with the L441-1 k) priority (no housing)."""

    class Meta:
        model = SituationPrioritaire

    priorites = ("l441_k",)

    @classmethod
    def creer(cls, **kwargs: Any) -> SituationPrioritaire:
        return DemandeFactory(**kwargs).situations_prioritaires.get()


class PieceJustificativeFactory(_ParService):
    """The documents a priority calls for, listed by the demand's service."""

    class Meta:
        model = PieceJustificative

    priorites = ("l441_k",)

    @classmethod
    def creer(cls, **kwargs: Any) -> PieceJustificative:
        return DemandeFactory(**kwargs).pieces.order_by("pk").first()


class DoublonPotentielFactory(_ParService):
    """Two demands of the same person, then the duplicate detection."""

    class Meta:
        model = DoublonPotentiel

    nom = factory.Sequence(lambda n: f"Homonyme{n}")

    @classmethod
    def creer(cls, *, nom: str) -> DoublonPotentiel:
        a = DemandeFactory(personnes=[personne(nom=nom)])
        b = DemandeFactory(personnes=[personne(nom=nom)])
        doublons_detecter(demandes=[a, b], aujourd_hui=DEPOT)
        return DoublonPotentiel.objects.get(demande_a__in=(a, b), demande_b__in=(a, b))


# --- cotation --------------------------------------------------------------------------------------------------


class VersionGrilleFactory(_ParService):
    """A draft version of the Grand Narbonne's general grid, imported from YAML."""

    class Meta:
        model = VersionGrille

    organisation = factory.LazyFunction(organisation_epci)
    type_grille = TypeGrille.GENERALE
    contenu = GRILLE_SIMPLE

    @classmethod
    def creer(cls, **kwargs: Any) -> VersionGrille:
        return grille_importer_yaml(nom_fichier="grille.yaml", **kwargs)


class EpciOrganisationFactory(OrganisationFactory):
    """The organisation of a new EPCI (one grid of each type per EPCI)."""

    nom = factory.Sequence(lambda n: f"EPCI {n}")
    type = TypeOrganisation.EPCI
    epci = factory.SubFactory(EPCIFactory)


class GrilleCotationFactory(_ParService):
    """The general grid of a new EPCI, with its first (draft) version."""

    class Meta:
        model = GrilleCotation

    organisation = factory.SubFactory(EpciOrganisationFactory)

    @classmethod
    def creer(cls, **kwargs: Any) -> GrilleCotation:
        return VersionGrilleFactory(**kwargs).grille


class TacheCotationFactory(_ParService):
    """The task of a grid's publication (which scores every active demand)."""

    class Meta:
        model = TacheCotation

    @classmethod
    def creer(cls, **kwargs: Any) -> TacheCotation:
        return version_publier(version=VersionGrilleFactory(**kwargs), jour=JOUR_SEANCE)


class CotationFactory(_ParService):
    """The score of a demand, computed by publishing a grid."""

    class Meta:
        model = Cotation

    demande = factory.SubFactory(DemandeFactory)

    @classmethod
    def creer(cls, *, demande: Demande) -> Cotation:
        TacheCotationFactory()
        return Cotation.objects.get(demande=demande)


class CotationHistoriqueFactory(_ParService):
    """A superseded score: the demand scored, then re-scored a month later."""

    class Meta:
        model = CotationHistorique

    demande = factory.SubFactory(DemandeFactory)

    @classmethod
    def creer(cls, *, demande: Demande) -> CotationHistorique:
        cotation = CotationFactory(demande=demande)
        cotations_recalculer(organisation=cotation.version.grille.organisation, jour=date(2026, 4, 10))
        return CotationHistorique.objects.filter(demande=demande).latest("pk")


# --- housing stock --------------------------------------------------------------------------------------------


class ResidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residence

    identifiant = factory.Sequence(lambda n: f"RES{n:03d}")
    nom = factory.Sequence(lambda n: f"Résidence {n}")
    commune = factory.LazyFunction(_narbonne)
    bailleur = factory.SubFactory(BailleurFactory)
    numero_voie = "3"
    type_voie = "rue"
    nom_voie = "des Peupliers"
    code_postal = "11100"
    type_construction = TypeConstruction.COLLECTIF
    source = SourceResidence.RPLS_ADRESSES


class LogementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Logement

    residence = factory.SubFactory(ResidenceFactory)
    identifiant = factory.Sequence(lambda n: f"LGT-{n:04d}")
    identifiant_rpls = factory.Sequence(lambda n: f"{1000000 + n:010d}")
    nb_pieces = 3
    surface_habitable = Decimal("65")
    financement = Financement.PLUS
    loyer_principal = Decimal("412.50")


class IndicateursOccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicateursOccupation

    residence = factory.SubFactory(ResidenceFactory)
    annee = 2025
    source = "Enquête OPS 2024"
    part_menages_q1 = Decimal("18.50")


# --- rating campaigns -----------------------------------------------------------------------------------------


class CampagneFactory(_ParService):
    """A campaign of the Grand Narbonne, opened on 15 January of its year (one per year)."""

    class Meta:
        model = Campagne

    annee = factory.Sequence(lambda n: 2000 + n % 60)

    @classmethod
    def creer(cls, *, annee: int) -> Campagne:
        return campagne_ouvrir(
            organisation=organisation_epci(),
            annee=annee,
            date_limite=date(annee, 3, 31),
            aujourd_hui=date(annee, 1, 15),
        )


def _ville_de_narbonne() -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        type=TypeOrganisation.COMMUNE, commune_id=NARBONNE, defaults={"nom": "Ville de Narbonne"}
    )
    return org


class NotationFactory(_ParService):
    """The bailleur's note of its residence in a campaign."""

    class Meta:
        model = Notation

    note = 2

    @classmethod
    def creer(cls, *, note: int, campagne: Campagne | None = None, residence: Residence | None = None) -> Notation:
        residence = residence or ResidenceFactory()
        campagne = campagne or CampagneFactory()
        notation = notation_enregistrer(
            campagne=campagne, organisation=residence.bailleur, residence=residence, note=note
        )
        assert notation is not None
        return notation


def _campagne_divergente() -> tuple[Campagne, Residence]:
    """A closed campaign where the commune (1) and the bailleur (4) disagree on one residence."""
    _ville_de_narbonne()
    residence = ResidenceFactory()
    campagne = CampagneFactory()
    notation_enregistrer(campagne=campagne, organisation=_ville_de_narbonne(), residence=residence, note=1)
    NotationFactory(campagne=campagne, residence=residence, note=4)
    campagne_cloturer(campagne=campagne)
    return campagne, residence


class ResultatResidenceFactory(_ParService):
    class Meta:
        model = ResultatResidence

    @classmethod
    def creer(cls) -> ResultatResidence:
        campagne, residence = _campagne_divergente()
        return ResultatResidence.objects.get(campagne=campagne, residence=residence)


class NoteHarmoniseeFactory(_ParService):
    class Meta:
        model = NoteHarmonisee

    note = 3

    @classmethod
    def creer(cls, *, note: int) -> NoteHarmonisee:
        campagne, residence = _campagne_divergente()
        return note_harmonisee_enregistrer(
            campagne=campagne,
            residence=residence,
            note=note,
            participants="Mme Durand (Ville de Narbonne), M. Roux (bailleur)",
            motif="Note retenue après visite commune.",
        )


class EnjeuMixiteFactory(_ParService):
    class Meta:
        model = EnjeuMixite

    residence = factory.SubFactory(ResidenceFactory)
    motif = "Concentration de ménages du premier quartile."

    @classmethod
    def creer(cls, **kwargs: Any) -> EnjeuMixite:
        return enjeu_mixite_marquer(**kwargs)


# --- flux -----------------------------------------------------------------------------------------------------


class ReglageFluxFactory(_ParService):
    class Meta:
        model = ReglageFlux

    bailleur = factory.SubFactory(BailleurFactory)
    arbitrage = Arbitrage.STRATES

    @classmethod
    def creer(cls, **kwargs: Any) -> ReglageFlux:
        return reglage_flux_enregistrer(**kwargs)


class ConventionReservationFactory(_ParService):
    """The State's 25 % of a bailleur's flux from 1 January 2026."""

    class Meta:
        model = ConventionReservation

    bailleur = factory.SubFactory(BailleurFactory)
    reservataire = factory.SubFactory(ReservataireFactory)
    categorie = "etat"
    part = Decimal("25")
    debut = date(2026, 1, 1)

    @classmethod
    def creer(cls, **kwargs: Any) -> ConventionReservation:
        return convention_enregistrer(**kwargs)


class LogementLibereFactory(_ParService):
    """A dwelling freed on 2 February 2026 (relocation), declared by its bailleur; with an agreement in force
    it is oriented to a réservataire."""

    class Meta:
        model = LogementLibere

    logement = factory.SubFactory(LogementFactory)
    date_liberation = date(2026, 2, 2)
    nature = "relocation"
    aujourd_hui = date(2026, 2, 3)

    @classmethod
    def creer(cls, **kwargs: Any) -> LogementLibere:
        return logement_declarer_libere(**kwargs)


class OrientationFactory(_ParService):
    class Meta:
        model = Orientation

    logement = factory.SubFactory(LogementFactory)

    @classmethod
    def creer(cls, *, logement: Logement) -> Orientation:
        ConventionReservationFactory(bailleur=logement.residence.bailleur, debut=date(2026, 1, 1))
        libere = LogementLibereFactory(logement=logement)
        return libere.orientations.get(actuelle=True)


# --- CALEOL ---------------------------------------------------------------------------------------------------


class CommissionFactory(_ParService):
    class Meta:
        model = Commission

    bailleur = factory.SubFactory(BailleurFactory)
    nom = factory.Sequence(lambda n: f"CALEOL {n}")
    membres = factory.LazyFunction(lambda: membres_caleol(reservataire_consultatif=True))

    @classmethod
    def creer(cls, **kwargs: Any) -> Commission:
        return commission_creer(**kwargs)


class MembreCommissionFactory(_ParService):
    """The president of a new commission (members are written with their commission)."""

    class Meta:
        model = MembreCommission

    @classmethod
    def creer(cls, **kwargs: Any) -> MembreCommission:
        return CommissionFactory(**kwargs).membres.get(president=True)


class SeanceFactory(_ParService):
    class Meta:
        model = Seance

    commission = factory.SubFactory(CommissionFactory)
    date_seance = JOUR_SEANCE

    @classmethod
    def creer(cls, **kwargs: Any) -> Seance:
        return seance_creer(**kwargs)


class PresenceFactory(_ParService):
    class Meta:
        model = Presence

    @classmethod
    def creer(cls) -> Presence:
        return seance_ouverte(CommissionFactory()).presences.order_by("pk").first()


class ExamenFactory(_ParService):
    """A dwelling of the commission's bailleur on the agenda of an open session with three candidates; the
    factory returns the first (rank 1)."""

    class Meta:
        model = Examen

    @classmethod
    def creer(cls) -> Examen:
        commission = CommissionFactory()
        seance = seance_ouverte(commission)
        logement = LogementFactory(residence__bailleur=commission.bailleur)
        candidats = [DemandeFactory(personnes=[personne(nom=nom)]) for nom in ("Martin", "Bernard", "Petit")]
        return examen_inscrire(seance=seance, logement=logement, candidats=candidats)[0]


class VoteFactory(_ParService):
    class Meta:
        model = Vote

    sens = SensVote.POUR

    @classmethod
    def creer(cls, *, sens: str) -> Vote:
        examen = ExamenFactory()
        membre = examen.seance.commission.membres.filter(voix=Voix.DELIBERATIVE).order_by("pk").first()
        assert membre is not None
        return vote_enregistrer(examen=examen, membre=membre, sens=sens)


class DecisionFactory(_ParService):
    """The attribution of the dwelling to the rank-1 candidate, every deliberative member for."""

    class Meta:
        model = Decision

    @classmethod
    def creer(cls) -> Decision:
        examen = ExamenFactory()
        coter_les_demandes()  # a decision keeps the score's explanation it was taken on
        return decision_enregistrer(
            examen=examen,
            type_decision=TypeDecision.ATTRIBUTION,
            votes=_votes_pour(examen.seance.commission),
            decide_le=a_l_heure(JOUR_SEANCE, 10),
        )


class OffreFactory(_ParService):
    class Meta:
        model = Offre

    @classmethod
    def creer(cls) -> Offre:
        decision = DecisionFactory()
        return offre_emettre(logement=decision.logement, envoyee_le=date(2026, 3, 11))


class BailFactory(_ParService):
    """The lease signed after the accepted offer."""

    class Meta:
        model = Bail

    @classmethod
    def creer(cls) -> Bail:
        offre = offre_repondre(offre=OffreFactory(), accepte=True, repondue_le=date(2026, 3, 13))
        return bail_signer(offre=offre, date_signature=date(2026, 3, 20), accord_collectif=False, deja_locataire=False)


# --- matching, documents, audit -------------------------------------------------------------------------------


class LotPropositionsFactory(factory.django.DjangoModelFactory):
    """The progress record of a batch of proposals (written by the batch's launcher)."""

    class Meta:
        model = LotPropositions

    organisation = factory.LazyFunction(organisation_epci)
    epci = factory.LazyFunction(territoire_minimal)
    debut = date(2026, 3, 1)
    fin = date(2026, 3, 31)


class InstantaneFactory(_ParService):
    class Meta:
        model = Instantane

    objet = factory.SubFactory(DemandeFactory)
    nature = "attestation"
    html = "<h1>Attestation d'enregistrement</h1>"
    date_evenement = factory.LazyFunction(lambda: a_l_heure(DEPOT, 10))

    @classmethod
    def creer(cls, **kwargs: Any) -> Instantane:
        return instantane_etablir(**kwargs)


class DocumentFactory(_ParService):
    class Meta:
        model = Document

    objet = factory.SubFactory(DemandeFactory)
    nature = "attestation"
    contenu = b"%PDF-1.4\n%%EOF\n"
    nom_fichier = "attestation.pdf"
    date_evenement = factory.LazyFunction(lambda: a_l_heure(DEPOT, 10))

    @classmethod
    def creer(cls, **kwargs: Any) -> Document:
        return document_figer(**kwargs)


class EvenementFactory(_ParService):
    class Meta:
        model = Evenement

    objet = factory.SubFactory(DemandeFactory)
    action = "note"
    resume = "Appel du demandeur."

    @classmethod
    def creer(cls, **kwargs: Any) -> Evenement:
        return evenement_enregistrer(**kwargs)


class EntreeJournalFactory(factory.django.DjangoModelFactory):
    """A journal line as the change journal writes it (creation of an organisation)."""

    class Meta:
        model = EntreeJournal

    horodatage = factory.LazyFunction(lambda: timezone.make_aware(datetime(2026, 3, 10, 9, 0)))
    table_objet = "organisations.organisation"
    objet_id = factory.Sequence(str)
    operation = "creation"
    racine_table = "organisations.organisation"
    racine_id = factory.SelfAttribute("objet_id")
    apres = factory.LazyAttribute(lambda o: {"nom": f"Organisation {o.objet_id}"})


class GenerationRacineFactory(factory.django.DjangoModelFactory):
    """The counter of committed writing transactions of one root, as the deferred trigger keeps it."""

    class Meta:
        model = GenerationRacine
        django_get_or_create = ("racine_table",)

    racine_table = factory.Sequence(lambda n: f"test.racine{n}")
    valeur = 1


class TravailFactory(factory.django.DjangoModelFactory):
    """A long job as « Mes travaux » lists it, finished with its summary."""

    class Meta:
        model = Travail

    lance_par = factory.SubFactory(UserFactory)
    nature = "demandes.export"
    libelle = "Export des demandes (CSV)"
    statut = StatutTravail.TERMINE
    etape = 1
    faites = 12
    total = 12
    unite = "demandes"
    resume = "12 demandes exportées."


class EffacementFactory(factory.django.DjangoModelFactory):
    """An erasure noted by the retention rules (an inactive account)."""

    class Meta:
        model = Effacement

    regle = Regle.COMPTE_INACTIF
    objet = "organisations.user"
    objet_id = factory.Sequence(str)
    effectue_le = factory.LazyFunction(lambda: timezone.make_aware(datetime(2026, 3, 10, 3, 30)))
    duree_mois = 24


# --- the applicant space (issue 13) ------------------------------------------------------------------------


class CompteDemandeurFactory(_ParService):
    """A local applicant account, registered and confirmed through the services (the link of its e-mail)."""

    class Meta:
        model = CompteDemandeur

    courriel = factory.Sequence(lambda n: f"menage{n}@example.org")

    @classmethod
    def creer(cls, **kwargs: Any) -> CompteDemandeur:
        from attrib.demandeurs.services import _lien_verification, compte_inscrire, courriel_verifier
        from attrib.organisations.acteurs import ANONYME

        compte = compte_inscrire(
            courriel=kwargs["courriel"],
            mot_de_passe="Un-mot-de-passe-solide-42",
            adresse_site="http://testserver",
            auteur=ANONYME,
        )
        assert compte is not None
        # The link the verification e-mail carries.
        jeton = _lien_verification(compte, "http://testserver").rstrip("/").rsplit("/", 1)[-1]
        return courriel_verifier(jeton=jeton, auteur=ANONYME)


class LiaisonFactory(factory.django.DjangoModelFactory):
    """The household's own access to its demand, as linking with its code leaves it."""

    class Meta:
        model = Liaison

    compte = factory.SubFactory(CompteDemandeurFactory)
    demande = factory.SubFactory(DemandeFactory)
    qualite = "titulaire"


class CodeLiaisonFactory(factory.django.DjangoModelFactory):
    """A one-time code sent by e-mail, not used yet (only its keyed hash is kept)."""

    class Meta:
        model = CodeLiaison

    demande = factory.SubFactory(DemandeFactory)
    canal = "courriel"
    empreinte = factory.Sequence(lambda n: f"{n:064x}")
    expire_le = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(hours=24))


class AvisFactory(factory.django.DjangoModelFactory):
    """A notice as the worker writes it from an event of the demand."""

    class Meta:
        model = Avis

    demande = factory.SubFactory(DemandeFactory)
    source = "evenement"
    source_id = factory.Sequence(lambda n: 1_000_000 + n)
    nature = "renouvellement"
    titre = "Votre demande a été renouvelée"
    texte = "Elle reste valable un an de plus."
    date_evenement = factory.LazyFunction(timezone.now)


class EnvoiFactory(factory.django.DjangoModelFactory):
    """The e-mail of a notice, waiting to be sent."""

    class Meta:
        model = Envoi

    avis = factory.SubFactory(AvisFactory)
    canal = "courriel"
    statut = "a_envoyer"
    destinataire = "lea.martin@example.org"


class FiligraneFactory(factory.django.DjangoModelFactory):
    """Where the notices' reader stopped in one source."""

    class Meta:
        model = Filigrane
        django_get_or_create = ("source",)

    source = factory.Iterator(["evenement", "cotation"])
    dernier_id = 0


class InstantanePositionFactory(factory.django.DjangoModelFactory):
    """The band of places last shown to a household."""

    class Meta:
        model = InstantanePosition

    demande = factory.SubFactory(DemandeFactory)
    debut = 6
    fin = 10
    effectif = 230
    pris_le = factory.LazyFunction(timezone.localdate)


# --- the reception service (issue 13 point 6) -----------------------------------------------------------------


def _guichet_siad() -> Organisation:
    return guichet_narbonne()


class LieuAccueilFactory(_ParService):
    """A reception place of the desk of Narbonne, written by the service."""

    class Meta:
        model = LieuAccueil

    nom = factory.Sequence(lambda n: f"Accueil logement {n}")

    @classmethod
    def creer(cls, **kwargs: Any) -> LieuAccueil:
        from attrib.siad.services import lieu_enregistrer

        donnees = {
            "organisation": _guichet_siad(),
            "nom": kwargs["nom"],
            "adresse": "1 rue de l'Essai",
            "code_postal": "11100",
            "commune": _narbonne(),
            "telephone": "04 00 00 00 00",
            "services": ["enregistrement", "information"],
            "accessibilite": ["fauteuil"],
        }
        return lieu_enregistrer(lieu=None, donnees=donnees, auteur=SYSTEME_FABRIQUE)


class PlageHoraireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlageHoraire

    lieu = factory.SubFactory(LieuAccueilFactory)
    jour = 1
    debut = time(9)
    fin = time(12)


class ExceptionHoraireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExceptionHoraire

    lieu = factory.SubFactory(LieuAccueilFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    motif = "fermeture exceptionnelle"


class CreneauFactory(_ParService):
    """A slot of next week, opened by the desk's series service."""

    class Meta:
        model = Creneau

    lieu = factory.SubFactory(LieuAccueilFactory)

    @classmethod
    def creer(cls, **kwargs: Any) -> Creneau:
        from attrib.siad.services import creneaux_creer_serie

        jour = timezone.localdate() + timedelta(days=7)
        serie = creneaux_creer_serie(
            lieu=kwargs["lieu"],
            premier_jour=jour,
            dernier_jour=jour,
            jours=[jour.weekday()],
            heure_debut=time(9),
            heure_fin=time(9, 30),
            duree_minutes=30,
            capacite=2,
            auteur=SYSTEME_FABRIQUE,
        )
        return serie.creneaux[0]


class RendezVousFactory(_ParService):
    """A booking of a household without account, through the booking service."""

    class Meta:
        model = RendezVous

    creneau = factory.SubFactory(CreneauFactory)
    nom = "Camille Essai"
    email = factory.Sequence(lambda n: f"rdv{n}@example.org")

    @classmethod
    def creer(cls, **kwargs: Any) -> RendezVous:
        from attrib.organisations.acteurs import ANONYME
        from attrib.siad.services import rendez_vous_reserver

        return rendez_vous_reserver(
            creneau=kwargs["creneau"],
            nom=kwargs["nom"],
            email=kwargs["email"],
            telephone="",
            motif="information",
            auteur=ANONYME,
        )


class ChiffresClesFactory(_ParService):
    """The key figures of a territory, computed by the service."""

    class Meta:
        model = ChiffresCles

    epci = factory.Sequence(lambda n: EPCIFactory(siren=f"2{n:08d}", nom=f"Territoire {n}"))

    @classmethod
    def creer(cls, **kwargs: Any) -> ChiffresCles:
        from attrib.siad.chiffres import chiffres_cles_calculer

        return chiffres_cles_calculer(epci=kwargs["epci"], auteur=SYSTEME_FABRIQUE)


# --- location voulue (issue 14) -----------------------------------------------------------------------------

#: The day adverts are made and published (after the freeing of 2 February 2026, before the réservataire's
#: deadline), and the day households apply.
JOUR_ANNONCE = date(2026, 2, 10)
JOUR_CANDIDATURE = date(2026, 2, 11)


class RegleLocationVoulueFactory(_ParService):
    """A bailleur puts 30 % of its own (unreserved) share in location voulue from 1 January 2026."""

    class Meta:
        model = RegleLocationVoulue

    bailleur = factory.SubFactory(BailleurFactory)
    debut = date(2026, 1, 1)
    part = 30

    @classmethod
    def creer(cls, **kwargs: Any) -> RegleLocationVoulue:
        return regle_enregistrer(**kwargs)


class AnnonceFactory(_ParService):
    """An advert of a T3 freed on 2 February 2026 and oriented by the flux, under its pair's rule (30 % from
    1 January 2026), made and published on 10 February 2026 (``publier=False``: left a draft)."""

    class Meta:
        model = Annonce

    publier = True

    @classmethod
    def creer(cls, *, publier: bool) -> Annonce:
        orientation = OrientationFactory()
        regle_enregistrer(
            bailleur=orientation.bailleur, reservataire=orientation.reservataire, debut=date(2026, 1, 1), part=30
        )
        quand = a_l_heure(JOUR_ANNONCE, 10)
        annonce = annonce_creer(orientation=orientation, maintenant=quand)
        return annonce_publier(annonce=annonce, maintenant=quand) if publier else annonce


def _png(couleur: tuple[int, int, int] = (200, 180, 150)) -> bytes:
    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (64, 48), couleur).save(tampon, format="PNG")
    return tampon.getvalue()


#: Where the factories' photos are written (never the installation's ``var/media``).
_DOSSIER_PHOTOS = tempfile.mkdtemp(prefix="attrib-fabrique-photos-")


class PhotoAnnonceFactory(_ParService):
    """A photo of a draft advert, with its alternative text."""

    class Meta:
        model = PhotoAnnonce

    texte_alternatif = "Séjour lumineux ouvert sur un balcon"

    @classmethod
    def creer(cls, *, texte_alternatif: str) -> PhotoAnnonce:
        annonce = AnnonceFactory(publier=False)
        with override_settings(MEDIA_ROOT=_DOSSIER_PHOTOS):
            return photo_ajouter(
                annonce=annonce, image=ContentFile(_png(), name="sejour.png"), texte_alternatif=texte_alternatif
            )


class CandidatureFactory(_ParService):
    """A household of two (a parent and a child, eligible to the T3) applies on 11 February 2026 to a published
    advert; its demand is scored."""

    class Meta:
        model = Candidature

    @classmethod
    def creer(cls) -> Candidature:
        annonce = AnnonceFactory()
        enfant = personne(
            role=enums.RolePersonne.PERSONNE_A_LOGER,
            lien=enums.LienParente.ENFANT,
            prenoms="Jules",
            date_naissance=date(2018, 3, 1),
            salaires=0,
        )
        demande = DemandeFactory(personnes=[personne(), enfant])
        coter_les_demandes(JOUR_CANDIDATURE)
        return candidature_deposer(annonce=annonce, demande=demande, maintenant=a_l_heure(JOUR_CANDIDATURE, 10))


# --- DALO follow-up (issue 15 point 4) ------------------------------------------------------------------------

#: The day the commission de médiation recognises a household (after its filing on ``DEPOT``).
JOUR_DECISION_DALO = date(2025, 6, 10)


class DecisionDaloFactory(_ParService):
    """A household of Narbonne recognised prioritaire et urgent by the COMED of the Aude on 10 June 2025, recorded
    by the system (its deadline computed from the data file)."""

    class Meta:
        model = DecisionDalo

    demande = factory.SubFactory(DemandeFactory)
    sens = SensDecision.FAVORABLE
    date_decision = JOUR_DECISION_DALO
    commission = "COMED de l'Aude"

    @classmethod
    def creer(cls, **kwargs: Any) -> DecisionDalo:
        return decision_dalo_enregistrer(**kwargs)


class DesignationPrefetFactory(_ParService):
    """The préfet designates the recognised household to a bailleur on 1 September 2025 (State's contingent)."""

    class Meta:
        model = DesignationPrefet

    decision = factory.SubFactory(DecisionDaloFactory)
    bailleur = factory.SubFactory(BailleurFactory)
    date_designation = date(2025, 9, 1)

    @classmethod
    def creer(cls, **kwargs: Any) -> DesignationPrefet:
        return designation_enregistrer(jour=JOUR_SEANCE, **kwargs)


class AlerteDaloFactory(_ParService):
    """The nightly batch of 10 March 2026 warns a State organisation of Narbonne that the household's deadline is
    past."""

    class Meta:
        model = AlerteDalo

    @classmethod
    def creer(cls) -> AlerteDalo:
        territoire_minimal()
        etat = ReservataireFactory(communes=[NARBONNE])
        decision = DecisionDaloFactory()
        alertes_dalo_ecrire(jour=JOUR_SEANCE)
        return AlerteDalo.objects.get(decision=decision, organisation=etat)


# --- labels, consents, social follow-up (issue 15 points 1 and 3) -------------------------------------------

#: The day a label is proposed or a consent given (after the filing on ``DEPOT``).
JOUR_LABEL = date(2025, 6, 16)


def _service_social() -> Organisation:
    """A new social service of Narbonne."""
    territoire_minimal()
    return OrganisationFactory(type=TypeOrganisation.SERVICE_SOCIAL, communes=[NARBONNE])


class RegleLabellisationFactory(_ParService):
    """A new EPCI names the State organisation that validates the « mal-logement » label from 1 January 2026."""

    class Meta:
        model = RegleLabellisation

    epci = factory.SubFactory(EPCIFactory)
    validateur = factory.SubFactory(ReservataireFactory)
    type_label = "l441_c"
    debut = date(2026, 1, 1)
    acte = "Délibération du conseil communautaire (essai)"

    @classmethod
    def creer(cls, *, epci: EPCI, **kwargs: Any) -> RegleLabellisation:
        return regle_labellisation_enregistrer(epci_id=epci.pk, **kwargs)


class LabelFactory(_ParService):
    """The « mal-logement » label proposed for a demand on 16 June 2025, waiting for its examination."""

    class Meta:
        model = Label

    demande = factory.SubFactory(DemandeFactory)
    type_label = "l441_c"
    motif = "Logement indigne signalé par le service d'hygiène."
    aujourd_hui = JOUR_LABEL

    @classmethod
    def creer(cls, **kwargs: Any) -> Label:
        return label_proposer(**kwargs)


#: Where the factories' proofs are written (never the installation's ``var/media``).
_DOSSIER_PIECES = tempfile.mkdtemp(prefix="attrib-fabrique-pieces-")


class PieceLabelFactory(_ParService):
    """The proof attached to a label proposal (a PDF)."""

    class Meta:
        model = PieceLabel

    @classmethod
    def creer(cls) -> PieceLabel:
        piece = SimpleUploadedFile("rapport-hygiene.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        with override_settings(MEDIA_ROOT=_DOSSIER_PIECES):
            return LabelFactory.create(pieces=[piece]).pieces.get()


class ConsentementFactory(_ParService):
    """The household's written consent, given on 16 June 2025, to share its situation with the partners."""

    class Meta:
        model = Consentement

    demande = factory.SubFactory(DemandeFactory)
    objet = ObjetConsentement.PARTAGE_PARTENAIRES
    mode = ModeConsentement.ECRIT
    donne_le = JOUR_LABEL

    @classmethod
    def creer(cls, **kwargs: Any) -> Consentement:
        return consentement_recueillir(**kwargs)


class AccompagnementFactory(_ParService):
    """A social service of Narbonne follows the household from 16 June 2025, on its consent."""

    class Meta:
        model = Accompagnement

    demande = factory.SubFactory(DemandeFactory)
    debut = JOUR_LABEL

    @classmethod
    def creer(cls, *, demande: Demande, debut: date) -> Accompagnement:
        consentement = ConsentementFactory(
            demande=demande,
            objet=ObjetConsentement.ACCOMPAGNEMENT_SOCIAL,
            organisation=_service_social(),
            donne_le=debut,
        )
        return accompagnement_ouvrir(demande=demande, consentement=consentement, debut=debut)


class ValidationCritereFactory(_ParService):
    """A social worker validates the « violences » criterion of the test grid (which asks it) for a scored demand."""

    class Meta:
        model = ValidationCritere

    demande = factory.SubFactory(DemandeFactory, priorites=("l441_g",))
    critere_id = "violences"
    evaluation = "Entretien social : violences attestées, mise à l'abri en cours."

    @classmethod
    def creer(cls, **kwargs: Any) -> ValidationCritere:
        coter_les_demandes()
        return critere_valider(**kwargs)


class QualificationFactory(_ParService):
    """The desk validated every document of a demand (each deposited as a PDF), then checked the demand."""

    class Meta:
        model = Qualification

    demande = factory.SubFactory(DemandeFactory)
    commentaire = "Pièces vérifiées au guichet."

    @classmethod
    def creer(cls, *, demande: Demande, commentaire: str) -> Qualification:
        with override_settings(MEDIA_ROOT=_DOSSIER_PIECES):
            for piece in demande.pieces.order_by("pk"):
                fichier = SimpleUploadedFile("piece.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
                piece_valider(piece=piece_deposer(piece=piece, fichier=fichier))
        return demande_qualifier(demande=demande, commentaire=commentaire)


# --- partner committee (decision 0035) -----------------------------------------------------------------------

#: The partner committee's case is brought on 2 March 2026 and examined in the session of ``JOUR_SEANCE``.
JOUR_SAISINE = date(2026, 3, 2)


class CommissionPartenarialeFactory(_ParService):
    """A partner committee of the Grand Narbonne chaired by the EPCI, with a social service and a bailleur."""

    class Meta:
        model = CommissionPartenariale

    nom = factory.Sequence(lambda n: f"Commission partenariale {n}")
    competence = "Ménages prioritaires sans solution de relogement."

    @classmethod
    def creer(cls, **kwargs: Any) -> CommissionPartenariale:
        commission = commission_partenariale_creer(epci=territoire_minimal(), **kwargs)
        for organisation, qualite in (
            (organisation_epci(), QualiteMembre.PRESIDENT),
            (_service_social(), QualiteMembre.SERVICE_SOCIAL),
            (BailleurFactory(), QualiteMembre.BAILLEUR),
        ):
            membre_partenarial_ajouter(commission=commission, organisation=organisation, qualite=qualite)
        return commission


class MembreCommissionPartenarialeFactory(_ParService):
    """The chair (the EPCI) of a new partner committee."""

    class Meta:
        model = MembreCommissionPartenariale

    @classmethod
    def creer(cls) -> MembreCommissionPartenariale:
        return CommissionPartenarialeFactory().membres.get(qualite=QualiteMembre.PRESIDENT)


class SeancePartenarialeFactory(_ParService):
    """A planned session of a new partner committee on ``JOUR_SEANCE``."""

    class Meta:
        model = SeancePartenariale

    commission = factory.SubFactory(CommissionPartenarialeFactory)
    date_seance = JOUR_SEANCE
    lieu = "Salle du conseil communautaire"

    @classmethod
    def creer(cls, **kwargs: Any) -> SeancePartenariale:
        return seance_partenariale_creer(**kwargs)


class DossierFactory(_ParService):
    """The household of a demand registered on ``DEPOT`` brought to a new committee by its social service on 2 March
    2026."""

    class Meta:
        model = Dossier

    commission = factory.SubFactory(CommissionPartenarialeFactory)
    demande = factory.SubFactory(DemandeFactory, aujourd_hui=DEPOT)
    motif = "Ménage hébergé chez un tiers, sans solution depuis deux ans."
    saisi_le = JOUR_SAISINE

    @classmethod
    def creer(cls, *, commission: CommissionPartenariale, **kwargs: Any) -> Dossier:
        service = commission.membres.get(qualite=QualiteMembre.SERVICE_SOCIAL).organisation
        return dossier_saisir(commission=commission, organisation=service, **kwargs)


class EvaluationSocialeFactory(_ParService):
    """The social service's assessment of the case, dated the day it brought it."""

    class Meta:
        model = EvaluationSociale

    dossier = factory.SubFactory(DossierFactory)
    texte = "Hébergée chez sa sœur avec deux enfants ; ressources stables ; accompagnement en cours."

    @classmethod
    def creer(cls, *, dossier: Dossier, texte: str) -> EvaluationSociale:
        service = dossier.commission.membres.get(qualite=QualiteMembre.SERVICE_SOCIAL).organisation
        return evaluation_joindre(dossier=dossier, organisation=service, texte=texte, date_evaluation=dossier.saisi_le)


class InscriptionDossierFactory(_ParService):
    """A case on the agenda of its committee's planned session (rank 1)."""

    class Meta:
        model = InscriptionDossier

    dossier = factory.SubFactory(DossierFactory)

    @classmethod
    def creer(cls, *, dossier: Dossier) -> InscriptionDossier:
        seance = SeancePartenarialeFactory(commission=dossier.commission)
        return dossier_inscrire(dossier=dossier, seance=seance)


def _seance_partenariale_ouverte() -> tuple[Dossier, SeancePartenariale]:
    """A case on the agenda of its committee's session of ``JOUR_SEANCE``, opened that day."""
    inscription = InscriptionDossierFactory()
    seance = seance_partenariale_ouvrir(seance=inscription.seance, aujourd_hui=JOUR_SEANCE)
    return inscription.dossier, seance


class PresenceSeancePartenarialeFactory(_ParService):
    """The chair present at an opened session."""

    class Meta:
        model = PresenceSeancePartenariale

    @classmethod
    def creer(cls) -> PresenceSeancePartenariale:
        _, seance = _seance_partenariale_ouverte()
        president = seance.commission.membres.get(qualite=QualiteMembre.PRESIDENT)
        return presences_partenariales_enregistrer(seance=seance, membres=[president.pk])[0]


class AvisPartenaireFactory(_ParService):
    """The bailleur member's favourable opinion on a case in session."""

    class Meta:
        model = AvisPartenaire

    @classmethod
    def creer(cls) -> AvisPartenaire:
        dossier, seance = _seance_partenariale_ouverte()
        bailleur = dossier.commission.membres.get(qualite=QualiteMembre.BAILLEUR).organisation
        return avis_donner(dossier=dossier, seance=seance, organisation=bailleur, sens=SensAvis.FAVORABLE, texte="")


class DecisionCommissionFactory(_ParService):
    """The committee orients the household to its bailleur member, to be rehoused before 10 September 2026."""

    class Meta:
        model = DecisionCommission

    @classmethod
    def creer(cls) -> DecisionCommission:
        dossier, seance = _seance_partenariale_ouverte()
        bailleur = dossier.commission.membres.get(qualite=QualiteMembre.BAILLEUR).organisation
        return decision_prendre(
            dossier=dossier,
            seance=seance,
            nature=NatureDecision.ORIENTATION,
            organisation_cible=bailleur,
            echeance=date(2026, 9, 10),
        )


class ClotureDossierFactory(_ParService):
    """A case closed on 20 March 2026 for another motive than a lease (the household left the territory)."""

    class Meta:
        model = ClotureDossier

    dossier = factory.SubFactory(DossierFactory)

    @classmethod
    def creer(cls, *, dossier: Dossier) -> ClotureDossier:
        return dossier_clore(
            dossier=dossier,
            motif=MotifCloture.AUTRE,
            precision="Le ménage a quitté le territoire.",
            date_cloture=date(2026, 3, 20),
        )


# --- the réservataire's choice and contributing companies (decision 0037) ----------------------------------


class EntrepriseCotisanteFactory(_ParService):
    """A contributing establishment of a réservataire, imported from its CSV file (fictitious SIRET, right key)."""

    class Meta:
        model = EntrepriseCotisante

    reservataire = factory.SubFactory(ReservataireFactory, categorie_reservataire=CategorieReservataire.ACTION_LOGEMENT)
    siret = factory.Sequence(lambda n: completer_cle(f"999{n:010d}"))
    raison_sociale = factory.Sequence(lambda n: f"Entreprise fictive {n}")

    @classmethod
    def creer(cls, *, reservataire: Organisation, siret: str, raison_sociale: str) -> EntrepriseCotisante:
        contenu = f"SIRET;Raison sociale;Cotisante depuis le;Cotisante jusqu'au\n{siret};{raison_sociale};01/01/2025;\n"
        cotisantes_importer(reservataire=reservataire, fichier=contenu.encode(), nom_fichier="cotisantes.csv")
        return EntrepriseCotisante.objects.get(reservataire=reservataire, siret=siret)


class ChoixReservataireFactory(_ParService):
    """The State, to which the bailleur oriented a T3 freed on 2 February 2026, chooses on 10 February 2026 three
    scored households of two (the R441-3 minimum), ranked 1 to 3, for its bailleur's CALEOL session of
    ``JOUR_SEANCE``."""

    class Meta:
        model = ChoixReservataire

    @classmethod
    def creer(cls) -> ChoixReservataire:
        # The engine gave the dwelling to the bailleur's own share: the bailleur orients it to the State's agreement.
        orientation = OrientationFactory()
        orientation = orientation_forcer(
            orientation=orientation,
            reservataire=ConventionReservation.objects.get(bailleur=orientation.bailleur),
            motif="Logement adapté à un ménage du contingent de l'État.",
            aujourd_hui=JOUR_ANNONCE,
        )
        seance = seance_creer(commission=CommissionFactory(bailleur=orientation.bailleur), date_seance=JOUR_SEANCE)
        enfant = personne(
            role=enums.RolePersonne.PERSONNE_A_LOGER,
            lien=enums.LienParente.ENFANT,
            prenoms="Jules",
            date_naissance=date(2018, 3, 1),
            salaires=0,
        )
        demandes = [DemandeFactory(personnes=[personne(nom=nom), enfant]) for nom in ("Martin", "Bernard", "Petit")]
        coter_les_demandes(JOUR_ANNONCE)
        return choix_transmettre(
            logement_libere=orientation.logement_libere,
            seance=seance,
            candidats=[
                CandidatChoisi(demande=demande, rang=rang, commentaire=f"Ménage hébergé, choisi au rang {rang}.")
                for rang, demande in enumerate(demandes, start=1)
            ],
            aujourd_hui=JOUR_ANNONCE,
        )


class LigneChoixFactory(_ParService):
    """The rank-1 household of a réservataire's choice."""

    class Meta:
        model = LigneChoix

    @classmethod
    def creer(cls) -> LigneChoix:
        return ChoixReservataireFactory().lignes.get(rang=1)


FABRIQUES: dict[type[models.Model], type[factory.Factory]] = {
    Evenement: EvenementFactory,
    Instantane: InstantaneFactory,
    Document: DocumentFactory,
    EPCI: EPCIFactory,
    Commune: CommuneFactory,
    QPV: QPVFactory,
    User: UserFactory,
    Organisation: OrganisationFactory,
    Membership: MembershipFactory,
    PrioriteLegale: PrioriteLegaleFactory,
    CompteurNumero: CompteurNumeroFactory,
    Demande: DemandeFactory,
    Personne: PersonneFactory,
    CommuneSouhaitee: CommuneSouhaiteeFactory,
    MotifSecondaire: MotifSecondaireFactory,
    SituationPrioritaire: SituationPrioritaireFactory,
    PieceJustificative: PieceJustificativeFactory,
    DoublonPotentiel: DoublonPotentielFactory,
    GrilleCotation: GrilleCotationFactory,
    VersionGrille: VersionGrilleFactory,
    Cotation: CotationFactory,
    CotationHistorique: CotationHistoriqueFactory,
    TacheCotation: TacheCotationFactory,
    Residence: ResidenceFactory,
    Logement: LogementFactory,
    IndicateursOccupation: IndicateursOccupationFactory,
    Campagne: CampagneFactory,
    Notation: NotationFactory,
    ResultatResidence: ResultatResidenceFactory,
    NoteHarmonisee: NoteHarmoniseeFactory,
    EnjeuMixite: EnjeuMixiteFactory,
    ReglageFlux: ReglageFluxFactory,
    ConventionReservation: ConventionReservationFactory,
    LogementLibere: LogementLibereFactory,
    Orientation: OrientationFactory,
    Commission: CommissionFactory,
    MembreCommission: MembreCommissionFactory,
    Seance: SeanceFactory,
    Examen: ExamenFactory,
    Decision: DecisionFactory,
    Presence: PresenceFactory,
    Vote: VoteFactory,
    Offre: OffreFactory,
    Bail: BailFactory,
    LotPropositions: LotPropositionsFactory,
    EntreeJournal: EntreeJournalFactory,
    GenerationRacine: GenerationRacineFactory,
    Effacement: EffacementFactory,
    Travail: TravailFactory,
    CompteDemandeur: CompteDemandeurFactory,
    Liaison: LiaisonFactory,
    CodeLiaison: CodeLiaisonFactory,
    Avis: AvisFactory,
    Envoi: EnvoiFactory,
    Filigrane: FiligraneFactory,
    InstantanePosition: InstantanePositionFactory,
    LieuAccueil: LieuAccueilFactory,
    PlageHoraire: PlageHoraireFactory,
    ExceptionHoraire: ExceptionHoraireFactory,
    Creneau: CreneauFactory,
    RendezVous: RendezVousFactory,
    ChiffresCles: ChiffresClesFactory,
    RegleLocationVoulue: RegleLocationVoulueFactory,
    Annonce: AnnonceFactory,
    PhotoAnnonce: PhotoAnnonceFactory,
    Candidature: CandidatureFactory,
    DecisionDalo: DecisionDaloFactory,
    DesignationPrefet: DesignationPrefetFactory,
    AlerteDalo: AlerteDaloFactory,
    RegleLabellisation: RegleLabellisationFactory,
    Label: LabelFactory,
    PieceLabel: PieceLabelFactory,
    Consentement: ConsentementFactory,
    Accompagnement: AccompagnementFactory,
    ValidationCritere: ValidationCritereFactory,
    Qualification: QualificationFactory,
    CommissionPartenariale: CommissionPartenarialeFactory,
    MembreCommissionPartenariale: MembreCommissionPartenarialeFactory,
    SeancePartenariale: SeancePartenarialeFactory,
    PresenceSeancePartenariale: PresenceSeancePartenarialeFactory,
    Dossier: DossierFactory,
    EvaluationSociale: EvaluationSocialeFactory,
    InscriptionDossier: InscriptionDossierFactory,
    AvisPartenaire: AvisPartenaireFactory,
    DecisionCommission: DecisionCommissionFactory,
    ClotureDossier: ClotureDossierFactory,
    EntrepriseCotisante: EntrepriseCotisanteFactory,
    ChoixReservataire: ChoixReservataireFactory,
    LigneChoix: LigneChoixFactory,
}

__all__ += [f.__name__ for f in FABRIQUES.values() if f.__module__ == __name__]
__all__ += ["BailleurFactory", "EpciOrganisationFactory", "ReservataireFactory"]
