"""The world of the partner committee's tests: the Grand Narbonne's committee chaired by the EPCI, with a commune,
a bailleur, the State, Action Logement, a social service and a SIAO; a guichet (not a member) that registered a
household's demand; one manager per organisation, and a read-only member of the State."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from attrib.demandes.models import Demande
from attrib.labellisation.enums import ModeConsentement, ObjetConsentement
from attrib.labellisation.models import Consentement
from attrib.labellisation.services import consentement_recueillir, consentement_retirer
from attrib.organisations.acteurs import Acteur, acteur_de, acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, Role, TypeOrganisation, User
from attrib.partenariat import services
from attrib.partenariat.enums import QualiteMembre
from attrib.partenariat.models import CommissionPartenariale, Dossier
from attrib.territoires.models import EPCI
from tests.factories import COURSAN, GRUISSAN, NARBONNE, creer_demande, guichet, membre, territoire_minimal

SYSTEME = acteur_systeme("test")
GN = (NARBONNE, GRUISSAN, COURSAN)


def _org(nom: str, type_: str, **kw: Any) -> Organisation:
    org = Organisation.objects.create(nom=nom, type=type_, **kw)
    org.perimetre.set(GN)
    return org


@dataclass
class Monde:
    epci: EPCI
    orgs: dict[str, Organisation]
    users: dict[str, User]
    commission: CommissionPartenariale
    demande: Demande
    jour: date

    def acteur(self, nom: str) -> Acteur:
        return acteur_de(self.users[nom])

    def consentir(self, *, retirer: bool = False) -> Consentement:
        """The household's written consent to share its file with the partners, collected by the desk that
        registered its demand on that day; ``retirer``: withdrawn the same day (so no longer in force today)."""
        guichet = self.acteur("guichet")
        consentement = consentement_recueillir(
            demande=self.demande,
            objet=ObjetConsentement.PARTAGE_PARTENAIRES,
            mode=ModeConsentement.ECRIT,
            donne_le=self.demande.date_enregistrement,
            auteur=guichet,
        )
        return consentement_retirer(consentement=consentement, auteur=guichet) if retirer else consentement

    def saisir(self, **kw: Any) -> Dossier:
        return services.dossier_saisir(
            commission=self.commission,
            demande=kw.pop("demande", self.demande),
            organisation=self.orgs["service_social"],
            motif=kw.pop("motif", "Ménage hébergé chez un tiers, sans solution depuis deux ans."),
            auteur=self.acteur("service_social"),
            **kw,
        )


@pytest.fixture
def monde(settings: Any, tmp_path: Any) -> Monde:
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    epci = territoire_minimal()
    g = guichet(nom="Maison de l'habitat", code="MHN01", communes=GN)
    orgs = {
        "guichet": g,
        "epci": _org("CA Le Grand Narbonne", TypeOrganisation.EPCI, epci=epci, categorie_reservataire="epci"),
        "commune": _org("Ville de Gruissan", TypeOrganisation.COMMUNE, categorie_reservataire="commune"),
        "bailleur": _org("Domitia Habitat", TypeOrganisation.BAILLEUR, code_guichet="DOM01"),
        "etat": _org("Préfecture — DDETS", TypeOrganisation.RESERVATAIRE, categorie_reservataire="etat"),
        "action_logement": _org(
            "Action Logement",
            TypeOrganisation.RESERVATAIRE,
            categorie_reservataire=CategorieReservataire.ACTION_LOGEMENT,
        ),
        "service_social": _org("Service social départemental", TypeOrganisation.SERVICE_SOCIAL),
        "siao": _org("SIAO de l'Aude (fictif)", TypeOrganisation.SIAO),
    }
    users = {nom: membre(org, username=nom) for nom, org in orgs.items()}
    users["etat_consultation"] = membre(orgs["etat"], role=Role.CONSULTATION, username="etat_consultation")
    commission = services.commission_creer(
        epci=epci,
        nom="Commission partenariale du Grand Narbonne",
        competence="Ménages prioritaires sans solution de relogement.",
        auteur=acteur_de(users["epci"]),
    )
    qualites = {
        "epci": QualiteMembre.PRESIDENT,
        "commune": QualiteMembre.COMMUNE,
        "bailleur": QualiteMembre.BAILLEUR,
        "etat": QualiteMembre.ETAT,
        "action_logement": QualiteMembre.RESERVATAIRE,
        "service_social": QualiteMembre.SERVICE_SOCIAL,
        "siao": QualiteMembre.SIAO,
    }
    for nom, qualite in qualites.items():
        services.membre_ajouter(
            commission=commission, organisation=orgs[nom], qualite=qualite, auteur=acteur_de(users["epci"])
        )
    jour = timezone.localdate()
    demande = creer_demande(guichet_org=g, communes=(NARBONNE,), date_depot=jour - timedelta(days=400))
    return Monde(epci=epci, orgs=orgs, users=users, commission=commission, demande=demande, jour=jour)
