"""Long jobs (« Mes travaux »): every signed-in user has the list of their own jobs; a job's page, its state
and its file belong to the user who launched it (here the EPCI's member: an export it made)."""

from __future__ import annotations

from typing import Any

from attrib.organisations.models import Organisation, User
from attrib.taches.models import StatutTravail, Travail
from tests.permissions.outils import AUTHENTIFIES, R

LIGNES = [
    R("taches:mes_travaux", AUTHENTIFIES),
    R("taches:travail", {"epci"}, args=("travail_epci",)),
    R("taches:travail_etat", {"epci"}, args=("travail_epci",)),
    R("taches:travail_fichier", {"epci"}, args=("travail_epci",)),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    travail = Travail.objects.create(
        lance_par=User.objects.get(username="epci"),
        nature="demandes.export",
        libelle="Export des demandes (CSV)",
        statut=StatutTravail.TERMINE,
        resume="12 demandes exportées.",
        fichier=b"numero;nom\n",
        nom_fichier="demandes.csv",
        type_fichier="text/csv; charset=utf-8",
    )
    return {"travail_epci": travail}
