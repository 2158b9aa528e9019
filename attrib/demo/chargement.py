"""Load the demo territory (CA Le Grand Narbonne): organisations, accounts and synthetic demands.

``charger_demo`` is idempotent: organisations and accounts are created or updated in place; when
demo demands already exist, none are added unless ``reinitialiser=True``, which first deletes every
demand registered at a demo guichet (with its persons, wishes, priorities and audit entries).

Demands are inserted by columns (``attrib.demo.insertion``: COPY on PostgreSQL) in one transaction (all or
nothing), every row checked by the rule set of ``attrib.engine.validation`` first, with the numéro
unique of ``attrib.demandes.services.numero_unique_attribuer`` (DDD AA MM NNNNNNN GGGGG): the
sequence of ``CompteurNumero`` is advanced so that later registrations continue it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import polars as pl
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command, get_commands
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.common.statistiques import statistiques_actualiser
from attrib.demandes import enums, regles
from attrib.demandes.doublons import doublons_detecter
from attrib.demandes.models import (
    CommuneSouhaitee,
    CompteurNumero,
    Demande,
    MotifSecondaire,
    Personne,
    PrioriteLegale,
    SituationPrioritaire,
)
from attrib.demandes.normalisation import normaliser_nom
from attrib.demandes.services import demandes_envoyer_avis_renouvellement
from attrib.demo.caleol import caleol_demo_creer
from attrib.demo.choix import choix_demo_creer
from attrib.demo.cotation import cotation_demo_installer
from attrib.demo.dalo import dalo_demo_creer
from attrib.demo.demandeurs import demandeurs_demo_creer, guichet_en_ligne_demo_ouvrir, tableau_demandeurs
from attrib.demo.flux import flux_demo_creer
from attrib.demo.generateur import (
    BAILLEURS_DEMO,
    LETTRES,
    POIDS_POPULATION,
    RESSOURCES,
    communes_demo,
    generer_menages,
    generer_personnes,
    poids_communes_demo,
)
from attrib.demo.insertion import inserer_colonnes, valeur_par_defaut
from attrib.demo.labellisation import labellisation_demo_creer
from attrib.demo.location_voulue import location_voulue_demo_creer
from attrib.demo.partenariat import partenariat_demo_creer, partenariat_demo_supprimer
from attrib.demo.patrimoine import FICHIER_COMPTAGES
from attrib.demo.qualification import campagne_demo_creer
from attrib.demo.siad import siad_demo_creer
from attrib.engine import validation
from attrib.journal.contexte import journal_origine
from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import CategorieReservataire, Membership, Organisation, Role, TypeOrganisation, User
from attrib.patrimoine.models import Logement, Residence
from attrib.patrimoine.services import bailleurs_estimer, patrimoine_reconstituer, rpls_importer
from attrib.territoires.models import EPCI, Commune

#: The demo acts as the product itself; its reason becomes the journal's origin.
DEMO = acteur_systeme("démonstration (charger_demo)")

SIREN_GRAND_NARBONNE = "241100593"
NARBONNE, GRUISSAN, COURSAN, PORT_LA_NOUVELLE, LEUCATE = "11262", "11170", "11106", "11266", "11202"
URL_DEMO = "http://127.0.0.1:8000"
#: Fictitious SIREN of the demo bailleurs (their real SIREN is not in the open data we hold): nine digits that
#: fail the Luhn check, so that they can never name a real organisation. A lease carries the bailleur's SIREN.
SIREN_FICTIF = "00000000{}"
#: Public password of every demo account: the demo is for evaluation only, never for production data.
MOT_DE_PASSE_DEMO = "demo-attrib"
#: Demands inserted per batch (and per COPY); also the batch of the deletions.
TAILLE_LOT = 10_000


class DemoErreur(Exception):
    """The demo cannot be loaded; the message says why and what to do."""


@dataclass(frozen=True)
class OrganisationDemo:
    cle: str
    nom: str
    type: str
    categorie: str = ""
    code_guichet: str = ""
    siren: str = ""
    #: Seat commune (code INSEE), if any.
    siege: str | None = None
    #: Perimeter: None = every commune of the EPCI, else these communes.
    perimetre: tuple[str, ...] | None = None
    #: [hypothèse] Share of the demands registered at this desk.
    part_guichet: float = 0.0


ORGANISATIONS_DEMO = (
    OrganisationDemo(
        cle="epci",
        nom="CA Le Grand Narbonne",
        type=TypeOrganisation.EPCI,
        categorie=CategorieReservataire.EPCI,
        siren=SIREN_GRAND_NARBONNE,
        siege=NARBONNE,
    ),
    OrganisationDemo(
        cle="narbonne",
        nom="Ville de Narbonne",
        type=TypeOrganisation.COMMUNE,
        categorie=CategorieReservataire.COMMUNE,
        code_guichet="VNARB",
        siege=NARBONNE,
        perimetre=(NARBONNE,),
        part_guichet=0.20,
    ),
    OrganisationDemo(
        cle="gruissan",
        nom="Ville de Gruissan",
        type=TypeOrganisation.COMMUNE,
        categorie=CategorieReservataire.COMMUNE,
        siege=GRUISSAN,
        perimetre=(GRUISSAN,),
    ),
    OrganisationDemo(
        cle="coursan",
        nom="Ville de Coursan",
        type=TypeOrganisation.COMMUNE,
        categorie=CategorieReservataire.COMMUNE,
        siege=COURSAN,
        perimetre=(COURSAN,),
    ),
    # Office public de l'habitat rattaché au Grand Narbonne.
    OrganisationDemo(
        cle="domitia",
        nom="Domitia Habitat",
        type=TypeOrganisation.BAILLEUR,
        code_guichet="DOMIT",
        siren=SIREN_FICTIF.format(1),
        siege=NARBONNE,
        part_guichet=0.22,
    ),
    # Office public de l'habitat de l'Aude.
    OrganisationDemo(
        cle="habitat_audois",
        nom="Habitat Audois",
        type=TypeOrganisation.BAILLEUR,
        code_guichet="HAUDO",
        siren=SIREN_FICTIF.format(2),
        siege=NARBONNE,
        part_guichet=0.16,
    ),
    # Entreprise sociale pour l'habitat (Aude, Ariège): Narbonne, Port-la-Nouvelle, Leucate in the EPCI.
    OrganisationDemo(
        cle="alogea",
        nom="Alogea",
        type=TypeOrganisation.BAILLEUR,
        code_guichet="ALOGE",
        siren=SIREN_FICTIF.format(3),
        siege=NARBONNE,
        perimetre=(NARBONNE, PORT_LA_NOUVELLE, LEUCATE),
        part_guichet=0.12,
    ),
    OrganisationDemo(
        cle="etat",
        nom="Préfecture de l'Aude — DDETS",
        type=TypeOrganisation.RESERVATAIRE,
        categorie=CategorieReservataire.ETAT,
    ),
    OrganisationDemo(
        cle="action_logement",
        nom="Action Logement Services",
        type=TypeOrganisation.RESERVATAIRE,
        categorie=CategorieReservataire.ACTION_LOGEMENT,
    ),
    OrganisationDemo(
        cle="guichet",
        nom="Maison de l'habitat du Grand Narbonne",
        type=TypeOrganisation.GUICHET,
        code_guichet="GNMHA",
        siege=NARBONNE,
        part_guichet=0.30,
    ),
    OrganisationDemo(
        cle="service_social",
        nom="Service social départemental — Narbonne",
        type=TypeOrganisation.SERVICE_SOCIAL,
        siege=NARBONNE,
    ),  # The SIAO of the demonstration (the partner committee's member): its name says it is fictitious.
    OrganisationDemo(
        cle="siao",
        nom="SIAO de l'Aude (organisation fictive de démonstration)",
        type=TypeOrganisation.SIAO,
        siege=NARBONNE,
    ),
)

#: [hypothèse] A mutation applicant registers at their current landlord in this share of cases.
PART_MUTATIONS_CHEZ_LEUR_BAILLEUR = 0.6
#: [hypothèse] Declared L441-1 situations already validated by a desk.
PART_SITUATIONS_VALIDEES = 0.5


@dataclass(frozen=True)
class CompteDemo:
    identifiant: str
    prenom: str
    nom: str
    organisation: str | None  # key in ORGANISATIONS_DEMO; None for the superuser
    role: str
    libelle: str


COMPTES_DEMO = (
    CompteDemo("admin", "Alex", "Admin", None, "", "Superutilisateur"),
    CompteDemo("guichet", "Sophie", "Vidal", "guichet", Role.GESTIONNAIRE, "Agent de guichet"),
    CompteDemo("narbonne", "Julien", "Pujol", "narbonne", Role.GESTIONNAIRE, "Service logement"),
    CompteDemo("domitia", "Nadia", "Benali", "domitia", Role.GESTIONNAIRE, "Bailleur"),
    CompteDemo("habitat.audois", "Éric", "Fabre", "habitat_audois", Role.GESTIONNAIRE, "Bailleur"),
    CompteDemo("alogea", "Léa", "Marty", "alogea", Role.GESTIONNAIRE, "Bailleur"),
    CompteDemo("etat", "Hélène", "Sabatier", "etat", Role.GESTIONNAIRE, "Réservataire État"),
    CompteDemo("action.logement", "Karim", "Mansouri", "action_logement", Role.GESTIONNAIRE, "Réservataire"),
    CompteDemo("epci", "Claire", "Castel", "epci", Role.ADMINISTRATEUR, "EPCI"),
    CompteDemo("social", "Thomas", "Roques", "service_social", Role.GESTIONNAIRE, "Travailleur social"),
    CompteDemo("siao", "Inès", "Garcia", "siao", Role.GESTIONNAIRE, "SIAO (fictif)"),
    CompteDemo("coursan", "Marc", "Delmas", "coursan", Role.GESTIONNAIRE, "Service logement"),
    CompteDemo("gruissan", "Anne", "Bousquet", "gruissan", Role.CONSULTATION, "Élue"),
)


@dataclass
class ResultatDemo:
    demandes_creees: int
    demandes_existantes: int
    avis_renouvellement: int
    doublons: int
    organisations: dict[str, Organisation]


def _ecrire(stdout: TextIO, texte: str) -> None:
    stdout.write(texte + ("" if texte.endswith("\n") else "\n"))
    stdout.flush()


# --- Referentials --------------------------------------------------------------------------------


def _commande(nom: str, stdout: TextIO) -> None:
    if nom not in get_commands():
        raise DemoErreur(
            f"La commande « {nom} » est introuvable : le référentiel nécessaire à la démo ne peut pas être chargé."
        )
    call_command(nom, stdout=stdout)


def _referentiels(stdout: TextIO) -> EPCI:
    """Load the COG territories and the L441-1 priorities when the database has none yet."""
    if not Commune.objects.de_epci(SIREN_GRAND_NARBONNE).exists():
        _ecrire(stdout, "Chargement du référentiel territorial (importer_territoires)…")
        _commande("importer_territoires", stdout)
    if not PrioriteLegale.objects.exists():
        _ecrire(stdout, "Chargement des priorités légales L441-1 (charger_priorites)…")
        _commande("charger_priorites", stdout)
    epci = EPCI.objects.filter(siren=SIREN_GRAND_NARBONNE).first()
    if epci is None or not Commune.objects.de_epci(epci).exists():
        raise DemoErreur(
            f"Le référentiel ne contient pas les communes de l'EPCI {SIREN_GRAND_NARBONNE} (CA Le Grand Narbonne) : "
            "lancez « python manage.py importer_territoires »."
        )
    return epci


# --- Organisations and accounts ------------------------------------------------------------------


@transaction.atomic
def _organisations(epci: EPCI) -> dict[str, Organisation]:
    communes_epci = list(Commune.objects.de_epci(epci).values_list("code_insee", flat=True))
    existantes = set(communes_epci)
    sirens = {c["code_insee"]: c["siren_commune"] for c in communes_demo()}
    organisations = {}
    for spec in ORGANISATIONS_DEMO:
        siren = spec.siren or (sirens.get(spec.siege or "", "") if spec.type == TypeOrganisation.COMMUNE else "")
        org, _ = Organisation.objects.update_or_create(
            nom=spec.nom,
            defaults={
                "type": spec.type,
                "categorie_reservataire": spec.categorie,
                "code_guichet": spec.code_guichet,
                "siren": siren,
                "epci": epci,
                "commune_id": spec.siege if spec.siege in existantes else None,
            },
        )
        perimetre = communes_epci if spec.perimetre is None else [c for c in spec.perimetre if c in existantes]
        org.perimetre.set(perimetre)  # type: ignore[arg-type]
        organisations[spec.cle] = org
    return organisations


@transaction.atomic
def _comptes(organisations: dict[str, Organisation]) -> dict[str, User]:
    """Create or reset the demo accounts (one password hash, computed once: hashing is slow on purpose)."""
    empreinte = make_password(MOT_DE_PASSE_DEMO)
    comptes = {}
    for compte in COMPTES_DEMO:
        superuser = compte.organisation is None
        user, _ = User.objects.update_or_create(
            username=compte.identifiant,
            defaults={
                "first_name": compte.prenom,
                "last_name": compte.nom,
                "email": f"{compte.identifiant}@example.org",
                "password": empreinte,
                "is_active": True,
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        if compte.organisation is not None:
            Membership.objects.update_or_create(
                user=user, organisation=organisations[compte.organisation], defaults={"role": compte.role}
            )
        comptes[compte.identifiant] = user
    return comptes


def tableau_comptes(organisations: dict[str, Organisation], *, adresse: str = URL_DEMO) -> str:
    """The logins of the demo, one line per account, and the URL to open."""
    lignes = [("Rôle", "Organisation", "Identifiant", "Mot de passe")]
    for compte in COMPTES_DEMO:
        org = organisations[compte.organisation].nom if compte.organisation else "—"
        role = (
            compte.libelle if compte.organisation is None else f"{compte.libelle} — {Role(compte.role).label.lower()}"
        )
        lignes.append((role, org, compte.identifiant, MOT_DE_PASSE_DEMO))
    largeurs = [max(len(ligne[i]) for ligne in lignes) for i in range(4)]
    texte = [
        "Comptes de démonstration (mots de passe publics : pour la démo uniquement) :",
        *("  " + "  ".join(c.ljust(w) for c, w in zip(ligne, largeurs, strict=True)).rstrip() for ligne in lignes),
        f"Ouvrez {adresse} et connectez-vous avec l'un de ces comptes.",
    ]
    return "\n".join(texte)


# --- Demands -------------------------------------------------------------------------------------


def _guichets_demo(organisations: dict[str, Organisation]) -> list[Organisation]:
    return [organisations[s.cle] for s in ORGANISATIONS_DEMO if s.code_guichet]


def _demandes_demo(organisations: dict[str, Organisation]) -> models.QuerySet[Demande]:
    # The demands of the demo's desks, and those filed online in the demo (its online desk).
    return Demande.objects.filter(Q(guichet__in=_guichets_demo(organisations)) | Q(guichet__guichet_en_ligne=True))


def _dependances_protegees() -> list[tuple[type[models.Model], str]]:
    """Rows that protect a demo demand from deletion (``on_delete=PROTECT``), children first, each with the lookup
    to its demand: the reset removes them before the demands."""
    from attrib.dalo.models import DecisionDalo, DesignationPrefet
    from attrib.labellisation.models import Accompagnement
    from attrib.rapprochement.models import LigneChoix

    return [
        (LigneChoix, "demande_id__in"),
        (DesignationPrefet, "decision__demande_id__in"),
        (DecisionDalo, "demande_id__in"),
        (Accompagnement, "demande_id__in"),
    ]


@transaction.atomic
def _supprimer_demandes(organisations: dict[str, Organisation], stdout: TextIO) -> int:
    ids = list(_demandes_demo(organisations).values_list("pk", flat=True))
    # The partner committee's cases protect their demands: the demo's committee goes with them.
    partenariat_demo_supprimer(epci=organisations["epci"].epci, demande_ids=ids)
    type_demande = ContentType.objects.get_for_model(Demande)
    dependances = _dependances_protegees()
    for debut in range(0, len(ids), TAILLE_LOT):
        lot = ids[debut : debut + TAILLE_LOT]
        Evenement.objects.filter(cible_type=type_demande, cible_id__in=[str(i) for i in lot]).delete()
        for modele, recherche in dependances:
            modele._default_manager.filter(**{recherche: lot}).delete()
        Demande.objects.filter(pk__in=lot).delete()
    _ecrire(stdout, f"{len(ids)} demande(s) de démonstration supprimée(s).")
    return len(ids)


def _decimal(valeur: float | None) -> Decimal:
    return Decimal(f"{valeur:.2f}") if valeur else Decimal("0")


def _horodatage(jour: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(9, 0)) + timedelta(minutes=minutes))


def _numeros(menages: pl.DataFrame, codes_guichet: list[str]) -> list[str]:
    """Numéros uniques in filing order, continuing (and advancing) each year's CompteurNumero."""
    departement = menages.get_column("departement")[0] if menages.height else ""
    depots = menages.get_column("date_depot_initiale").to_list()
    annees = sorted({d.year for d in depots})
    suivants = {}
    for annee in annees:
        compteur, _ = CompteurNumero.objects.select_for_update().get_or_create(departement=departement, annee=annee)
        suivants[annee] = compteur.valeur
        compteur.valeur += sum(1 for d in depots if d.year == annee)
        compteur.save(update_fields=["valeur"])
    numeros = []
    for depot, code in zip(depots, codes_guichet, strict=True):
        suivants[depot.year] += 1
        numeros.append(f"{departement.zfill(3)}{depot:%y%m}{suivants[depot.year]:07d}{code.upper():0>5}")
    return numeros


