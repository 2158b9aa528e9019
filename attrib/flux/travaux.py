"""Long work of the gestion en flux, run by the worker (``attrib.taches``): the import of a bailleur's
agreements (CSV or Excel), all or nothing, its line-by-line report shown on the job's page."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks import task

from attrib.flux import services
from attrib.organisations.models import Organisation
from attrib.taches.depots import depot_enregistrer, depot_lire, suffixe_de
from attrib.taches.execution import Contexte, EchecTravail, Resultat, executer, travail_lancer
from attrib.taches.models import Travail

GABARIT_RAPPORT = "flux/_rapport_import_conventions.html"
CONSERVE = "Aucune convention n'a été enregistrée ni modifiée."


def _details(rapport: services.RapportImportConventions) -> dict[str, Any]:
    return {
        "annule": rapport.annule,
        "resume": rapport.resume(),
        "erreurs_ensemble": list(rapport.erreurs_ensemble),
        "lignes": [
            {"numero": li.numero, "libelle": li.libelle, "resultat": li.resultat, "messages": list(li.messages)}
            for li in rapport.lignes
        ],
    }


def _importer(contexte: Contexte, bailleur_id: int, nom_fichier: str, chemin: str) -> Resultat:
    contexte.progression(1, f"Lecture de {nom_fichier}", 0, 0)
    octets = depot_lire(chemin, conserve=CONSERVE)
    try:
        rapport = services.conventions_importer(
            bailleur=Organisation.objects.get(pk=bailleur_id),
            fichier=octets,
            nom_fichier=nom_fichier,
            auteur=contexte.acteur,
        )
    except PermissionDenied as exc:  # rights withdrawn between the upload and the run
        raise EchecTravail(str(exc) or "Import non autorisé.", conserve=CONSERVE) from None
    except ValidationError as exc:
        raise EchecTravail(" ".join(exc.messages), conserve=CONSERVE) from None
    if rapport.annule:
        raise EchecTravail(
            f"Import de {nom_fichier} refusé : {rapport.resume()}",
            conserve=CONSERVE,
            details=_details(rapport),
            gabarit=GABARIT_RAPPORT,
        )
    return Resultat(resume=f"{nom_fichier} : {rapport.resume()}", details=_details(rapport), gabarit=GABARIT_RAPPORT)


@task()
def importer_conventions(*, travail_id: int, bailleur_id: int, nom_fichier: str, chemin: str) -> str:
    return executer(travail_id, lambda contexte: _importer(contexte, bailleur_id, nom_fichier, chemin))


def import_lancer(*, user: Any, bailleur: Organisation, nom_fichier: str, contenu: bytes | IO[bytes]) -> Travail:
    """Launch the import of the agreements of ``bailleur`` from the uploaded file ``contenu``, stored under
    ``imports/`` until the worker reads it."""
    chemin = depot_enregistrer(contenu, suffixe=suffixe_de(nom_fichier, permis=(".csv", ".xlsx")))
    return travail_lancer(
        lance_par_id=user.pk,
        nature="flux.import_conventions",
        libelle=f"Import de conventions ({nom_fichier}) — {bailleur}",
        tache=importer_conventions,
        conserve=CONSERVE,
        arguments={"bailleur_id": bailleur.pk, "nom_fichier": nom_fichier[:200], "chemin": chemin},
    )
