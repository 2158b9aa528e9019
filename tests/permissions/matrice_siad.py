"""The territory's reception service (issue 13 point 6): its public pages answer everybody — an anonymous visitor,
every staff profile and the applicant, whose other pages are limited to its own space —; the staff's pages of a
reception place belong to the organisation that runs it (managers write, read-only members read), 404 otherwise."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.utils import timezone

from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.siad.services import creneaux_creer_serie, jeton_de, lieu_enregistrer, rendez_vous_reserver
from attrib.territoires.models import EPCI, Commune
from tests.factories import CARCASSONNE, NARBONNE
from tests.permissions.outils import PROFILS, R

#: Everybody, the applicant and the anonymous visitor included.
PUBLIC = set(PROFILS) - {"anonyme"}
#: Members of an organisation that may run a place (a desk: guichet, bailleur; an EPCI), read-only members too.
ACCUEIL = {"guichet", "bailleur", "epci", "consultation"}

LIGNES = [
    R("siad:territoires", PUBLIC, anonyme="autorise"),
    R("siad:accueil", PUBLIC, args=("siad_gn",), anonyme="autorise"),
    R("siad:lieux", PUBLIC, args=("siad_gn",), anonyme="autorise"),
    R("siad:lieu", PUBLIC, args=("siad_gn", "siad_lieu"), anonyme="autorise"),
    R("siad:lieu", set(), args=("siad_gn", "siad_lieu_hors"), anonyme="refus"),
    R("siad:fonctionnement", PUBLIC, args=("siad_gn",), anonyme="autorise"),
    R("siad:chiffres", PUBLIC, args=("siad_gn",), anonyme="autorise"),
    R("siad:reserver", PUBLIC, args=("siad_gn", "siad_creneau"), anonyme="autorise"),
    R("siad:reserver", PUBLIC, methode="post", args=("siad_gn", "siad_creneau"), donnees={}, anonyme="autorise"),
    R("siad:rendez_vous", PUBLIC, args=("siad_gn", "siad_jeton"), anonyme="autorise"),
    R("siad_gestion:lieux", ACCUEIL),
    R("siad_gestion:lieu_nouveau", ACCUEIL - {"consultation"}),
    R("siad_gestion:agenda", {"guichet", "consultation"}, args=("siad_lieu",)),
    R("siad_gestion:agenda", set(), args=("siad_lieu_hors",)),
    R("siad_gestion:lieu_modifier", {"guichet"}, args=("siad_lieu",)),
    R("siad_gestion:lieu_modifier", set(), args=("siad_lieu_hors",)),
    R("siad_gestion:horaires", {"guichet"}, args=("siad_lieu",)),
    R("siad_gestion:horaires", set(), args=("siad_lieu_hors",)),
    R("siad_gestion:serie", {"guichet"}, methode="post", args=("siad_lieu",), donnees={}),
    R("siad_gestion:serie", set(), methode="post", args=("siad_lieu_hors",), donnees={}),
    R("siad_gestion:journal", {"guichet", "consultation"}, args=("siad_lieu",)),
    R("siad_gestion:journal", set(), args=("siad_lieu_hors",)),
    R("siad_gestion:creneau_supprimer", {"guichet"}, methode="post", args=("siad_creneau_libre",), donnees={}),
    R("siad_gestion:creneau_supprimer", set(), methode="post", args=("siad_creneau_hors",), donnees={}),
    R("siad_gestion:rendez_vous_annuler", {"guichet"}, methode="post", args=("siad_rdv",), donnees={}),
    R("siad_gestion:rendez_vous_annuler", set(), methode="post", args=("siad_rdv_hors",), donnees={}),
    R("siad_gestion:rendez_vous_honore", {"guichet"}, methode="post", args=("siad_rdv",), donnees={}),
    R("siad_gestion:rendez_vous_honore", set(), methode="post", args=("siad_rdv_hors",), donnees={}),
]


class _Valeur:
    """An argument passed as it is (the household's link), not as an object's key."""

    def __init__(self, valeur: str) -> None:
        self.pk = valeur


def _lieu(organisation: Organisation, commune: str, nom: str) -> Any:
    return lieu_enregistrer(
        lieu=None,
        donnees={
            "organisation": organisation,
            "nom": nom,
            "adresse": "1 rue de l'Essai",
            "code_postal": "11000",
            "commune": Commune.objects.get(pk=commune),
            "services": ["information"],
        },
        auteur=acteur_systeme("test"),
    )


def _creneaux(lieu: Any) -> list[Any]:
    jour = timezone.localdate() + timedelta(days=7)
    return creneaux_creer_serie(
        lieu=lieu,
        premier_jour=jour,
        dernier_jour=jour,
        jours=[jour.weekday()],
        heure_debut=time(9),
        heure_fin=time(10),
        duree_minutes=20,
        capacite=1,
        auteur=acteur_systeme("test"),
    ).creneaux


def _rdv(creneau: Any, email: str) -> Any:
    return rendez_vous_reserver(
        creneau=creneau,
        nom="Ménage test",
        email=email,
        telephone="",
        motif="information",
        auteur=acteur_systeme("test"),
    )


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    """A place of the desk « guichet » in Narbonne with three slots (one booked), and a place of a desk of
    Carcassonne (another EPCI, another organisation) with its own slots and booking."""
    carcassonne = Organisation.objects.create(
        nom="Accueil de Carcassonne", type=TypeOrganisation.GUICHET, code_guichet="CARSI"
    )
    lieu = _lieu(orgs["guichet"], NARBONNE, "Maison de l'habitat")
    hors = _lieu(carcassonne, CARCASSONNE, "Accueil de Carcassonne")
    reserve, libre, ouvert = _creneaux(lieu)
    (hors_creneau, hors_libre, _) = _creneaux(hors)
    rdv = _rdv(reserve, "menage.siad@example.org")
    return {
        "siad_gn": EPCI.objects.get(siren="241100593"),
        "siad_lieu": lieu,
        "siad_lieu_hors": hors,
        "siad_creneau": ouvert,
        "siad_creneau_libre": libre,
        "siad_creneau_hors": hors_libre,
        "siad_rdv": rdv,
        "siad_rdv_hors": _rdv(hors_creneau, "menage.hors@example.org"),
        "siad_jeton": _Valeur(jeton_de(rdv)),
    }