def _choisir_guichets(
    menages: pl.DataFrame, organisations: dict[str, Organisation], rng: np.random.Generator
) -> list[Organisation]:
    specs = [s for s in ORGANISATIONS_DEMO if s.code_guichet]
    poids = np.array([s.part_guichet for s in specs])
    tirage = rng.choice(len(specs), size=menages.height, p=poids / poids.sum())
    par_nom = {organisations[s.cle].nom: i for i, s in enumerate(specs)}
    bailleurs = menages.get_column("bailleur_actuel").cast(pl.String).to_list()
    chez_bailleur = rng.random(menages.height) < PART_MUTATIONS_CHEZ_LEUR_BAILLEUR
    choix = []
    for i, bailleur in enumerate(bailleurs):
        k = par_nom[bailleur] if bailleur in par_nom and chez_bailleur[i] else int(tirage[i])
        choix.append(organisations[specs[k].cle])
    return choix


def _priorites_en_vigueur(jour: date) -> tuple[dict[str, str], str | None]:
    """{L441-1 letter: PrioriteLegale code} in force on ``jour``, and the DALO criterion if loaded."""
    en_vigueur = PrioriteLegale.objects.filter(date_debut__lte=jour).exclude(date_fin__lt=jour)
    lettres = {p.lettre.lower(): p.code for p in en_vigueur if p.lettre}
    dalo = next((p.code for p in en_vigueur if not p.lettre and "dalo" in p.code.lower()), None)
    return lettres, dalo


