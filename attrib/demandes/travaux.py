"""Long work of the demand file, run by the worker (``attrib.taches``):

* the import of a CSV file of demands on behalf of a desk, its line-by-line report shown on the job's page;
* the export of the demand list (CSV, Excel) with the list's search and filters, under the launcher's rights
  (journalled when the file is written, ``docs/decisions/0004-exports-surs.md``); the file is downloaded from
  the job's page by its launcher."""

from __future__ import annotations

import base64
import io
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from attrib.common import tableurs
from attrib.demandes import importexport
from attrib.demandes.recherche import demandes_filtrees
from attrib.organisations.models import Organisation
from attrib.taches.depots import depot_enregistrer, depot_lire
from attrib.taches.execution import Contexte, EchecTravail, Resultat, executer, travail_lancer
from attrib.taches.models import Travail

FORMATS = {"csv": ("CSV", tableurs.TYPE_CSV), "xlsx": ("Excel", tableurs.TYPE_XLSX)}


def _parametres(parametres: dict[str, list[str]]) -> QueryDict:
    donnees = QueryDict(mutable=True)
    for cle, valeurs in parametres.items():
        donnees.setlist(cle, valeurs)
    return donnees


def perimetre_export(parametres: dict[str, list[str]]) -> str:
    return "liste des demandes visibles" + (", filtrée" if parametres else "")


def _exporter(contexte: Contexte, format_fichier: str, parametres: dict[str, list[str]]) -> Resultat:
    user = contexte.lanceur
    demandes = demandes_filtrees(user, _parametres(parametres))
    contexte.progression(1, "Écriture du fichier", 0, 0)
    arguments: dict[str, Any] = {
        "demandes": demandes,
        "auteur": contexte.acteur,
        "perimetre": perimetre_export(parametres),
        "filtres": parametres,
    }
    try:
        if format_fichier == "csv":
            texte = io.StringIO()
            lignes = importexport.exporter_demandes_csv(flux=texte, **arguments)
            contenu = texte.getvalue().encode("utf-8")
        else:
            octets = io.BytesIO()
            lignes = importexport.exporter_demandes_xlsx(flux=octets, **arguments)
            contenu = octets.getvalue()
    except PermissionDenied as exc:
        raise EchecTravail(str(exc) or "Export non autorisé.", conserve="Aucun fichier n'a été produit.") from None
    libelle, type_fichier = FORMATS[format_fichier]
    return Resultat(
        resume=f"{lignes} demande{'s' if lignes > 1 else ''} exportée{'s' if lignes > 1 else ''} ({libelle}, "
        f"{perimetre_export(parametres)}). L'export est inscrit au journal.",
        fichier=contenu,
        nom_fichier=f"demandes-{timezone.localdate():%Y%m%d}.{format_fichier}",
        type_fichier=type_fichier,
    )


@task()
def exporter_demandes(*, travail_id: int, format_fichier: str, parametres: dict[str, list[str]]) -> str:
    return executer(travail_id, lambda contexte: _exporter(contexte, format_fichier, parametres))


def export_lancer(*, user: Any, format_fichier: str, parametres: dict[str, list[str]]) -> Travail:
    """Launch the export of the demand list (``parametres``: the list's search and filters)."""
    libelle, _ = FORMATS[format_fichier]
    return travail_lancer(
        lance_par_id=user.pk,
        nature=f"demandes.export_{format_fichier}",
        libelle=f"Export des demandes ({libelle}, {perimetre_export(parametres)})",
        tache=exporter_demandes,
        conserve="Aucun fichier n'a été produit.",
        arguments={"format_fichier": format_fichier, "parametres": parametres},
    )


# --- import ---------------------------------------------------------------------------------------------------

GABARIT_RAPPORT = "demandes/_rapport_import.html"
#: Errors kept in the job's report (the summary counts them all).
ERREURS_AFFICHEES = 500


def _pluriel(n: int, singulier: str, pluriel: str) -> str:
    return f"{n} {singulier if n <= 1 else pluriel}"


