"""Every writing service of the apps converted by acteur1 takes a required, typed actor and refuses an actor
without the right, writing nothing.

(a) Structural: each public function of the services modules below either takes a keyword-only ``auteur``
    annotated ``Acteur`` without default, or is listed in :data:`EXEMPTEES` with the reason it writes nothing.
(b) Behavioural: each service found in (a) is called by actors without the right (``ANONYME``; a member in
    read-only role of every organisation of the world; and, where the right depends on the organisation, a
    manager of an unrelated one) and must raise ``Refus`` with every table's row count unchanged. A service
    without an argument builder in :data:`APPELS` fails the test: a new service cannot escape it.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from attrib.cotation.enums import TypeGrille
from attrib.cotation.models import VersionGrille
from attrib.cotation.services import grille_importer_yaml
from attrib.demandes.models import Demande, DoublonPotentiel, PieceJustificative
from attrib.demo.patrimoine import FICHIER_COMPTAGES
from attrib.documents.models import NatureDocument
from attrib.organisations.acteurs import ANONYME, Acteur, Refus, acteur_de, acteur_systeme
from attrib.organisations.models import Membership, Organisation, Role, TypeOrganisation, User
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from attrib.qualification.models import Campagne
from attrib.qualification.services import campagne_ouvrir
from tests.cotation.outils import GRILLE
from tests.factories import CARCASSONNE, NARBONNE, creer_demande, guichet, membre, personne, territoire_minimal
from tests.permissions.services_publics import fonctions_publiques

MODULES = (
    "attrib.api.services",
    "attrib.cotation.services",
    "attrib.demandes.attestation",
    "attrib.demandes.doublons",
    "attrib.demandes.importexport",
    "attrib.demandes.pieces",
    "attrib.demandes.services",
    "attrib.documents.services",
    "attrib.patrimoine.indicateurs",
    "attrib.patrimoine.services",
    "attrib.qualification.resultats",
    "attrib.qualification.services",
    "attrib.territoires.services",
)

#: Public functions of those modules that write nothing, each with its reason.
EXEMPTEES: dict[str, str] = {
    "attrib.cotation.services.document": "reads the YAML document of a version",
    "attrib.cotation.services.grille_exporter_yaml": "returns the YAML text of a version",
    "attrib.cotation.services.position_critere": "pure lookup in a grid document",
    "attrib.cotation.services.position_section": "pure lookup in a grid document",
    "attrib.demandes.attestation.attestation_contexte": "computes the template context",
    "attrib.demandes.attestation.attestation_html": "renders HTML",
    "attrib.demandes.attestation.attestation_pdf": "renders a PDF in memory",
    "attrib.demandes.attestation.delai_anormalement_long_texte": "computes a sentence",
    "attrib.demandes.attestation.jour_de_l_attestation": "reads a date of the demand",
    "attrib.demandes.attestation.nom_fichier": "computes a file name",
    "attrib.demandes.doublons.date_inversee": "pure date arithmetic",
    "attrib.demandes.doublons.demandes_actives_de_la_personne": "reads the active demands of a person",
    "attrib.demandes.doublons.seuil": "reads the similarity threshold in force",
    "attrib.demandes.importexport.effectifs_demandes": "counts the demands the actor sees (takes the actor)",
    "attrib.demandes.importexport.valeurs_demandes": "reads column values for the application's computations",
    "attrib.demandes.pieces.nom_telechargement": "computes the name a document is downloaded under",
    "attrib.demandes.pieces.pieces_attendues": "computes the expected documents",
    "attrib.demandes.pieces.taille_max_octets": "reads a setting",
    "attrib.demandes.pieces.verifier_fichier": "checks a file in memory (its type, its size)",
    "attrib.demandes.pieces.referentiel": "reads the documents referential in force",
    "attrib.demandes.services.cle_personne": "pure key of a person",
    "attrib.documents.services.peut_figer": "a predicate",
    "attrib.patrimoine.indicateurs.indicateurs_de": "reads a residence's indicators",
    "attrib.patrimoine.indicateurs.lire_indicateurs": "parses a file in memory",
    "attrib.patrimoine.indicateurs.pourcentage": "parses a number",
    "attrib.patrimoine.indicateurs.pourcentage_texte": "formats a number",
    "attrib.patrimoine.indicateurs.valeurs": "lists the values of a row",
    "attrib.qualification.resultats.resultats_contexte": "computes the template context",
    "attrib.qualification.resultats.resultats_pdf": "renders the PDF of results the view already checked",
}


def _services() -> list[tuple[str, Callable[..., Any]]]:
    trouves = []
    for nom_module in MODULES:
        trouves += fonctions_publiques(importlib.import_module(nom_module))
    return sorted(trouves, key=lambda t: t[0])


SERVICES = [(nom, f) for nom, f in _services() if nom not in EXEMPTEES]


def test_les_exemptions_designent_des_fonctions_existantes() -> None:
    noms = {nom for nom, _ in _services()}
    assert set(EXEMPTEES) <= noms, sorted(set(EXEMPTEES) - noms)


@pytest.mark.parametrize(("nom", "service"), SERVICES, ids=[nom for nom, _ in SERVICES])
def test_un_service_qui_ecrit_exige_un_acteur_type(nom: str, service: Callable[..., Any]) -> None:
    parametre = inspect.signature(service).parameters.get("auteur")
    assert parametre is not None, f"{nom} n'a pas de paramètre auteur"
    assert parametre.kind is inspect.Parameter.KEYWORD_ONLY, f"{nom} : auteur doit être nommé (keyword-only)"
    assert parametre.default is inspect.Parameter.empty, f"{nom} : auteur ne doit pas avoir de valeur par défaut"
    assert parametre.annotation in ("Acteur", Acteur), f"{nom} : auteur doit être annoté Acteur"


# --- (b) refusals ----------------------------------------------------------------------------------


@dataclass
class Monde:
    guichet: Organisation
    epci: Organisation
    bailleur: Organisation
    demande: Demande
    piece: PieceJustificative
    doublon: DoublonPotentiel
    version: VersionGrille
    campagne: Campagne
    residence: Residence
    logement: Logement
    gestionnaire: User
    acteurs: dict[str, Acteur]
    dossier: Path


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _monde(tmp_path: Path) -> Monde:
    gn = territoire_minimal()
    systeme = acteur_systeme("test")
    g = guichet()
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci=gn)
    epci.perimetre.set([NARBONNE])
    bailleur = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR)
    demande = creer_demande(guichet_org=g, priorites=("l441_k",))
    autre = creer_demande(guichet_org=g)
    a, b = sorted((demande.pk, autre.pk))
    doublon, _ = DoublonPotentiel.objects.get_or_create(
        demande_a_id=a, demande_b_id=b, defaults={"score": 95, "motif": "test"}
    )
    piece = PieceJustificative.objects.filter(demande=demande).first() or PieceJustificative.objects.create(
        demande=demande, critere="l441_k", libelle="Attestation"
    )
    version = grille_importer_yaml(
        organisation=epci, type_grille=TypeGrille.GENERALE, contenu=GRILLE, nom_fichier="g.yaml", auteur=systeme
    )
    residence = Residence.objects.create(
        identifiant="R1",
        nom="Résidence R1",
        commune_id=NARBONNE,
        bailleur=bailleur,
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    logement = Logement.objects.create(
        residence=residence, identifiant="R1-001", nb_pieces=3, surface_habitable=Decimal("60")
    )
    jour = timezone.localdate()
    campagne = campagne_ouvrir(
        organisation=epci, annee=jour.year, date_limite=jour + timedelta(days=30), auteur=systeme
    )
    gestionnaire = membre(g, username="gestionnaire")
    lecteur = User.objects.create(username="lecteur")
    for org in (g, epci, bailleur):
        Membership.objects.create(user=lecteur, organisation=org, role=Role.CONSULTATION)
    etranger = membre(guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,)), username="etranger")
    autre_bailleur = Organisation.objects.create(nom="Domitia", type=TypeOrganisation.BAILLEUR)
    autre_epci = Organisation.objects.create(nom="Carcassonne Agglo", type=TypeOrganisation.EPCI)
    for org in (autre_bailleur, autre_epci):
        Membership.objects.create(user=etranger, organisation=org, role=Role.GESTIONNAIRE)
    sans_organisation = User.objects.create(username="sans.organisation")
    return Monde(
        guichet=g,
        epci=epci,
        bailleur=bailleur,
        demande=demande,
        piece=piece,
        doublon=doublon,
        version=version,
        campagne=campagne,
        residence=residence,
        logement=logement,
        gestionnaire=gestionnaire,
        acteurs={
            "anonyme": ANONYME,
            "lecture": acteur_de(lecteur),
            "etranger": acteur_de(etranger),
            "sans_organisation": acteur_de(sans_organisation),
        },
        dossier=tmp_path,
    )


def _fichier(m: Monde, nom: str, contenu: bytes = b"") -> Path:
    chemin = m.dossier / nom
    chemin.write_bytes(contenu)
    return chemin


def _maintenant() -> Any:
    return timezone.now()


Appel = Callable[[Monde], dict[str, Any]]
#: Default refused actors: nobody, and a read-only member of every organisation of the world.
LECTURE = ("anonyme", "lecture")
#: Where the right belongs to one organisation: also a manager of unrelated organisations.
TOUS = ("anonyme", "lecture", "etranger")
#: Documents are frozen by any agent who reaches the event (the service that owns the event checked its own
#: right): refused to nobody and to an account of no organisation.
DOCUMENTS = ("anonyme", "sans_organisation")

APPELS: dict[str, tuple[Appel, tuple[str, ...]]] = {
    # api
    "attrib.api.services.jeton_creer": (lambda m: {"user": m.gestionnaire}, TOUS),
    # cotation
    "attrib.cotation.services.cotation_actualiser": (lambda m: {"demande": m.demande}, LECTURE),
    "attrib.cotation.services.cotations_actualiser": (lambda m: {"demandes": [m.demande]}, LECTURE),
    "attrib.cotation.services.cotations_recalculer": (lambda m: {"organisation": m.epci}, TOUS),
    "attrib.cotation.services.critere_enregistrer": (
        lambda m: {"version": m.version, "section_id": "dalo", "critere_id": None, "donnees": {}},
        TOUS,
    ),
    "attrib.cotation.services.critere_supprimer": (lambda m: {"version": m.version, "critere_id": "dalo"}, TOUS),
    "attrib.cotation.services.entete_modifier": (lambda m: {"version": m.version, "donnees": {}}, TOUS),
    "attrib.cotation.services.grille_importer_yaml": (
        lambda m: {
            "organisation": m.epci,
            "type_grille": TypeGrille.GENERALE,
            "contenu": GRILLE,
            "nom_fichier": "g.yaml",
        },
        TOUS,
    ),
    "attrib.cotation.services.section_modifier": (
        lambda m: {"version": m.version, "section_id": "dalo", "donnees": {}},
        TOUS,
    ),
    "attrib.cotation.services.version_copier": (lambda m: {"version": m.version}, TOUS),
    "attrib.cotation.services.version_publier": (lambda m: {"version": m.version}, TOUS),
    "attrib.cotation.services.version_supprimer": (lambda m: {"version": m.version}, TOUS),
    "attrib.cotation.services.versions_publier": (lambda m: {"versions": [m.version]}, TOUS),
    # demandes
    "attrib.demandes.attestation.attestation_a_servir": (lambda m: {"demande": m.demande}, DOCUMENTS),
    "attrib.demandes.attestation.attestation_etablir": (lambda m: {"demande": m.demande}, DOCUMENTS),
    "attrib.demandes.doublons.doublon_decider": (lambda m: {"doublon": m.doublon, "statut": "confirme"}, LECTURE),
    "attrib.demandes.doublons.doublons_detecter": (lambda m: {}, LECTURE),
    "attrib.demandes.importexport.exporter_demandes_csv": (
        lambda m: {"demandes": Demande.objects.all(), "flux": _Flux()},
        LECTURE,
    ),
    "attrib.demandes.importexport.exporter_demandes_xlsx": (
        lambda m: {"demandes": Demande.objects.all(), "flux": _FluxBinaire()},
        LECTURE,
    ),
    "attrib.demandes.importexport.importer_demandes": (
        lambda m: {"fichier": b"", "guichet": m.guichet, "tout_ou_rien": True},
        TOUS,
    ),
    "attrib.demandes.importexport.iterer_demandes_csv": (lambda m: {"demandes": Demande.objects.all()}, LECTURE),
    "attrib.demandes.pieces.piece_deposer": (lambda m: {"piece": m.piece, "fichier": None}, TOUS),
    "attrib.demandes.pieces.piece_refuser": (lambda m: {"piece": m.piece, "motif": "illisible"}, TOUS),
    "attrib.demandes.pieces.piece_valider": (lambda m: {"piece": m.piece}, TOUS),
    "attrib.demandes.pieces.pieces_attendues_synchroniser": (lambda m: {"demande": m.demande}, LECTURE),
    "attrib.demandes.services.demande_decision_dalo_enregistrer": (
        lambda m: {"demande": m.demande, "reconnu": True, "date_decision": timezone.localdate()},
        TOUS,
    ),
    "attrib.demandes.services.demande_enregistrer": (
        lambda m: {
            "guichet": m.guichet,
            "donnees": {"typologie_min": 2, "typologie_max": 3},
            "personnes": [personne()],
            "communes": [NARBONNE],
        },
        TOUS,
    ),
    "attrib.demandes.services.demande_modifier": (lambda m: {"demande": m.demande, "donnees": {}}, TOUS),
    "attrib.demandes.services.demande_radier": (lambda m: {"demande": m.demande, "motif": "renonciation"}, TOUS),
    "attrib.demandes.services.demande_renouveler": (lambda m: {"demande": m.demande}, TOUS),
    "attrib.demandes.services.demandes_envoyer_avis_renouvellement": (lambda m: {}, TOUS),
    "attrib.demandes.services.demandes_radier_non_renouvelees": (lambda m: {}, TOUS),
    "attrib.demandes.services.priorites_charger": (lambda m: {}, TOUS),
    # documents
    "attrib.documents.services.document_figer": (
        lambda m: {
            "objet": m.demande,
            "nature": NatureDocument.ATTESTATION,
            "contenu": b"%PDF",
            "nom_fichier": "a.pdf",
            "date_evenement": _maintenant(),
        },
        DOCUMENTS,
    ),
    "attrib.documents.services.instantane_etablir": (
        lambda m: {
            "objet": m.demande,
            "nature": NatureDocument.ATTESTATION,
            "html": "<p>attestation</p>",
            "date_evenement": _maintenant(),
        },
        DOCUMENTS,
    ),
    # patrimoine
    "attrib.patrimoine.indicateurs.indicateurs_importer": (
        lambda m: {"contenu": b"identifiant;annee;source;taux_q1\n"},
        ("anonyme", "lecture", "etranger", "sans_organisation"),
    ),
    "attrib.patrimoine.indicateurs.indicateurs_importer_fichier": (
        lambda m: {"chemin": m.dossier / "absent.csv"},
        ("anonyme", "lecture", "etranger", "sans_organisation"),
    ),
    "attrib.qualification.resultats.resultats_exporter_excel": (
        lambda m: {"campagne": m.campagne},
        ("anonyme", "etranger", "sans_organisation"),
    ),
    "attrib.patrimoine.services.bailleurs_estimer": (lambda m: {"bailleurs": [m.bailleur], "graine": 1}, TOUS),
    "attrib.patrimoine.services.logement_modifier": (
        lambda m: {"logement": m.logement, "donnees": {"nb_pieces": 4}},
        TOUS,
    ),
    "attrib.patrimoine.services.patrimoine_reconstituer": (lambda m: {"graine": 1, "chemin": FICHIER_COMPTAGES}, TOUS),
    "attrib.patrimoine.services.residence_modifier": (
        lambda m: {"residence": m.residence, "donnees": {"nom": "Nouveau nom"}},
        TOUS,
    ),
    "attrib.patrimoine.services.rpls_importer": (lambda m: {"chemin": _fichier(m, "rpls.csv")}, TOUS),
    # qualification
    "attrib.qualification.services.campagne_cloturer": (lambda m: {"campagne": m.campagne}, TOUS),
    "attrib.qualification.services.campagne_ouvrir": (
        lambda m: {
            "organisation": m.epci,
            "annee": timezone.localdate().year + 1,
            "date_limite": timezone.localdate() + timedelta(days=30),
        },
        TOUS,
    ),
    "attrib.qualification.services.enjeu_mixite_marquer": (
        lambda m: {"residence": m.residence, "motif": "Concentration de ménages fragiles."},
        TOUS,
    ),
    "attrib.qualification.services.note_harmonisee_enregistrer": (
        lambda m: {
            "campagne": m.campagne,
            "residence": m.residence,
            "note": 3,
            "participants": "EPCI, commune, bailleur",
            "motif": "accord",
        },
        TOUS,
    ),
    "attrib.qualification.services.notation_enregistrer": (
        lambda m: {"campagne": m.campagne, "organisation": m.bailleur, "residence": m.residence, "note": 3},
        TOUS,
    ),
    "attrib.qualification.services.notations_enregistrer": (
        lambda m: {"campagne": m.campagne, "organisation": m.bailleur, "saisies": {m.residence.pk: (3, "")}},
        TOUS,
    ),
    "attrib.qualification.services.notations_exporter_excel": (
        lambda m: {"campagne": m.campagne, "organisation": m.bailleur},
        # A read-only member of the rater reads (and exports) its own notes: refused to nobody and to others.
        ("anonyme", "etranger"),
    ),
    "attrib.qualification.services.notations_importer_excel": (
        lambda m: {"campagne": m.campagne, "organisation": m.bailleur, "fichier": b""},
        TOUS,
    ),
    # territoires
    "attrib.territoires.services.territoires_importer": (lambda m: {"epcis": ["241100593"]}, TOUS),
}


class _Flux:
    def write(self, texte: str) -> None:
        raise AssertionError("rien ne doit être écrit")


class _FluxBinaire:
    def write(self, octets: bytes) -> None:
        raise AssertionError("rien ne doit être écrit")


def test_chaque_service_decouvert_a_son_appel() -> None:
    manquants = sorted({nom for nom, _ in SERVICES} - set(APPELS))
    assert not manquants, f"Services sans appel de test (ajoutez-les à APPELS) : {manquants}"
    assert not sorted(set(APPELS) - {nom for nom, _ in SERVICES}), "APPELS nomme un service qui n'existe plus"


def _comptes() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if not m._meta.proxy}


CAS = [(nom, qui) for nom, service in SERVICES for qui in APPELS.get(nom, (None, LECTURE))[1]]


@pytest.mark.django_db
@pytest.mark.parametrize(("nom", "qui"), CAS, ids=[f"{nom.rsplit('.', 1)[-1]}-{qui}" for nom, qui in CAS])
def test_un_acteur_sans_le_droit_est_refuse_et_rien_n_est_ecrit(nom: str, qui: str, tmp_path: Path) -> None:
    service = dict(SERVICES)[nom]
    m = _monde(tmp_path)
    arguments = APPELS[nom][0](m)
    avant = _comptes()
    with pytest.raises(Refus) as refus:
        resultat = service(**arguments, auteur=m.acteurs[qui])
        if inspect.isgenerator(resultat) or hasattr(resultat, "__next__"):
            next(resultat)
    assert str(refus.value).strip(), "un refus dit en français qui peut agir"
    assert _comptes() == avant


# --- the demand queryset for every kind of actor --------------------------------------------------------------


@pytest.mark.django_db
def test_chaque_nature_d_acteur_voit_ses_demandes() -> None:
    from attrib.organisations.acteurs import Nature

    territoire_minimal()
    narbonne = guichet()
    carcassonne = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    ici = creer_demande(guichet_org=narbonne)
    souhaite_narbonne = creer_demande(guichet_org=carcassonne, communes=(CARCASSONNE, NARBONNE))
    ailleurs = creer_demande(guichet_org=carcassonne, communes=(CARCASSONNE,))
    agent = acteur_de(membre(narbonne))
    menage = User.objects.create(username="menage")
    demandeur = Acteur(nature=Nature.DEMANDEUR, utilisateur=menage, demande_ids=frozenset({ailleurs.pk}))
    sans_organisation = acteur_de(User.objects.create(username="sans.organisation"))

    def vues(acteur: Acteur) -> set[int]:
        return set(Demande.objects.visible_to(acteur).values_list("pk", flat=True))

    assert vues(agent) == {ici.pk, souhaite_narbonne.pk}  # registered by its desk, or wishing its perimeter
    assert vues(demandeur) == {ailleurs.pk}  # its own demand only, wherever it was registered
    assert vues(Acteur(nature=Nature.DEMANDEUR, utilisateur=menage)) == set()
    assert vues(ANONYME) == set()
    assert vues(sans_organisation) == set()
    assert vues(acteur_systeme("test")) == {ici.pk, souhaite_narbonne.pk, ailleurs.pk}


@pytest.mark.django_db
def test_le_motif_de_l_acteur_systeme_devient_l_origine_du_journal() -> None:
    from attrib.journal.contexte import contexte_journal, contexte_pour

    assert contexte_pour(acteur_systeme("commande recoter"), origine="application") == {"origine": "commande recoter"}
    territoire_minimal()
    agent = membre(guichet(), first_name="Léa", last_name="Martin")
    with contexte_journal(origine="écran POST /demandes/", auteur=acteur_de(agent)) as contexte:
        assert contexte["auteur"] == agent.pk
        assert contexte["auteur_libelle"] == "Léa Martin"
        assert contexte["origine"] == "écran POST /demandes/"
