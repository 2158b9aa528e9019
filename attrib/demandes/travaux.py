"""Long work of the demand file, run by the worker (``attrib.taches``): the export of the demand list (CSV,
Excel) with the list's search and filters, under the launcher's rights (journalled when the file is
written, ``docs/decisions/0004-exports-surs.md``); the file is downloaded from the job's page by its launcher."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from attrib.common import tableurs
from attrib.demandes import importexport
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
    from attrib.demandes.views.consultation import demandes_filtrees

    user = contexte.lanceur
    demandes = demandes_filtrees(user, _parametres(parametres))
    contexte.progression(1, "Écriture du fichier", 0, 0)
    arguments: dict[str, Any] = {
        "demandes": demandes,
        "user": user,
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
