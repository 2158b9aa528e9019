"""Long work of the dashboard, run by the worker (``attrib.taches``): the exports for the CIL (the Excel
workbook; the CSV list of the attributions), with the dashboard's filters and under the launcher's rights,
journalled when the file is written; the file is downloaded from the job's page by its launcher."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from attrib.commissions.models import Bail
from attrib.common import tableurs
from attrib.common.services import export_journaliser
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.permissions import REFUS_DONNEES_PERSONNELLES, peut_exporter_donnees_personnelles
from attrib.pilotage import export, permissions, selectors
from attrib.pilotage.forms import FiltreForm
from attrib.taches.execution import Contexte, EchecTravail, Resultat, executer, travail_lancer
from attrib.taches.models import Travail

AUCUN_FICHIER = "Aucun fichier n'a été produit."


def formulaire(user: Any, donnees: Any) -> FiltreForm:
    return FiltreForm(donnees, choix=selectors.choix_perimetre(acteur_de(user)), aujourd_hui=timezone.localdate())


def _exporter(contexte: Contexte, format_fichier: str, parametres: dict[str, list[str]]) -> Resultat:
    user = contexte.lanceur
    acteur = contexte.acteur
    donnees = QueryDict(mutable=True)
    for cle, valeurs in parametres.items():
        donnees.setlist(cle, valeurs)
    form = formulaire(user, donnees)
    if not permissions.peut_acceder(acteur) or not form.is_valid():
        raise EchecTravail("Les filtres de l'export ne sont plus valables pour vous.", conserve=AUCUN_FICHIER)
    liste = peut_exporter_donnees_personnelles(user)
    if format_fichier == "csv" and not liste:
        raise EchecTravail(REFUS_DONNEES_PERSONNELLES, conserve=AUCUN_FICHIER)
    contexte.progression(1, "Calcul des indicateurs et écriture du fichier", 0, 0)
    periode = form.periode()
    t = selectors.tableau(acteur, periode, form.perimetre())
    perimetre = selectors.libelle_perimetre(form.perimetre(), selectors.choix_perimetre(acteur))
    nom = f"pilotage_attributions_{periode.debut:%Y%m%d}_{periode.fin:%Y%m%d}.{format_fichier}"
    if format_fichier == "csv":
        contenu, type_fichier = export.csv_attributions(t), tableurs.TYPE_CSV
    else:
        lv = selectors.location_voulue(acteur, periode, form.perimetre(), t=t)
        contenu = export.classeur(t, perimetre=perimetre, liste_attributions=liste, location_voulue=lv)
        type_fichier = tableurs.TYPE_XLSX
    export_journaliser(
        objet=Bail,
        export="du tableau de bord des objectifs d'attribution (CIL)",
        format_fichier=format_fichier,
        lignes=len(t.lignes),
        auteur=user,
        perimetre=f"{perimetre}, {t.periode.libelle()}",
        donnees_personnelles=format_fichier == "csv" or liste,
        details={"filtres": parametres},
    )
    n = len(t.lignes)
    return Resultat(
        resume=f"Export pour la CIL prêt : {n} attribution{'s' if n > 1 else ''} ({perimetre}, "
        f"{t.periode.libelle()}). L'export est inscrit au journal.",
        fichier=contenu,
        nom_fichier=nom,
        type_fichier=type_fichier,
    )


@task()
def exporter_tableau(*, travail_id: int, format_fichier: str, parametres: dict[str, list[str]]) -> str:
    return executer(travail_id, lambda contexte: _exporter(contexte, format_fichier, parametres))


def export_lancer(*, user: Any, format_fichier: str, parametres: dict[str, list[str]]) -> Travail:
    """Launch the CIL export (``parametres``: the dashboard's filters, already checked by the view)."""
    return travail_lancer(
        lance_par_id=user.pk,
        nature=f"pilotage.export_{format_fichier}",
        libelle=(
            "Export du tableau de bord pour la CIL (Excel)"
            if format_fichier == "xlsx"
            else "Export des attributions pour la CIL (CSV)"
        ),
        tache=exporter_tableau,
        conserve=AUCUN_FICHIER,
        arguments={"format_fichier": format_fichier, "parametres": parametres},
    )
