"""Permission matrix: every role × every page, action and API route — allowed, or 404 like a missing object.

The test enumerates the URL configuration: a new route without a row here fails
``test_chaque_route_est_dans_la_matrice``, so the matrix cannot silently fall behind.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from attrib.demandes.models import DoublonPotentiel, PieceJustificative
from attrib.demandes.pieces import piece_deposer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, Role, TypeOrganisation
from attrib.patrimoine.models import Residence
from attrib.qualification.services import campagne_cloturer, campagne_ouvrir, notation_enregistrer
from tests.factories import (
    CARCASSONNE,
    GRUISSAN,
    NARBONNE,
    UserFactory,
    creer_demande,
    guichet,
    membre,
    personne,
    territoire_minimal,
)
from tests.permissions.matrice_demandeurs import demandeur_lie
from tests.permissions.outils import (
    AUTHENTIFIES,
    ENREGISTREURS,
    EPCI_GN,
    EXPORT_NOMINATIF,
    FLUX,
    PROFILS,
    TERRITOIRE_GN,
    VALIDEURS,
    VOIENT_DEMANDE,
    R,
    Route,
)

pytestmark = pytest.mark.django_db

#: Modules ``matrice_<domaine>.py`` beside this file: each gives ``LIGNES`` (rows) and ``donnees(orgs, ids)``
#: (objects of its domain in the world, keyed by the names its rows use as arguments).
#: ``donnees(orgs, ids)`` receives the organisations and the objects already built (demands, flux…).
EXTENSIONS = [
    importlib.import_module(f"tests.permissions.{chemin.stem}")
    for chemin in sorted(Path(__file__).parent.glob("matrice_*.py"))
]


def _org(nom: str, type_: str, communes: tuple[str, ...], **kw: Any) -> Organisation:
    org = Organisation.objects.create(nom=nom, type=type_, **kw)
    org.perimetre.set(communes)
    return org


@dataclass
class Monde:
    utilisateurs: dict[str, Any]
    ids: dict[str, Any]


@pytest.fixture
def monde(settings: Any, tmp_path: Any) -> Monde:
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    territoire_minimal()
    g = guichet(nom="Maison de l'habitat", code="MHN01", communes=(NARBONNE,))
    orgs = {
        "guichet": g,
        "bailleur": _org("Bailleur", TypeOrganisation.BAILLEUR, EPCI_GN, code_guichet="BAI01"),
        "epci": _org("EPCI", TypeOrganisation.EPCI, EPCI_GN, categorie_reservataire=CategorieReservataire.EPCI),
        "commune": _org("Ville de Gruissan", TypeOrganisation.COMMUNE, (GRUISSAN,), categorie_reservataire="commune"),
        "etat": _org("Préfecture", TypeOrganisation.RESERVATAIRE, EPCI_GN, categorie_reservataire="etat"),
        "action_logement": _org(
            "Action Logement", TypeOrganisation.RESERVATAIRE, EPCI_GN, categorie_reservataire="action_logement"
        ),
        "service_social": _org("Service social", TypeOrganisation.SERVICE_SOCIAL, (NARBONNE,)),
    }
    utilisateurs: dict[str, Any] = {nom: membre(org, username=nom) for nom, org in orgs.items()}
    utilisateurs["consultation"] = membre(g, role=Role.CONSULTATION, username="consultation")
    utilisateurs["sans_organisation"] = UserFactory(username="sans_organisation")
    utilisateurs["anonyme"] = None

    dans = creer_demande(guichet_org=g, communes=(NARBONNE,), priorites=("l441_g",))
    utilisateurs["demandeur"] = demandeur_lie(dans)
    jumelle = creer_demande(guichet_org=g, communes=(NARBONNE,), personnes=[personne(prenoms="Lea")])
    car = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    hors = creer_demande(guichet_org=car, communes=(CARCASSONNE,))
    piece = PieceJustificative.objects.filter(demande=dans, sensible=False).first()
    assert piece is not None, "la demande doit attendre au moins une pièce non sensible"
    piece_deposer(
        piece=piece, fichier=ContentFile(b"%PDF-1.4 test", name="identite.pdf"), auteur=acteur_systeme("test")
    )
    a, b = sorted([dans.pk, jumelle.pk])
    doublon = DoublonPotentiel.objects.get_or_create(
        demande_a_id=a, demande_b_id=b, defaults={"score": 95, "motif": "test"}
    )[0]
    monde = Monde(
        utilisateurs=utilisateurs,
        ids={
            "dans": dans,
            "hors": hors,
            "piece": piece,
            "doublon": doublon,
            **_qualification(orgs),
            **_flux(orgs),
            **_cotation(orgs),
        },
    )
    for module in EXTENSIONS:
        monde.ids.update(module.donnees(orgs, monde.ids))
    return monde


def _qualification(orgs: dict[str, Organisation]) -> dict[str, Any]:
    """Rating campaigns: a residence of Gruissan owned by the bailleur, rated 1 by the commune and 3 by
    the bailleur in last year's closed campaign (divergent); this year's campaign still open; a
    campaign of Carcassonne and a residence there, outside everyone's territory."""

    def residence(identifiant: str, commune: str, bailleur: Organisation | None) -> Residence:
        return Residence.objects.create(
            identifiant=identifiant,
            commune_id=commune,
            bailleur=bailleur,
            type_construction="collectif",
            source="rpls_adresses",
        )

    dans = residence("QUALIF-GRUISSAN", GRUISSAN, orgs["bailleur"])
    hors = residence("QUALIF-CARCASSONNE", CARCASSONNE, None)
    jour = timezone.localdate()
    limite = jour + timedelta(days=30)
    close = campagne_ouvrir(
        organisation=orgs["epci"], annee=jour.year - 1, date_limite=limite, auteur=acteur_systeme("test")
    )
    for org, note in ((orgs["commune"], 1), (orgs["bailleur"], 3)):
        notation_enregistrer(campagne=close, organisation=org, residence=dans, note=note, auteur=acteur_systeme("test"))
    campagne_cloturer(campagne=close, auteur=acteur_systeme("test"))
    ouverte = campagne_ouvrir(
        organisation=orgs["epci"], annee=jour.year, date_limite=limite, auteur=acteur_systeme("test")
    )
    carcassonne = _org("Carcassonne Agglo", TypeOrganisation.EPCI, (CARCASSONNE,))
    ailleurs = campagne_ouvrir(
        organisation=carcassonne, annee=jour.year, date_limite=limite, auteur=acteur_systeme("test")
    )
    return {
        "campagne": ouverte,
        "campagne_close": close,
        "campagne_hors": ailleurs,
        "org_commune": orgs["commune"],
        "org_bailleur": orgs["bailleur"],
        "residence": dans,
        "residence_hors": hors,
    }