def _details(rapport: importexport.RapportImport) -> dict[str, Any]:
    return {
        "tout_ou_rien": rapport.tout_ou_rien,
        "annule": rapport.annule,
        "lignes_lues": rapport.lignes_lues,
        "lignes_valides": rapport.lignes_valides,
        "nb_creees": rapport.nb_creees,
        "nb_mises_a_jour": rapport.nb_mises_a_jour,
        "nb_erreurs": rapport.nb_erreurs,
        "nb_lignes_en_erreur": len(rapport.lignes_en_erreur),
        "nb_inchangees": len(rapport.inchangees),
        "creees": rapport.creees,
        "mises_a_jour": rapport.mises_a_jour,
        "inchangees": rapport.inchangees,
        "erreurs": [
            {"ligne": e.ligne, "colonne": e.colonne, "message": e.message} for e in rapport.erreurs[:ERREURS_AFFICHEES]
        ],
    }


def _lire_depose(chemin: str, contenu: str | None) -> bytes:
    """The uploaded file: stored under ``imports/`` of the media storage (then removed), or, for a job queued by
    an older version, its content in base64."""
    if contenu is not None:
        if chemin:
            default_storage.delete(chemin)
        return base64.b64decode(contenu)
    return depot_lire(chemin, conserve="Aucune demande n'a été importée.")


def _importer(
    contexte: Contexte, guichet_id: int, nom_fichier: str, chemin: str, contenu: str | None, tout_ou_rien: bool
) -> Resultat:
    contexte.progression(1, f"Lecture de {nom_fichier}", 0, 0)
    octets = _lire_depose(chemin, contenu)
    try:
        rapport = importexport.importer_demandes(
            fichier=octets,
            guichet=Organisation.objects.get(pk=guichet_id),
            auteur=contexte.acteur,
            tout_ou_rien=tout_ou_rien,
            progression=contexte.progression,
        )
    except PermissionDenied as exc:  # rights withdrawn between the launch and the run
        raise EchecTravail(str(exc) or "Import non autorisé.", conserve="Aucune demande n'a été importée.") from None
    details = _details(rapport)
    if rapport.annule:
        raise EchecTravail(
            f"Import de {nom_fichier} annulé : {_pluriel(rapport.nb_erreurs, 'erreur', 'erreurs')} "
            "(détail ligne par ligne ci-dessous).",
            conserve="Aucune demande n'a été importée.",
            details=details,
            gabarit=GABARIT_RAPPORT,
        )
    importees = rapport.nb_creees + rapport.nb_mises_a_jour
    ecartees = len(rapport.lignes_en_erreur)
    resume = (
        f"{nom_fichier} : {_pluriel(importees, 'ligne importée', 'lignes importées')} "
        f"({rapport.nb_creees} créée{'s' if rapport.nb_creees > 1 else ''}, {rapport.nb_mises_a_jour} mise"
        f"{'s' if rapport.nb_mises_a_jour > 1 else ''} à jour), {_pluriel(ecartees, 'écartée', 'écartées')}."
    )
    return Resultat(resume=resume, details=details, gabarit=GABARIT_RAPPORT)


@task()
def importer_demandes(
    *,
    travail_id: int,
    guichet_id: int,
    nom_fichier: str,
    tout_ou_rien: bool,
    chemin: str = "",
    contenu: str | None = None,
) -> str:
    return executer(
        travail_id, lambda contexte: _importer(contexte, guichet_id, nom_fichier, chemin, contenu, tout_ou_rien)
    )


def import_lancer(
    *, user: Any, guichet: Organisation, nom_fichier: str, contenu: bytes | IO[bytes], tout_ou_rien: bool
) -> Travail:
    """Launch the import of the file ``contenu`` (bytes, or an uploaded file read by chunks). The file is stored
    under ``imports/`` of the media storage and the job gets its name, not its content (the queue stores JSON
    in the database); the worker removes it once read."""
    chemin = depot_enregistrer(contenu, suffixe=".csv")
    return travail_lancer(
        lance_par_id=user.pk,
        nature="demandes.import",
        libelle=f"Import de demandes ({nom_fichier}) — {guichet}",
        tache=importer_demandes,
        unite="lignes",
        conserve=(
            "Aucune demande n'a été importée (mode « tout ou rien »)."
            if tout_ou_rien
            else "Les lignes importées avant l'interruption le restent ; les autres ne l'ont pas été."
        ),
        arguments={
            "guichet_id": guichet.pk,
            "nom_fichier": nom_fichier[:200],
            "chemin": chemin,
            "tout_ou_rien": tout_ou_rien,
        },
    )