def _ordre_de_depot(menages: pl.DataFrame, personnes: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Both frames sorted in filing order (the numéro unique follows it), persons grouped by household."""
    menages = menages.sort(["date_depot_initiale", "menage"])
    rang = np.empty(menages.height, dtype=np.int64)
    rang[menages.get_column("menage").to_numpy()] = np.arange(menages.height)
    personnes = personnes.with_columns(menage_rang=pl.Series(rang).gather(personnes.get_column("menage"))).sort(
        "menage_rang", maintain_order=True
    )
    return menages, personnes


class DemoInvalide(ValueError):
    """The generator produced a value the demand's rule set refuses (a bug of the generator)."""


def _verifier_regles(
    objet: str, modele: type[models.Model], colonnes: dict[str, list[Any]], qui: list[str], jour: date
) -> None:
    """The generated demands (``objet="demande"``) or persons (``"personne"``), given by columns, pass the same
    rule set as the screens, the API and the import (``attrib.engine.validation``), one plain row at a time:
    a bulk insert skips the services, not the rules. A field the columns leave out is checked with the value
    the insert will give it (the model's default)."""
    champs = set(validation.champs_regles(objet))
    if objet == "personne":
        champs.add("enfant_a_naitre")
    n = len(qui)
    valeurs = {
        c: colonnes[c] if c in colonnes else [valeur_par_defaut(modele._meta.get_field(c), timezone.now())] * n  # type: ignore[arg-type]
        for c in sorted(champs)
    }
    regle = validation.erreurs_demande if objet == "demande" else validation.erreurs_personne
    erreurs: list[str] = []
    for i, ligne in enumerate(zip(*valeurs.values(), strict=True)):
        trouvees = regle(dict(zip(valeurs, ligne, strict=True)), jour=jour)
        erreurs += [f"{qui[i]}, {champ} : {m}" for champ, messages in trouvees.items() for m in messages]
    if erreurs:
        raise DemoInvalide(
            f"Données de démonstration refusées par les règles de saisie ({len(erreurs)} erreur(s)) ; "
            f"premières : {' | '.join(erreurs[:5])}"
        )


def _decimaux(valeurs: list[float | None]) -> list[Decimal]:
    return [_decimal(v) for v in valeurs]


def _texte(valeurs: list[Any]) -> list[str]:
    """An optional text of the generator (None or an enum code) as stored: "" when absent."""
    return [str(v) if v is not None else "" for v in valeurs]


def _inserer_demandes(
    *,
    menages: pl.DataFrame,
    personnes: pl.DataFrame,
    organisations: dict[str, Organisation],
    comptes: dict[str, User],
    seed: int,
    jour: date,
    stdout: TextIO,
) -> int:
    """Insert the demands and their persons, wishes, motives, priorities and registration events by columns
    (``attrib.demo.insertion``: COPY on PostgreSQL), batch by batch, each row checked by the rule set first."""
    rng = np.random.default_rng([seed, 2])
    menages, personnes = _ordre_de_depot(menages, personnes)
    guichets = _choisir_guichets(menages, organisations, rng)
    numeros = _numeros(menages, [g.code_guichet for g in guichets])
    agents = {
        organisations[c.organisation].pk: comptes[c.identifiant].pk
        for c in COMPTES_DEMO
        if c.organisation is not None and c.role == Role.GESTIONNAIRE
    }
    lettres, code_dalo = _priorites_en_vigueur(jour)
    absentes = sorted(set(LETTRES) - set(lettres))
    if absentes:
        _ecrire(stdout, f"Priorités L441-1 non chargées, non déclarées dans la démo : {', '.join(absentes)}.")
    noms_communes = dict(Commune.objects.values_list("code_insee", "nom"))
    type_demande = ContentType.objects.get_for_model(Demande)
    validees = rng.random(menages.height) < PART_SITUATIONS_VALIDEES
    minutes = rng.integers(0, 8 * 60, menages.height)
    debut_personnes = np.concatenate([[0], np.cumsum(menages.get_column("nb_personnes").to_numpy())])
    echeances: dict[date, date] = {}
    total = menages.height
    for debut in range(0, total, TAILLE_LOT):
        fin = min(debut + TAILLE_LOT, total)
        m = menages.slice(debut, fin - debut).to_dict(as_series=False)
        n = fin - debut
        lot_guichets = guichets[debut:fin]
        lot_minutes = [int(x) for x in minutes[debut:fin]]
        departs = [r or d for r, d in zip(m["date_dernier_renouvellement"], m["date_depot_initiale"], strict=True)]
        for depart in set(departs) - echeances.keys():
            echeances[depart] = regles.echeance(depart)
        cree_le = [_horodatage(e, x) for e, x in zip(m["date_enregistrement"], lot_minutes, strict=True)]
        demandes: dict[str, list[Any]] = {
            "numero_unique": numeros[debut:fin],
            "canal": _texte(m["canal"]),
            "guichet_id": [g.pk for g in lot_guichets],
            "departement": m["departement"],
            "date_depot_initiale": m["date_depot_initiale"],
            "date_enregistrement": m["date_enregistrement"],
            "date_dernier_renouvellement": m["date_dernier_renouvellement"],
            "date_echeance": [echeances[d] for d in departs],
            "statut_logement_actuel": _texte(m["statut_logement_actuel"]),
            "bailleur_actuel": _texte(m["bailleur_actuel"]),
            "type_logement_actuel": _texte(m["type_logement_actuel"]),
            "nb_pieces_actuel": m["nb_pieces_actuel"],
            "surface_actuelle": [_decimal(v) if v else None for v in m["surface_actuelle"]],
            "loyer_actuel": _decimaux(m["loyer_actuel"]),
            "charges_actuelles": _decimaux(m["charges_actuelles"]),
            "allocation_logement": _decimaux(m["allocation_logement"]),
            "logement_actuel_depuis": m["logement_actuel_depuis"],
            "procedure_expulsion": _texte(m["procedure_expulsion"]),
            "logement_non_decent": m["logement_non_decent"],
            "arrete_insalubrite": m["arrete_insalubrite"],
            "typologie_min": m["typologie_min"],
            "typologie_max": m["typologie_max"],
            "type_logement_recherche": _texte(m["type_logement_recherche"]),
            "besoin_fauteuil": m["besoin_fauteuil"],
            "besoin_logement_adapte": m["besoin_logement_adapte"],
            "besoin_rdc_ou_ascenseur": m["besoin_rdc_ou_ascenseur"],
            "besoin_parking": m["besoin_parking"],
            "revenu_fiscal_reference": m["revenu_fiscal_reference"],
            "annee_revenu_fiscal": m["annee_revenu_fiscal"],
            "revenu_n1_si_baisse": m["revenu_n1_si_baisse"],
            "dalo_reconnu": m["dalo_reconnu"],
            "dalo_date_decision": m["dalo_date_decision"],
            "motif_principal": _texte(m["motif_principal"]),
            "cree_le": cree_le,
        }
        _verifier_regles("demande", Demande, demandes, [f"demande {x}" for x in demandes["numero_unique"]], jour)
        inserer_colonnes(Demande, demandes)
        ids_par_numero = dict(
            Demande.objects.filter(numero_unique__in=demandes["numero_unique"]).values_list("numero_unique", "pk")
        )
        ids = [ids_par_numero[x] for x in demandes["numero_unique"]]

        p = personnes.slice(int(debut_personnes[debut]), int(debut_personnes[fin] - debut_personnes[debut])).to_dict(
            as_series=False
        )
        rangs = [r - debut for r in p["menage_rang"]]
        residences = _texte(m["commune_residence"])
        colonnes_personnes: dict[str, list[Any]] = {
            "demande_id": [ids[r] for r in rangs],
            "role": _texte(p["role"]),
            "lien": _texte(p["lien"]),
            "civilite": _texte(p["civilite"]),
            "nom": p["nom"],
            "nom_naissance": _texte(p["nom_naissance"]),
            "prenoms": p["prenoms"],
            "nom_normalise": [normaliser_nom(f"{a} {b}") for a, b in zip(p["nom"], p["prenoms"], strict=True)],
            "nom_naissance_normalise": [normaliser_nom(x or "")[:100] for x in p["nom_naissance"]],
            "date_naissance": p["date_naissance"],
            "nationalite": _texte(p["nationalite"]),
            "titre_sejour_type": _texte(p["titre_sejour_type"]),
            "titre_sejour_fin": p["titre_sejour_fin"],
            "situation_familiale": _texte(p["situation_familiale"]),
            "situation_professionnelle": _texte(p["situation_professionnelle"]),
            "employeur_cotisant_action_logement": p["employeur_cotisant_action_logement"],
            "emploi_non_teletravaillable": p["emploi_non_teletravaillable"],
            "secteur_essentiel": _texte(p["secteur_essentiel"]),
            "a_charge": p["a_charge"],
            "handicap": p["handicap"],
            "adresse": _texte(p["adresse"]),
            "ville": [
                noms_communes.get(residences[r], "") if role == enums.RolePersonne.DEMANDEUR else ""
                for r, role in zip(rangs, p["role"], strict=True)
            ],
            "telephone": _texte(p["telephone"]),
            "email": _texte(p["email"]),
            **{r: _decimaux(p[r]) for r in RESSOURCES},
        }
        qui = [f"personne {a} {b}" for a, b in zip(p["prenoms"], p["nom"], strict=True)]
        _verifier_regles("personne", Personne, colonnes_personnes, qui, jour)
        inserer_colonnes(Personne, colonnes_personnes)

        souhaits = [
            (ids[i], str(code), rang)
            for i, codes in enumerate(m["communes_souhaitees"])
            for rang, code in enumerate(codes, start=1)
        ]
        inserer_colonnes(
            CommuneSouhaitee,
            {
                "demande_id": [s[0] for s in souhaits],
                "commune_id": [s[1] for s in souhaits],
                "rang": [s[2] for s in souhaits],
            },
        )
        motifs = [(ids[i], str(motif)) for i, liste in enumerate(m["motifs_secondaires"]) for motif in liste]
        inserer_colonnes(MotifSecondaire, {"demande_id": [x[0] for x in motifs], "motif": [x[1] for x in motifs]})
        situations: dict[str, list[Any]] = {
            k: [] for k in ("demande_id", "priorite_id", "statut", "validee_par_id", "validee_le")
        }
        for i in range(n):
            codes = [lettres[str(lettre)] for lettre in m["priorites"][i] if str(lettre) in lettres]
            if m["dalo_reconnu"][i] and code_dalo:
                codes.insert(0, code_dalo)
            valide = bool(validees[debut + i])
            for code in codes:
                situations["demande_id"].append(ids[i])
                situations["priorite_id"].append(code)
                situations["statut"].append(
                    enums.StatutValidation.VALIDEE.value if valide else enums.StatutValidation.DECLAREE.value
                )
                situations["validee_par_id"].append(agents.get(lot_guichets[i].pk) if valide else None)
                situations["validee_le"].append(
                    _horodatage(m["date_enregistrement"][i] + timedelta(days=7), lot_minutes[i]) if valide else None
                )
        inserer_colonnes(SituationPrioritaire, situations)

        inserer_colonnes(
            Evenement,
            {
                "cible_type_id": [type_demande.pk] * n,
                "cible_id": [str(pk) for pk in ids],
                "action": ["enregistrement"] * n,
                "auteur_id": [
                    agents.get(g.pk) if canal == enums.Canal.GUICHET else None
                    for g, canal in zip(lot_guichets, demandes["canal"], strict=True)
                ],
                "organisation_id": [g.pk for g in lot_guichets],
                "visible_demandeur": [True] * n,
                "resume": [
                    f"Demande enregistrée sous le numéro {x} par {g}."
                    for x, g in zip(demandes["numero_unique"], lot_guichets, strict=True)
                ],
                "details": [
                    {"date_depot_initiale": str(d), "echeance": str(e), "origine": "demo"}
                    for d, e in zip(demandes["date_depot_initiale"], demandes["date_echeance"], strict=True)
                ],
                "horodatage": cree_le,
            },
        )
        _ecrire(stdout, f"  {fin:>7} / {total} demandes")
    return total


FICHIER_RPLS_NARBONNE = Path(settings.BASE_DIR) / "data" / "referentiels" / "rpls_narbonne_adresses_bdaniere.csv"


def _charger_parc(
    *, organisations: dict[str, Organisation], comptes: dict[str, User], seed: int, jour: date, stdout: TextIO
) -> None:
    """The real Grand Narbonne stock (RPLS address file of Narbonne + seeded rebuild of the other
    communes from the 2019 counts), bailleurs estimated among the demo bailleurs where the open data
    does not name them, the closed rating campaign of last year, the flux year and the CALEOL year
    (``attrib.demo.caleol``). Each step is idempotent."""
    bailleurs = [o for o in organisations.values() if o.type == TypeOrganisation.BAILLEUR]
    import_rpls = rpls_importer(chemin=FICHIER_RPLS_NARBONNE, auteur=DEMO)
    reconstitution = patrimoine_reconstituer(chemin=FICHIER_COMPTAGES, graine=seed, bailleurs=bailleurs, auteur=DEMO)
    estimes = bailleurs_estimer(bailleurs=bailleurs, graine=seed, auteur=DEMO)
    # The campaign, the flux and the CALEOL replays below look dwellings up by their key: plan them on the loaded
    # stock's statistics. Without this, statistics taken earlier on these tables while they held no row (a demo
    # without stock, then a load in the same transaction; ANALYZE's page and row counts outlive a rollback) give
    # 0 rows per page, and each lookup of a dwelling by its key walked the whole stock (2 s each, 834 of them).
    statistiques_actualiser([Residence, Logement])
    _ecrire(
        stdout,
        f"Parc social : {Logement.objects.count()} logements dans {Residence.objects.count()} résidences "
        f"(Narbonne : {import_rpls.logements} logements du fichier RPLS ; autres communes : "
        f"{reconstitution.logements} logements reconstitués ; {estimes} bailleur(s) estimé(s)).",
    )
    communes = [o for o in organisations.values() if o.type == TypeOrganisation.COMMUNE]
    campagne = campagne_demo_creer(
        epci_org=organisations["epci"],
        communes_orgs=communes,
        bailleurs_orgs=bailleurs,
        annee=jour.year - 1,
        graine=seed,
    )
    _ecrire(stdout, f"Campagne de qualification du parc {campagne.annee} : close, résultats et agenda consultables.")
    flux = flux_demo_creer(
        bailleurs=bailleurs,
        etat=organisations["etat"],
        action_logement=organisations["action_logement"],
        ville=organisations["narbonne"],
        epci=organisations["epci"],
        annee=jour.year - 1,
        graine=seed,
    )
    _ecrire(stdout, f"Gestion en flux : {flux.texte()}")
    caleol = caleol_demo_creer(
        bailleurs=bailleurs, organisations=organisations, comptes=comptes, jour=jour, graine=seed, stdout=stdout
    )
    _ecrire(stdout, caleol.texte())


@journal_origine("démonstration (charger_demo)")
def charger_demo(
    *,
    nb_demandes: int = 5000,
    seed: int = 2026,
    date_reference: date | None = None,
    reinitialiser: bool = False,
    avec_parc: bool = True,
    adresse: str = URL_DEMO,
    stdout: TextIO | None = None,
) -> ResultatDemo:
    """Load the Grand Narbonne demo: referentials, organisations, accounts, ``nb_demandes`` demands.

    Re-running it is harmless: without ``reinitialiser`` an already loaded demo keeps its demands.
    """
    sortie: TextIO = stdout or sys.stdout
    if nb_demandes < 0:
        raise DemoErreur("Le nombre de demandes doit être positif ou nul.")
    jour = date_reference or timezone.localdate()
    epci = _referentiels(sortie)
    organisations = _organisations(epci)
    guichet_en_ligne = guichet_en_ligne_demo_ouvrir(epci)
    comptes = _comptes(organisations)
    _ecrire(sortie, f"{len(organisations)} organisations et {len(comptes)} comptes de démonstration prêts.")
    if reinitialiser:
        _supprimer_demandes(organisations, sortie)
    existantes = _demandes_demo(organisations).count()
    creees = avis = doublons = 0
    if existantes:
        _ecrire(
            sortie,
            f"La démo contient déjà {existantes} demande(s) : aucune demande ajoutée. "
            "Relancez avec --reinitialiser pour les remplacer.",
        )
    elif nb_demandes:
        codes = list(Commune.objects.de_epci(epci).values_list("code_insee", "population"))
        connus = dict(poids_communes_demo([c for c, _ in codes]))
        poids = [(c, connus.get(c, POIDS_POPULATION * population) or 1.0) for c, population in codes]
        _ecrire(sortie, f"Génération de {nb_demandes} demandes synthétiques (graine {seed}, au {jour:%d/%m/%Y})…")
        menages = generer_menages(nb_demandes, seed=seed, date_reference=jour, communes=poids)
        personnes = generer_personnes(menages, seed=seed, date_reference=jour)
        with transaction.atomic():
            creees = _inserer_demandes(
                menages=menages,
                personnes=personnes,
                organisations=organisations,
                comptes=comptes,
                seed=seed,
                jour=jour,
                stdout=sortie,
            )
        # The batches below read what was just inserted: plan them on the loaded tables' statistics.
        statistiques_actualiser(
            [Demande, Personne, CommuneSouhaitee, MotifSecondaire, SituationPrioritaire, Evenement, EntreeJournal]
        )
        avis = demandes_envoyer_avis_renouvellement(aujourd_hui=jour, auteur=DEMO)
        doublons = doublons_detecter(aujourd_hui=jour, auteur=DEMO)
        _ecrire(
            sortie,
            f"{creees} demandes créées ; {avis} avis de renouvellement envoyés (échéance dans le mois) ; "
            f"{doublons} doublon(s) potentiel(s) à examiner.",
        )
    if avec_parc:
        _charger_parc(organisations=organisations, comptes=comptes, seed=seed, jour=jour, stdout=sortie)
    else:
        caleol = caleol_demo_creer(
            bailleurs=[o for o in organisations.values() if o.type == TypeOrganisation.BAILLEUR],
            organisations=organisations,
            comptes=comptes,
            jour=jour,
            graine=seed,
            avec_historique=False,
        )
        _ecrire(sortie, caleol.texte())
    cotation_demo_installer(epci_org=organisations["epci"], jour=jour, stdout=sortie, auteur=DEMO)
    # The pages served right after the load read the referentials and the stock: plan them on their statistics,
    # taken once they are full (without them PostgreSQL takes the 34,969 communes for 5,000 and hashes them all to
    # sort a page of 20 residences).
    # The stock's own were taken once it was loaded (``_charger_parc``); taken here on a demo without stock they
    # would say « no row per page » to every later load in the same transaction.
    statistiques_actualiser([EPCI, Commune])
    siad = siad_demo_creer(epci=epci, organisations=organisations, jour=jour, auteur=DEMO)
    _ecrire(sortie, f"{siad.texte()} Pages publiques : {adresse}/territoire/{epci.siren}/")
    premiere = None
    if avec_parc:
        # After the cotation (applications are ranked by score), before the applicant accounts are linked: the open
        # advert is fitted to the household of the first account, which applies itself.
        lv = location_voulue_demo_creer(
            epci=epci,
            bailleurs=[o for o in organisations.values() if o.type == TypeOrganisation.BAILLEUR],
            etat=organisations["etat"],
            demandes=_demandes_demo(organisations),
            jour=jour,
            graine=seed,
        )
        premiere = lv.demande_ouverte
        _ecrire(sortie, lv.texte())
    # After the CALEOL year (offers, refusals, leases): the DALO follow-up's households in every situation.
    dalo = dalo_demo_creer(
        demandes=_demandes_demo(organisations),
        bailleurs=[o for o in organisations.values() if o.type == TypeOrganisation.BAILLEUR],
        jour=jour,
        graine=seed,
    )
    _ecrire(sortie, dalo.texte())
    # After the cotation (a label re-scores its demand; the social service looks for criteria waiting for it).
    labels = labellisation_demo_creer(
        epci=epci,
        organisations=organisations,
        comptes=comptes,
        demandes=list(_demandes_demo(organisations).select_related("guichet")),
        jour=jour,
    )
    _ecrire(sortie, labels.texte())
    # After the CALEOL year (its leases close nothing here: the households drawn have none): the partner committee.
    partenariat = partenariat_demo_creer(
        epci=epci, organisations=organisations, demandes=_demandes_demo(organisations), jour=jour, graine=seed
    )
    _ecrire(sortie, partenariat.texte())
    choix = choix_demo_creer(
        action_logement=organisations["action_logement"], demandes=_demandes_demo(organisations), jour=jour, graine=seed
    )
    _ecrire(sortie, choix.texte())
    demandeurs = demandeurs_demo_creer(_demandes_demo(organisations), mot_de_passe=MOT_DE_PASSE_DEMO, premiere=premiere)
    _ecrire(sortie, tableau_comptes(organisations, adresse=adresse))
    _ecrire(
        sortie,
        tableau_demandeurs(
            demandeurs, mot_de_passe=MOT_DE_PASSE_DEMO, adresse=adresse, guichet_en_ligne=guichet_en_ligne
        ),
    )
    return ResultatDemo(
        demandes_creees=creees,
        demandes_existantes=existantes,
        avis_renouvellement=avis,
        doublons=doublons,
        organisations=organisations,
    )


__all__ = ["BAILLEURS_DEMO", "COMPTES_DEMO", "MOT_DE_PASSE_DEMO", "ORGANISATIONS_DEMO", "DemoErreur", "charger_demo"]
