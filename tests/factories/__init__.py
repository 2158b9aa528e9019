"""Factories shared by every test package. Demands are created through the real service."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import factory
from django.utils import timezone

from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_enregistrer, priorites_charger
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Membership, Organisation, Role, TypeOrganisation, User
from attrib.territoires.models import EPCI, Commune
from tests.factories.systeme import services_par_le_systeme

services_par_le_systeme(globals())

NARBONNE, GRUISSAN, COURSAN, CARCASSONNE = "11262", "11170", "11106", "11069"


def territoire_minimal() -> EPCI:
    """Grand Narbonne with three member communes, and Carcassonne outside it (real COG codes),
    plus the L441-1 priorities of ``data/parametres/priorites_l441_1.yaml``."""
    epci, _ = EPCI.objects.get_or_create(siren="241100593", defaults={"nom": "CA Le Grand Narbonne", "nature": "CA"})
    carca, _ = EPCI.objects.get_or_create(siren="200035715", defaults={"nom": "CA Carcassonne Agglo", "nature": "CA"})
    for code, nom, e in [
        (NARBONNE, "Narbonne", epci),
        (GRUISSAN, "Gruissan", epci),
        (COURSAN, "Coursan", epci),
        (CARCASSONNE, "Carcassonne", carca),
    ]:
        Commune.objects.get_or_create(
            code_insee=code, defaults={"nom": nom, "departement": "11", "region": "76", "epci": e}
        )
    # The L441-1 priorities (codes dalo, l441_a … l441_m) come from the real data file.
    priorites_charger(auteur=acteur_systeme("test"))
    return epci


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-test")

    @factory.post_generation
    def enregistrer(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Organisation {n}")
    type = TypeOrganisation.GUICHET

    @factory.post_generation
    def communes(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.perimetre.set(Commune.objects.filter(code_insee__in=extracted))


def guichet(
    nom: str = "Guichet Narbonne", code: str = "NAR01", communes: tuple[str, ...] = (NARBONNE,)
) -> Organisation:
    org = OrganisationFactory(
        nom=nom,
        type=TypeOrganisation.GUICHET,
        code_guichet=code,
        communes=list(communes),
        commune_id=communes[0] if communes else None,
    )
    return org


def membre(organisation: Organisation, role: str = Role.GESTIONNAIRE, **kwargs: Any) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def donnees_demande(**surcharges: Any) -> dict[str, Any]:
    donnees: dict[str, Any] = {
        "statut_logement_actuel": enums.StatutLogementActuel.LOCATAIRE_PARC_PRIVE,
        "typologie_min": 2,
        "typologie_max": 3,
        "revenu_fiscal_reference": 18000,
        "annee_revenu_fiscal": 2024,
        "motif_principal": enums.Motif.TROP_CHER,
    }
    donnees.update(surcharges)
    return donnees


def personne(role: str = enums.RolePersonne.DEMANDEUR, **surcharges: Any) -> dict[str, Any]:
    p: dict[str, Any] = {
        "role": role,
        "nom": "Martin",
        "prenoms": "Léa",
        "date_naissance": date(1990, 5, 17),
        "civilite": enums.Civilite.MADAME,
        "situation_familiale": enums.SituationFamiliale.CELIBATAIRE,
        "salaires": 1500,
    }
    p.update(surcharges)
    return p


def creer_demande(
    *,
    guichet_org: Organisation,
    auteur: Any = None,
    communes: tuple[str, ...] = (NARBONNE,),
    personnes: list[dict[str, Any]] | None = None,
    priorites: tuple[str, ...] = (),
    motifs_secondaires: tuple[str, ...] = (),
    date_depot: date | None = None,
    aujourd_hui: date | None = None,
    **donnees: Any,
) -> Demande:
    return demande_enregistrer(
        guichet=guichet_org,
        auteur=acteur_systeme("test") if auteur is None else acteur_de(auteur),
        donnees=donnees_demande(**donnees),
        personnes=personnes or [personne()],
        communes=list(communes),
        priorites=list(priorites),
        motifs_secondaires=list(motifs_secondaires),
        date_depot=date_depot,
        aujourd_hui=aujourd_hui,
    )


def membres_caleol(*, reservataire_consultatif: bool = False) -> list[dict[str, Any]]:
    """The members of a CALEOL used across tests: the president (administrator), the tenants' representative
    and the mayor with voix délibérative; optionally Action Logement as a réservataire with voix consultative."""
    from attrib.commissions.enums import QualiteMembre, Voix

    membres: list[dict[str, Any]] = [
        {"nom": "Mme Durand", "qualite": QualiteMembre.ADMINISTRATEUR, "voix": Voix.DELIBERATIVE, "president": True},
        {"nom": "M. Roux", "qualite": QualiteMembre.REPRESENTANT_LOCATAIRES, "voix": Voix.DELIBERATIVE},
        {"nom": "Maire de Narbonne", "qualite": QualiteMembre.MAIRE, "voix": Voix.DELIBERATIVE},
    ]
    if reservataire_consultatif:
        membres.append({"nom": "Action Logement", "qualite": QualiteMembre.RESERVATAIRE, "voix": Voix.CONSULTATIVE})
    return membres


def a_l_heure(jour: date, heure: int = 9, minute: int = 0) -> datetime:
    """An aware time of the day ``jour`` in the project's time zone (the opening of a CALEOL session held that
    day: services refuse an opening on another day than the session's)."""
    return timezone.make_aware(datetime.combine(jour, time(heure, minute)))


# One factory per concrete model of ``attrib/*`` (tests/test_fabriques.py checks it) and the CALEOL worlds.
from tests.factories.modeles import *  # noqa: E402, F403
from tests.factories.monde import Caleol as Caleol  # noqa: E402
from tests.factories.monde import MondeCaleol as MondeCaleol  # noqa: E402
from tests.factories.monde import construire_caleol as construire_caleol  # noqa: E402
from tests.factories.monde import construire_monde_caleol as construire_monde_caleol  # noqa: E402