def _flux(orgs: dict[str, Organisation]) -> dict[str, Any]:
    """Gestion en flux: the bailleur's agreements with the State (30 %) and Action Logement (20 %), a
    dwelling oriented to its own share, one oriented to the State 40 days ago (deadline passed, still
    waiting for candidates); a bailleur of Carcassonne with its own agreement and dwelling, outside
    everyone's perimeter."""
    from types import SimpleNamespace

    from attrib.flux.services import convention_enregistrer, logement_declarer_libere
    from attrib.patrimoine.models import Logement

    jour = timezone.localdate()
    debut = jour.replace(month=1, day=1) - timedelta(days=60)

    def logements(identifiant: str, commune: str, bailleur: Organisation, nombre: int) -> list[Logement]:
        residence = Residence.objects.create(
            identifiant=identifiant,
            commune_id=commune,
            bailleur=bailleur,
            type_construction="collectif",
            source="rpls_adresses",
        )
        return [
            Logement.objects.create(
                residence=residence, identifiant=f"{identifiant}-{i}", nb_pieces=3, surface_habitable=60
            )
            for i in range(nombre)
        ]

    def declarer(logement: Logement, jour_declaration: Any) -> Any:
        return logement_declarer_libere(
            auteur=acteur_systeme("test"),
            logement=logement,
            date_liberation=jour,
            nature="relocation",
            aujourd_hui=jour_declaration,
        )

    bailleur = orgs["bailleur"]
    etat = convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        reservataire=orgs["etat"],
        categorie="etat",
        part=Decimal("30"),
        debut=debut,
    )
    convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        reservataire=orgs["action_logement"],
        categorie="action_logement",
        part=Decimal("20"),
        debut=debut,
    )
    dans = logements("FLUX-GRUISSAN", GRUISSAN, bailleur, 3)
    propre = declarer(dans[0], jour)  # 1st dwelling: the bailleur's own share (50 %)
    vers_etat = declarer(dans[1], jour - timedelta(days=40))  # 2nd: the State, deadline passed
    carcassonne = _org("Carcassonne Habitat", TypeOrganisation.BAILLEUR, (CARCASSONNE,))
    ailleurs = _org(
        "Action Logement Sud", TypeOrganisation.RESERVATAIRE, (CARCASSONNE,), categorie_reservataire="action_logement"
    )
    hors = logements("FLUX-CARCASSONNE", CARCASSONNE, carcassonne, 1)
    convention_hors = convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=carcassonne,
        reservataire=ailleurs,
        categorie="action_logement",
        part=Decimal("40"),
        debut=debut,
    )
    return {
        "flux_convention": etat,
        "flux_convention_hors": convention_hors,
        "flux_libere_propre": propre,
        "flux_libere_etat": vers_etat,
        "flux_libere_hors": declarer(hors[0], jour),
        "flux_orientation_etat": vers_etat.orientation,
        "flux_logement": dans[2],
        "flux_logement_hors": Logement.objects.create(
            residence=hors[0].residence, identifiant="FLUX-CARCASSONNE-9", nb_pieces=2, surface_habitable=40
        ),
        "org_etat": orgs["etat"],
        "org_carcassonne": carcassonne,
        "org_ailleurs": ailleurs,
        "annee": SimpleNamespace(pk=jour.year),
    }


