"""A small territory for the rapprochement: the Grand Narbonne with its published test grid, a bailleur
with agreements (State 30 %, Action Logement 20 %), a T3 PLUS dwelling of Narbonne declared freed twice
(its own share, then the State), a planned session of its commission, and hand-made demands wishing
Narbonne: some eligible (one DALO, one of the first quartile), one above the ceiling, one too small a
household for a T3."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from attrib.commissions.models import Commission, Seance
from attrib.commissions.services import commission_creer, seance_creer
from attrib.cotation.enums import TypeGrille
from attrib.cotation.services import grille_importer_yaml, version_publier
from attrib.demandes import enums, quartile
from attrib.demandes.models import Demande
from attrib.flux.models import LogementLibere
from attrib.flux.services import convention_enregistrer, logement_declarer_libere
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation, User
from attrib.patrimoine.enums import Financement, SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from attrib.rapprochement.moteur import vider_cache
from tests.cotation.outils import GRILLE, mois_avant
from tests.factories import COURSAN, GRUISSAN, NARBONNE, guichet, membre, membres_caleol, personne, territoire_minimal

#: Q1 threshold used by the tests (€ per year and per consumption unit).
SEUIL_TEST = 12000.0


@pytest.fixture(autouse=True)
def _cache_vide(settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    vider_cache()
    yield
    vider_cache()


def seuil_connu(monkeypatch: pytest.MonkeyPatch, valeur: float | None = SEUIL_TEST) -> None:
    """Fix the threshold the pilotage gives (an official value, or none)."""

    def seuil_q1(*, epci_siren: str, annee: int) -> quartile.SeuilQ1:
        return quartile.SeuilQ1(
            epci=epci_siren,
            annee=annee,
            valeur=valeur,
            origine=quartile.OFFICIEL,
            source="test",
            libelle="seuil de test" if valeur is not None else "non renseigné",
        )

    monkeypatch.setattr(quartile, "seuil_q1", seuil_q1)


def adulte(salaires: int, **kw: Any) -> dict[str, Any]:
    return personne(salaires=salaires, date_naissance=date(1985, 1, 1), **kw)


def enfant() -> dict[str, Any]:
    return personne(
        role=enums.RolePersonne.PERSONNE_A_LOGER,
        lien=enums.LienParente.ENFANT,
        prenoms="Jules",
        date_naissance=date(2018, 3, 1),
        salaires=0,
    )


@dataclass
class Monde:
    jour: date
    epci: Organisation
    bailleur: Organisation
    etat: Organisation
    residence: Residence
    ll_propre: LogementLibere
    ll_etat: LogementLibere
    commission: Commission
    seance: Seance
    gestionnaire_bailleur: User
    gestionnaire_etat: User
    agent_epci: User
    demandes: dict[str, Demande] = field(default_factory=dict)


def creer_demandes(desk: Organisation, jour: date, communes: tuple[str, ...] = (NARBONNE,)) -> dict[str, Demande]:
    from tests.factories import creer_demande

    def d(mois: int, personnes: list[dict[str, Any]], **kw: Any) -> Demande:
        kw.setdefault("revenu_fiscal_reference", 20000)
        return creer_demande(
            guichet_org=desk,
            communes=communes,
            personnes=personnes,
            date_depot=mois_avant(jour, mois),
            aujourd_hui=jour,
            typologie_min=2,
            typologie_max=4,
            **kw,
        )

    return {
        # DALO: 1000 points + seniority; eligible.
        "dalo": d(2, [adulte(2000), enfant()], dalo_reconnu=True, dalo_date_decision=mois_avant(jour, 1)),
        # A household of one: too few persons for a T3 (under-occupation), best seniority.
        "seul": d(50, [adulte(2000)]),
        # Above the PLUS ceiling.
        "aise": d(36, [adulte(6000), enfant()], revenu_fiscal_reference=90000),
        # Eligible, three persons, long seniority.
        "famille": d(
            24,
            [
                adulte(2000),
                adulte(1000, prenoms="Paul", role=enums.RolePersonne.CODEMANDEUR, lien=enums.LienParente.CONJOINT),
                enfant(),
            ],
        ),
        "couple": d(12, [adulte(1800), enfant()]),
        "recent": d(6, [adulte(1900), enfant()]),
        # First quartile: 1 200 € a month for 1.3 consumption units (11 077 € a year per UC).
        "modeste": d(1, [adulte(1200), enfant()], allocation_logement=Decimal("250"), revenu_fiscal_reference=12000),
    }


def monde_rapprochement(*, communes: tuple[str, ...] = (NARBONNE,)) -> Monde:
    territoire_minimal()
    jour = date.today()
    desk = guichet()
    epci = Organisation.objects.create(
        nom="CA Le Grand Narbonne",
        type=TypeOrganisation.EPCI,
        epci_id="241100593",
        categorie_reservataire=CategorieReservataire.EPCI,
    )
    epci.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    bailleur = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR, siren="272500022")
    bailleur.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    etat = Organisation.objects.create(
        nom="Préfecture de l'Aude",
        type=TypeOrganisation.RESERVATAIRE,
        categorie_reservataire=CategorieReservataire.ETAT,
    )
    etat.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    al = Organisation.objects.create(
        nom="Action Logement",
        type=TypeOrganisation.RESERVATAIRE,
        categorie_reservataire=CategorieReservataire.ACTION_LOGEMENT,
    )
    debut = jour.replace(month=1, day=1) - timedelta(days=60)
    convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        reservataire=etat,
        categorie="etat",
        part=Decimal("30"),
        debut=debut,
    )
    convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        reservataire=al,
        categorie="action_logement",
        part=Decimal("20"),
        debut=debut,
    )
    residence = Residence.objects.create(
        identifiant="LES-PINS",
        nom="Les Pins",
        commune_id=NARBONNE,
        bailleur=bailleur,
        en_qpv=False,
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    logements = [
        Logement.objects.create(
            residence=residence,
            identifiant=f"PINS-{i}",
            nb_pieces=3,
            surface_habitable=Decimal("62"),
            financement=Financement.PLUS,
            loyer_principal=Decimal("430"),
            charges=Decimal("70"),
            etage=0,
        )
        for i in (1, 2)
    ]
    propre = logement_declarer_libere(
        auteur=acteur_systeme("test"),
        logement=logements[0],
        date_liberation=jour,
        nature="relocation",
        aujourd_hui=jour,
    )
    vers_etat = logement_declarer_libere(
        auteur=acteur_systeme("test"),
        logement=logements[1],
        date_liberation=jour,
        nature="relocation",
        aujourd_hui=jour,
    )
    assert propre.orientation is not None and propre.orientation.reservataire_id is None
    assert vers_etat.orientation is not None and vers_etat.orientation.reservataire_id == etat.pk
    commission = commission_creer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        nom="CALEOL Narbonne",
        membres=membres_caleol(),
    )
    seance = seance_creer(auteur=acteur_systeme("test"), commission=commission, date_seance=jour + timedelta(days=10))
    demandes = creer_demandes(desk, jour, communes)
    version = grille_importer_yaml(
        organisation=epci,
        type_grille=TypeGrille.GENERALE,
        contenu=GRILLE,
        nom_fichier="grille.yaml",
        auteur=acteur_systeme("test"),
    )
    version_publier(version=version, jour=jour, auteur=acteur_systeme("test"))
    return Monde(
        jour=jour,
        epci=epci,
        bailleur=bailleur,
        etat=etat,
        residence=residence,
        ll_propre=propre,
        ll_etat=vers_etat,
        commission=commission,
        seance=seance,
        gestionnaire_bailleur=membre(bailleur, username="alogea"),
        gestionnaire_etat=membre(etat, username="prefecture"),
        agent_epci=membre(epci, username="epci"),
        demandes=demandes,
    )


@pytest.fixture
def monde(db: None, monkeypatch: pytest.MonkeyPatch, horloge: time_machine.Coordinates) -> Monde:
    """Eligibility reads the resource ceilings of the current year, published one year at a time: the world's
    tests run on the frozen day (``horloge``), where the tables they use are published."""
    seuil_connu(monkeypatch)
    return monde_rapprochement()
