"""Long work of the rating campaigns, run by the worker (``attrib.taches``): the re-import of a rater's filled
workbook, its line-by-line report shown on the job's page."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks import task

from attrib.common.imports import LIGNES_RAPPORT_MAX
from attrib.organisations.models import Organisation
from attrib.qualification import permissions, services
from attrib.qualification.models import Campagne
from attrib.taches.depots import depot_enregistrer, depot_lire
from attrib.taches.execution import Contexte, EchecTravail, Resultat, executer, travail_lancer
from attrib.taches.models import Travail

GABARIT_RAPPORT = "qualification/_rapport_import_notations.html"
CONSERVE = "Aucune note n'a été enregistrée."
CONSERVE_TOUT_OU_RIEN = "Aucune note n'a été enregistrée (mode « tout ou rien »)."


def _details(
    rapport: services.RapportImportNotations, campagne: Campagne, organisation: Organisation
) -> dict[str, Any]:
    """The report kept with the job: its counts exact, its lines bounded (``LIGNES_RAPPORT_MAX``, as every import):
    the errors first, then the other lines while there is room, in the file's order; what is left out is counted."""
    erreurs = rapport.erreurs
    listees = erreurs[:LIGNES_RAPPORT_MAX]
    place = LIGNES_RAPPORT_MAX - len(listees)
    autres = [li for li in rapport.lignes if li.resultat != "erreur"]
    listees += autres[:place]
    return {
        "campagne_id": campagne.pk,
        "organisation_id": organisation.pk,
        "annule": rapport.annule,
        "resume": rapport.resume(),
        "erreur_fichier": rapport.erreur_fichier,
        "nb_erreurs": len(erreurs),
        "nb_erreurs_non_listees": len(erreurs) - min(len(erreurs), LIGNES_RAPPORT_MAX),
        "nb_autres_non_listees": len(autres) - min(len(autres), place),
        "lignes": [
            {"ligne": li.ligne, "identifiant": li.identifiant, "resultat": li.resultat, "message": li.message}
            for li in sorted(listees, key=lambda li: li.ligne)
        ],
    }


def _importer(
    contexte: Contexte, campagne_id: int, organisation_id: int, nom_fichier: str, chemin: str, tout_ou_rien: bool
) -> Resultat:
    contexte.progression(1, f"Lecture de {nom_fichier}", 0, 0)
    octets = depot_lire(chemin, conserve=CONSERVE)
    campagne = Campagne.objects.get(pk=campagne_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    if not permissions.peut_noter(contexte.acteur, campagne, organisation):
        raise EchecTravail(
            f"Vous ne pouvez plus enregistrer les notes de {organisation} pour la campagne {campagne.annee} : "
            "vos droits ou la campagne ont changé depuis le dépôt du fichier.",
            conserve=CONSERVE,
        )
    try:
        rapport = services.notations_importer_excel(
            campagne=campagne,
            organisation=organisation,
            fichier=octets,
            auteur=contexte.acteur,
            tout_ou_rien=tout_ou_rien,
        )
    except PermissionDenied as exc:
        raise EchecTravail(str(exc) or "Import non autorisé.", conserve=CONSERVE) from None
    except ValidationError as exc:
        raise EchecTravail(" ".join(exc.messages), conserve=CONSERVE) from None
    details = _details(rapport, campagne, organisation)
    if rapport.erreur_fichier:
        raise EchecTravail(
            f"{nom_fichier} : {rapport.resume()}", conserve=CONSERVE, details=details, gabarit=GABARIT_RAPPORT
        )
    if rapport.annule:
        raise EchecTravail(
            f"{nom_fichier} : {rapport.resume()}",
            conserve=CONSERVE_TOUT_OU_RIEN,
            details=details,
            gabarit=GABARIT_RAPPORT,
        )
    return Resultat(resume=f"{nom_fichier} : {rapport.resume()}", details=details, gabarit=GABARIT_RAPPORT)


@task()
def importer_notations(
    *, travail_id: int, campagne_id: int, organisation_id: int, nom_fichier: str, chemin: str, tout_ou_rien: bool
) -> str:
    return executer(
        travail_id,
        lambda contexte: _importer(contexte, campagne_id, organisation_id, nom_fichier, chemin, tout_ou_rien),
    )


def import_lancer(
    *,
    user: Any,
    campagne: Campagne,
    organisation: Organisation,
    nom_fichier: str,
    contenu: bytes | IO[bytes],
    tout_ou_rien: bool,
) -> Travail:
    """Launch the re-import of the workbook ``contenu`` of ``organisation`` for ``campagne``, stored under
    ``imports/`` until the worker reads it."""
    chemin = depot_enregistrer(contenu, suffixe=".xlsx")
    return travail_lancer(
        lance_par_id=user.pk,
        nature="qualification.import_notations",
        libelle=f"Import de notes ({nom_fichier}) — campagne {campagne.annee}, {organisation}",
        tache=importer_notations,
        conserve=CONSERVE,
        arguments={
            "campagne_id": campagne.pk,
            "organisation_id": organisation.pk,
            "nom_fichier": nom_fichier[:200],
            "chemin": chemin,
            "tout_ou_rien": tout_ou_rien,
        },
    )