def _cotation(orgs: dict[str, Organisation]) -> dict[str, Any]:
    """Cotation: the EPCI's general grid published (its demands scored, one run) and a draft of it; a
    draft of Carcassonne's EPCI, outside everyone's territory."""
    from attrib.cotation.enums import TypeGrille
    from attrib.cotation.services import grille_importer_yaml, version_copier, version_publier
    from tests.cotation.outils import GRILLE

    def importer(organisation: Organisation) -> Any:
        return grille_importer_yaml(
            organisation=organisation,
            type_grille=TypeGrille.GENERALE,
            contenu=GRILLE,
            nom_fichier="grille.yaml",
            auteur=acteur_systeme("test"),
        )

    publiee = importer(orgs["epci"])
    tache = version_publier(version=publiee, auteur=acteur_systeme("test"))
    carcassonne = _org("Carcassonne Agglo (cotation)", TypeOrganisation.EPCI, (CARCASSONNE,))
    return {
        "cot_publiee": publiee,
        "cot_brouillon": version_copier(version=publiee, auteur=acteur_systeme("test")),
        "cot_hors": importer(carcassonne),
        "cot_tache": tache,
        "cot_epci": orgs["epci"],
        "cot_epci_hors": carcassonne,
    }


MATRICE = [
    R("accueil", AUTHENTIFIES),
    R("demandes:liste", AUTHENTIFIES),
    # Personal data leave only with a role whose mission needs them (guichet, bailleur, réservataires, EPCI):
    # neither a read-only member, nor a social service, nor a user without organisation; all may take the counts.
    R("demandes:export_csv", EXPORT_NOMINATIF),
    R("demandes:export_xlsx", EXPORT_NOMINATIF),
    R("demandes:export_effectifs_csv", AUTHENTIFIES),
    R("demandes:export_effectifs_xlsx", AUTHENTIFIES),
    R("demandes:nouvelle", ENREGISTREURS),
    R("demandes:nouvelle_etape", ENREGISTREURS, args=("1",)),
    R("demandes:import", ENREGISTREURS),
    R("demandes:doublons", ENREGISTREURS),
    R("demandes:doublon_decider", ENREGISTREURS, methode="post", args=("doublon",), donnees={}),
    R("demandes:detail", VOIENT_DEMANDE, args=("dans",)),
    R("demandes:detail", set(), args=("hors",)),
    R("demandes:attestation", VOIENT_DEMANDE, args=("dans",)),
    R("demandes:attestation", set(), args=("hors",)),
    R("demandes:renouveler", ENREGISTREURS, args=("dans",)),
    R("demandes:renouveler", set(), args=("hors",)),
    R("demandes:radier", ENREGISTREURS, args=("dans",)),
    R("demandes:radier", set(), args=("hors",)),
    R("demandes:modifier", ENREGISTREURS, args=("dans",)),
    R("demandes:modifier", set(), args=("hors",)),
    R("demandes:piece_fichier", VALIDEURS, args=("dans", "piece")),
    R("demandes:piece_deposer", VALIDEURS, methode="post", args=("dans", "piece"), donnees={}),
    R("demandes:piece_valider", VALIDEURS, methode="post", args=("dans", "piece"), donnees={}),
    R("demandes:piece_refuser", VALIDEURS, methode="post", args=("dans", "piece"), donnees={}),
    R("api-schema", AUTHENTIFIES, api=True),
    R("api-docs", AUTHENTIFIES),
    R("api-demandes", AUTHENTIFIES, api=True),
    R("api-demandes", ENREGISTREURS, api=True, methode="post", donnees={}),
    R("api-demandes-recherche", AUTHENTIFIES, api=True, methode="post", donnees={}),  # a read, sent by POST
    R("api-demande", VOIENT_DEMANDE, api=True, args=("dans.numero",)),
    R("api-demande", set(), api=True, args=("hors.numero",)),
    R("api-demande", ENREGISTREURS, api=True, methode="patch", args=("dans.numero",), donnees={}),
    R("api-demande-historique", VOIENT_DEMANDE, api=True, args=("dans.numero",)),
    R("api-demande-historique", set(), api=True, args=("hors.numero",)),
    R("api-demande-renouveler", ENREGISTREURS, api=True, methode="post", args=("dans.numero",), donnees={}),
    R("api-demande-renouveler", set(), api=True, methode="post", args=("hors.numero",), donnees={}),
    R("api-demande-radier", ENREGISTREURS, api=True, methode="post", args=("dans.numero",), donnees={}),
    R("api-demande-radier", set(), api=True, methode="post", args=("hors.numero",), donnees={}),
    R("api-communes", AUTHENTIFIES, api=True),
    R("api-epci", AUTHENTIFIES, api=True),
    R("api-qpv", AUTHENTIFIES, api=True),
    R("api-priorites", AUTHENTIFIES, api=True),
    R("api-organisations", AUTHENTIFIES, api=True),
    R("qualification:liste", AUTHENTIFIES),
    R("qualification:ouvrir", {"epci"}),
    R("qualification:campagne", TERRITOIRE_GN, args=("campagne",)),
    R("qualification:campagne", TERRITOIRE_GN, args=("campagne_close",)),
    R("qualification:campagne", set(), args=("campagne_hors",)),
    R("qualification:cloturer", {"epci"}, args=("campagne",)),
    R("qualification:cloturer", set(), args=("campagne_close",)),
    R("qualification:cloturer", set(), args=("campagne_hors",)),
    # A rater's notes: its members only (confidential until the close, then still its own page).
    R("qualification:notation", {"commune"}, args=("campagne", "org_commune")),
    R("qualification:notation", {"bailleur"}, args=("campagne", "org_bailleur")),
    R("qualification:notation", {"commune"}, args=("campagne_close", "org_commune")),
    R("qualification:notation", {"commune"}, methode="post", args=("campagne", "org_commune"), donnees={}),
    R("qualification:notation", set(), methode="post", args=("campagne_close", "org_commune"), donnees={}),
    R("qualification:notation_export", {"commune"}, args=("campagne", "org_commune")),
    R("qualification:notation_export", {"bailleur"}, args=("campagne", "org_bailleur")),
    R("qualification:notation_import", {"commune"}, args=("campagne", "org_commune")),
    R("qualification:notation_import", set(), args=("campagne_close", "org_commune")),
    # After the close only: the agenda, the results.
    R("qualification:agenda", TERRITOIRE_GN, args=("campagne_close",)),
    R("qualification:agenda", set(), args=("campagne",)),
    R("qualification:harmoniser", {"epci"}, args=("campagne_close", "residence")),
    R("qualification:harmoniser", {"epci"}, methode="post", args=("campagne_close", "residence"), donnees={}),
    R("qualification:harmoniser", set(), args=("campagne", "residence")),
    R("qualification:resultats_pdf", TERRITOIRE_GN, args=("campagne_close",)),
    R("qualification:resultats_pdf", set(), args=("campagne",)),
    R("qualification:resultats_xlsx", TERRITOIRE_GN, args=("campagne_close",)),
    R("qualification:resultats_xlsx", set(), args=("campagne",)),
    R("qualification:residence", TERRITOIRE_GN, args=("residence",)),
    R("qualification:residence", set(), args=("residence_hors",)),
    R("qualification:enjeu_mixite", {"epci"}, args=("residence",)),
    R("qualification:enjeu_mixite", {"epci"}, methode="post", args=("residence",), donnees={}),
    R("qualification:enjeu_mixite", set(), args=("residence_hors",)),
    # Housing stock: the list and the map are empty outside any territory; a residence answers 404 outside it.
    R("patrimoine:liste", AUTHENTIFIES),
    R("patrimoine:carte", AUTHENTIFIES),
    R("patrimoine:residence", TERRITOIRE_GN, args=("residence",)),
    R("patrimoine:residence", set(), args=("residence_hors",)),
    # Gestion en flux: the bailleur manages, the réservataire of an agreement sees it and its dwellings.
    R("flux:accueil", FLUX),
    R("flux:conventions", FLUX),
    R("flux:convention_nouvelle", {"bailleur"}),
    R("flux:conventions_import", {"bailleur"}),
    R("flux:conventions_export_csv", FLUX),
    R("flux:conventions_export_xlsx", FLUX),
    R("flux:convention", {"bailleur", "etat"}, args=("flux_convention",)),
    R("flux:convention", set(), args=("flux_convention_hors",)),
    R("flux:convention_modifier", {"bailleur"}, args=("flux_convention",)),
    R("flux:convention_modifier", set(), args=("flux_convention_hors",)),
    R("flux:arbitrage", {"bailleur"}, methode="post", args=("org_bailleur",), donnees={}),
    R("flux:arbitrage", set(), methode="post", args=("org_carcassonne",), donnees={}),
    R("flux:logements_liberes", FLUX),
    R("flux:declarer", {"bailleur"}),
    R("flux:declarer_logement", {"bailleur"}, args=("flux_logement",)),
    R("flux:declarer_logement", set(), args=("flux_logement_hors",)),
    R("flux:logement_libere", {"bailleur", "etat"}, args=("flux_libere_etat",)),
    R("flux:logement_libere", {"bailleur"}, args=("flux_libere_propre",)),
    R("flux:logement_libere", set(), args=("flux_libere_hors",)),
    R("flux:logement_libere", {"bailleur"}, methode="post", args=("flux_libere_etat",), donnees={}),
    R("flux:candidats", {"etat"}, args=("flux_orientation_etat",)),
    R("flux:candidats", {"etat"}, methode="post", args=("flux_orientation_etat",), donnees={}),
    R("flux:echeance", {"bailleur"}, args=("flux_orientation_etat",)),
    R("flux:echeance", {"bailleur"}, methode="post", args=("flux_orientation_etat",), donnees={}),
    R("flux:file", FLUX - {"bailleur"}),
    R("flux:previsions", {"bailleur"}),
    R("flux:bilans", FLUX),
    R("flux:bilan", {"bailleur", "etat"}, args=("org_bailleur", "org_etat", "annee")),
    R("flux:bilan", set(), args=("org_carcassonne", "org_ailleurs", "annee")),
    R("flux:bilan_pdf", {"bailleur", "etat"}, args=("org_bailleur", "org_etat", "annee")),
    R("flux:bilan_xlsx", {"bailleur", "etat"}, args=("org_bailleur", "org_etat", "annee")),
    R("flux:bilan_xlsx", set(), args=("org_carcassonne", "org_ailleurs", "annee")),
    # Django admin: staff only (no profile here is staff): everyone is sent to the admin login.
    # Cotation: published grids are public; drafts, simulations and runs belong to the EPCI's members.
    R("cotation:grilles", AUTHENTIFIES),
    R("cotation:classement", AUTHENTIFIES),
    R("cotation:importer", {"epci"}),
    R("cotation:version", AUTHENTIFIES, args=("cot_publiee",)),
    R("cotation:version", {"epci"}, args=("cot_brouillon",)),
    R("cotation:version", set(), args=("cot_hors",)),
    R("cotation:version_yaml", AUTHENTIFIES, args=("cot_publiee",)),
    R("cotation:version_yaml", {"epci"}, args=("cot_brouillon",)),
    R("cotation:version_yaml", set(), args=("cot_hors",)),
    R("cotation:version_copier", {"epci"}, methode="post", args=("cot_publiee",), donnees={}),
    R("cotation:version_copier", set(), methode="post", args=("cot_hors",), donnees={}),
    R("cotation:version_supprimer", {"epci"}, methode="post", args=("cot_brouillon",), donnees={}),
    R("cotation:version_supprimer", set(), methode="post", args=("cot_hors",), donnees={}),
    R("cotation:publier", {"epci"}, args=("cot_brouillon",)),
    R("cotation:publier", {"epci"}, methode="post", args=("cot_brouillon",), donnees={}),
    R("cotation:publier", set(), args=("cot_publiee",)),
    R("cotation:publier", set(), methode="post", args=("cot_hors",), donnees={}),
    R("cotation:editeur", {"epci"}, args=("cot_brouillon",)),
    R("cotation:editeur", set(), args=("cot_publiee",)),
    R("cotation:editeur", set(), args=("cot_hors",)),
    R("cotation:section", {"epci"}, args=("cot_brouillon", "dalo")),
    R("cotation:section", set(), args=("cot_hors", "dalo")),
    R("cotation:critere_ajouter", {"epci"}, args=("cot_brouillon", "dalo")),
    R("cotation:critere", {"epci"}, args=("cot_brouillon", "anciennete")),
    R("cotation:critere", {"epci"}, methode="post", args=("cot_brouillon", "anciennete"), donnees={}),
    R("cotation:critere", set(), args=("cot_hors", "anciennete")),
    R("cotation:simulation", {"epci"}, args=("cot_brouillon",)),
    R("cotation:simulation", set(), args=("cot_hors",)),
    R("cotation:simulation_pdf", {"epci"}, args=("cot_brouillon",)),
    R("cotation:recalculer", {"epci"}, methode="post", args=("cot_epci",), donnees={}),
    R("cotation:recalculer", set(), methode="post", args=("cot_epci_hors",), donnees={}),
    R("cotation:progression", {"epci"}, args=("cot_epci",)),
    R("cotation:progression", set(), args=("cot_epci_hors",)),
    R("cotation:tache", {"epci"}, args=("cot_tache",)),
    R("cotation:tache_etat", {"epci"}, args=("cot_tache",)),
    R("admin:index", set()),
]
MATRICE += [ligne for module in EXTENSIONS for ligne in module.LIGNES]
# Authentication itself; the health probes, open to everyone without login (tests/exploitation/test_sante.py).
NON_COUVERTES = {"login", "logout", "sante_vivant", "sante_pret"}
# The applicant space's own authentication pages, open without login (tests/demandeurs/test_vues.py,
# tests/demandeurs/test_franceconnect.py).
NON_COUVERTES |= {
    "demandeurs:connexion",
    "demandeurs:deconnexion",
    "demandeurs:inscription",
    "demandeurs:verifier",
    "demandeurs:franceconnect",
    "demandeurs:franceconnect_retour",
}


def _noms_de_routes() -> set[str]:
    noms: set[str] = set()

    def parcourir(motifs: list[Any], espace: str) -> None:
        for motif in motifs:
            if isinstance(motif, URLResolver):
                if motif.namespace == "admin":
                    continue
                parcourir(motif.url_patterns, f"{espace}{motif.namespace}:" if motif.namespace else espace)
            elif isinstance(motif, URLPattern) and motif.name:
                noms.add(f"{espace}{motif.name}")

    parcourir(get_resolver().url_patterns, "")
    return noms


def test_chaque_route_est_dans_la_matrice() -> None:
    couvertes = {r.nom for r in MATRICE} | NON_COUVERTES
    assert _noms_de_routes() - couvertes == set()


def _arguments(route: Route, monde: Monde) -> list[Any]:
    valeurs = []
    for arg in route.args:
        if arg.endswith(".numero"):
            valeurs.append(monde.ids[arg.removesuffix(".numero")].numero_unique)
        elif arg in monde.ids:
            valeurs.append(monde.ids[arg].pk)
        else:
            valeurs.append(arg)
    return valeurs


def _issue(route: Route, user: Any, url: str) -> str:
    if route.api:
        client: Any = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        reponse = getattr(client, route.methode)(url, route.donnees, format="json")
    else:
        client = Client()
        if user is not None:
            client.force_login(user)
        reponse = getattr(client, route.methode)(url, route.donnees or {})
    code = reponse.status_code
    redirection = reponse.get("Location", "") if code == 302 else ""
    if code == 401 or "/connexion/" in redirection or "/admin/login/" in redirection:
        return "connexion"
    if code in (403, 404):
        return "refus"
    assert code in (200, 201, 204, 302, 400), f"{route.nom} {url} → {code}"
    return "autorise"


@pytest.mark.parametrize("route", MATRICE, ids=lambda r: f"{r.methode}-{r.nom}-{'-'.join(r.args)}")
def test_matrice(route: Route, monde: Monde) -> None:
    url = reverse(route.nom, args=_arguments(route, monde)) + route.suffixe
    obtenu = {profil: _issue(route, monde.utilisateurs[profil], url) for profil in PROFILS}
    if route.nom == "admin:index":
        attendu = dict.fromkeys(PROFILS, "connexion") | {"demandeur": "refus"}
    else:
        connectes = AUTHENTIFIES | {"demandeur"}
        attendu = {p: "autorise" if p in route.autorises else "refus" for p in connectes} | {"anonyme": route.anonyme}
    assert obtenu == attendu
